// What the policy tests share about geometry: the phone's screen, and Rects
// that failed checks print.
#pragma once

#include <ostream>

#include "geometry.hpp"

namespace cirrus {
// So that failed checks print the rectangles instead of "{?}" (in Rect's
// namespace, where doctest's argument-dependent lookup finds it).
inline std::ostream& operator<<(std::ostream& out, const Rect& r) {
    return out << "Rect{" << r.x << ", " << r.y << ", " << r.width << "x" << r.height << "}";
}
}  // namespace cirrus

namespace cirrus::test {

// A 480x800 portrait phone's whole screen.
constexpr Rect phone{0, 0, 480, 800};

}  // namespace cirrus::test
