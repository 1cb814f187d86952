// Shared helpers of the Cirrus test clients: JSON event output, option
// parsing, wl_shm buffers filled with a solid colour, and a wl_seat listener
// that reports touch, pointer and keyboard input as JSON lines.
#pragma once

#include <nlohmann/json.hpp>
#include <wayland-client.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include <csignal>

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

namespace cirrus_test {

using json = nlohmann::json;

// One JSON object per line on stdout, flushed at once so that a test reading
// the pipe sees it immediately.
inline void emit(const json& event) {
    std::string line = event.dump();
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

[[noreturn]] inline void die(const std::string& message, int status = 1) {
    emit({{"event", "error"}, {"message", message}});
    std::fprintf(stderr, "%s\n", message.c_str());
    std::exit(status);
}

inline bool parse_color(const std::string& text, uint32_t& rgb) {
    std::string hex = text;
    if (!hex.empty() && hex[0] == '#') hex.erase(0, 1);
    if (hex.size() != 6) return false;
    char* end = nullptr;
    unsigned long value = std::strtoul(hex.c_str(), &end, 16);
    if (*end) return false;
    rgb = static_cast<uint32_t>(value);
    return true;
}

inline bool parse_size(const std::string& text, int& w, int& h) {
    return std::sscanf(text.c_str(), "%dx%d", &w, &h) == 2 && w >= 0 && h >= 0;
}

inline std::vector<std::string> split(const std::string& text, char sep) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (;;) {
        size_t pos = text.find(sep, start);
        parts.push_back(text.substr(start, pos - start));
        if (pos == std::string::npos) break;
        start = pos + 1;
    }
    return parts;
}

// Anonymous shared memory for wl_shm.
inline int create_shm_fd(size_t size) {
    int fd = memfd_create("cirrus-test-shm", MFD_CLOEXEC);
    if (fd < 0) die(std::string("memfd_create: ") + std::strerror(errno));
    if (ftruncate(fd, static_cast<off_t>(size)) < 0) {
        close(fd);
        die(std::string("ftruncate: ") + std::strerror(errno));
    }
    return fd;
}

// A wl_buffer filled with one opaque colour (XRGB8888). It frees itself on
// release once the owner has dropped it (stale).
class SolidBuffer {
public:
    // `bottom_rgb` (when not `rgb`) fills the lower half: a picture whose
    // orientation shows (the switcher's scaled captures).
    static SolidBuffer* create(wl_shm* shm, int width, int height, uint32_t rgb) {
        return create(shm, width, height, rgb, rgb);
    }
    static SolidBuffer* create(wl_shm* shm, int width, int height, uint32_t rgb, uint32_t bottom_rgb) {
        auto* b = new SolidBuffer();
        b->width = width;
        b->height = height;
        int stride = width * 4;
        size_t size = static_cast<size_t>(stride) * static_cast<size_t>(height);
        int fd = create_shm_fd(size);
        void* data = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (data == MAP_FAILED) die(std::string("mmap: ") + std::strerror(errno));
        auto* px = static_cast<uint32_t*>(data);
        const size_t half = size / 4 / 2 / static_cast<size_t>(width) * static_cast<size_t>(width);
        for (size_t i = 0; i < size / 4; ++i) px[i] = 0xff000000u | (i < half ? rgb : bottom_rgb);
        munmap(data, size);
        wl_shm_pool* pool = wl_shm_create_pool(shm, fd, static_cast<int32_t>(size));
        b->buffer = wl_shm_pool_create_buffer(pool, 0, width, height, stride, WL_SHM_FORMAT_XRGB8888);
        wl_shm_pool_destroy(pool);
        close(fd);
        static const wl_buffer_listener listener = {
            [](void* data, wl_buffer*) {
                auto* self = static_cast<SolidBuffer*>(data);
                self->busy = false;
                if (self->stale) delete self;
            },
        };
        wl_buffer_add_listener(b->buffer, &listener, b);
        return b;
    }

