#include "theme.hpp"

#include "common/css_colour.hpp"

namespace cirrus::shell {

// The rules are common/css_colour's, which `cirrus dev`'s checklist applies too.
double relative_luminance(const Colour& c) { return launcher::relative_luminance(c.r, c.g, c.b); }

Colour text_colour_on(const Colour& background) {
    return launcher::black_reads_better_on(relative_luminance(background)) ? Colour{0, 0, 0, 1} : Colour{1, 1, 1, 1};
}

Colour status_bar_background(std::uint32_t theme_argb) {
    if ((theme_argb >> 24) == 0) return rgb(kStatusBarHomeRgb);
    return rgb(theme_argb & 0xffffff);
}

}  // namespace cirrus::shell
