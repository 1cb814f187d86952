#include "geometry.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace cirrus::keyboard {

double Rect::distance_to(double px, double py) const {
    const double dx = std::max({x - px, 0.0, px - (x + w)});
    const double dy = std::max({y - py, 0.0, py - (y + h)});
    return std::hypot(dx, dy);
}

Metrics metrics_for(double width, double screen_width, double screen_height) {
    Metrics m;
    const bool portrait = screen_height >= screen_width || screen_height <= 0;
    if (portrait) {
        m.row_height = std::round(std::clamp(width * 0.12, 42.0, 64.0));
        m.bar_height = std::round(std::clamp(width * 0.085, 34.0, 44.0));
    } else {
        // Five strips in at most ~45% of the short side.
        m.row_height = std::round(std::clamp(screen_height * 0.09, 30.0, 48.0));
        m.bar_height = std::round(std::clamp(screen_height * 0.07, 28.0, 40.0));
    }
    return m;
}

Geometry compute_geometry(const Layout& layout, double width, const Metrics& metrics) {
    Geometry g;
    g.width = width;
    g.bar = {0, 0, width, metrics.bar_height};
    double y = metrics.bar_height;
    for (std::size_t r = 0; r < layout.rows.size(); ++r) {
        const Row& row = layout.rows[r];
        double total = 0;
        for (const Key& k : row.keys) total += std::max(k.width, 0.0);
        if (total <= 0) continue;
        double x = 0;
        for (std::size_t i = 0; i < row.keys.size(); ++i) {
            const double w = width * std::max(row.keys[i].width, 0.0) / total;
            if (row.keys[i].action != KeyAction::Spacer) g.keys.push_back({r, i, {x, y, w, metrics.row_height}});
            x += w;
        }
        y += metrics.row_height;
    }
    g.height = y;
    return g;
}

std::optional<std::size_t> Geometry::hit(double x, double y) const {
    if (y < bar.y + bar.h || y >= height || x < 0 || x >= width) return std::nullopt;
    std::optional<std::size_t> best;
    double best_distance = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < keys.size(); ++i) {
        const double d = keys[i].rect.distance_to(x, y);
        if (d < best_distance) {
            best_distance = d;
            best = i;
        }
    }
    return best;
}

}  // namespace cirrus::keyboard
