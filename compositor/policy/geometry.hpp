// Plain geometry shared by the window and layer policies; no wlroots types so
// that unit tests reach the policy without a display.
#pragma once

#include <compare>

namespace cirrus {

struct Size {
    int width = 0;
    int height = 0;
    bool empty() const { return width <= 0 || height <= 0; }
    auto operator<=>(const Size&) const = default;
};

struct Rect {
    int x = 0;
    int y = 0;
    int width = 0;
    int height = 0;
    bool empty() const { return width <= 0 || height <= 0; }
    bool contains(double px, double py) const { return px >= x && py >= y && px < x + width && py < y + height; }
    Size size() const { return {width, height}; }
    auto operator<=>(const Rect&) const = default;
};

}  // namespace cirrus
