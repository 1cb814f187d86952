#include "keyboard_client.hpp"

#include <poll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>

#include <nlohmann/json.hpp>

#include "drawing.hpp"
#include "protocols.hpp"
#include "protocols.hpp"

namespace cirrus::keyboard {

namespace {

constexpr std::uint32_t kBtnLeft = 0x110;  // linux/input-event-codes.h
// A pointer is "touch" number -1 (touch ids are the compositor's, >= 0).
constexpr int kPointerTouchId = -1;

KeyboardClient* self_of(void* data) { return static_cast<KeyboardClient*>(data); }

void registry_global(void* data, wl_registry* registry, std::uint32_t name, const char* interface,
                     std::uint32_t version) {
    self_of(data)->global(registry, name, interface, version);
}
void registry_global_remove(void* data, wl_registry*, std::uint32_t name) { self_of(data)->global_remove(name); }
const wl_registry_listener kRegistryListener = {registry_global, registry_global_remove};

void seat_capabilities(void* data, wl_seat*, std::uint32_t caps) { self_of(data)->seat_capabilities(caps); }
void seat_name(void*, wl_seat*, const char*) {}
const wl_seat_listener kSeatListener = {seat_capabilities, seat_name};

void touch_down(void* data, wl_touch*, std::uint32_t, std::uint32_t, wl_surface* surface, std::int32_t id, wl_fixed_t x,
                wl_fixed_t y) {
    self_of(data)->touch_down(surface, id, wl_fixed_to_double(x), wl_fixed_to_double(y));
}
void touch_up(void* data, wl_touch*, std::uint32_t, std::uint32_t, std::int32_t id) { self_of(data)->touch_up(id); }
void touch_motion(void* data, wl_touch*, std::uint32_t, std::int32_t id, wl_fixed_t x, wl_fixed_t y) {
    self_of(data)->touch_motion(id, wl_fixed_to_double(x), wl_fixed_to_double(y));
}
void touch_frame(void*, wl_touch*) {}
void touch_cancel(void* data, wl_touch*) { self_of(data)->touch_cancel(); }
void touch_shape(void*, wl_touch*, std::int32_t, wl_fixed_t, wl_fixed_t) {}
void touch_orientation(void*, wl_touch*, std::int32_t, wl_fixed_t) {}
const wl_touch_listener kTouchListener = {touch_down,   touch_up,    touch_motion,     touch_frame,
                                          touch_cancel, touch_shape, touch_orientation};

void pointer_enter(void* data, wl_pointer*, std::uint32_t, wl_surface* surface, wl_fixed_t x, wl_fixed_t y) {
    self_of(data)->pointer_enter(surface, wl_fixed_to_double(x), wl_fixed_to_double(y));
}
void pointer_leave(void* data, wl_pointer*, std::uint32_t, wl_surface*) { self_of(data)->pointer_leave(); }
void pointer_motion(void* data, wl_pointer*, std::uint32_t, wl_fixed_t x, wl_fixed_t y) {
    self_of(data)->pointer_motion(wl_fixed_to_double(x), wl_fixed_to_double(y));
}
void pointer_button(void* data, wl_pointer*, std::uint32_t, std::uint32_t, std::uint32_t button, std::uint32_t state) {
    self_of(data)->pointer_button(button, state);
}
void pointer_axis(void*, wl_pointer*, std::uint32_t, std::uint32_t, wl_fixed_t) {}
void pointer_frame(void*, wl_pointer*) {}
void pointer_axis_source(void*, wl_pointer*, std::uint32_t) {}
void pointer_axis_stop(void*, wl_pointer*, std::uint32_t, std::uint32_t) {}
void pointer_axis_discrete(void*, wl_pointer*, std::uint32_t, std::int32_t) {}
void pointer_axis_value120(void*, wl_pointer*, std::uint32_t, std::int32_t) {}
const wl_pointer_listener kPointerListener = {
    pointer_enter, pointer_leave,       pointer_motion,    pointer_button,        pointer_axis,
    pointer_frame, pointer_axis_source, pointer_axis_stop, pointer_axis_discrete, pointer_axis_value120,
};

void output_geometry(void* data, wl_output* output, std::int32_t, std::int32_t, std::int32_t, std::int32_t,
                     std::int32_t, const char*, const char*, std::int32_t transform) {
    self_of(data)->outputs[output].transform = transform;
}
void output_mode(void* data, wl_output* output, std::uint32_t flags, std::int32_t width, std::int32_t height,
                 std::int32_t) {
    if (!(flags & WL_OUTPUT_MODE_CURRENT)) return;
    OutputInfo& info = self_of(data)->outputs[output];
    info.width = width;
    info.height = height;
}
void output_done(void* data, wl_output*) { self_of(data)->outputs_changed(); }
void output_scale(void* data, wl_output* output, std::int32_t factor) {
    self_of(data)->outputs[output].scale = std::clamp(factor, 1, 4);
}
void output_name(void*, wl_output*, const char*) {}
void output_description(void*, wl_output*, const char*) {}
const wl_output_listener kOutputListener = {output_geometry, output_mode, output_done,
                                            output_scale,    output_name, output_description};

}  // namespace

KeyboardClient::KeyboardClient(wl_display* display, std::unique_ptr<CompositionEngine> engine, const Options& options)
    : display_(display),
      options_(options),
      composition_(std::move(engine)),
      model_(*this, composition_, measure_candidate) {}

KeyboardClient::~KeyboardClient() {
    surface_.reset();
    input_method_.reset();
    if (touch_) wl_touch_destroy(touch_);
    if (pointer_) wl_pointer_destroy(pointer_);
    if (timer_fd_ >= 0) close(timer_fd_);
    if (signal_fd_ >= 0) close(signal_fd_);
}

std::uint32_t KeyboardClient::now_ms() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint32_t>(static_cast<std::uint64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000);
}

