#include "permission_prompt.hpp"

#include <cstdio>

#include "overlay_cards.hpp"
#include "overlay_drawing.hpp"
#include "protocols.hpp"

namespace cirrus::shell {

PermissionPrompt::PermissionPrompt(WaylandClient& client, ShellProtocol& protocol, AppList& apps)
    : client_(client), protocol_(protocol), apps_(apps) {}

PermissionPrompt::~PermissionPrompt() = default;

void PermissionPrompt::ask(PermissionQuestion question) {
    std::fprintf(stderr, "cirrus-shell: %s asks for %s%s\n", question.app.c_str(), question.permission.c_str(),
                 suspended_ ? " (asked after the unlock)" : "");
    queue_.push(std::move(question));
    sync();
}

void PermissionPrompt::set_suspended(bool suspended) {
    if (suspended == suspended_) return;
    suspended_ = suspended;
    sync();
}

void PermissionPrompt::sync() {
    const PermissionQuestion* q = queue_.front();
    if (!q || suspended_) {
        if (surface_) remove_ = true;
        shown_.reset();
        return;
    }
    remove_ = false;
    if (shown_ != q->request_id) {
        shown_ = q->request_id;
        sentence_ = permission_sentence(app_display_name(apps_, q->app), q->permission);
        armed_ = pressed_ = Button::none;
        if (surface_ && laid_out_) surface_->damage_all();
    }
    if (surface_) return;
    LayerSurface::Config config;
    config.layer = ZWLR_LAYER_SHELL_V1_LAYER_OVERLAY;
    config.anchor = ZWLR_LAYER_SURFACE_V1_ANCHOR_TOP | ZWLR_LAYER_SURFACE_V1_ANCHOR_BOTTOM |
                    ZWLR_LAYER_SURFACE_V1_ANCHOR_LEFT | ZWLR_LAYER_SURFACE_V1_ANCHOR_RIGHT;
    config.exclusive_zone = -1;  // the whole screen dims, the status bar too
    config.name_space = "cirrus-permission";
    config.opaque = false;
    laid_out_ = false;
    surface_ = std::make_unique<LayerSurface>(client_, config, *this);
}

void PermissionPrompt::answer(std::uint32_t answer) {
    const PermissionQuestion* q = queue_.front();
    if (!q) return;
    std::fprintf(stderr, "cirrus-shell: %s %s %s\n", q->app.c_str(),
                 answer == CIRRUS_SHELL_V1_PERMISSION_ANSWER_GRANTED ? "granted" : "denied", q->permission.c_str());
    for (std::uint32_t id : queue_.answer_front()) protocol_.answer_permission(id, answer);
    sync();
}

void PermissionPrompt::before_wait() {
    if (remove_) {
        // Here, outside every callback of the surface, it can go.
        surface_.reset();
        remove_ = false;
        laid_out_ = false;
        touch_id_.reset();
        armed_ = pressed_ = Button::none;
        return;
    }
    if (surface_) surface_->flush();
}

void PermissionPrompt::outputs_changed() {
    if (surface_) surface_->update_scale();
}

// --- drawing ------------------------------------------------------------------

void PermissionPrompt::layout(int width, int height, int) {
    geometry_ = compute_prompt_geometry(width, height);
    laid_out_ = true;
}

void PermissionPrompt::draw(cairo_t* cr) {
    const Box* pressed = pressed_ == Button::allow  ? &geometry_.allow
                         : pressed_ == Button::deny ? &geometry_.deny
                                                    : nullptr;
    draw_permission_dialog(cr, geometry_, sentence_, pressed);
}

// --- input --------------------------------------------------------------------

PermissionPrompt::Button PermissionPrompt::hit(double x, double y) const {
    if (geometry_.allow.contains(x, y)) return Button::allow;
    if (geometry_.deny.contains(x, y)) return Button::deny;
    return Button::none;
}

void PermissionPrompt::set_pressed(Button button) {
    if (button == pressed_) return;
    pressed_ = button;
    if (surface_) surface_->damage(geometry_.dialog);
}

void PermissionPrompt::press(int id, double x, double y, std::uint32_t) {
    // The dialog is modal: a touch outside it does nothing (and reaches no app).
    if (touch_id_ || !laid_out_ || !shown_) return;
    touch_id_ = id;
    armed_ = hit(x, y);
    set_pressed(armed_);
    if (armed_ != Button::none && surface_) surface_->draw_now();  // seen under the finger at once
}

void PermissionPrompt::move(int id, double x, double y, std::uint32_t) {
    if (touch_id_ != id) return;
    // Sliding off a button and letting go there answers nothing.
    set_pressed(hit(x, y) == armed_ ? armed_ : Button::none);
}

void PermissionPrompt::release(int id, std::uint32_t) {
    if (touch_id_ != id) return;
    touch_id_.reset();
    const Button chosen = pressed_;
    armed_ = Button::none;
    set_pressed(Button::none);
    if (chosen == Button::allow) answer(CIRRUS_SHELL_V1_PERMISSION_ANSWER_GRANTED);
    else if (chosen == Button::deny) answer(CIRRUS_SHELL_V1_PERMISSION_ANSWER_DENIED);
}

void PermissionPrompt::cancel() {
    touch_id_.reset();
    armed_ = Button::none;
    set_pressed(Button::none);
}

}  // namespace cirrus::shell
