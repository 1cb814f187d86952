#include "drawing.hpp"

#include <pango/pangocairo.h>

#include "accents.hpp"

#include <algorithm>
#include <cmath>

namespace cirrus::keyboard {

namespace {

constexpr double kGap = 3;     // between keys, each side
constexpr double kRadius = 6;  // key corners
constexpr int kCandidateFontPx = 20;

void set_rgb(cairo_t* cr, std::uint32_t rgb) {
    cairo_set_source_rgb(cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0, (rgb & 0xff) / 255.0);
}

void rounded(cairo_t* cr, const Rect& r, double radius) {
    const double rad = std::min({radius, r.w / 2, r.h / 2});
    cairo_new_sub_path(cr);
    cairo_arc(cr, r.x + r.w - rad, r.y + rad, rad, -M_PI / 2, 0);
    cairo_arc(cr, r.x + r.w - rad, r.y + r.h - rad, rad, 0, M_PI / 2);
    cairo_arc(cr, r.x + rad, r.y + r.h - rad, rad, M_PI / 2, M_PI);
    cairo_arc(cr, r.x + rad, r.y + rad, rad, M_PI, 3 * M_PI / 2);
    cairo_close_path(cr);
}

Rect inset(const Rect& r, double d) {
    return {r.x + d, r.y + d, std::max(r.w - 2 * d, 0.0), std::max(r.h - 2 * d, 0.0)};
}

// Fixed font options: the same pixels on every machine with these fonts
// (screenshot tests) and no subpixel colour fringes.
PangoLayout* make_layout(cairo_t* cr, const std::string& text, double font_px, bool bold = false) {
    PangoLayout* layout = pango_cairo_create_layout(cr);
    cairo_font_options_t* options = cairo_font_options_create();
    cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY);
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
    pango_cairo_context_set_font_options(pango_layout_get_context(layout), options);
    cairo_font_options_destroy(options);
    pango_layout_context_changed(layout);
    PangoFontDescription* font = pango_font_description_from_string(bold ? "Sans Bold" : "Sans");
    pango_font_description_set_absolute_size(font, font_px * PANGO_SCALE);
    pango_layout_set_font_description(layout, font);
    pango_font_description_free(font);
    pango_layout_set_text(layout, text.data(), static_cast<int>(text.size()));
    return layout;
}

void centred_text(cairo_t* cr, const Rect& r, const std::string& text, double font_px, std::uint32_t rgb,
                  bool bold = false) {
    if (text.empty()) return;
    PangoLayout* layout = make_layout(cr, text, font_px, bold);
    PangoRectangle ink, logical;
    pango_layout_get_pixel_extents(layout, &ink, &logical);
    // Shrink what does not fit (".com" on a narrow screen).
    double scale = 1;
    if (logical.width > r.w - 4 && logical.width > 0) scale = (r.w - 4) / logical.width;
    cairo_save(cr);
    cairo_translate(cr, r.x + r.w / 2, r.y + r.h / 2);
    cairo_scale(cr, scale, scale);
    set_rgb(cr, rgb);
    cairo_move_to(cr, -logical.width / 2.0, -logical.height / 2.0);
    pango_cairo_show_layout(cr, layout);
    cairo_restore(cr);
    g_object_unref(layout);
}

std::string label_of(const KeyboardModel& model, const Key& key) {
    switch (key.action) {
    case KeyAction::Text:
        return model.key_output(key);
    case KeyAction::Space:
        if (model.layout().page == Page::NumberPad || model.layout().page == Page::PhonePad) return key.label;
        return model.pinyin_active() ? "拼音" : "English";
    default:
        return key.label;
    }
}

bool active_key(const KeyboardModel& model, const Key& key) {
    if (key.action == KeyAction::Shift) return model.shift() != Shift::Off;
    if (key.action == KeyAction::Language) return model.pinyin_active();
    return false;
}

void draw_key(cairo_t* cr, const KeyboardModel& model, std::size_t index) {
    const Key& key = model.key(index);
    const Rect r = inset(model.geometry().keys[index].rect, kGap);
    const bool pressed = model.pressed() == index;
    std::uint32_t fill = key.action == KeyAction::Text || key.action == KeyAction::Space ? kKeyRgb : kSpecialKeyRgb;
    if (active_key(model, key)) fill = kActiveRgb;
    if (pressed) fill = kPressedKeyRgb;
    set_rgb(cr, fill);
    rounded(cr, r, kRadius);
    cairo_fill(cr);
    const double font = std::round(r.h * (key.action == KeyAction::Text ? 0.45 : 0.34));
    centred_text(cr, r, label_of(model, key), font, kLabelRgb);
    // Caps lock: a bar under the arrow.
    if (key.action == KeyAction::Shift && model.shift() == Shift::Locked) {
        set_rgb(cr, kLabelRgb);
        cairo_rectangle(cr, r.x + r.w / 2 - r.w / 6, r.y + r.h * 0.8, r.w / 3, 2);
        cairo_fill(cr);
    }
}

void draw_bar(cairo_t* cr, const KeyboardModel& model) {
    const CompositionState& state = model.composition_state();
    for (std::size_t i = 0; i < model.bar_items().size(); ++i) {
        const BarItem& item = model.bar_items()[i];
        const bool pressed = model.pressed_bar_item() == i;
        if (pressed) {
            set_rgb(cr, kPressedKeyRgb);
            rounded(cr, inset(item.rect, 2), kRadius);
            cairo_fill(cr);
        }
        switch (item.kind) {
        case BarItem::Kind::Hide:
            centred_text(cr, item.rect, "▾", item.rect.h * 0.5, kLabelRgb);
            break;
        case BarItem::Kind::Previous:
            centred_text(cr, item.rect, "‹", item.rect.h * 0.6, state.has_previous_page ? kLabelRgb : kKeyRgb);
            break;
        case BarItem::Kind::Next:
            centred_text(cr, item.rect, "›", item.rect.h * 0.6, state.has_next_page ? kLabelRgb : kKeyRgb);
            break;
        case BarItem::Kind::Candidate: {
            const bool highlighted = item.index == state.highlighted;
            if (highlighted && !pressed) {
                set_rgb(cr, kActiveRgb);
                rounded(cr, inset(item.rect, 2), kRadius);
                cairo_fill(cr);
            }
            centred_text(cr, item.rect, state.candidates.at(item.index), kCandidateFontPx, kLabelRgb);
            break;
        }
        }
    }
}

void draw_bubble(cairo_t* cr, const KeyboardModel& model, std::size_t index) {
    const Rect key = model.geometry().keys[index].rect;
    // Wider than the key and above it; the top row's bubble lies over the bar.
    const double w = key.w + 2 * kGap + 8;
    const double h = key.h * 1.1;
    const double x = std::clamp(key.x + key.w / 2 - w / 2, 0.0, std::max(model.geometry().width - w, 0.0));
    const double y = std::max(key.y - h + kGap, 0.0);
    const Rect bubble{x, y, w, h};
    set_rgb(cr, kBubbleRgb);
    rounded(cr, bubble, kRadius);
    cairo_fill(cr);
    centred_text(cr, bubble, model.key_output(model.key(index)), std::round(h * 0.55), kLabelRgb);
}

void draw_popup(cairo_t* cr, const KeyboardModel& model, const AccentPopup& popup) {
    if (popup.cells.empty()) return;
    const Rect first = popup.cells.front();
    const Rect& last = popup.cells.back();
    set_rgb(cr, kBubbleRgb);
    rounded(cr, {first.x, first.y, last.x + last.w - first.x, first.h}, kRadius);
    cairo_fill(cr);
    for (std::size_t i = 0; i < popup.cells.size(); ++i) {
        const Rect cell = inset(popup.cells[i], 2);
        if (i == popup.selected) {
            set_rgb(cr, kActiveRgb);
            rounded(cr, cell, kRadius);
            cairo_fill(cr);
        }
        const std::string text = model.shift() != Shift::Off ? to_upper(popup.variants[i]) : popup.variants[i];
        centred_text(cr, cell, text, std::round(cell.h * 0.5), kLabelRgb);
    }
}

}  // namespace

double measure_candidate(const std::string& text) {
    cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
    cairo_t* cr = cairo_create(surface);
    PangoLayout* layout = make_layout(cr, text, kCandidateFontPx);
    PangoRectangle logical;
    pango_layout_get_pixel_extents(layout, nullptr, &logical);
    g_object_unref(layout);
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
    return logical.width;
}

void draw_keyboard(cairo_t* cr, const KeyboardModel& model) {
    set_rgb(cr, kBackgroundRgb);
    cairo_paint(cr);
    draw_bar(cr, model);
    for (std::size_t i = 0; i < model.geometry().keys.size(); ++i) draw_key(cr, model, i);
    if (model.popup()) {
        draw_popup(cr, model, *model.popup());
    } else if (model.preview()) {
        draw_bubble(cr, model, *model.preview());
    }
}

}  // namespace cirrus::keyboard