void KeyboardClient::event(const std::string& line) {
    if (!options_.events) return;
    std::fprintf(stdout, "%s\n", line.c_str());
    std::fflush(stdout);
}

bool KeyboardClient::start() {
    registry_ = wl_display_get_registry(display_);
    if (!registry_) return false;
    wl_registry_add_listener(registry_, &kRegistryListener, this);
    if (wl_display_roundtrip(display_) < 0 || wl_display_roundtrip(display_) < 0) {
        std::fprintf(stderr, "cirrus-keyboard: the display went away while starting\n");
        return false;
    }
    if (!compositor_ || !shm_ || !seat_) {
        std::fprintf(stderr, "cirrus-keyboard: the compositor lacks wl_compositor, wl_shm or wl_seat\n");
        return false;
    }
    if (!layer_shell_) {
        std::fprintf(stderr,
                     "cirrus-keyboard: no zwlr_layer_shell_v1: the keyboard must be started as a trusted client "
                     "(the compositor's [keyboard] command, or its trusted socket)\n");
        return false;
    }
    if (!im_manager_)
        std::fprintf(stderr,
                     "cirrus-keyboard: no zwp_input_method_manager_v2 yet: waiting for it (the keyboard "
                     "shows only for an input method)\n");
    if (!vk_manager_)
        std::fprintf(stderr,
                     "cirrus-keyboard: no zwp_virtual_keyboard_manager_v1: Return and some backspaces are "
                     "sent as text instead\n");
    surface_ = std::make_unique<KeyboardSurface>(KeyboardSurface::Globals{compositor_, shm_, layer_shell_}, model_);
    surface_->on_width = [](void* data, int width) { self_of(data)->layout_for_width(width); };
    surface_->on_width_data = this;

    timer_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigprocmask(SIG_BLOCK, &mask, nullptr);
    signal_fd_ = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
    if (timer_fd_ < 0 || signal_fd_ < 0) {
        std::fprintf(stderr, "cirrus-keyboard: cannot make a timerfd or signalfd: %s\n", std::strerror(errno));
        return false;
    }
    // A keyboard started (or restarted) while a field is focused was
    // activated during the roundtrips above, before it had a surface.
    if (active_) show();
    nlohmann::json ready = {{"event", "ready"},
                            {"input_method", input_method_ != nullptr},
                            {"virtual_keyboard", virtual_keyboard_.ready()},
                            {"pinyin", composition_.available()}};
    event(ready.dump());
    return true;
}

