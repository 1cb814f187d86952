#include "install_sheet.hpp"

#include <cstdio>
#include <fstream>
#include <iterator>
#include <vector>

#include "common/file_text.hpp"
#include "overlay_cards.hpp"
#include "protocols.hpp"

namespace cirrus::shell {
namespace {

std::string size_text(std::uint32_t bytes) {
    char text[32];
    if (bytes >= 1024 * 1024) std::snprintf(text, sizeof text, "%.1f MB", bytes / (1024.0 * 1024.0));
    else std::snprintf(text, sizeof text, "%u KB", (bytes + 1023) / 1024);
    return text;
}

}  // namespace

std::string install_sheet_text(const ShellProtocol::InstallOffer& offer) {
    if (offer.update) {
        // What changes on the home screen, before the user takes it.
        std::string text = offer.name_changed
                               ? "Update \u201c" + offer.old_name + "\u201d? Its name becomes \u201c" + offer.name +
                                     "\u201d" + (offer.icon_changed ? ", with a new icon" : "")
                               : "Update \u201c" + offer.old_name + "\u201d? It has a new icon";
        return text + "\nfrom " + offer.origin;
    }
    if (!offer.reason.empty()) return "Cannot add to the Home Screen: " + offer.reason;
    std::string text = offer.installed ? "\u201c" + offer.name + "\u201d is on your Home Screen"
                                       : "Add \u201c" + offer.name + "\u201d to the Home Screen?";
    text += "\nfrom " + offer.origin;
    if (!offer.installed) {
        text += "\nstores " +
                (offer.offline_files > 1 ? "about " + std::to_string(offer.offline_files) + " files, " : "") +
                "at least " + size_text(offer.offline_bytes) + " for offline use";
    }
    return text;
}

InstallSheet::InstallSheet(WaylandClient& client, ShellProtocol& protocol) : client_(client), protocol_(protocol) {}

InstallSheet::~InstallSheet() = default;

void InstallSheet::show(const ShellProtocol::InstallOffer& offer) {
    std::fprintf(stderr, "cirrus-shell: install sheet %u for %s (%s)%s%s%s%s\n", offer.request_id, offer.app_id.c_str(),
                 offer.origin.c_str(), offer.update ? ", an update: " : "", offer.update ? offer.name.c_str() : "",
                 offer.installed ? ", installed already" : "",
                 offer.reason.empty() ? "" : (": " + offer.reason).c_str());
    offer_ = offer;
    icon_.reset();
    armed_ = pressed_ = Button::none;
    remove_ = false;
    if (surface_) {
        if (laid_out_) surface_->damage_all();
        return;
    }
    LayerSurface::Config config;
    config.layer = ZWLR_LAYER_SHELL_V1_LAYER_OVERLAY;
    config.anchor = ZWLR_LAYER_SURFACE_V1_ANCHOR_TOP | ZWLR_LAYER_SURFACE_V1_ANCHOR_BOTTOM |
                    ZWLR_LAYER_SURFACE_V1_ANCHOR_LEFT | ZWLR_LAYER_SURFACE_V1_ANCHOR_RIGHT;
    config.exclusive_zone = -1;
    config.name_space = "cirrus-install";
    config.opaque = false;
    laid_out_ = false;
    surface_ = std::make_unique<LayerSurface>(client_, config, *this);
}

void InstallSheet::answer(std::uint32_t answer) {
    if (!offer_) return;
    std::fprintf(stderr, "cirrus-shell: install sheet %u answered %u\n", offer_->request_id, answer);
    protocol_.answer_install(offer_->request_id, answer);
    offer_.reset();
    if (surface_) remove_ = true;
}

void InstallSheet::before_wait() {
    if (remove_) {
        surface_.reset();
        remove_ = false;
        laid_out_ = false;
        touch_id_.reset();
        armed_ = pressed_ = Button::none;
        return;
    }
    if (surface_) surface_->flush();
}

void InstallSheet::outputs_changed() {
    if (surface_) surface_->update_scale();
}

void InstallSheet::layout(int width, int height, int scale) {
    geometry_ = compute_prompt_geometry(width, height);
    if (scale != scale_) icon_.reset();
    scale_ = scale;
    laid_out_ = true;
}

void InstallSheet::draw(cairo_t* cr) {
    if (!offer_) return;
    const Box* pressed = pressed_ == Button::confirm  ? &geometry_.allow
                         : pressed_ == Button::cancel ? &geometry_.deny
                                                      : nullptr;
    const bool failed = !offer_->reason.empty();
    draw_dialog(cr, geometry_, install_sheet_text(*offer_), pressed,
                failed           ? ""
                : offer_->update ? "Keep"
                                 : "Cancel",
                failed              ? "OK"
                : offer_->update    ? "Update"
                : offer_->installed ? "Open"
                                    : "Add");
    // The app's icon, over the dialog's top edge, so that the text keeps its room.
    const int size = geometry_.message_font_px * 3;
    if (!icon_ && !offer_->icon.empty()) {
        const std::string bytes = read_file_text(offer_->icon, kIconFileLimit).value_or(std::string());
        const std::vector<std::uint8_t> png(bytes.begin(), bytes.end());
        if (!png.empty()) icon_ = make_icon(png, size * scale_);
    }
    if (!icon_ && !failed) icon_ = make_placeholder_icon(offer_->name, size * scale_);
    if (icon_) {
        paint_at(cr, icon_.get(), geometry_.dialog.x + (geometry_.dialog.width - size) / 2.0,
                 geometry_.dialog.y - size / 2.0, scale_);
    }
}

InstallSheet::Button InstallSheet::hit(double x, double y) const {
    if (geometry_.allow.contains(x, y)) return Button::confirm;
    if (geometry_.deny.contains(x, y) && offer_ && offer_->reason.empty()) return Button::cancel;
    return Button::none;
}

void InstallSheet::set_pressed(Button button) {
    if (button == pressed_) return;
    pressed_ = button;
    if (surface_) surface_->damage(geometry_.dialog);
}

void InstallSheet::press(int id, double x, double y, std::uint32_t) {
    if (touch_id_ || !laid_out_ || !offer_) return;  // modal: a touch outside does nothing
    touch_id_ = id;
    armed_ = hit(x, y);
    set_pressed(armed_);
    if (armed_ != Button::none && surface_) surface_->draw_now();
}

void InstallSheet::move(int id, double x, double y, std::uint32_t) {
    if (touch_id_ != id) return;
    set_pressed(hit(x, y) == armed_ ? armed_ : Button::none);
}

void InstallSheet::release(int id, std::uint32_t) {
    if (touch_id_ != id) return;
    touch_id_.reset();
    const Button chosen = pressed_;
    armed_ = Button::none;
    set_pressed(Button::none);
    if (!offer_) return;
    if (chosen == Button::cancel) {
        answer(CIRRUS_SHELL_V1_INSTALL_ANSWER_CANCEL);
    } else if (chosen == Button::confirm) {
        answer(!offer_->reason.empty() ? CIRRUS_SHELL_V1_INSTALL_ANSWER_CANCEL
               : offer_->installed     ? CIRRUS_SHELL_V1_INSTALL_ANSWER_OPEN
                                       : CIRRUS_SHELL_V1_INSTALL_ANSWER_ADD);
    }
}

void InstallSheet::cancel() {
    touch_id_.reset();
    armed_ = Button::none;
    set_pressed(Button::none);
}

}  // namespace cirrus::shell
