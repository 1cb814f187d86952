// The shell's Wayland connection: the globals it binds, output scales, seat
// input routed to the surface under the finger, and the event loop that
// waits on the display and the shell's other file descriptors (signals,
// timers, inotify) and those of other event sources (GLib's main context,
// for D-Bus) in one poll().
//
// libwayland calls C functions; every listener here catches what the C++
// code it calls throws and turns it into fail(), so no exception crosses
// libwayland and the loop ends through its one cleanup path.
#pragma once

#include <poll.h>
#include <wayland-client.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

struct zwlr_layer_shell_v1;
struct cirrus_shell_v1;

namespace cirrus::shell {

// A start-up failure with a message for the person running the shell.
class ShellError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// What a surface's content gets from the seat: touch points and the mouse
// (as pointer id `kPointerId`, pressed while the left button is down), in
// surface-local logical coordinates, with the event's time in ms (the
// compositor's CLOCK_MONOTONIC, as frame callbacks have it).
class InputTarget {
public:
    static constexpr int kPointerId = -1;
    virtual ~InputTarget() = default;
    virtual void press(int id, double x, double y, std::uint32_t time) = 0;
    virtual void move(int id, double x, double y, std::uint32_t time) = 0;
    virtual void release(int id, std::uint32_t time) = 0;
    // The compositor took the touch sequence away (e.g. for a gesture).
    virtual void cancel() = 0;
};

// An event source with its own descriptors and deadlines that shares the
// loop's poll() (GLib's main context: glib_loop.hpp). Before each wait the
// loop asks it what to watch and how long it may sleep; after the wait it
// hands back what happened. Neither call may throw.
class PollSource {
public:
    virtual ~PollSource() = default;
    // Appends its descriptors to `fds`; returns the longest wait it allows
    // in ms, -1 for no limit.
    virtual int prepare(std::vector<pollfd>& fds) = 0;
    // After every prepare(), exactly once: the descriptors it appended, with
    // their revents (all zero when poll() failed or was interrupted).
    virtual void dispatch(std::span<const pollfd> fds) = 0;
};

class WaylandClient;

struct Output {
    WaylandClient* client = nullptr;
    wl_output* proxy = nullptr;
    std::uint32_t global_name = 0;
    int scale = 1;
    int pending_scale = 1;  // applied on wl_output.done
};

class WaylandClient {
public:
    // Connects (WAYLAND_SOCKET or WAYLAND_DISPLAY); throws ShellError.
    WaylandClient();
    // Binds the globals and waits for their first state (output scales,
    // seat capabilities); throws ShellError naming what is missing and how
    // to fix it. Set shell_bound before: cirrus_shell_v1 sends its first
    // batch as soon as it is bound.
    void bind_globals();
    std::function<void(cirrus_shell_v1*)> shell_bound;
    ~WaylandClient();
    WaylandClient(const WaylandClient&) = delete;
    WaylandClient& operator=(const WaylandClient&) = delete;

    wl_display* display() const { return display_; }
    wl_compositor* compositor() const { return compositor_; }
    wl_shm* shm() const { return shm_; }
    zwlr_layer_shell_v1* layer_shell() const { return layer_shell_; }
    // Null when the compositor does not offer cirrus_shell_v1 (yet).
    cirrus_shell_v1* shell_protocol() const { return shell_; }

    const std::vector<std::unique_ptr<Output>>& outputs() const { return outputs_; }
    const Output* output_for(const wl_output* proxy) const;
    int max_output_scale() const;
    // Called when an output appears, goes or changes scale.
    std::function<void()> outputs_changed;
    void notify_outputs_changed();

    // Seat input on `surface` goes to `target` (null to stop).
    void set_input_target(wl_surface* surface, InputTarget* target);

    // --- the event loop ---
    using Handler = std::function<void()>;
    // `on_readable` runs when `fd` is readable; it must not throw (the loop
    // catches and fails if it does).
    void watch_fd(int fd, Handler on_readable);
    // Runs before every wait, after events are dispatched: where surfaces
    // draw what changed, once per batch of events.
    void before_wait(Handler handler);
    // Shares the loop with `source` until remove_poll_source().
    void add_poll_source(PollSource& source);
    void remove_poll_source(PollSource& source);
    // Runs until quit() or fail(); returns the exit status.
    int run();
    void quit(int status = 0);
    // Ends the loop with status 1 and the message on stderr.
    void fail(const std::string& message);
    bool quitting() const { return quit_; }

    // Runs `body` and turns an exception into fail(): for listener bodies.
    template <typename F>
    void guard(const char* where, F&& body) noexcept {
        try {
            body();
        } catch (const std::exception& e) {
            fail(std::string(where) + ": " + e.what());
        } catch (...) {
            fail(std::string(where) + ": unknown exception");
        }
    }

private:
    static void handle_global(void* data, wl_registry* registry, std::uint32_t name, const char* interface,
                              std::uint32_t version);
    static void handle_global_remove(void* data, wl_registry* registry, std::uint32_t name);
    void bind_seat(std::uint32_t name, std::uint32_t version);
    void seat_capabilities(std::uint32_t caps);
    InputTarget* target_of(wl_surface* surface) const;
    friend struct SeatListeners;

    wl_display* display_ = nullptr;
    wl_registry* registry_ = nullptr;
    wl_compositor* compositor_ = nullptr;
    wl_shm* shm_ = nullptr;
    wl_seat* seat_ = nullptr;
    std::uint32_t seat_version_ = 0;
    wl_touch* touch_ = nullptr;
    wl_pointer* pointer_ = nullptr;
    zwlr_layer_shell_v1* layer_shell_ = nullptr;
    cirrus_shell_v1* shell_ = nullptr;
    std::vector<std::unique_ptr<Output>> outputs_;

    std::unordered_map<wl_surface*, InputTarget*> input_targets_;
    // Touch points: the surface each went down on.
    std::unordered_map<std::int32_t, wl_surface*> touch_surfaces_;
    wl_surface* pointer_surface_ = nullptr;
    double pointer_x_ = 0;
    double pointer_y_ = 0;
    bool pointer_pressed_ = false;

    struct Watch {
        int fd;
        Handler handler;
    };
    std::vector<Watch> watches_;
    std::vector<Handler> before_wait_;
    std::vector<PollSource*> sources_;
    bool quit_ = false;
    int status_ = 0;
};

}  // namespace cirrus::shell