    // The owner no longer needs it: destroy now if the compositor released it.
    void drop() {
        stale = true;
        if (!busy) delete this;
    }

    wl_buffer* buffer = nullptr;
    int width = 0;
    int height = 0;
    bool busy = false;

private:
    SolidBuffer() = default;
    ~SolidBuffer() {
        if (buffer) wl_buffer_destroy(buffer);
    }
    bool stale = false;
};

// Reports seat input as JSON lines. `name_of` maps a wl_surface to the name
// the events carry ("main", "dialog", "layer").
class SeatReporter {
public:
    std::function<std::string(wl_surface*)> name_of = [](wl_surface*) { return std::string("unknown"); };

    // Gives back the seat and its devices before the client disconnects.
    void release() {
        if (touch) wl_touch_destroy(touch);
        if (pointer) wl_pointer_destroy(pointer);
        if (keyboard) wl_keyboard_destroy(keyboard);
        if (seat) wl_seat_destroy(seat);
        touch = nullptr;
        pointer = nullptr;
        keyboard = nullptr;
        seat = nullptr;
    }

    void bind(wl_registry* registry, uint32_t name, uint32_t version) {
        seat =
            static_cast<wl_seat*>(wl_registry_bind(registry, name, &wl_seat_interface, std::min<uint32_t>(version, 5)));
        wl_seat_add_listener(seat, &kSeatListener, this);
    }

private:
    static json surface_json(SeatReporter* self, wl_surface* surface) {
        return surface ? json(self->name_of(surface)) : json(nullptr);
    }

    static void on_capabilities(void* data, wl_seat* seat, uint32_t caps) {
        auto* self = static_cast<SeatReporter*>(data);
        emit({{"event", "seat"},
              {"touch", (caps & WL_SEAT_CAPABILITY_TOUCH) != 0},
              {"pointer", (caps & WL_SEAT_CAPABILITY_POINTER) != 0},
              {"keyboard", (caps & WL_SEAT_CAPABILITY_KEYBOARD) != 0}});
        if ((caps & WL_SEAT_CAPABILITY_TOUCH) && !self->touch) {
            self->touch = wl_seat_get_touch(seat);
            wl_touch_add_listener(self->touch, &kTouchListener, self);
        } else if (!(caps & WL_SEAT_CAPABILITY_TOUCH) && self->touch) {
            wl_touch_destroy(self->touch);
            self->touch = nullptr;
        }
        if ((caps & WL_SEAT_CAPABILITY_POINTER) && !self->pointer) {
            self->pointer = wl_seat_get_pointer(seat);
            wl_pointer_add_listener(self->pointer, &kPointerListener, self);
        } else if (!(caps & WL_SEAT_CAPABILITY_POINTER) && self->pointer) {
            wl_pointer_destroy(self->pointer);
            self->pointer = nullptr;
        }
        if ((caps & WL_SEAT_CAPABILITY_KEYBOARD) && !self->keyboard) {
            self->keyboard = wl_seat_get_keyboard(seat);
            wl_keyboard_add_listener(self->keyboard, &kKeyboardListener, self);
        } else if (!(caps & WL_SEAT_CAPABILITY_KEYBOARD) && self->keyboard) {
            wl_keyboard_destroy(self->keyboard);
            self->keyboard = nullptr;
        }
    }
    static void on_name(void*, wl_seat*, const char*) {}