void KeyboardClient::global(wl_registry* registry, std::uint32_t name, const char* interface, std::uint32_t version) {
    const std::string iface = interface;
    if (iface == wl_compositor_interface.name && !compositor_) {
        compositor_ = static_cast<wl_compositor*>(
            wl_registry_bind(registry, name, &wl_compositor_interface, std::min(version, 4u)));
    } else if (iface == wl_shm_interface.name && !shm_) {
        shm_ = static_cast<wl_shm*>(wl_registry_bind(registry, name, &wl_shm_interface, 1));
    } else if (iface == wl_seat_interface.name && !seat_) {
        seat_ = static_cast<wl_seat*>(wl_registry_bind(registry, name, &wl_seat_interface, std::min(version, 5u)));
        seat_name_ = name;
        if (seat_) wl_seat_add_listener(seat_, &kSeatListener, this);
    } else if (iface == wl_output_interface.name) {
        auto* output =
            static_cast<wl_output*>(wl_registry_bind(registry, name, &wl_output_interface, std::min(version, 3u)));
        if (output) {
            output_names_[name] = output;
            outputs[output] = {};
            wl_output_add_listener(output, &kOutputListener, this);
        }
    } else if (iface == zwlr_layer_shell_v1_interface.name && !layer_shell_) {
        layer_shell_ = static_cast<zwlr_layer_shell_v1*>(
            wl_registry_bind(registry, name, &zwlr_layer_shell_v1_interface, std::min(version, 3u)));
    } else if (iface == zwp_input_method_manager_v2_interface.name && !im_manager_) {
        im_manager_ = static_cast<zwp_input_method_manager_v2*>(
            wl_registry_bind(registry, name, &zwp_input_method_manager_v2_interface, 1));
    } else if (iface == zwp_virtual_keyboard_manager_v1_interface.name && !vk_manager_) {
        vk_manager_ = static_cast<zwp_virtual_keyboard_manager_v1*>(
            wl_registry_bind(registry, name, &zwp_virtual_keyboard_manager_v1_interface, 1));
    }
    bind_input_method();
}

void KeyboardClient::bind_input_method() {
    // Both need the seat; the globals may come in any order (or later: a
    // compositor whose relay starts after us).
    if (seat_ && vk_manager_ && !virtual_keyboard_.ready()) virtual_keyboard_.create(vk_manager_, seat_);
    if (seat_ && im_manager_ && !input_method_) {
        InputMethod::Handlers handlers;
        handlers.done = [this](const InputMethodState& state, bool newly) { input_method_done(state, newly); };
        handlers.unavailable = [this] {
            active_ = false;
            hide_surface();
        };
        input_method_ = std::make_unique<InputMethod>(im_manager_, seat_, std::move(handlers));
        if (options_.events && surface_) event(R"({"event":"input_method"})");
    }
}

void KeyboardClient::global_remove(std::uint32_t name) {
    const auto it = output_names_.find(name);
    if (it == output_names_.end()) return;
    outputs.erase(it->second);
    wl_output_release(it->second);
    output_names_.erase(it);
}

void KeyboardClient::seat_capabilities(std::uint32_t caps) {
    if ((caps & WL_SEAT_CAPABILITY_TOUCH) && !touch_) {
        touch_ = wl_seat_get_touch(seat_);
        if (touch_) wl_touch_add_listener(touch_, &kTouchListener, this);
    } else if (!(caps & WL_SEAT_CAPABILITY_TOUCH) && touch_) {
        wl_touch_destroy(touch_);
        touch_ = nullptr;
    }
    if ((caps & WL_SEAT_CAPABILITY_POINTER) && !pointer_) {
        pointer_ = wl_seat_get_pointer(seat_);
        if (pointer_) wl_pointer_add_listener(pointer_, &kPointerListener, this);
    } else if (!(caps & WL_SEAT_CAPABILITY_POINTER) && pointer_) {
        wl_pointer_destroy(pointer_);
        pointer_ = nullptr;
    }
}

void KeyboardClient::screen_size(double& width, double& height, int& scale) const {
    width = height = 0;
    scale = 1;
    // A phone has one screen; with more, the largest scale keeps text sharp.
    for (const auto& [output, info] : outputs) {
        const int s = std::max(info.scale, 1);
        const bool rotated = info.transform % 2 == 1;  // 90 or 270 (flipped too)
        const double w = (rotated ? info.height : info.width) / static_cast<double>(s);
        const double h = (rotated ? info.width : info.height) / static_cast<double>(s);
        if (w > width) {
            width = w;
            height = h;
        }
        scale = std::max(scale, s);
    }
    if (width <= 0) {
        width = 480;
        height = 800;
    }
}

void KeyboardClient::layout_for_width(int width) {
    double sw, sh;
    int scale;
    screen_size(sw, sh, scale);
    model_.resize(width, sw, sh);
}

