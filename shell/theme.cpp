#include "theme.hpp"

#include <cmath>

namespace cirrus::shell {

namespace {

double linear(double channel) {
    return channel <= 0.04045 ? channel / 12.92 : std::pow((channel + 0.055) / 1.055, 2.4);
}

}  // namespace

double relative_luminance(const Colour& c) {
    return 0.2126 * linear(c.r) + 0.7152 * linear(c.g) + 0.0722 * linear(c.b);
}

Colour text_colour_on(const Colour& background) {
    // Contrast ratio (L1 + 0.05) / (L2 + 0.05) against white (L = 1) and black (L = 0).
    const double l = relative_luminance(background);
    const double with_white = 1.05 / (l + 0.05);
    const double with_black = (l + 0.05) / 0.05;
    return with_black > with_white ? Colour{0, 0, 0, 1} : Colour{1, 1, 1, 1};
}

Colour status_bar_background(std::uint32_t theme_argb) {
    if ((theme_argb >> 24) == 0) return rgb(kStatusBarHomeRgb);
    return rgb(theme_argb & 0xffffff);
}

}  // namespace cirrus::shell