    // touch
    static void on_touch_down(void* data, wl_touch*, uint32_t, uint32_t time, wl_surface* surface, int32_t id,
                              wl_fixed_t x, wl_fixed_t y) {
        auto* self = static_cast<SeatReporter*>(data);
        if (id >= 0 && id < 64) self->touch_surface[id] = surface;
        emit({{"event", "touch_down"},
              {"id", id},
              {"x", wl_fixed_to_double(x)},
              {"y", wl_fixed_to_double(y)},
              {"time", time},
              {"surface", surface_json(self, surface)}});
    }
    static void on_touch_up(void* data, wl_touch*, uint32_t, uint32_t time, int32_t id) {
        auto* self = static_cast<SeatReporter*>(data);
        wl_surface* surface = id >= 0 && id < 64 ? self->touch_surface[id] : nullptr;
        emit({{"event", "touch_up"}, {"id", id}, {"time", time}, {"surface", surface_json(self, surface)}});
    }
    static void on_touch_motion(void* data, wl_touch*, uint32_t time, int32_t id, wl_fixed_t x, wl_fixed_t y) {
        auto* self = static_cast<SeatReporter*>(data);
        wl_surface* surface = id >= 0 && id < 64 ? self->touch_surface[id] : nullptr;
        emit({{"event", "touch_motion"},
              {"id", id},
              {"x", wl_fixed_to_double(x)},
              {"y", wl_fixed_to_double(y)},
              {"time", time},
              {"surface", surface_json(self, surface)}});
    }
    static void on_touch_frame(void*, wl_touch*) { emit({{"event", "touch_frame"}}); }
    static void on_touch_cancel(void*, wl_touch*) { emit({{"event", "touch_cancel"}}); }
    static void on_touch_shape(void*, wl_touch*, int32_t, wl_fixed_t, wl_fixed_t) {}
    static void on_touch_orientation(void*, wl_touch*, int32_t, wl_fixed_t) {}

    // pointer
    static void on_pointer_enter(void* data, wl_pointer*, uint32_t, wl_surface* surface, wl_fixed_t x, wl_fixed_t y) {
        auto* self = static_cast<SeatReporter*>(data);
        self->pointer_surface = surface;
        emit({{"event", "pointer_enter"},
              {"x", wl_fixed_to_double(x)},
              {"y", wl_fixed_to_double(y)},
              {"surface", surface_json(self, surface)}});
    }
    static void on_pointer_leave(void* data, wl_pointer*, uint32_t, wl_surface* surface) {
        auto* self = static_cast<SeatReporter*>(data);
        self->pointer_surface = nullptr;
        emit({{"event", "pointer_leave"}, {"surface", surface_json(self, surface)}});
    }
    static void on_pointer_motion(void* data, wl_pointer*, uint32_t time, wl_fixed_t x, wl_fixed_t y) {
        auto* self = static_cast<SeatReporter*>(data);
        emit({{"event", "pointer_motion"},
              {"x", wl_fixed_to_double(x)},
              {"y", wl_fixed_to_double(y)},
              {"time", time},
              {"surface", surface_json(self, self->pointer_surface)}});
    }
    static void on_pointer_button(void* data, wl_pointer*, uint32_t, uint32_t time, uint32_t button, uint32_t state) {
        auto* self = static_cast<SeatReporter*>(data);
        emit({{"event", "pointer_button"},
              {"button", button},
              {"state", state == WL_POINTER_BUTTON_STATE_PRESSED ? "pressed" : "released"},
              {"time", time},
              {"surface", surface_json(self, self->pointer_surface)}});
    }
    static void on_pointer_axis(void* data, wl_pointer*, uint32_t time, uint32_t axis, wl_fixed_t value) {
        auto* self = static_cast<SeatReporter*>(data);
        emit({{"event", "pointer_axis"},
              {"axis", axis == WL_POINTER_AXIS_VERTICAL_SCROLL ? "vertical" : "horizontal"},
              {"value", wl_fixed_to_double(value)},
              {"time", time},
              {"surface", surface_json(self, self->pointer_surface)}});
    }
    static void on_pointer_frame(void*, wl_pointer*) {}
    static void on_pointer_axis_source(void*, wl_pointer*, uint32_t) {}
    static void on_pointer_axis_stop(void*, wl_pointer*, uint32_t, uint32_t) {}
    static void on_pointer_axis_discrete(void*, wl_pointer*, uint32_t, int32_t) {}

