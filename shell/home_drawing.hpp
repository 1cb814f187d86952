// What the home screen paints, prepared once and blitted per frame: icons
// decoded from the registry's PNGs and scaled to their exact pixel size,
// labels laid out by Pango (ellipsised, any script: fontconfig falls back to
// a CJK font for Chinese) and rendered to small surfaces, and the wallpaper.
// A frame of a page swipe is then only copies, never decoding, scaling or
// text layout.
#pragma once

#include <cairo.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "home_layout.hpp"

namespace cirrus::shell {

// An owned cairo_surface_t.
struct SurfaceDeleter {
    void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;

// An icon file larger than this is not an icon: it is not read.
inline constexpr std::size_t kIconFileLimit = std::size_t{8} << 20;
// `png` decoded and scaled to pixels x pixels; null if it does not decode.
SurfacePtr make_icon(std::span<const std::uint8_t> png, int pixels);
// For an app whose icon is missing: a grey rounded square with its initial.
SurfacePtr make_placeholder_icon(const std::string& label, int pixels);

// A label of the geometry's label size at `scale`: one line, centred,
// ellipsised at the end, light text with a shadow for the wallpaper.
SurfacePtr make_label(const std::string& text, const HomeGeometry& geometry, int scale);

// Paints the surface at (x, y) in logical units, drawn 1:1 in device
// pixels when the context is scaled by `scale`.
void paint_at(cairo_t* cr, cairo_surface_t* surface, double x, double y, int scale);
// Darkens an icon (a pressed one) through its own alpha, so only its
// opaque pixels go darker.
void paint_pressed(cairo_t* cr, cairo_surface_t* icon, double x, double y, int scale);

void paint_wallpaper(cairo_t* cr, int width, int height);
void paint_dock_panel(cairo_t* cr, const Box& panel);
void paint_page_dots(cairo_t* cr, const HomeGeometry& geometry, int pages, int current);

}  // namespace cirrus::shell