void KeyboardClient::outputs_changed() {
    // A rotation or a new scale while shown: lay out and draw again.
    if (!surface_ || !surface_->shown()) return;
    hide_surface();
    show();
}

void KeyboardClient::input_method_done(const InputMethodState& state, bool newly_activated) {
    if (newly_activated) {
        hidden_by_user_ = false;
        model_.activate(choose_layout(state.content_purpose, state.content_hint));
    } else if (state.active && active_) {
        // Another field of the same text input: a web page's fields share
        // the view's one text input, which WebKit keeps enabled from field
        // to field and only gives a new content type. That field gets its
        // own layout (every page is as tall: the surface stays).
        const LayoutChoice wanted = choose_layout(state.content_purpose, state.content_hint);
        if (!same_layout_choice(wanted, model_.choice())) {
            preedit_.clear();
            model_.deactivate();
            model_.activate(wanted);
            if (surface_ && surface_->shown()) layout_event("layout");
        }
    }
    if (state.active && !active_) {
        active_ = true;
        preedit_.clear();
        show();
    } else if (!state.active && active_) {
        active_ = false;
        preedit_.clear();
        model_.deactivate();
        hide_surface();
    }
    if (state.active) model_.surrounding_text(text_before_cursor(state.surrounding));
    after_input();
}

void KeyboardClient::show() {
    if (!surface_ || surface_->shown() || hidden_by_user_) return;
    double sw, sh;
    int scale;
    screen_size(sw, sh, scale);
    model_.resize(sw, sw, sh);  // the width the anchors will give, until the configure says
    if (!surface_->show(static_cast<int>(std::lround(model_.geometry().height)), scale)) return;
    ++shown_count_;
    layout_event("shown", scale);
}

void KeyboardClient::layout_event(const char* name, int scale) {
    if (!options_.events) return;
    nlohmann::json e = {{"event", name},
                        {"height", std::lround(model_.geometry().height)},
                        {"page", page_name(model_.layout().page)},
                        {"variant", variant_name(model_.layout().variant)},
                        {"pinyin_allowed", model_.choice().pinyin_allowed}};
    if (scale > 0) e["scale"] = scale;
    event(e.dump());
}

void KeyboardClient::hide_surface() {
    if (!surface_ || !surface_->shown()) return;
    model_.touch_cancel();
    surface_->hide();
    composition_.release();
    arm_timer();
    event(R"({"event":"hidden"})");
}

void KeyboardClient::hide() {
    hidden_by_user_ = true;
    hide_surface();
}

// Text goes out in one commit per batch of input (after_input).
void KeyboardClient::commit_text(const std::string& text) {
    if (!input_method_ || !active_) return;
    input_method_->commit_string(text);
    text_pending_ = true;
}

void KeyboardClient::set_preedit(const std::string& text, std::size_t caret) {
    preedit_ = text;
    preedit_caret_ = caret;
    text_pending_ = true;
}

void KeyboardClient::backspace() {
    const char* how = "none";
    if (input_method_ && active_) {
        const BackspacePlan plan = plan_backspace(input_method_->state().surrounding, virtual_keyboard_.ready());
        if (plan.how == BackspacePlan::How::Key) {
            virtual_keyboard_.tap(kEvdevBackspace, now_ms());
            how = "key";
        } else if (plan.how == BackspacePlan::How::DeleteSurrounding) {
            input_method_->delete_before(plan.before_bytes);
            text_pending_ = true;
            how = "delete_surrounding";
        }
    }
    // Which way a backspace went is what a test needs when one deletes nothing.
    if (options_.events) event(nlohmann::json{{"event", "backspace"}, {"how", how}, {"active", active_}}.dump());
}

// Return is a key, never "\n" as text: a single-line field submits on the
// Return key (a search, a login form, an address bar) and ignores a newline
// in committed text, while a multi-line field inserts a newline for the key
// anyway; the app knows which it is, the keyboard does not need to.
void KeyboardClient::press_return() {
    if (!active_) return;
    if (virtual_keyboard_.ready()) {
        virtual_keyboard_.tap(kEvdevEnter, now_ms());
    } else if (input_method_) {
        input_method_->commit_string("\n");  // the only way left
        text_pending_ = true;
    }
}

void KeyboardClient::flush_text() {
    if (!text_pending_ || !input_method_) return;
    text_pending_ = false;
    // Every commit replaces the preedit: send it again while composing.
    if (!preedit_.empty()) input_method_->set_preedit(preedit_, preedit_caret_);
    input_method_->commit();
}

