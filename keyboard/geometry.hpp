// Where the keys are: the candidate bar on top, then the rows, each row's
// keys filling the width in proportion to their relative widths. Logical
// pixels (the buffer scale multiplies them). Plain C++.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "layouts.hpp"

namespace cirrus::keyboard {

struct Rect {
    double x = 0, y = 0, w = 0, h = 0;
    bool contains(double px, double py) const { return px >= x && px < x + w && py >= y && py < y + h; }
    // 0 inside, else the distance to the nearest edge point.
    double distance_to(double px, double py) const;
};

// Heights for a keyboard `width` wide on a screen of the given logical size:
// portrait keys are taller (the keyboard may take about a third of the
// screen); in landscape it stays under about half the short side.
struct Metrics {
    double bar_height = 40;
    double row_height = 56;
};
Metrics metrics_for(double width, double screen_width, double screen_height);

struct KeyBox {
    std::size_t row = 0;
    std::size_t index = 0;  // in the row
    Rect rect;
};

struct Geometry {
    double width = 0;
    double height = 0;  // bar + rows: the surface height and its exclusive zone
    Rect bar;
    std::vector<KeyBox> keys;  // every key but spacers, row by row

    // The key nearest the point among those in the keys area (a touch in a
    // gap or a margin lands on the closest key); nullopt in the bar or
    // outside the keyboard.
    std::optional<std::size_t> hit(double x, double y) const;
};

Geometry compute_geometry(const Layout& layout, double width, const Metrics& metrics);

}  // namespace cirrus::keyboard
