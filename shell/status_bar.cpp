#include "status_bar.hpp"

#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>

#include "clock.hpp"
#include "protocols.hpp"

namespace cirrus::shell {

namespace {

void set_colour(cairo_t* cr, const Colour& c) { cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a); }

// Draws `text` in the box, vertically centred; `align` -1 left, 0 centre,
// 1 right.
void draw_text(cairo_t* cr, const std::string& text, const Box& box, int px, bool bold, int align,
               const Colour& ink) {
    PangoLayout* layout = pango_cairo_create_layout(cr);
    PangoFontDescription* font = pango_font_description_from_string(bold ? "Sans Bold" : "Sans");
    pango_font_description_set_absolute_size(font, px * PANGO_SCALE);
    pango_layout_set_font_description(layout, font);
    pango_font_description_free(font);
    pango_layout_set_text(layout, text.c_str(), -1);
    int w = 0, h = 0;
    pango_layout_get_pixel_size(layout, &w, &h);
    const double x = align < 0 ? box.x : align > 0 ? box.x + box.width - w : box.x + (box.width - w) / 2.0;
    cairo_move_to(cr, x, box.y + (box.height - h) / 2.0);
    set_colour(cr, ink);
    pango_cairo_show_layout(cr, layout);
    g_object_unref(layout);
}

}  // namespace

StatusBar::StatusBar(WaylandClient& client) : background_(status_bar_background(0)) {
    LayerSurface::Config config;
    config.layer = ZWLR_LAYER_SHELL_V1_LAYER_TOP;
    config.anchor = ZWLR_LAYER_SURFACE_V1_ANCHOR_TOP | ZWLR_LAYER_SURFACE_V1_ANCHOR_LEFT |
                    ZWLR_LAYER_SURFACE_V1_ANCHOR_RIGHT;
    config.height = status_bar_height;
    config.exclusive_zone = status_bar_height;  // apps go below it
    config.name_space = "cirrus-status-bar";
    surface_ = std::make_unique<LayerSurface>(client, config, *this);
}

StatusBar::~StatusBar() = default;

void StatusBar::layout(int width, int height, int) {
    width_ = width;
    height_ = height;
    const int side = std::min(96, width / 3);
    link_box_ = {6, 0, side - 6, height};
    clock_box_ = {side, 0, width - 2 * side, height};
    battery_box_ = {width - side, 0, side - 6, height};
}

void StatusBar::set_time(std::time_t now) {
    std::string text = clock_text(now);
    if (text == clock_) return;
    clock_ = std::move(text);
    surface_->damage(clock_box_);
}

void StatusBar::set_battery(std::optional<BatteryStatus> battery) {
    if (battery == battery_) return;
    battery_ = battery;
    surface_->damage(battery_box_);
}

void StatusBar::set_link_state(LinkState state) {
    if (state == link_) return;
    link_ = state;
    surface_->damage(link_box_);
}

void StatusBar::set_theme(std::uint32_t theme_argb) {
    const Colour background = status_bar_background(theme_argb);
    if (background == background_) return;
    background_ = background;
    surface_->damage_all();
}

void StatusBar::draw(cairo_t* cr) {
    set_colour(cr, background_);
    cairo_paint(cr);
    const Colour ink = text_colour_on(background_);
    const int font_px = std::max(10, height_ * 14 / 24);
    draw_text(cr, clock_, clock_box_, font_px, true, 0, ink);
    draw_link(cr, ink);
    draw_battery(cr, ink);
}

void StatusBar::draw_link(cairo_t* cr, const Colour& ink) const {
    if (link_ == LinkState::unknown) return;
    // Four signal bars, rising; the lit ones show the link's quality.
    const int lit = link_ == LinkState::good          ? 4
                    : link_ == LinkState::cellular_3g ? 3
                    : link_ == LinkState::slow_2g     ? 1
                                                      : 0;
    const double bar_w = 3, gap = 1.5, base = link_box_.y + link_box_.height * 0.75;
    const double full = link_box_.height * 0.5;
    for (int i = 0; i < 4; ++i) {
        const double h = full * (i + 1) / 4.0;
        cairo_rectangle(cr, link_box_.x + i * (bar_w + gap), base - h, bar_w, h);
        set_colour(cr, i < lit ? ink : Colour{ink.r, ink.g, ink.b, 0.3});
        cairo_fill(cr);
    }
    const char* label = link_ == LinkState::offline       ? "Offline"
                        : link_ == LinkState::slow_2g     ? "2G"
                        : link_ == LinkState::cellular_3g ? "3G"
                                                          : "";
    if (*label) {
        const int x = link_box_.x + static_cast<int>(4 * (bar_w + gap) + 4);
        draw_text(cr, label, {x, link_box_.y, link_box_.width - (x - link_box_.x), link_box_.height},
                  std::max(9, height_ * 12 / 24), true, -1, ink);
    }
}

void StatusBar::draw_battery(cairo_t* cr, const Colour& ink) const {
    if (!battery_) return;
    // A battery outline with a nub, filled to the charge, right-aligned;
    // the percentage to its left.
    const double body_h = std::round(height_ * 0.45);
    const double body_w = std::round(body_h * 2.1);
    const double nub_w = 2;
    const double right = battery_box_.x + battery_box_.width;
    const double body_x = right - nub_w - body_w;
    const double body_y = battery_box_.y + std::round((battery_box_.height - body_h) / 2);
    cairo_set_line_width(cr, 1);
    set_colour(cr, ink);
    cairo_rectangle(cr, body_x + 0.5, body_y + 0.5, body_w - 1, body_h - 1);
    cairo_stroke(cr);
    cairo_rectangle(cr, body_x + body_w, body_y + body_h * 0.3, nub_w, body_h * 0.4);
    cairo_fill(cr);
    const bool charging = battery_->state == ChargeState::charging || battery_->state == ChargeState::full;
    const bool low = battery_->percent <= 15 && !charging;
    const double fill_w = (body_w - 4) * battery_->percent / 100.0;
    if (fill_w > 0) {
        cairo_rectangle(cr, body_x + 2, body_y + 2, fill_w, body_h - 4);
        if (low) cairo_set_source_rgb(cr, 0.9, 0.2, 0.2);
        else set_colour(cr, ink);
        cairo_fill(cr);
    }
    double text_right = body_x - 4;
    if (charging) {
        // A lightning bolt just left of the battery.
        const double h = body_h + 2, w = std::round(h * 0.6);
        const double x = body_x - 3 - w, y = body_y - 1;
        cairo_move_to(cr, x + w * 0.65, y);
        cairo_line_to(cr, x, y + h * 0.58);
        cairo_line_to(cr, x + w * 0.45, y + h * 0.58);
        cairo_line_to(cr, x + w * 0.35, y + h);
        cairo_line_to(cr, x + w, y + h * 0.42);
        cairo_line_to(cr, x + w * 0.55, y + h * 0.42);
        cairo_close_path(cr);
        set_colour(cr, ink);
        cairo_fill(cr);
        text_right = x - 3;
    }
    draw_text(cr, std::to_string(battery_->percent) + "%",
              {battery_box_.x, battery_box_.y, static_cast<int>(text_right) - battery_box_.x, battery_box_.height},
              std::max(9, height_ * 12 / 24), false, 1, ink);
}

}  // namespace cirrus::shell