    // keyboard
    static void on_keymap(void*, wl_keyboard*, uint32_t, int32_t fd, uint32_t) { close(fd); }
    static void on_key_enter(void* data, wl_keyboard*, uint32_t, wl_surface* surface, wl_array*) {
        auto* self = static_cast<SeatReporter*>(data);
        emit({{"event", "keyboard_enter"}, {"surface", surface_json(self, surface)}});
    }
    static void on_key_leave(void* data, wl_keyboard*, uint32_t, wl_surface* surface) {
        auto* self = static_cast<SeatReporter*>(data);
        emit({{"event", "keyboard_leave"}, {"surface", surface_json(self, surface)}});
    }
    static void on_key(void*, wl_keyboard*, uint32_t, uint32_t time, uint32_t key, uint32_t state) {
        emit({{"event", "key"},
              {"key", key},
              {"state", state == WL_KEYBOARD_KEY_STATE_PRESSED ? "pressed" : "released"},
              {"time", time}});
    }
    static void on_modifiers(void*, wl_keyboard*, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t) {}
    static void on_repeat_info(void*, wl_keyboard*, int32_t, int32_t) {}

    static constexpr wl_seat_listener kSeatListener = {on_capabilities, on_name};
    static constexpr wl_touch_listener kTouchListener = {on_touch_down,       on_touch_up,     on_touch_motion,
                                                         on_touch_frame,      on_touch_cancel, on_touch_shape,
                                                         on_touch_orientation};
    static constexpr wl_pointer_listener kPointerListener = {
        on_pointer_enter, on_pointer_leave,       on_pointer_motion,    on_pointer_button,        on_pointer_axis,
        on_pointer_frame, on_pointer_axis_source, on_pointer_axis_stop, on_pointer_axis_discrete, nullptr};
    static constexpr wl_keyboard_listener kKeyboardListener = {on_keymap, on_key_enter, on_key_leave,
                                                               on_key,    on_modifiers, on_repeat_info};

