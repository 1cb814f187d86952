#include "home_edit.hpp"

#include <algorithm>
#include <cmath>
#include <set>

namespace cirrus::shell {

std::optional<std::int64_t> drop_position(const HomeGeometry& geometry,
                                          std::span<const std::optional<std::int64_t>> positions, std::size_t dragged,
                                          int page, double x, double y) {
    const int per_page = geometry.per_page();
    if (per_page <= 0) return std::nullopt;
    // The raw grid pages as they are shown while the icon is dragged (its
    // own page included, even if it would empty).
    std::set<std::int64_t> raw_pages;
    int others_in_dock = 0;
    for (std::size_t i = 0; i < positions.size(); ++i) {
        const auto& p = positions[i];
        if (!p) continue;
        if (*p < kDockFirstPosition) {
            raw_pages.insert(*p / per_page);
        } else if (i != dragged) {
            ++others_in_dock;
        }
    }

    if (geometry.dock.contains(x, y)) {
        if (others_in_dock >= kDockCapacity) return std::nullopt;
        // The dock shows others_in_dock + 1 icons once it lands: the slot
        // whose centre is nearest the finger.
        const int count = others_in_dock + 1;
        int best = 0;
        double best_distance = 1e18;
        for (int slot = 0; slot < count; ++slot) {
            const Box box = geometry.dock_icon(slot, count);
            const double distance = std::abs(box.x + box.width / 2.0 - x);
            if (distance < best_distance) {
                best_distance = distance;
                best = slot;
            }
        }
        return kDockFirstPosition + best;
    }

    const int column =
        std::clamp(static_cast<int>((x - geometry.grid.x) / geometry.cell_width), 0, geometry.columns - 1);
    const int row = std::clamp(static_cast<int>((y - geometry.grid.y) / geometry.cell_height), 0, geometry.rows - 1);
    const std::vector<std::int64_t> pages(raw_pages.begin(), raw_pages.end());
    std::int64_t raw = 0;
    if (page >= 0 && static_cast<std::size_t>(page) < pages.size()) {
        raw = pages[static_cast<std::size_t>(page)];
    } else if (!pages.empty()) {
        raw = pages.back() + 1;  // past the last page: a new one
    }
    return raw * per_page + row * geometry.columns + column;
}

Box remove_badge(const Box& icon) {
    const int size = std::max(16, icon.width * 2 / 5);
    return {icon.x - size / 3, icon.y - size / 3, size, size};
}

int drag_edge(const HomeGeometry& geometry, double x) {
    if (x < kEdgeZonePx) return -1;
    if (x >= geometry.width - kEdgeZonePx) return 1;
    return 0;
}

ConfirmLayout confirm_layout(const HomeGeometry& geometry) {
    const int width = std::min(geometry.width - 48, 320);
    const int height = 150;
    const Box panel{(geometry.width - width) / 2, (geometry.height - height) / 2, width, height};
    const int button_height = 44;
    const int button_y = panel.y + panel.height - button_height;
    return {panel,
            {panel.x, button_y, width / 2, button_height},
            {panel.x + width / 2, button_y, width - width / 2, button_height}};
}

}  // namespace cirrus::shell