void KeyboardClient::after_input() {
    flush_text();
    if (surface_) surface_->flush();
    arm_timer();
}

void KeyboardClient::arm_timer() {
    itimerspec spec{};
    const auto deadline = model_.next_deadline();
    if (deadline && surface_ && surface_->shown()) {
        const auto left = static_cast<std::int32_t>(*deadline - now_ms());
        const long ms = std::max<std::int32_t>(left, 1);
        spec.it_value.tv_sec = ms / 1000;
        spec.it_value.tv_nsec = (ms % 1000) * 1000000L;
    }
    timerfd_settime(timer_fd_, 0, &spec, nullptr);  // all zero: disarmed
}

void KeyboardClient::touch_down(wl_surface* surface, std::int32_t id, double x, double y) {
    if (!surface_ || surface != surface_->surface()) return;
    model_.touch_down(id, x, y, now_ms());
    after_input();
}

void KeyboardClient::touch_up(std::int32_t id) {
    model_.touch_up(id, now_ms());
    after_input();
}

void KeyboardClient::touch_motion(std::int32_t id, double x, double y) {
    model_.touch_motion(id, x, y, now_ms());
    after_input();
}

void KeyboardClient::touch_cancel() {
    model_.touch_cancel();
    after_input();
}

void KeyboardClient::pointer_enter(wl_surface* surface, double x, double y) {
    pointer_in_ = surface_ && surface == surface_->surface();
    pointer_x_ = x;
    pointer_y_ = y;
}

void KeyboardClient::pointer_leave() {
    pointer_in_ = false;
    if (pointer_down_) {
        pointer_down_ = false;
        model_.touch_cancel();
        after_input();
    }
}

void KeyboardClient::pointer_motion(double x, double y) {
    pointer_x_ = x;
    pointer_y_ = y;
    if (!pointer_down_) return;
    model_.touch_motion(kPointerTouchId, x, y, now_ms());
    after_input();
}

void KeyboardClient::pointer_button(std::uint32_t button, std::uint32_t state) {
    if (button != kBtnLeft || !pointer_in_) return;
    if (state == WL_POINTER_BUTTON_STATE_PRESSED) {
        pointer_down_ = true;
        model_.touch_down(kPointerTouchId, pointer_x_, pointer_y_, now_ms());
    } else if (pointer_down_) {
        pointer_down_ = false;
        model_.touch_up(kPointerTouchId, now_ms());
    }
    after_input();
}

int KeyboardClient::run() {
    while (true) {
        while (wl_display_prepare_read(display_) != 0) {
            if (wl_display_dispatch_pending(display_) < 0) return 1;
        }
        if (surface_) surface_->flush();
        if (wl_display_flush(display_) < 0 && errno != EAGAIN) {
            wl_display_cancel_read(display_);
            std::fprintf(stderr, "cirrus-keyboard: lost the display: %s\n", std::strerror(errno));
            return 1;
        }
        pollfd fds[3] = {{wl_display_get_fd(display_), POLLIN, 0}, {timer_fd_, POLLIN, 0}, {signal_fd_, POLLIN, 0}};
        // No timeout: while nothing is held the keyboard sleeps until the
        // compositor, the timer or a signal wakes it.
        if (poll(fds, 3, -1) < 0 && errno != EINTR) {
            wl_display_cancel_read(display_);
            return 1;
        }
        if (fds[0].revents & POLLIN) {
            if (wl_display_read_events(display_) < 0) return 1;
        } else {
            wl_display_cancel_read(display_);
        }
        if (fds[0].revents & (POLLERR | POLLHUP)) {
            std::fprintf(stderr, "cirrus-keyboard: the compositor closed the connection\n");
            return 1;
        }
        if (wl_display_dispatch_pending(display_) < 0) {
            std::fprintf(stderr, "cirrus-keyboard: protocol error: %s\n",
                         std::strerror(wl_display_get_error(display_)));
            return 1;
        }
        if (fds[1].revents & POLLIN) {
            std::uint64_t expirations = 0;
            if (read(timer_fd_, &expirations, sizeof expirations) < 0) { /* spurious: the tick below checks times */
            }
            model_.tick(now_ms());
            after_input();
        }
        if (fds[2].revents & POLLIN) {
            signalfd_siginfo info{};
            if (read(signal_fd_, &info, sizeof info) > 0) return 0;
        }
    }
}

}  // namespace cirrus::keyboard
