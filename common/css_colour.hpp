// CSS colour values as the manifest's theme_color and background_color hold
// them: hex (#rgb, #rgba, #rrggbb, #rrggbbaa), rgb()/rgba() and hsl()/hsla()
// in both the comma and the space ("rgb(0 0 0 / 50%)") syntax, the 148 named
// colours and `transparent`. Nothing else (no currentcolor, no system colours,
// no lab()/color()): the shell paints these itself and needs plain sRGB.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cirrus::launcher {

struct Rgba {
    std::uint8_t r = 0;
    std::uint8_t g = 0;
    std::uint8_t b = 0;
    std::uint8_t a = 255;

    friend bool operator==(const Rgba&, const Rgba&) = default;
};

// nullopt when `text` is not one of the syntaxes above. Case-insensitive,
// surrounding whitespace ignored, out-of-range channels clamped (as CSS does).
std::optional<Rgba> parse_css_colour(std::string_view text);

// "#rrggbb" for an opaque colour, "#rrggbbaa" otherwise (lowercase).
std::string to_hex(Rgba colour);

// WCAG 2 relative luminance of an sRGB colour, channels 0..1 (alpha ignored).
double relative_luminance(double r, double g, double b);
double relative_luminance(Rgba colour);
// WCAG 2 contrast ratio of two luminances, 1 to 21.
double contrast_ratio(double luminance_a, double luminance_b);
// The status bar's rule for its text and icons on an app's theme colour:
// black when black contrasts more than white with `luminance`, else white.
bool black_reads_better_on(double luminance);

}  // namespace cirrus::launcher
