#include "edit_drawing.hpp"

#include <cmath>
#include <pango/pangocairo.h>

namespace cirrus::shell {
namespace {

void rounded_rectangle(cairo_t* cr, const Box& b, double radius) {
    cairo_new_sub_path(cr);
    cairo_arc(cr, b.x + b.width - radius, b.y + radius, radius, -M_PI / 2, 0);
    cairo_arc(cr, b.x + b.width - radius, b.y + b.height - radius, radius, 0, M_PI / 2);
    cairo_arc(cr, b.x + radius, b.y + b.height - radius, radius, M_PI / 2, M_PI);
    cairo_arc(cr, b.x + radius, b.y + radius, radius, M_PI, 3 * M_PI / 2);
    cairo_close_path(cr);
}

// Text centred in `box`, wrapped to its width, ellipsised after `lines`.
void centred_text(cairo_t* cr, const std::string& text, const Box& box, int font_px, int lines, bool bold) {
    PangoLayout* layout = pango_cairo_create_layout(cr);
    PangoFontDescription* font = pango_font_description_from_string(bold ? "Sans Bold" : "Sans");
    pango_font_description_set_absolute_size(font, font_px * PANGO_SCALE);
    pango_layout_set_font_description(layout, font);
    pango_font_description_free(font);
    pango_layout_set_width(layout, box.width * PANGO_SCALE);
    pango_layout_set_height(layout, -lines);
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END);
    pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER);
    pango_layout_set_text(layout, text.c_str(), -1);
    int w = 0, h = 0;
    pango_layout_get_pixel_size(layout, &w, &h);
    cairo_move_to(cr, box.x, box.y + (box.height - h) / 2.0);
    pango_cairo_show_layout(cr, layout);
    g_object_unref(layout);
}

}  // namespace

void paint_remove_badge(cairo_t* cr, const Box& badge) {
    const double r = badge.width / 2.0;
    const double cx = badge.x + r;
    const double cy = badge.y + r;
    cairo_save(cr);
    cairo_arc(cr, cx, cy, r, 0, 2 * M_PI);
    cairo_set_source_rgba(cr, 0.15, 0.15, 0.15, 0.9);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_set_line_width(cr, 1.5);
    cairo_stroke(cr);
    const double arm = r * 0.42;
    cairo_move_to(cr, cx - arm, cy - arm);
    cairo_line_to(cr, cx + arm, cy + arm);
    cairo_move_to(cr, cx + arm, cy - arm);
    cairo_line_to(cr, cx - arm, cy + arm);
    cairo_set_line_width(cr, std::max(2.0, r * 0.22));
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_stroke(cr);
    cairo_restore(cr);
}

void paint_confirm_remove(cairo_t* cr, const HomeGeometry& geometry, const ConfirmLayout& layout,
                          const std::string& app_name) {
    cairo_save(cr);
    cairo_rectangle(cr, 0, 0, geometry.width, geometry.height);
    cairo_set_source_rgba(cr, 0, 0, 0, 0.45);
    cairo_fill(cr);
    rounded_rectangle(cr, layout.panel, 14);
    cairo_set_source_rgb(cr, 0.97, 0.97, 0.97);
    cairo_fill(cr);

    const Box text{layout.panel.x + 16, layout.panel.y + 12, layout.panel.width - 32,
                   layout.cancel.y - layout.panel.y - 16};
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    centred_text(cr, "Remove \u201c" + app_name + "\u201d?", {text.x, text.y, text.width, text.height / 2}, 17, 2,
                 true);
    cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
    centred_text(cr, "Its data on this phone is deleted too.",
                 {text.x, text.y + text.height / 2, text.width, text.height / 2}, 14, 2, false);

    cairo_set_source_rgb(cr, 0.82, 0.82, 0.82);
    cairo_set_line_width(cr, 1);
    cairo_move_to(cr, layout.panel.x, layout.cancel.y + 0.5);
    cairo_line_to(cr, layout.panel.x + layout.panel.width, layout.cancel.y + 0.5);
    cairo_move_to(cr, layout.remove.x + 0.5, layout.remove.y);
    cairo_line_to(cr, layout.remove.x + 0.5, layout.remove.y + layout.remove.height);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.0, 0.45, 0.9);
    centred_text(cr, "Cancel", layout.cancel, 16, 1, false);
    cairo_set_source_rgb(cr, 0.85, 0.1, 0.1);
    centred_text(cr, "Remove", layout.remove, 16, 1, true);
    cairo_restore(cr);
}

}  // namespace cirrus::shell
