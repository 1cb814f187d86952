#include "overlay_cards.hpp"

#include "common/icons.hpp"  // kMaskCornerRadiusRatio
#include "home_drawing.hpp"
#include "overlay_drawing.hpp"
#include "theme.hpp"

namespace cirrus::shell {

namespace {

constexpr double kBannerCornerRadius = 14;
constexpr double kPromptCornerRadius = 14;
const Colour kButtonInk = rgb(0x0a60d0);

}  // namespace

void draw_banner_card(cairo_t* cr, const BannerGeometry& geometry, int scale, const Notice& notice,
                      const std::string& app_name, cairo_surface_t* icon) {
    const Box& c = geometry.card;
    // A soft edge below, then the card.
    rounded_rect(cr, c.x, c.y + 2, c.width, c.height, kBannerCornerRadius);
    cairo_set_source_rgba(cr, 0, 0, 0, 0.22);
    cairo_fill(cr);
    rounded_rect(cr, c.x, c.y, c.width, c.height, kBannerCornerRadius);
    set_colour(cr, rgb(kBannerCardRgb));
    cairo_fill(cr);

    // The home screen's rounded square, whatever shape the icon has.
    if (icon) {
        cairo_save(cr);
        rounded_rect(cr, geometry.icon.x, geometry.icon.y, geometry.icon.width, geometry.icon.height,
                     geometry.icon.width * launcher::kMaskCornerRadiusRatio);
        cairo_clip(cr);
        paint_at(cr, icon, geometry.icon.x, geometry.icon.y, scale);
        cairo_restore(cr);
    }

    TextStyle app_style;
    app_style.px = 12;
    app_style.colour = {0.35, 0.36, 0.4, 1};
    draw_text(cr, app_name, geometry.app, app_style);
    TextStyle title_style;
    title_style.px = 15;
    title_style.bold = true;
    title_style.colour = {0.08, 0.08, 0.1, 1};
    draw_text(cr, notice.title, geometry.title, title_style);
    TextStyle body_style;
    body_style.px = 14;
    body_style.colour = {0.2, 0.2, 0.24, 1};
    draw_text(cr, notice.body, geometry.body, body_style);
}

void draw_permission_dialog(cairo_t* cr, const PromptGeometry& geometry, const std::string& sentence,
                            const Box* pressed) {
    draw_dialog(cr, geometry, sentence, pressed, "Don\u2019t Allow", "Allow");
}

void draw_dialog(cairo_t* cr, const PromptGeometry& geometry, const std::string& sentence, const Box* pressed,
                 const std::string& left_button, const std::string& right_button) {
    // The screen dimmed; the dialog on it.
    cairo_save(cr);
    cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
    cairo_set_source_rgba(cr, 0, 0, 0, kPromptDimAlpha);
    cairo_paint(cr);
    cairo_restore(cr);

    const Box& d = geometry.dialog;
    rounded_rect(cr, d.x, d.y, d.width, d.height, kPromptCornerRadius);
    set_colour(cr, rgb(kPromptDialogRgb));
    cairo_fill(cr);

    TextStyle message;
    message.px = geometry.message_font_px;
    message.bold = true;
    message.align = 0;
    message.max_lines = geometry.message_lines;
    message.colour = {0.08, 0.08, 0.1, 1};
    draw_text(cr, sentence, geometry.message, message);

    // The pressed button darkens, inside the dialog's rounded corners.
    if (pressed) {
        const Box& b = *pressed;
        cairo_save(cr);
        rounded_rect(cr, d.x, d.y, d.width, d.height, kPromptCornerRadius);
        cairo_clip(cr);
        cairo_rectangle(cr, b.x, b.y, b.width, b.height);
        cairo_set_source_rgba(cr, 0, 0, 0, 0.12);
        cairo_fill(cr);
        cairo_restore(cr);
    }
    // Hairlines above the buttons and between them.
    cairo_set_source_rgba(cr, 0, 0, 0, 0.18);
    cairo_rectangle(cr, d.x, geometry.deny.y, d.width, 1);
    cairo_rectangle(cr, geometry.allow.x, geometry.allow.y, 1, geometry.allow.height);
    cairo_fill(cr);

    TextStyle button;
    button.px = geometry.button_font_px;
    button.align = 0;
    button.colour = kButtonInk;
    if (!left_button.empty()) draw_text(cr, left_button, geometry.deny, button);
    button.bold = true;
    draw_text(cr, right_button, geometry.allow, button);
}

void draw_lock_notification_row(cairo_t* cr, const Box& row, const std::string& app_name, const Notice& notice) {
    rounded_rect(cr, row.x, row.y, row.width, row.height, 12);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.16);
    cairo_fill(cr);
    TextStyle app_style;
    app_style.px = 12;
    app_style.colour = {1, 1, 1, 0.75};
    draw_text(cr, app_name, {row.x + 14, row.y + 6, row.width - 28, 17}, app_style);
    TextStyle title_style;
    title_style.px = 15;
    title_style.bold = true;
    title_style.colour = kWhite;
    draw_text(cr, notice.title.empty() ? notice.body : notice.title, {row.x + 14, row.y + 24, row.width - 28, 22},
              title_style);
}

void draw_switcher_card_name(cairo_t* cr, const std::string& name, int width, int height, int font_px) {
    TextStyle style;
    style.px = font_px;
    style.bold = true;
    style.colour = kWhite;
    draw_text(cr, name, {0, 0, width, height}, style);
}

}  // namespace cirrus::shell
