// The keyboard program's Wayland side: the globals, the seat's touch and
// pointer, the outputs' size and scale, the input method and the virtual
// keyboard, and one poll() loop over the display, a timerfd (long press and
// key repeat, disarmed while nothing is held) and a signalfd. It feeds the
// model and carries out what the model asks (TextSink). While hidden it has
// no surface and no timer: it sleeps in poll() until the compositor writes.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "composition.hpp"
#include "input_method.hpp"
#include "keyboard_model.hpp"
#include "keyboard_surface.hpp"
#include "virtual_keyboard.hpp"

struct zwp_input_method_manager_v2;
struct zwp_virtual_keyboard_manager_v1;

#include <wayland-client.h>

namespace cirrus::keyboard {

struct OutputInfo {
    int width = 0, height = 0;  // the current mode, physical pixels
    int scale = 1;
    std::int32_t transform = 0;
};

class KeyboardClient : public TextSink {
public:
    struct Options {
        bool events = false;  // JSON lines on stdout for tests: ready, shown, hidden
    };
    KeyboardClient(wl_display* display, std::unique_ptr<CompositionEngine> engine, const Options& options);
    ~KeyboardClient() override;
    KeyboardClient(const KeyboardClient&) = delete;
    KeyboardClient& operator=(const KeyboardClient&) = delete;

    // Binds the globals; false (with a message naming what is missing) when
    // the keyboard cannot work here (not a trusted client: no layer shell).
    bool start();
    // Until SIGTERM/SIGINT or the display goes away; the exit status.
    int run();

    // TextSink
    void commit_text(const std::string& text) override;
    void set_preedit(const std::string& text, std::size_t caret) override;
    void backspace() override;
    void press_return() override;
    void hide() override;

    // wl_registry, wl_seat, wl_touch, wl_pointer, wl_output listeners
    void global(wl_registry* registry, std::uint32_t name, const char* interface, std::uint32_t version);
    void global_remove(std::uint32_t name);
    void seat_capabilities(std::uint32_t caps);
    void touch_down(wl_surface* surface, std::int32_t id, double x, double y);
    void touch_up(std::int32_t id);
    void touch_motion(std::int32_t id, double x, double y);
    void touch_cancel();
    void pointer_enter(wl_surface* surface, double x, double y);
    void pointer_leave();
    void pointer_motion(double x, double y);
    void pointer_button(std::uint32_t button, std::uint32_t state);
    std::map<wl_output*, OutputInfo> outputs;
    void outputs_changed();

private:
    void bind_input_method();
    void input_method_done(const InputMethodState& state, bool newly_activated);
    void show();
    void hide_surface();
    // A JSON line (--events) with the layout shown: "shown", or "layout" when
    // another field of the same text input changed it; `scale` when > 0.
    void layout_event(const char* name, int scale = 0);
    void after_input();
    void flush_text();
    void arm_timer();
    void layout_for_width(int width);
    void screen_size(double& width, double& height, int& scale) const;
    void event(const std::string& json_line);
    static std::uint32_t now_ms();

    wl_display* display_;
    Options options_;
    Composition composition_;
    KeyboardModel model_;
    wl_registry* registry_ = nullptr;
    wl_compositor* compositor_ = nullptr;
    wl_shm* shm_ = nullptr;
    wl_seat* seat_ = nullptr;
    std::uint32_t seat_name_ = 0;
    wl_touch* touch_ = nullptr;
    wl_pointer* pointer_ = nullptr;
    zwlr_layer_shell_v1* layer_shell_ = nullptr;
    zwp_input_method_manager_v2* im_manager_ = nullptr;
    zwp_virtual_keyboard_manager_v1* vk_manager_ = nullptr;
    std::map<std::uint32_t, wl_output*> output_names_;
    std::unique_ptr<InputMethod> input_method_;
    VirtualKeyboard virtual_keyboard_;
    std::unique_ptr<KeyboardSurface> surface_;
    bool active_ = false;          // a field wants text
    bool hidden_by_user_ = false;  // the hide key, until the next activate
    bool pointer_in_ = false;
    bool pointer_down_ = false;
    double pointer_x_ = 0, pointer_y_ = 0;
    // Text for the field since the last commit(serial).
    bool text_pending_ = false;
    std::string preedit_;
    std::size_t preedit_caret_ = 0;
    int timer_fd_ = -1;
    int signal_fd_ = -1;
    long shown_count_ = 0;
};

}  // namespace cirrus::keyboard