    wl_seat* seat = nullptr;
    wl_touch* touch = nullptr;
    wl_pointer* pointer = nullptr;
    wl_keyboard* keyboard = nullptr;
    wl_surface* pointer_surface = nullptr;
    wl_surface* touch_surface[64] = {};
};

// Reads complete lines from a non-blocking fd (stdin commands).
class LineReader {
public:
    explicit LineReader(int fd) : fd_(fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

    // Returns false on EOF. Appends complete lines to `lines`.
    bool read(std::vector<std::string>& lines) {
        char buf[1024];
        for (;;) {
            ssize_t n = ::read(fd_, buf, sizeof(buf));
            if (n > 0) {
                pending_.append(buf, static_cast<size_t>(n));
                continue;
            }
            if (n < 0 && (errno == EAGAIN || errno == EINTR)) break;
            eof_ = true;
            break;
        }
        size_t pos;
        while ((pos = pending_.find('\n')) != std::string::npos) {
            std::string line = pending_.substr(0, pos);
            if (!line.empty() && line.back() == '\r') line.pop_back();
            lines.push_back(line);
            pending_.erase(0, pos + 1);
        }
        return !eof_;
    }

private:
    int fd_;
    bool eof_ = false;
    std::string pending_;
};

// SIGTERM and SIGINT arrive through a file descriptor so that the event loop
// can exit cleanly.
inline int make_signal_fd() {
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigprocmask(SIG_BLOCK, &mask, nullptr);
    return signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
}

// A one-shot timer; fires after `ms` milliseconds.
inline int make_timer_fd(int ms) {
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    itimerspec spec{};
    spec.it_value.tv_sec = ms / 1000;
    spec.it_value.tv_nsec = static_cast<long>(ms % 1000) * 1000000L;
    if (ms <= 0) spec.it_value.tv_nsec = 1;
    timerfd_settime(fd, 0, &spec, nullptr);
    return fd;
}

struct FdWatch {
    int fd;
    std::function<void()> on_readable;
};

// Reports a broken connection to the compositor as a JSON event.
// Destroys the proxies a client bound, before it disconnects, so that runs
// under LeakSanitizer see nothing left behind.
inline void destroy_proxies(std::initializer_list<void*> proxies) {
    for (void* proxy : proxies) {
        if (proxy) wl_proxy_destroy(static_cast<wl_proxy*>(proxy));
    }
}

inline void report_disconnect(wl_display* display) {
    int err = wl_display_get_error(display);
    json event = {{"event", "disconnected"}, {"error", err ? std::strerror(err) : "connection closed"}};
    if (err == EPROTO) {
        uint32_t id = 0;
        const wl_interface* iface = nullptr;
        uint32_t code = wl_display_get_protocol_error(display, &iface, &id);
        event["protocol_error"] = {{"interface", iface ? iface->name : "?"}, {"code", code}, {"id", id}};
    }
    emit(event);
}

// One iteration of the event loop: flushes requests, waits for the display
// or one of the extra fds (at most timeout_ms, -1 = forever), dispatches.
// Returns false when the connection to the compositor broke (reported).
inline bool run_once(wl_display* display, const std::vector<FdWatch>& watches, int timeout_ms = -1) {
    while (wl_display_prepare_read(display) != 0) {
        if (wl_display_dispatch_pending(display) < 0) {
            report_disconnect(display);
            return false;
        }
    }
    if (wl_display_flush(display) < 0 && errno != EAGAIN) {
        wl_display_cancel_read(display);
        report_disconnect(display);
        return false;
    }
    std::vector<pollfd> fds;
    fds.push_back({wl_display_get_fd(display), POLLIN, 0});
    for (auto& w : watches) fds.push_back({w.fd, POLLIN, 0});
    int r = poll(fds.data(), fds.size(), timeout_ms);
    if (r < 0) {
        wl_display_cancel_read(display);
        if (errno == EINTR) return true;
        die(std::string("poll: ") + std::strerror(errno));
    }
    if (fds[0].revents & (POLLIN | POLLERR | POLLHUP)) {
        if (wl_display_read_events(display) < 0) {
            report_disconnect(display);
            return false;
        }
    } else {
        wl_display_cancel_read(display);
    }
    if (wl_display_dispatch_pending(display) < 0) {
        report_disconnect(display);
        return false;
    }
    for (size_t i = 1; i < fds.size(); ++i) {
        if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) watches[i - 1].on_readable();
    }
    return true;
}

// The loop every test client runs: Wayland events, SIGTERM/SIGINT (reported
// as "terminated", then the loop ends) and stdin command lines, plus any
// watches the client adds each round. Ends when `done` says so; false when
// the connection broke.
inline bool run_client_loop(wl_display* display, int signal_fd, const std::function<bool()>& done,
                            const std::function<void(const std::string&)>& on_command,
                            const std::function<void(std::vector<FdWatch>&)>& add_watches = {}) {
    LineReader stdin_reader(STDIN_FILENO);
    bool stdin_open = true;
    bool terminated = false;
    while (!terminated && !done()) {
        std::vector<FdWatch> watches;
        watches.push_back({signal_fd, [&] {
                               signalfd_siginfo info;
                               while (read(signal_fd, &info, sizeof(info)) == sizeof(info)) {}
                               emit({{"event", "terminated"}});
                               terminated = true;
                           }});
        if (stdin_open) {
            watches.push_back({STDIN_FILENO, [&] {
                                   std::vector<std::string> lines;
                                   stdin_open = stdin_reader.read(lines);
                                   for (auto& line : lines) on_command(line);
                               }});
        }
        if (add_watches) add_watches(watches);
        if (!run_once(display, watches)) return false;
    }
    return true;
}

}  // namespace cirrus_test
