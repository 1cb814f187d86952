#include "home_drawing.hpp"

#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "common/icons.hpp"
#include "theme.hpp"

namespace cirrus::shell {

namespace {

struct PngReader {
    std::span<const std::uint8_t> bytes;
    std::size_t at = 0;
};

cairo_status_t read_png_bytes(void* closure, unsigned char* data, unsigned int length) {
    auto& r = *static_cast<PngReader*>(closure);
    if (r.bytes.size() - r.at < length) return CAIRO_STATUS_READ_ERROR;
    std::memcpy(data, r.bytes.data() + r.at, length);
    r.at += length;
    return CAIRO_STATUS_SUCCESS;
}

SurfacePtr new_surface(int width, int height) {
    SurfacePtr s(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, std::max(width, 1), std::max(height, 1)));
    if (cairo_surface_status(s.get()) != CAIRO_STATUS_SUCCESS) return nullptr;
    return s;
}

void rounded_square(cairo_t* cr, double x, double y, double size) {
    const double r = size * launcher::kMaskCornerRadiusRatio;
    cairo_new_sub_path(cr);
    cairo_arc(cr, x + size - r, y + r, r, -M_PI / 2, 0);
    cairo_arc(cr, x + size - r, y + size - r, r, 0, M_PI / 2);
    cairo_arc(cr, x + r, y + size - r, r, M_PI / 2, M_PI);
    cairo_arc(cr, x + r, y + r, r, M_PI, 3 * M_PI / 2);
    cairo_close_path(cr);
}

PangoLayout* label_layout(cairo_t* cr, const std::string& text, int font_px, int width) {
    PangoLayout* layout = pango_cairo_create_layout(cr);
    PangoFontDescription* font = pango_font_description_from_string("Sans");
    pango_font_description_set_absolute_size(font, font_px * PANGO_SCALE);
    pango_layout_set_font_description(layout, font);
    pango_font_description_free(font);
    pango_layout_set_single_paragraph_mode(layout, TRUE);
    pango_layout_set_width(layout, width * PANGO_SCALE);
    pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END);
    pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER);
    pango_layout_set_text(layout, text.c_str(), -1);
    return layout;
}

}  // namespace

SurfacePtr make_icon(std::span<const std::uint8_t> png, int pixels) {
    PngReader reader{png};
    SurfacePtr decoded(cairo_image_surface_create_from_png_stream(read_png_bytes, &reader));
    if (cairo_surface_status(decoded.get()) != CAIRO_STATUS_SUCCESS) return nullptr;
    const int w = cairo_image_surface_get_width(decoded.get());
    const int h = cairo_image_surface_get_height(decoded.get());
    if (w <= 0 || h <= 0) return nullptr;
    if (w == pixels && h == pixels) return decoded;
    SurfacePtr icon = new_surface(pixels, pixels);
    if (!icon) return nullptr;
    cairo_t* cr = cairo_create(icon.get());
    cairo_scale(cr, static_cast<double>(pixels) / w, static_cast<double>(pixels) / h);
    cairo_set_source_surface(cr, decoded.get(), 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);  // box-filters when shrinking
    cairo_paint(cr);
    cairo_destroy(cr);
    return icon;
}

SurfacePtr make_placeholder_icon(const std::string& label, int pixels) {
    SurfacePtr icon = new_surface(pixels, pixels);
    if (!icon) return nullptr;
    cairo_t* cr = cairo_create(icon.get());
    rounded_square(cr, 0, 0, pixels);
    cairo_set_source_rgb(cr, 0.55, 0.58, 0.62);
    cairo_fill(cr);
    // The first character (UTF-8: up to the next lead byte).
    std::size_t end = label.empty() ? 0 : 1;
    while (end < label.size() && (static_cast<unsigned char>(label[end]) & 0xc0) == 0x80) ++end;
    PangoLayout* layout = label_layout(cr, label.substr(0, end), pixels / 2, pixels);
    int w = 0, h = 0;
    pango_layout_get_pixel_size(layout, &w, &h);
    cairo_move_to(cr, 0, (pixels - h) / 2.0);
    cairo_set_source_rgb(cr, 1, 1, 1);
    pango_cairo_show_layout(cr, layout);
    g_object_unref(layout);
    cairo_destroy(cr);
    return icon;
}

