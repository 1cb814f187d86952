#include "home_layout.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace cirrus::shell {

namespace {

int round_to_int(double v) { return static_cast<int>(std::lround(v)); }

bool is_dock(std::int64_t position) {
    return position >= kDockFirstPosition && position < kDockFirstPosition + kDockCapacity;
}

}  // namespace

// Sizes are designed at 480 logical pixels across the short side and grow or
// shrink with it (u), within bounds so that a tablet does not get giant
// icons nor a watch-sized screen unreadable labels.
HomeGeometry compute_geometry(int width, int height) {
    HomeGeometry g;
    g.width = std::max(width, 1);
    g.height = std::max(height, 1);
    const double u = std::clamp(std::min(g.width, g.height) / 480.0, 0.6, 1.5);

    const int dock_height = round_to_int(96 * u);
    const int dots_height = round_to_int(20 * u);
    const int pad_x = round_to_int(4 * u);
    const int pad_top = round_to_int(8 * u);
    g.dock = {0, g.height - dock_height, g.width, dock_height};
    const int dock_inset_x = round_to_int(8 * u);
    const int dock_inset_y = round_to_int(6 * u);
    g.dock_panel = {dock_inset_x, g.dock.y + dock_inset_y, g.width - 2 * dock_inset_x, dock_height - 2 * dock_inset_y};
    g.dots = {0, g.dock.y - dots_height, g.width, dots_height};
    const int grid_top = kStatusBarHeight + pad_top;
    g.grid = {pad_x, grid_top, std::max(g.width - 2 * pad_x, 1), std::max(g.dots.y - grid_top, 1)};

    // A cell wants about 112x124 at u = 1: 4 by 5 at 480x800, 4 by 4 at
    // 320x480, 7 by 2 at 800x480.
    g.columns = std::clamp(static_cast<int>(g.grid.width / (112 * u)), 3, 8);
    g.rows = std::clamp(static_cast<int>(g.grid.height / (124 * u)), 1, 8);
    g.cell_width = static_cast<double>(g.grid.width) / g.columns;
    g.cell_height = static_cast<double>(g.grid.height) / g.rows;

    g.label_font_px = std::max(9, round_to_int(13 * u));
    g.label_height = static_cast<int>(std::ceil(g.label_font_px * 1.6));
    g.label_width = std::max(1, round_to_int(g.cell_width - 8 * u));
    const double gap = 6 * u;
    g.icon_size =
        std::max(16, round_to_int(std::min({72 * u, g.cell_width - 16 * u, g.cell_height - g.label_height - gap - 6 * u,
                                            dock_height - 16 * u})));
    return g;
}

Box HomeGeometry::cell(int index) const {
    const int column = index % columns;
    const int row = index / columns;
    const int x0 = grid.x + round_to_int(column * cell_width);
    const int y0 = grid.y + round_to_int(row * cell_height);
    const int x1 = grid.x + round_to_int((column + 1) * cell_width);
    const int y1 = grid.y + round_to_int((row + 1) * cell_height);
    return {x0, y0, x1 - x0, y1 - y0};
}

Box HomeGeometry::icon(int index) const {
    const Box c = cell(index);
    const double u = std::clamp(std::min(width, height) / 480.0, 0.6, 1.5);
    const int block = icon_size + round_to_int(6 * u) + label_height;
    return {c.x + (c.width - icon_size) / 2, c.y + (c.height - block) / 2, icon_size, icon_size};
}

Box HomeGeometry::label(int index) const {
    const Box c = cell(index);
    const Box i = icon(index);
    const double u = std::clamp(std::min(width, height) / 480.0, 0.6, 1.5);
    return {c.x + (c.width - label_width) / 2, i.y + i.height + round_to_int(6 * u), label_width, label_height};
}

Box HomeGeometry::target(int index) const {
    const Box i = icon(index);
    const Box l = label(index);
    const int x0 = std::min(i.x, l.x);
    const int x1 = std::max(i.x + i.width, l.x + l.width);
    return {x0, i.y, x1 - x0, l.y + l.height - i.y};
}

Box HomeGeometry::dock_icon(int slot, int count) const {
    const double spacing = static_cast<double>(width) / kDockCapacity;
    const double centre = width / 2.0 + (slot - (count - 1) / 2.0) * spacing;
    return {round_to_int(centre - icon_size / 2.0), dock.y + (dock.height - icon_size) / 2, icon_size, icon_size};
}

double HomeGeometry::dot_radius() const { return std::max(2.0, dots.height * 0.175); }

double HomeGeometry::dot_x(int page, int pages) const {
    const double spacing = dots.height * 0.8;
    return width / 2.0 + (page - (pages - 1) / 2.0) * spacing;
}

Placement place_apps(std::span<const std::optional<std::int64_t>> positions, int per_page) {
    Placement result;
    result.slots.resize(positions.size());
    per_page = std::max(per_page, 1);

    std::set<std::int64_t> taken;
    for (const auto& p : positions) {
        if (p) taken.insert(*p);
    }
    // Apps without a position fill the gaps from slot 0 up, in input order.
    std::vector<std::int64_t> grid_position(positions.size(), -1);
    std::int64_t next_free = 0;
    for (std::size_t i = 0; i < positions.size(); ++i) {
        if (positions[i]) {
            grid_position[i] = *positions[i];
            continue;
        }
        while (taken.count(next_free)) ++next_free;
        taken.insert(next_free);
        grid_position[i] = next_free;
        result.assigned.emplace_back(i, next_free);
    }

    // Raw pages in use, numbered in order for display; dock apps by position.
    std::map<std::int64_t, int> displayed_page;
    std::map<std::int64_t, std::size_t> dock_apps;
    for (std::size_t i = 0; i < positions.size(); ++i) {
        const std::int64_t p = grid_position[i];
        if (is_dock(p)) dock_apps[p] = i;
        else displayed_page[p / per_page] = 0;
    }
    int next_page = 0;
    for (auto& [raw, shown] : displayed_page) shown = next_page++;
    result.pages = std::max(next_page, 1);

    for (std::size_t i = 0; i < positions.size(); ++i) {
        const std::int64_t p = grid_position[i];
        if (is_dock(p)) continue;
        result.slots[i] = {Slot::Area::grid, displayed_page[p / per_page], static_cast<int>(p % per_page)};
    }
    int dock_index = 0;
    for (const auto& [p, i] : dock_apps) result.slots[i] = {Slot::Area::dock, 0, dock_index++};
    result.dock_count = dock_index;
    return result;
}

std::optional<std::size_t> hit_test(const HomeGeometry& geometry, const Placement& placement, int page, double x,
                                    double y) {
    for (std::size_t i = 0; i < placement.slots.size(); ++i) {
        const Slot& s = placement.slots[i];
        if (s.area == Slot::Area::dock) {
            if (geometry.dock_icon(s.index, placement.dock_count).contains(x, y)) return i;
        } else if (s.page == page && geometry.target(s.index).contains(x, y)) {
            return i;
        }
    }
    return std::nullopt;
}

}  // namespace cirrus::shell
