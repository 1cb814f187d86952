#include "overlay_drawing.hpp"

#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace cirrus::shell {

void set_colour(cairo_t* cr, const Colour& c) { cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a); }

void rounded_rect(cairo_t* cr, double x, double y, double w, double h, double r) {
    r = std::min({r, w / 2, h / 2});
    cairo_new_sub_path(cr);
    cairo_arc(cr, x + w - r, y + r, r, -M_PI / 2, 0);
    cairo_arc(cr, x + w - r, y + h - r, r, 0, M_PI / 2);
    cairo_arc(cr, x + r, y + h - r, r, M_PI / 2, M_PI);
    cairo_arc(cr, x + r, y + r, r, M_PI, 3 * M_PI / 2);
    cairo_close_path(cr);
}

void draw_text(cairo_t* cr, const std::string& text, const Box& box, const TextStyle& style) {
    if (text.empty() || box.empty()) return;
    PangoLayout* layout = pango_cairo_create_layout(cr);
    PangoFontDescription* font = pango_font_description_from_string("Sans");
    pango_font_description_set_absolute_size(font, style.px * PANGO_SCALE);
    if (style.bold) pango_font_description_set_weight(font, PANGO_WEIGHT_BOLD);
    if (style.light) pango_font_description_set_weight(font, PANGO_WEIGHT_LIGHT);
    pango_layout_set_font_description(layout, font);
    pango_font_description_free(font);
    pango_layout_set_width(layout, box.width * PANGO_SCALE);
    pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END);
    if (style.max_lines <= 1) {
        pango_layout_set_single_paragraph_mode(layout, TRUE);
    } else {
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
        pango_layout_set_height(layout, -style.max_lines);  // negative: a number of lines
    }
    pango_layout_set_alignment(layout, style.align < 0   ? PANGO_ALIGN_LEFT
                                       : style.align > 0 ? PANGO_ALIGN_RIGHT
                                                         : PANGO_ALIGN_CENTER);
    pango_layout_set_text(layout, text.c_str(), -1);
    int w = 0, h = 0;
    pango_layout_get_pixel_size(layout, &w, &h);
    const double y = box.y + std::max(0.0, (box.height - h) / 2.0);
    cairo_save(cr);
    cairo_rectangle(cr, box.x, box.y, box.width, box.height);
    cairo_clip(cr);
    cairo_move_to(cr, box.x, y);
    set_colour(cr, style.colour);
    pango_cairo_show_layout(cr, layout);
    cairo_restore(cr);
    g_object_unref(layout);
}

SurfacePtr new_logical_surface(int width, int height, int scale) {
    SurfacePtr s(
        cairo_image_surface_create(CAIRO_FORMAT_ARGB32, std::max(width * scale, 1), std::max(height * scale, 1)));
    if (cairo_surface_status(s.get()) != CAIRO_STATUS_SUCCESS) return nullptr;
    return s;
}

}  // namespace cirrus::shell
