#include "seat.hpp"

#include <cstdlib>
#include <ctime>
#include <linux/input-event-codes.h>

#include "app_link.hpp"
#include "layer_surface.hpp"
#include "output.hpp"
#include "server.hpp"
#include "shell_link.hpp"
#include "text_input.hpp"
#include "xdg_view.hpp"

namespace cirrus {

struct Seat::Device {
    wlr_input_device* wlr = nullptr;
    bool virtual_keyboard = false;
    Listener destroy;
    Listener key;
    Listener modifiers;
    Listener touch_down;
    Listener touch_up;
    Listener touch_motion;
    Listener touch_cancel;
    Listener touch_frame;
};

namespace {

const char* or_null(const std::string& s) { return s.empty() ? nullptr : s.c_str(); }

// A keymap from the config; where it names a layout xkbcommon cannot build,
// say so and fall back to XKB_DEFAULT_* and then to xkbcommon's default.
xkb_keymap* make_keymap(xkb_context* context, const KeyboardConfig& cfg) {
    xkb_rule_names names{or_null(cfg.rules), or_null(cfg.model), or_null(cfg.layout), or_null(cfg.variant),
                         or_null(cfg.options)};
    if (xkb_keymap* keymap = xkb_keymap_new_from_names(context, &names, XKB_KEYMAP_COMPILE_NO_FLAGS)) return keymap;
    wlr_log(WLR_ERROR,
            "keyboard: no keymap for layout '%s' variant '%s' (check [keyboard] in the config "
            "or XKB_DEFAULT_LAYOUT); using the default keymap",
            cfg.layout.c_str(), cfg.variant.c_str());
    xkb_rule_names fallback{};
    return xkb_keymap_new_from_names(context, &fallback, XKB_KEYMAP_COMPILE_NO_FLAGS);
}

}  // namespace

Seat::Seat(Server& server) : wlr(wlr_seat_create(server.display, "seat0")), server_(server) {
    if (!wlr) throw std::runtime_error("cannot create the seat (out of memory)");
    cursor = wlr_cursor_create();
    if (!cursor) throw std::runtime_error("cannot create the cursor (out of memory)");
    wlr_cursor_attach_output_layout(cursor, server_.output_layout);
    xcursor = wlr_xcursor_manager_create(nullptr, 24);

    cursor_motion_.connect(&cursor->events.motion, [this](void* data) {
        auto* event = static_cast<wlr_event_pointer_motion*>(data);
        wlr_cursor_move(cursor, event->device, event->delta_x, event->delta_y);
        handle_cursor_motion(event->time_msec);
    });
    cursor_motion_absolute_.connect(&cursor->events.motion_absolute, [this](void* data) {
        auto* event = static_cast<wlr_event_pointer_motion_absolute*>(data);
        wlr_cursor_warp_absolute(cursor, event->device, event->x, event->y);
        handle_cursor_motion(event->time_msec);
    });
    cursor_button_.connect(&cursor->events.button,
                           [this](void* data) { handle_cursor_button(static_cast<wlr_event_pointer_button*>(data)); });
    cursor_axis_.connect(&cursor->events.axis, [this](void* data) {
        auto* e = static_cast<wlr_event_pointer_axis*>(data);
        wlr_seat_pointer_notify_axis(wlr, e->time_msec, e->orientation, e->delta, e->delta_discrete, e->source);
    });
    cursor_frame_.connect(&cursor->events.frame, [this](void*) { wlr_seat_pointer_notify_frame(wlr); });

    request_set_cursor_.connect(&wlr->events.request_set_cursor, [this](void* data) {
        auto* event = static_cast<wlr_seat_pointer_request_set_cursor_event*>(data);
        // Only the client under the pointer may choose its image.
        if (event->seat_client == wlr->pointer_state.focused_client) {
            wlr_cursor_set_surface(cursor, event->surface, event->hotspot_x, event->hotspot_y);
        }
    });
    request_set_selection_.connect(&wlr->events.request_set_selection, [this](void* data) {
        auto* event = static_cast<wlr_seat_request_set_selection_event*>(data);
        wlr_seat_set_selection(wlr, event->source, event->serial);
    });
    request_set_primary_selection_.connect(&wlr->events.request_set_primary_selection, [this](void* data) {
        auto* event = static_cast<wlr_seat_request_set_primary_selection_event*>(data);
        wlr_seat_set_primary_selection(wlr, event->source, event->serial);
    });

    if (server_.virtual_keyboard) {
        new_virtual_keyboard_.connect(&server_.virtual_keyboard->events.new_virtual_keyboard, [this](void* data) {
            add_device(&static_cast<wlr_virtual_keyboard_v1*>(data)->input_device, true);
        });
    }
    if (server_.virtual_pointer) {
        new_virtual_pointer_.connect(&server_.virtual_pointer->events.new_virtual_pointer, [this](void* data) {
            add_device(&static_cast<wlr_virtual_pointer_v1_new_pointer_event*>(data)->new_pointer->input_device);
        });
    }
    update_capabilities();
}

Seat::~Seat() {
    devices_.clear();
    // Listeners leave the cursor's and the seat's signals before those go.
    for (Listener* listener : {&new_virtual_keyboard_, &new_virtual_pointer_, &cursor_motion_, &cursor_motion_absolute_,
                               &cursor_button_, &cursor_axis_, &cursor_frame_, &request_set_cursor_,
                               &request_set_selection_, &request_set_primary_selection_}) {
        listener->disconnect();
    }
    if (free_keyboards_idle_) wl_event_source_remove(free_keyboards_idle_);
    if (gesture_timer_) wl_event_source_remove(gesture_timer_);
    free_orphaned_keyboards(this);
    if (xcursor) wlr_xcursor_manager_destroy(xcursor);
    if (cursor) wlr_cursor_destroy(cursor);
    // The wlr_seat itself goes with the display.
}

uint32_t Seat::now_msec() const {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<uint32_t>(now.tv_sec * 1000 + now.tv_nsec / 1000000);
}

void Seat::add_device(wlr_input_device* device, bool virtual_keyboard) {
    auto owned = std::make_unique<Device>();
    Device& dev = *owned;
    dev.wlr = device;
    dev.virtual_keyboard = virtual_keyboard;
    dev.destroy.connect(&device->events.destroy, [this, &dev](void*) { remove_device(&dev); });

    switch (device->type) {
    case WLR_INPUT_DEVICE_KEYBOARD: {
        xkb_context* context = xkb_context_new(XKB_CONTEXT_NO_FLAGS);
        if (xkb_keymap* keymap = context ? make_keymap(context, server_.config.keyboard) : nullptr) {
            wlr_keyboard_set_keymap(device->keyboard, keymap);
            xkb_keymap_unref(keymap);
        }
        if (context) xkb_context_unref(context);
        wlr_keyboard_set_repeat_info(device->keyboard, server_.config.keyboard.repeat_rate,
                                     server_.config.keyboard.repeat_delay);
        dev.key.connect(&device->keyboard->events.key,
                        [this, &dev](void* data) { handle_key(dev, static_cast<wlr_event_keyboard_key*>(data)); });
        dev.modifiers.connect(&device->keyboard->events.modifiers, [this, &dev](void*) {
            wlr_seat_set_keyboard(wlr, dev.wlr);
            wlr_seat_keyboard_notify_modifiers(wlr, &dev.wlr->keyboard->modifiers);
        });
        if (wlr_input_device_is_headless(device) && !synthetic_keyboard_) synthetic_keyboard_ = device;
        wlr_seat_set_keyboard(wlr, device);
        break;
    }
    case WLR_INPUT_DEVICE_POINTER:
        wlr_cursor_attach_input_device(cursor, device);
        break;
    case WLR_INPUT_DEVICE_TOUCH:
        dev.touch_down.connect(&device->touch->events.down,
                               [this](void* data) { handle_touch_down(static_cast<wlr_event_touch_down*>(data)); });
        dev.touch_motion.connect(&device->touch->events.motion, [this](void* data) {
            handle_touch_motion(static_cast<wlr_event_touch_motion*>(data));
        });
        dev.touch_up.connect(&device->touch->events.up,
                             [this](void* data) { handle_touch_up(static_cast<wlr_event_touch_up*>(data)); });
        dev.touch_cancel.connect(&device->touch->events.cancel, [this](void* data) {
            handle_touch_cancel(static_cast<wlr_event_touch_cancel*>(data));
        });
        dev.touch_frame.connect(&device->touch->events.frame, [this](void*) { wlr_seat_touch_notify_frame(wlr); });
        if (wlr_input_device_is_headless(device) && !synthetic_touch_) synthetic_touch_ = device;
        break;
    default:
        // Tablets and switches (lid, tablet mode) have no phone meaning yet.
        break;
    }
    devices_.push_back(std::move(owned));
    update_capabilities();
    if (device->type == WLR_INPUT_DEVICE_KEYBOARD && server_.text_input) server_.text_input->refresh();
}

std::size_t Seat::hardware_keyboards() const {
    std::size_t count = 0;
    for (const auto& dev : devices_) {
        if (dev->wlr->type != WLR_INPUT_DEVICE_KEYBOARD) continue;
        if (is_hardware_keyboard({dev->virtual_keyboard, dev->wlr == synthetic_keyboard_})) ++count;
    }
    return count;
}

bool Seat::attach_test_keyboard() {
    if (!server_.synthetic_input_backend || !synthetic_keyboard_) return false;
    // The synthetic backend announces it through new_input: add_device.
    wlr_input_device* device =
        wlr_headless_add_input_device(server_.synthetic_input_backend, WLR_INPUT_DEVICE_KEYBOARD);
    if (!device) return false;
    test_keyboards_.push_back(device);
    return true;
}

bool Seat::detach_test_keyboard() {
    if (test_keyboards_.empty()) return false;
    wlr_input_device* device = test_keyboards_.back();
    test_keyboards_.pop_back();
    wlr_input_device_destroy(device);  // its destroy signal: remove_device
    return true;
}

void Seat::free_orphaned_keyboards(void* data) {
    auto* self = static_cast<Seat*>(data);
    self->free_keyboards_idle_ = nullptr;
    for (wlr_keyboard* keyboard : self->orphaned_keyboards_) std::free(keyboard);
    self->orphaned_keyboards_.clear();
}

void Seat::remove_device(Device* device) {
    if (device->virtual_keyboard) {
        // The device's destroy signal comes before wlroots tears the keyboard
        // down: free it once this dispatch is over.
        orphaned_keyboards_.push_back(device->wlr->keyboard);
        if (!free_keyboards_idle_) {
            free_keyboards_idle_ = wl_event_loop_add_idle(server_.loop, &Seat::free_orphaned_keyboards, this);
        }
    }
    if (device->wlr == synthetic_keyboard_) synthetic_keyboard_ = nullptr;
    if (device->wlr == synthetic_touch_) synthetic_touch_ = nullptr;
    std::erase(test_keyboards_, device->wlr);
    const bool keyboard = device->wlr->type == WLR_INPUT_DEVICE_KEYBOARD;
    devices_.remove_if([device](const std::unique_ptr<Device>& d) { return d.get() == device; });
    update_capabilities();
    if (keyboard && server_.text_input && !server_.shutting_down) server_.text_input->refresh();
}

void Seat::update_capabilities() {
    uint32_t caps = 0;
    for (const auto& dev : devices_) {
        switch (dev->wlr->type) {
        case WLR_INPUT_DEVICE_KEYBOARD:
            caps |= WL_SEAT_CAPABILITY_KEYBOARD;
            break;
        case WLR_INPUT_DEVICE_POINTER:
            caps |= WL_SEAT_CAPABILITY_POINTER;
            break;
        case WLR_INPUT_DEVICE_TOUCH:
            caps |= WL_SEAT_CAPABILITY_TOUCH;
            break;
        default:
            break;
        }
    }
    wlr_seat_set_capabilities(wlr, caps);
}

void Seat::notify_activity() {
    // Any real or injected input postpones the idle timeouts (screen blanking).
    if (server_.idle) wlr_idle_notify_activity(server_.idle, wlr);
    last_input_ = std::chrono::steady_clock::now();
}

bool Seat::system_key(uint32_t keycode, bool pressed) {
    if (keycode != KEY_POWER && keycode != KEY_HOMEPAGE) return false;
    // Acting on the press feels immediate; the release is swallowed with it.
    if (pressed) {
        if (keycode == KEY_POWER) server_.power_key();
        if (keycode == KEY_HOMEPAGE) server_.system_gesture(ShellGesture::home_key);
    }
    return true;
}

void Seat::handle_key(Device& keyboard, wlr_event_keyboard_key* event) {
    notify_activity();
    if (system_key(event->keycode, event->state == WL_KEYBOARD_KEY_STATE_PRESSED)) return;
    if (event->state == WL_KEYBOARD_KEY_STATE_PRESSED) note_user_action(wlr->keyboard_state.focused_surface);
    wlr_seat_set_keyboard(wlr, keyboard.wlr);
    wlr_seat_keyboard_notify_key(wlr, event->time_msec, event->keycode, event->state);
}

wlr_surface* Seat::surface_at(double lx, double ly, double* sx, double* sy) const {
    wlr_scene_node* node = wlr_scene_node_at(&server_.scene->node, lx, ly, sx, sy);
    if (!node || node->type != WLR_SCENE_NODE_SURFACE) return nullptr;
    return wlr_scene_surface_from_node(node)->surface;
}

void Seat::focus_from_input(wlr_surface* surface) {
    if (!surface) return;
    wlr_surface* root = wlr_surface_get_root_surface(surface);
    if (wlr_surface_is_layer_surface(root)) {
        wlr_layer_surface_v1* layer = wlr_layer_surface_v1_from_wlr_surface(root);
        auto* ours = static_cast<LayerSurface*>(layer->data);
        if (ours && ours->accepts_keyboard()) {
            layer_focus_ = ours;
            update_keyboard_focus();
        }
        return;
    }
    if (wlr_surface_is_xdg_surface(root)) {
        wlr_xdg_surface* xdg = wlr_xdg_surface_from_wlr_surface(root);
        while (xdg && xdg->role == WLR_XDG_SURFACE_ROLE_POPUP && xdg->popup->parent &&
               wlr_surface_is_xdg_surface(xdg->popup->parent)) {
            xdg = wlr_xdg_surface_from_wlr_surface(xdg->popup->parent);
        }
        if (XdgView* view = xdg ? server_.view_for_surface(xdg->surface) : nullptr) {
            layer_focus_ = nullptr;
            server_.focus_view(view);
        }
    }
}

void Seat::note_user_action(wlr_surface* surface) {
    if (!surface || !server_.app_link) return;
    wlr_surface* root = wlr_surface_get_root_surface(surface);
    if (!wlr_surface_is_xdg_surface(root)) return;
    wlr_xdg_surface* xdg = wlr_xdg_surface_from_wlr_surface(root);
    while (xdg && xdg->role == WLR_XDG_SURFACE_ROLE_POPUP && xdg->popup->parent &&
           wlr_surface_is_xdg_surface(xdg->popup->parent)) {
        xdg = wlr_xdg_surface_from_wlr_surface(xdg->popup->parent);
    }
    if (XdgView* view = xdg ? server_.view_for_surface(xdg->surface) : nullptr)
        server_.app_link->user_action(view->pid);
}

void Seat::forget_layer(LayerSurface* layer) {
    if (layer_focus_ == layer) layer_focus_ = nullptr;
}

void Seat::update_keyboard_focus() {
    wlr_surface* target = nullptr;
    for (const auto& layer : server_.layer_surfaces) {
        if (layer->wants_exclusive_keyboard()) target = layer->wlr->surface;
    }
    if (!target && layer_focus_ && layer_focus_->accepts_keyboard()) target = layer_focus_->wlr->surface;
    if (!target) {
        if (auto focused = server_.policy.focused()) {
            if (XdgView* view = server_.view_by_id(*focused)) target = view->surface();
        }
    }
    if (wlr->keyboard_state.focused_surface == target) return;
    if (!target) {
        wlr_seat_keyboard_notify_clear_focus(wlr);
        return;
    }
    if (wlr_keyboard* kb = wlr_seat_get_keyboard(wlr)) {
        wlr_seat_keyboard_notify_enter(wlr, target, kb->keycodes, kb->num_keycodes, &kb->modifiers);
    } else {
        wlr_seat_keyboard_notify_enter(wlr, target, nullptr, 0, nullptr);
    }
}

Rect Seat::touch_area() const {
    // A phone's touch panel covers its built-in display: the first output.
    Output* output = server_.primary_output();
    return output ? output->box() : Rect{};
}

void Seat::gesture_result(const TouchResult& result) {
    if (!result.decided) return;
    if (*result.decided == Gesture::home) server_.system_gesture(ShellGesture::home);
    if (*result.decided == Gesture::switcher) server_.system_gesture(ShellGesture::switcher);
    if (*result.decided == Gesture::reveal_status_bar) server_.reveal_status_bar();
}

void Seat::arm_gesture_timer(uint32_t now) {
    const auto delay = gestures_.ms_until_deadline(now);
    if (!delay) return;
    if (!gesture_timer_) gesture_timer_ = wl_event_loop_add_timer(server_.loop, &Seat::handle_gesture_timer, this);
    if (gesture_timer_) wl_event_source_timer_update(gesture_timer_, static_cast<int>(*delay));
}

int Seat::handle_gesture_timer(void* data) {
    auto* self = static_cast<Seat*>(data);
    const uint32_t now = self->now_msec();
    if (self->gestures_.tick(now) == Gesture::switcher) self->server_.system_gesture(ShellGesture::switcher);
    self->arm_gesture_timer(now);
    return 0;
}

void Seat::handle_touch_down(wlr_event_touch_down* event) {
    notify_activity();
    const Rect area = touch_area();
    const double lx = area.x + event->x * area.width;
    const double ly = area.y + event->y * area.height;
    // The lock screen's own swipe up is the shell's: no system gestures then.
    if (!server_.locked()) {
        // The top strip is the system's only while a fullscreen app hides
        // the status bar; otherwise the bar (or the app) keeps its touches.
        gestures_.set_top_edge(server_.policy.status_bar_hidden());
        const TouchResult result = gestures_.touch_down(event->touch_id, {lx, ly}, area, event->time_msec);
        if (result.route == TouchRoute::system) {
            gesture_result(result);
            arm_gesture_timer(event->time_msec);
            return;
        }
    }
    double sx = 0, sy = 0;
    wlr_surface* surface = surface_at(lx, ly, &sx, &sy);
    if (!surface) return;
    focus_from_input(surface);
    note_user_action(surface);
    touch_origins_[event->touch_id] = {lx - sx, ly - sy};
    wlr_seat_touch_notify_down(wlr, surface, event->time_msec, event->touch_id, sx, sy);
}

void Seat::handle_touch_motion(wlr_event_touch_motion* event) {
    const Rect area = touch_area();
    const double lx = area.x + event->x * area.width;
    const double ly = area.y + event->y * area.height;
    const TouchResult result = gestures_.touch_motion(event->touch_id, {lx, ly}, event->time_msec);
    if (result.route == TouchRoute::system) {
        gesture_result(result);
        arm_gesture_timer(event->time_msec);
        return;
    }
    auto origin = touch_origins_.find(event->touch_id);
    if (origin == touch_origins_.end()) return;
    wlr_seat_touch_notify_motion(wlr, event->time_msec, event->touch_id, lx - origin->second.first,
                                 ly - origin->second.second);
}

void Seat::handle_touch_up(wlr_event_touch_up* event) {
    const TouchResult result = gestures_.touch_up(event->touch_id, event->time_msec);
    if (result.route == TouchRoute::system) {
        if (gesture_timer_) wl_event_source_timer_update(gesture_timer_, 0);
        gesture_result(result);
        return;
    }
    if (touch_origins_.erase(event->touch_id) == 0) return;
    wlr_seat_touch_notify_up(wlr, event->time_msec, event->touch_id);
}

void Seat::handle_touch_cancel(wlr_event_touch_cancel* event) {
    if (gestures_.touch_cancel(event->touch_id).route == TouchRoute::system) {
        if (gesture_timer_) wl_event_source_timer_update(gesture_timer_, 0);
        return;
    }
    if (touch_origins_.erase(event->touch_id) == 0) return;
    if (wlr_touch_point* point = wlr_seat_touch_get_point(wlr, event->touch_id)) {
        if (point->surface) wlr_seat_touch_notify_cancel(wlr, point->surface);
    }
}

void Seat::handle_cursor_motion(uint32_t time_msec) {
    notify_activity();
    double sx = 0, sy = 0;
    wlr_surface* surface = surface_at(cursor->x, cursor->y, &sx, &sy);
    if (!surface) {
        if (xcursor) wlr_xcursor_manager_set_cursor_image(xcursor, "left_ptr", cursor);
        wlr_seat_pointer_clear_focus(wlr);
        return;
    }
    wlr_seat_pointer_notify_enter(wlr, surface, sx, sy);
    wlr_seat_pointer_notify_motion(wlr, time_msec, sx, sy);
}

void Seat::handle_cursor_button(wlr_event_pointer_button* event) {
    notify_activity();
    if (event->state == WLR_BUTTON_PRESSED) {
        double sx = 0, sy = 0;
        wlr_surface* surface = surface_at(cursor->x, cursor->y, &sx, &sy);
        focus_from_input(surface);
        note_user_action(surface);
    }
    wlr_seat_pointer_notify_button(wlr, event->time_msec, event->button, event->state);
}

bool Seat::inject_touch_down(int32_t id, double lx, double ly) {
    const Rect area = touch_area();
    if (!synthetic_touch_ || area.empty()) return false;
    wlr_event_touch_down event{synthetic_touch_, now_msec(), id, (lx - area.x) / area.width,
                               (ly - area.y) / area.height};
    wl_signal_emit(&synthetic_touch_->touch->events.down, &event);
    return true;
}

bool Seat::inject_touch_motion(int32_t id, double lx, double ly) {
    const Rect area = touch_area();
    if (!synthetic_touch_ || area.empty()) return false;
    wlr_event_touch_motion event{synthetic_touch_, now_msec(), id, (lx - area.x) / area.width,
                                 (ly - area.y) / area.height};
    wl_signal_emit(&synthetic_touch_->touch->events.motion, &event);
    return true;
}

bool Seat::inject_touch_up(int32_t id) {
    if (!synthetic_touch_) return false;
    wlr_event_touch_up event{synthetic_touch_, now_msec(), id};
    wl_signal_emit(&synthetic_touch_->touch->events.up, &event);
    return true;
}

bool Seat::inject_touch_cancel(int32_t id) {
    if (!synthetic_touch_) return false;
    wlr_event_touch_cancel event{synthetic_touch_, now_msec(), id};
    wl_signal_emit(&synthetic_touch_->touch->events.cancel, &event);
    return true;
}

bool Seat::inject_touch_frame() {
    if (!synthetic_touch_) return false;
    wl_signal_emit(&synthetic_touch_->touch->events.frame, nullptr);
    return true;
}

bool Seat::inject_key(uint32_t keycode, bool pressed) {
    if (!synthetic_keyboard_) return false;
    wlr_event_keyboard_key event{now_msec(), keycode, true,
                                 pressed ? WL_KEYBOARD_KEY_STATE_PRESSED : WL_KEYBOARD_KEY_STATE_RELEASED};
    wlr_keyboard_notify_key(synthetic_keyboard_->keyboard, &event);
    return true;
}

}  // namespace cirrus
