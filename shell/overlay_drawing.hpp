// Drawing shared by the shell's overlays (lock screen, banners, permission
// prompt): text in a box through Pango (any script: fontconfig falls back
// to a CJK font for Chinese), rounded rectangles, and cached renderings.
// All coordinates are logical pixels on a context already scaled to the
// buffer scale.
#pragma once

#include <cairo.h>

#include <string>

#include "home_drawing.hpp"
#include "home_layout.hpp"
#include "theme.hpp"

namespace cirrus::shell {

void set_colour(cairo_t* cr, const Colour& colour);

// A rounded rectangle path (not filled).
void rounded_rect(cairo_t* cr, double x, double y, double width, double height, double radius);

struct TextStyle {
    int px = 14;  // absolute font size, logical
    bool bold = false;
    bool light = false;  // a thin face, for the lock screen's clock
    int align = -1;      // -1 left, 0 centre, 1 right
    int max_lines = 1;   // wrapped to the box's width; the last line ellipsised
    Colour colour{0, 0, 0, 1};
};

// Draws `text` in `box`, vertically centred when it fits, ellipsised at the
// end when it does not.
void draw_text(cairo_t* cr, const std::string& text, const Box& box, const TextStyle& style);

// A transparent ARGB image of width x height logical pixels at `scale`
// (width * scale device pixels wide), for a rendering kept between frames
// and copied with paint_at(). Null on failure.
SurfacePtr new_logical_surface(int width, int height, int scale);

}  // namespace cirrus::shell
