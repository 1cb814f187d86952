// The shell's colours, and the choice of a readable text colour on an app's
// theme colour. Plain C++ so that tests (unit and screenshot) share the
// values with the drawing code.
#pragma once

#include <cstdint>

namespace cirrus::shell {

struct Colour {
    double r = 0, g = 0, b = 0, a = 1;  // 0..1, not premultiplied
    bool operator==(const Colour&) const = default;
};

// 0xRRGGBB, opaque.
constexpr Colour rgb(std::uint32_t value) {
    return {((value >> 16) & 0xff) / 255.0, ((value >> 8) & 0xff) / 255.0, (value & 0xff) / 255.0, 1.0};
}

inline constexpr Colour kWhite{1, 1, 1, 1};

// The wallpaper: a vertical gradient, top to bottom.
inline constexpr std::uint32_t kWallpaperTopRgb = 0x123a5c;
inline constexpr std::uint32_t kWallpaperBottomRgb = 0x2f7f86;
// The status bar while the home screen (or no app with a theme) is in front.
inline constexpr std::uint32_t kStatusBarHomeRgb = 0x0b2236;

// WCAG relative luminance of an sRGB colour (alpha ignored).
double relative_luminance(const Colour& colour);

// Black or white, whichever contrasts more with `background`.
Colour text_colour_on(const Colour& background);

// The status bar's background for a front_app theme_color (0xAARRGGBB):
// the colour itself, opaque; the home colour when alpha is 0 (no theme).
Colour status_bar_background(std::uint32_t theme_argb);

}  // namespace cirrus::shell
