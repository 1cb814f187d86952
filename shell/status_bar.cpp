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
void draw_text(cairo_t* cr, const std::string& text, const Box& box, int px, bool bold, int align, const Colour& ink) {
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
    config.anchor =
        ZWLR_LAYER_SURFACE_V1_ANCHOR_TOP | ZWLR_LAYER_SURFACE_V1_ANCHOR_LEFT | ZWLR_LAYER_SURFACE_V1_ANCHOR_RIGHT;
    config.height = kStatusBarHeight;
    config.exclusive_zone = kStatusBarHeight;  // apps go below it
    config.name_space = "cirrus-status-bar";
    surface_ = std::make_unique<LayerSurface>(client, config, *this);
    set_time(std::time(nullptr));
}

StatusBar::~StatusBar() = default;

void StatusBar::before_wait() { surface_->flush(); }

void StatusBar::outputs_changed() { surface_->update_scale(); }

void StatusBar::compositor_state(const CompositorState& state) {
    set_theme(state.front_app.empty() ? 0 : state.front_theme);
}

void StatusBar::minute(std::time_t now) { set_time(now); }

void StatusBar::layout(int width, int height, int) {
    width_ = width;
    height_ = height;
    boxes_ = status_bar_layout(width, height);
}

void StatusBar::set_time(std::time_t now) {
    std::string text = clock_text(now);
    if (text == clock_) return;
    clock_ = std::move(text);
    surface_->damage(boxes_.clock);
}

void StatusBar::set_battery(std::optional<BatteryStatus> battery) {
    if (battery == battery_) return;
    battery_ = battery;
    surface_->damage(boxes_.battery);
}

void StatusBar::set_link_state(LinkState state) {
    if (state == link_) return;
    link_ = state;
    update_link();
}

void StatusBar::set_modem(std::optional<ModemReading> modem) {
    if (modem == modem_) return;
    modem_ = modem;
    update_link();
}

void StatusBar::set_link_kind(LinkKind kind) {
    if (kind == kind_) return;
    kind_ = kind;
    update_link();
}

void StatusBar::update_link() {
    LinkIndicator indicator = link_indicator(link_, modem_, kind_);
    if (indicator == indicator_) return;  // e.g. the signal moved within a bar
    indicator_ = std::move(indicator);
    surface_->damage(boxes_.link);
}

void StatusBar::set_sync(const SyncIndicator& sync) {
    if (sync == sync_) return;
    sync_ = sync;
    surface_->damage(sync_icon(boxes_.clock));
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
    draw_text(cr, clock_, boxes_.clock, font_px, true, 0, ink);
    draw_link(cr, ink);
    draw_battery(cr, ink);
    draw_sync(cr, ink);
}

void StatusBar::draw_sync(cairo_t* cr, const Colour& ink) const {
    if (!sync_.shown) return;
    // Two arrows chasing each other round a circle (the usual "sync" sign);
    // with an error only the user can fix, a dot in the middle.
    const Box box = sync_icon(boxes_.clock);
    const double cx = box.x + box.width / 2.0;
    const double cy = box.y + box.height / 2.0;
    const double r = box.width * 0.36;
    const double line = std::max(1.5, box.width / 8.0);
    set_colour(cr, ink);
    cairo_set_line_width(cr, line);
    for (const double start : {0.15 * M_PI, 1.15 * M_PI}) {
        const double end = start + 0.75 * M_PI;
        cairo_new_sub_path(cr);
        cairo_arc(cr, cx, cy, r, start, end);
        cairo_stroke(cr);
        // The arrowhead at the arc's end, pointing along it.
        const double ex = cx + r * std::cos(end);
        const double ey = cy + r * std::sin(end);
        const double head = line * 1.8;
        const double tx = -std::sin(end);  // the tangent (direction of travel)
        const double ty = std::cos(end);
        cairo_move_to(cr, ex + tx * head, ey + ty * head);
        cairo_line_to(cr, ex - ty * head, ey + tx * head);
        cairo_line_to(cr, ex + ty * head, ey - tx * head);
        cairo_close_path(cr);
        cairo_fill(cr);
    }
    if (sync_.error) {
        cairo_arc(cr, cx, cy, line, 0, 2 * M_PI);
        cairo_fill(cr);
    }
}

void StatusBar::draw_link(cairo_t* cr, const Colour& ink) const {
    if (!indicator_.shown) return;
    if (indicator_.glyph != LinkGlyph::bars) {
        draw_link_glyph(cr, ink);
        return;
    }
    // Four signal bars, rising; the lit ones show the signal (or the cache's
    // estimate of the link), the others are faint.
    for (int i = 0; i < kSignalBarCount; ++i) {
        const Box bar = signal_bar(boxes_.link, i);
        cairo_rectangle(cr, bar.x, bar.y, bar.width, bar.height);
        set_colour(cr, i < indicator_.bars ? ink : Colour{ink.r, ink.g, ink.b, 0.3});
        cairo_fill(cr);
    }
    if (!indicator_.label.empty()) {
        draw_text(cr, indicator_.label, link_label(boxes_.link), std::max(9, height_ * 12 / 24), true, -1, ink);
    }
}

// Where the bars would be: a Wi-Fi fan (a dot and two arcs) or a wired
// plug (a socket with its pins), in the ink.
void StatusBar::draw_link_glyph(cairo_t* cr, const Colour& ink) const {
    const Box first = signal_bar(boxes_.link, 0);
    const Box last = signal_bar(boxes_.link, kSignalBarCount - 1);
    const double left = first.x, right = last.x + last.width;
    const double top = last.y, bottom = last.y + last.height;
    const double size = std::min(right - left, bottom - top);
    const double cx = left + (right - left) / 2, base = bottom;
    set_colour(cr, ink);
    if (indicator_.glyph == LinkGlyph::wifi) {
        const double line = std::max(1.5, size / 7);
        cairo_set_line_width(cr, line);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
        cairo_arc(cr, cx, base - line / 2, line, 0, 2 * M_PI);
        cairo_fill(cr);
        for (const double r : {size * 0.5, size * 0.85}) {
            cairo_new_sub_path(cr);
            cairo_arc(cr, cx, base - line / 2, r, M_PI * 1.25, M_PI * 1.75);
            cairo_stroke(cr);
        }
        return;
    }
    // Wired: a socket outline with three pins at the top and a cable below.
    const double w = size * 0.9, h = size * 0.6;
    const double x = cx - w / 2, y = top + (bottom - top - size) + size * 0.05;
    cairo_set_line_width(cr, std::max(1.0, size / 10));
    cairo_rectangle(cr, x, y, w, h);
    cairo_stroke(cr);
    for (int pin = 0; pin < 3; ++pin) {
        cairo_rectangle(cr, x + w * (0.2 + 0.25 * pin), y + h * 0.2, w * 0.12, h * 0.35);
        cairo_fill(cr);
    }
    cairo_rectangle(cr, cx - size * 0.08, y + h, size * 0.16, bottom - (y + h));
    cairo_fill(cr);
}

void StatusBar::draw_battery(cairo_t* cr, const Colour& ink) const {
    if (!battery_) return;
    // A battery outline with a nub, filled to the charge, right-aligned;
    // the percentage to its left.
    const Box& box = boxes_.battery;
    const Box body = battery_body(box);
    const double body_h = body.height, body_w = body.width, nub_w = kBatteryNubWidth;
    const double body_x = body.x, body_y = body.y;
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
              {box.x, box.y, static_cast<int>(text_right) - box.x, box.height}, std::max(9, height_ * 12 / 24), false,
              1, ink);
}

}  // namespace cirrus::shell
