// Input: keyboards (xkb keymap from the config or XKB_DEFAULT_*), pointers
// (nested and desktop use), touch (to the surface under each point), the
// virtual keyboard and pointer protocols, and the synthetic devices through
// which the control socket injects touch and keys.
#pragma once

#include <chrono>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <vector>

#include "geometry.hpp"
#include "gesture_recognizer.hpp"
#include "listener.hpp"
#include "wlr.hpp"

namespace cirrus {

class Server;
class LayerSurface;

class Seat {
public:
    explicit Seat(Server& server);
    ~Seat();
    Seat(const Seat&) = delete;
    Seat& operator=(const Seat&) = delete;

    void add_device(wlr_input_device* device, bool virtual_keyboard = false);
    // Keyboards a user types on (text_input_policy.hpp: is_hardware_keyboard);
    // while there is one, the on-screen keyboard stays down.
    std::size_t hardware_keyboards() const;
    // For tests on the headless backend: a keyboard device that counts as
    // hardware, attached and detached (the control socket's keyboard_device).
    bool attach_test_keyboard();
    bool detach_test_keyboard();
    // Keyboard focus: an exclusive layer surface, else the one the user
    // touched (on-demand), else the window the policy focused.
    void update_keyboard_focus();
    void forget_layer(LayerSurface* layer);

    // Injection through the synthetic devices; coordinates are layout pixels.
    bool inject_touch_down(int32_t id, double lx, double ly);
    bool inject_touch_motion(int32_t id, double lx, double ly);
    bool inject_touch_up(int32_t id);
    bool inject_touch_cancel(int32_t id);
    bool inject_touch_frame();
    bool inject_key(uint32_t keycode, bool pressed);
    // The last touch, key or pointer input (real or injected): whether the phone is idle.
    std::chrono::steady_clock::time_point last_input() const { return last_input_; }

    wlr_seat* const wlr;
    wlr_cursor* cursor = nullptr;
    wlr_xcursor_manager* xcursor = nullptr;

private:
    struct Device;
    void remove_device(Device* device);
    static void free_orphaned_keyboards(void* data);
    void update_capabilities();
    void notify_activity();
    std::chrono::steady_clock::time_point last_input_ = std::chrono::steady_clock::now();
    void handle_key(Device& keyboard, wlr_event_keyboard_key* event);
    void handle_touch_down(wlr_event_touch_down* event);
    void handle_touch_motion(wlr_event_touch_motion* event);
    void handle_touch_up(wlr_event_touch_up* event);
    void handle_touch_cancel(wlr_event_touch_cancel* event);
    void handle_cursor_motion(uint32_t time_msec);
    void handle_cursor_button(wlr_event_pointer_button* event);
    // The surface (and surface-local point) under a layout point.
    wlr_surface* surface_at(double lx, double ly, double* sx, double* sy) const;
    // Raises the touched window, or gives an on-demand layer the keyboard.
    void focus_from_input(wlr_surface* surface);
    // A touch, button or key press on an app's window: the compositor's own
    // record of a user action, for the link hand-off rule (handoff_gate.hpp).
    void note_user_action(wlr_surface* surface);
    Rect touch_area() const;
    uint32_t now_msec() const;

    Server& server_;
    std::list<std::unique_ptr<Device>> devices_;
    wlr_input_device* synthetic_keyboard_ = nullptr;
    wlr_input_device* synthetic_touch_ = nullptr;
    std::vector<wlr_input_device*> test_keyboards_;  // attach_test_keyboard's, newest last
    LayerSurface* layer_focus_ = nullptr;
    // wlroots 0.15 never frees a virtual keyboard's wlr_keyboard (its destroy
    // hook is empty). They are freed here, after wlroots is done with them.
    std::vector<wlr_keyboard*> orphaned_keyboards_;
    wl_event_source* free_keyboards_idle_ = nullptr;
    // Layout position of each touch point's surface origin, fixed at touch
    // down, so motions are delivered relative to the surface they began on.
    std::map<int32_t, std::pair<double, double>> touch_origins_;
    // System gestures from the bottom edge; touches it routes to the system
    // never reach a client.
    GestureRecognizer gestures_;
    wl_event_source* gesture_timer_ = nullptr;
    void gesture_result(const TouchResult& result);
    void arm_gesture_timer(uint32_t now);
    static int handle_gesture_timer(void* data);
    // Hardware keys the system keeps (power, home): their presses and releases.
    bool system_key(uint32_t keycode, bool pressed);

    Listener new_virtual_keyboard_;
    Listener new_virtual_pointer_;
    Listener cursor_motion_;
    Listener cursor_motion_absolute_;
    Listener cursor_button_;
    Listener cursor_axis_;
    Listener cursor_frame_;
    Listener request_set_cursor_;
    Listener request_set_selection_;
    Listener request_set_primary_selection_;
};

}  // namespace cirrus