SurfacePtr make_label(const std::string& text, const HomeGeometry& g, int scale) {
    SurfacePtr label = new_surface(g.label_width * scale, g.label_height * scale);
    if (!label) return nullptr;
    cairo_t* cr = cairo_create(label.get());
    cairo_scale(cr, scale, scale);
    PangoLayout* layout = label_layout(cr, text, g.label_font_px, g.label_width);
    int w = 0, h = 0;
    pango_layout_get_pixel_size(layout, &w, &h);
    const double y = std::max(0.0, (g.label_height - h) / 2.0);
    // A soft shadow keeps light text readable on any wallpaper.
    cairo_move_to(cr, 0, y + 1);
    cairo_set_source_rgba(cr, 0, 0, 0, 0.45);
    pango_cairo_show_layout(cr, layout);
    cairo_move_to(cr, 0, y);
    cairo_set_source_rgb(cr, 1, 1, 1);
    pango_cairo_show_layout(cr, layout);
    g_object_unref(layout);
    cairo_destroy(cr);
    return label;
}

void paint_at(cairo_t* cr, cairo_surface_t* surface, double x, double y, int scale) {
    if (!surface) return;
    cairo_save(cr);
    // Whole device pixels and an identity scale: pixman copies, no filtering.
    cairo_scale(cr, 1.0 / scale, 1.0 / scale);
    cairo_set_source_surface(cr, surface, std::round(x * scale), std::round(y * scale));
    cairo_paint(cr);
    cairo_restore(cr);
}

void paint_pressed(cairo_t* cr, cairo_surface_t* icon, double x, double y, int scale) {
    if (!icon) return;
    cairo_save(cr);
    cairo_scale(cr, 1.0 / scale, 1.0 / scale);
    cairo_set_source_rgba(cr, 0, 0, 0, 0.4);
    cairo_mask_surface(cr, icon, std::round(x * scale), std::round(y * scale));
    cairo_restore(cr);
}

void paint_wallpaper(cairo_t* cr, int, int height) {
    const Colour top = rgb(kWallpaperTopRgb);
    const Colour bottom = rgb(kWallpaperBottomRgb);
    cairo_pattern_t* gradient = cairo_pattern_create_linear(0, 0, 0, height);
    cairo_pattern_add_color_stop_rgb(gradient, 0, top.r, top.g, top.b);
    cairo_pattern_add_color_stop_rgb(gradient, 1, bottom.r, bottom.g, bottom.b);
    cairo_set_source(cr, gradient);
    cairo_paint(cr);
    cairo_pattern_destroy(gradient);
}

void paint_dock_panel(cairo_t* cr, const Box& panel) {
    const double r = std::min(panel.height / 3.0, 22.0);
    const double x = panel.x, y = panel.y, w = panel.width, h = panel.height;
    cairo_new_sub_path(cr);
    cairo_arc(cr, x + w - r, y + r, r, -M_PI / 2, 0);
    cairo_arc(cr, x + w - r, y + h - r, r, 0, M_PI / 2);
    cairo_arc(cr, x + r, y + h - r, r, M_PI / 2, M_PI);
    cairo_arc(cr, x + r, y + r, r, M_PI, 3 * M_PI / 2);
    cairo_close_path(cr);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.18);
    cairo_fill(cr);
}

void paint_page_dots(cairo_t* cr, const HomeGeometry& g, int pages, int current) {
    if (pages < 2) return;  // one page needs no dots
    const double r = g.dot_radius();
    for (int p = 0; p < pages; ++p) {
        cairo_arc(cr, g.dot_x(p, pages), g.dot_y(), r, 0, 2 * M_PI);
        cairo_set_source_rgba(cr, 1, 1, 1, p == current ? 0.95 : 0.4);
        cairo_fill(cr);
    }
}

}  // namespace cirrus::shell
