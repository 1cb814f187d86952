#include "wayland_client.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include <linux/input-event-codes.h>
#include <poll.h>

#include "protocols.hpp"

namespace cirrus::shell {

namespace {

// Versions we speak: wl_compositor 4 for damage_buffer, wl_output 2 for
// scale and done, wl_seat 5 (no newer events are handled).
constexpr std::uint32_t kCompositorVersion = 4;
constexpr std::uint32_t kOutputVersion = 3;
constexpr std::uint32_t kSeatVersion = 5;
constexpr std::uint32_t kLayerShellVersion = 4;
constexpr std::uint32_t kShellProtocolVersion = 4;

const wl_output_listener kOutputListener = {
    .geometry = [](void*, wl_output*, int32_t, int32_t, int32_t, int32_t, int32_t, const char*, const char*,
                   int32_t) {},
    .mode = [](void*, wl_output*, uint32_t, int32_t, int32_t, int32_t) {},
    .done =
        [](void* data, wl_output*) {
            auto* output = static_cast<Output*>(data);
            if (output->scale == output->pending_scale) return;
            output->scale = output->pending_scale;
            output->client->notify_outputs_changed();
        },
    .scale = [](void* data, wl_output*, int32_t factor) { static_cast<Output*>(data)->pending_scale = factor; },
    .name = [](void*, wl_output*, const char*) {},
    .description = [](void*, wl_output*, const char*) {},
};

}  // namespace

// --- seat ---------------------------------------------------------------------

struct SeatListeners {
    static WaylandClient& self(void* data) { return *static_cast<WaylandClient*>(data); }

    static void capabilities(void* data, wl_seat*, uint32_t caps) {
        auto& c = self(data);
        c.guard("wl_seat.capabilities", [&] { c.seat_capabilities(caps); });
    }

    static void touch_down(void* data, wl_touch*, uint32_t, uint32_t time, wl_surface* surface, int32_t id,
                           wl_fixed_t x, wl_fixed_t y) {
        auto& c = self(data);
        if (!surface) return;  // a surface we already destroyed
        c.guard("touch down", [&] {
            c.touch_surfaces_[id] = surface;
            if (InputTarget* t = c.target_of(surface)) t->press(id, wl_fixed_to_double(x), wl_fixed_to_double(y), time);
        });
    }
    static void touch_up(void* data, wl_touch*, uint32_t, uint32_t time, int32_t id) {
        auto& c = self(data);
        const auto it = c.touch_surfaces_.find(id);
        if (it == c.touch_surfaces_.end()) return;
        wl_surface* surface = it->second;
        c.touch_surfaces_.erase(it);
        if (InputTarget* t = c.target_of(surface)) c.guard("touch up", [&] { t->release(id, time); });
    }
    static void touch_motion(void* data, wl_touch*, uint32_t time, int32_t id, wl_fixed_t x, wl_fixed_t y) {
        auto& c = self(data);
        const auto it = c.touch_surfaces_.find(id);
        if (it == c.touch_surfaces_.end()) return;
        if (InputTarget* t = c.target_of(it->second)) {
            c.guard("touch motion", [&] { t->move(id, wl_fixed_to_double(x), wl_fixed_to_double(y), time); });
        }
    }
    static void touch_frame(void*, wl_touch*) {}
    static void touch_cancel(void* data, wl_touch*) {
        auto& c = self(data);
        c.guard("touch cancel", [&] {
            std::vector<InputTarget*> targets;
            for (const auto& [id, surface] : c.touch_surfaces_) {
                if (InputTarget* t = c.target_of(surface)) targets.push_back(t);
            }
            c.touch_surfaces_.clear();
            std::sort(targets.begin(), targets.end());
            targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
            for (InputTarget* t : targets) t->cancel();
        });
    }

    static void pointer_enter(void* data, wl_pointer*, uint32_t, wl_surface* surface, wl_fixed_t x, wl_fixed_t y) {
        auto& c = self(data);
        c.pointer_surface_ = surface;
        c.pointer_x_ = wl_fixed_to_double(x);
        c.pointer_y_ = wl_fixed_to_double(y);
    }
    static void pointer_leave(void* data, wl_pointer*, uint32_t, wl_surface* surface) {
        auto& c = self(data);
        if (c.pointer_pressed_) {
            c.pointer_pressed_ = false;
            if (InputTarget* t = c.target_of(surface)) c.guard("pointer leave", [&] { t->cancel(); });
        }
        c.pointer_surface_ = nullptr;
    }
    static void pointer_motion(void* data, wl_pointer*, uint32_t time, wl_fixed_t x, wl_fixed_t y) {
        auto& c = self(data);
        c.pointer_x_ = wl_fixed_to_double(x);
        c.pointer_y_ = wl_fixed_to_double(y);
        if (!c.pointer_pressed_) return;
        if (InputTarget* t = c.target_of(c.pointer_surface_)) {
            c.guard("pointer motion", [&] { t->move(InputTarget::kPointerId, c.pointer_x_, c.pointer_y_, time); });
        }
    }
    static void pointer_button(void* data, wl_pointer*, uint32_t, uint32_t time, uint32_t button, uint32_t state) {
        auto& c = self(data);
        if (button != BTN_LEFT) return;
        InputTarget* t = c.target_of(c.pointer_surface_);
        if (state == WL_POINTER_BUTTON_STATE_PRESSED && !c.pointer_pressed_) {
            c.pointer_pressed_ = true;
            if (t) {
                c.guard("pointer press", [&] { t->press(InputTarget::kPointerId, c.pointer_x_, c.pointer_y_, time); });
            }
        } else if (state == WL_POINTER_BUTTON_STATE_RELEASED && c.pointer_pressed_) {
            c.pointer_pressed_ = false;
            if (t) c.guard("pointer release", [&] { t->release(InputTarget::kPointerId, time); });
        }
    }
};

namespace {

const wl_seat_listener kSeatListener = {
    .capabilities = SeatListeners::capabilities,
    .name = [](void*, wl_seat*, const char*) {},
};

const wl_touch_listener kTouchListener = {
    .down = SeatListeners::touch_down,
    .up = SeatListeners::touch_up,
    .motion = SeatListeners::touch_motion,
    .frame = SeatListeners::touch_frame,
    .cancel = SeatListeners::touch_cancel,
    .shape = [](void*, wl_touch*, int32_t, wl_fixed_t, wl_fixed_t) {},
    .orientation = [](void*, wl_touch*, int32_t, wl_fixed_t) {},
};

const wl_pointer_listener kPointerListener = {
    .enter = SeatListeners::pointer_enter,
    .leave = SeatListeners::pointer_leave,
    .motion = SeatListeners::pointer_motion,
    .button = SeatListeners::pointer_button,
    .axis = [](void*, wl_pointer*, uint32_t, uint32_t, wl_fixed_t) {},
    .frame = [](void*, wl_pointer*) {},
    .axis_source = [](void*, wl_pointer*, uint32_t) {},
    .axis_stop = [](void*, wl_pointer*, uint32_t, uint32_t) {},
    .axis_discrete = [](void*, wl_pointer*, uint32_t, int32_t) {},
    .axis_value120 = [](void*, wl_pointer*, uint32_t, int32_t) {},
};

}  // namespace

void WaylandClient::seat_capabilities(uint32_t caps) {
    const bool has_touch = caps & WL_SEAT_CAPABILITY_TOUCH;
    const bool has_pointer = caps & WL_SEAT_CAPABILITY_POINTER;
    if (has_touch && !touch_) {
        touch_ = wl_seat_get_touch(seat_);
        if (touch_) wl_touch_add_listener(touch_, &kTouchListener, this);
    } else if (!has_touch && touch_) {
        if (seat_version_ >= WL_TOUCH_RELEASE_SINCE_VERSION) wl_touch_release(touch_);
        else wl_touch_destroy(touch_);
        touch_ = nullptr;
        touch_surfaces_.clear();
    }
    if (has_pointer && !pointer_) {
        pointer_ = wl_seat_get_pointer(seat_);
        if (pointer_) wl_pointer_add_listener(pointer_, &kPointerListener, this);
    } else if (!has_pointer && pointer_) {
        if (seat_version_ >= WL_POINTER_RELEASE_SINCE_VERSION) wl_pointer_release(pointer_);
        else wl_pointer_destroy(pointer_);
        pointer_ = nullptr;
        pointer_surface_ = nullptr;
        pointer_pressed_ = false;
    }
}

InputTarget* WaylandClient::target_of(wl_surface* surface) const {
    if (!surface) return nullptr;
    const auto it = input_targets_.find(surface);
    return it == input_targets_.end() ? nullptr : it->second;
}

void WaylandClient::set_input_target(wl_surface* surface, InputTarget* target) {
    if (target) {
        input_targets_[surface] = target;
        return;
    }
    input_targets_.erase(surface);
    // Events may still name it: forget it everywhere.
    std::erase_if(touch_surfaces_, [surface](const auto& entry) { return entry.second == surface; });
    if (pointer_surface_ == surface) {
        pointer_surface_ = nullptr;
        pointer_pressed_ = false;
    }
}

void WaylandClient::bind_seat(uint32_t name, uint32_t version) {
    if (seat_) return;  // a phone has one seat; the first is it
    seat_version_ = std::min(version, kSeatVersion);
    seat_ = static_cast<wl_seat*>(wl_registry_bind(registry_, name, &wl_seat_interface, seat_version_));
    if (seat_) wl_seat_add_listener(seat_, &kSeatListener, this);
}

// --- globals ------------------------------------------------------------------

void WaylandClient::handle_global(void* data, wl_registry* registry, uint32_t name, const char* interface,
                                  uint32_t version) {
    auto& c = *static_cast<WaylandClient*>(data);
    c.guard("wl_registry.global", [&] {
        const std::string_view i = interface;
        if (i == wl_compositor_interface.name && !c.compositor_ && version >= kCompositorVersion) {
            c.compositor_ = static_cast<wl_compositor*>(
                wl_registry_bind(registry, name, &wl_compositor_interface, kCompositorVersion));
        } else if (i == wl_shm_interface.name && !c.shm_) {
            c.shm_ = static_cast<wl_shm*>(wl_registry_bind(registry, name, &wl_shm_interface, 1));
        } else if (i == wl_seat_interface.name) {
            c.bind_seat(name, version);
        } else if (i == wl_output_interface.name && version >= 2) {
            auto output = std::make_unique<Output>();
            output->client = &c;
            output->global_name = name;
            output->proxy = static_cast<wl_output*>(
                wl_registry_bind(registry, name, &wl_output_interface, std::min(version, kOutputVersion)));
            if (!output->proxy) return;
            wl_output_add_listener(output->proxy, &kOutputListener, output.get());
            c.outputs_.push_back(std::move(output));
            // Its scale arrives with its done event, which tells the surfaces.
        } else if (i == zwlr_layer_shell_v1_interface.name && !c.layer_shell_) {
            c.layer_shell_ = static_cast<zwlr_layer_shell_v1*>(wl_registry_bind(
                registry, name, &zwlr_layer_shell_v1_interface, std::min(version, kLayerShellVersion)));
        } else if (i == cirrus_shell_v1_interface.name && !c.shell_) {
            c.shell_ = static_cast<cirrus_shell_v1*>(
                wl_registry_bind(registry, name, &cirrus_shell_v1_interface, std::min(version, kShellProtocolVersion)));
            if (c.shell_ && c.shell_bound) c.shell_bound(c.shell_);
        }
    });
}

void WaylandClient::handle_global_remove(void* data, wl_registry*, uint32_t name) {
    auto& c = *static_cast<WaylandClient*>(data);
    const auto it =
        std::find_if(c.outputs_.begin(), c.outputs_.end(), [name](const auto& o) { return o->global_name == name; });
    if (it == c.outputs_.end()) return;
    if (wl_output_get_version((*it)->proxy) >= WL_OUTPUT_RELEASE_SINCE_VERSION) wl_output_release((*it)->proxy);
    else wl_output_destroy((*it)->proxy);
    c.outputs_.erase(it);
    c.notify_outputs_changed();
}

void WaylandClient::notify_outputs_changed() {
    if (outputs_changed) guard("outputs changed", [&] { outputs_changed(); });
}

const Output* WaylandClient::output_for(const wl_output* proxy) const {
    for (const auto& o : outputs_) {
        if (o->proxy == proxy) return o.get();
    }
    return nullptr;
}

int WaylandClient::max_output_scale() const {
    int scale = 1;
    for (const auto& o : outputs_) scale = std::max(scale, o->scale);
    return scale;
}

WaylandClient::WaylandClient() {
    // wl_display_connect(NULL) takes WAYLAND_SOCKET (the compositor's
    // private connection for a trusted client) before WAYLAND_DISPLAY.
    display_ = wl_display_connect(nullptr);
    if (!display_) {
        const char* socket = std::getenv("WAYLAND_SOCKET");
        const char* name = std::getenv("WAYLAND_DISPLAY");
        throw ShellError(std::string("cannot connect to the compositor (") +
                         (socket ? std::string("WAYLAND_SOCKET=") + socket
                                 : std::string("WAYLAND_DISPLAY=") + (name ? name : "wayland-0")) +
                         "): " + std::strerror(errno) +
                         "; start cirrus-shell from cirrus-compositor (--trusted cirrus-shell)");
    }
}

void WaylandClient::bind_globals() {
    registry_ = wl_display_get_registry(display_);
    if (!registry_) throw ShellError("cannot get the Wayland registry");
    static const wl_registry_listener listener = {handle_global, handle_global_remove};
    wl_registry_add_listener(registry_, &listener, this);
    // First the globals, then what binding them sent (output scales, seat
    // capabilities).
    if (wl_display_roundtrip(display_) < 0 || wl_display_roundtrip(display_) < 0) {
        throw ShellError("the compositor closed the connection during start-up");
    }
    if (quit_) throw ShellError("start-up failed");
    if (!compositor_) throw ShellError("the compositor offers no wl_compositor of version 4 or newer");
    if (!shm_) throw ShellError("the compositor offers no wl_shm");
    if (!layer_shell_) {
        throw ShellError(
            "the compositor does not offer zwlr_layer_shell_v1 to this client: start it as a trusted client "
            "(cirrus-compositor --trusted cirrus-shell)");
    }
}

WaylandClient::~WaylandClient() {
    // Every proxy we made, children before their parents; then the display.
    if (touch_) {
        if (seat_version_ >= WL_TOUCH_RELEASE_SINCE_VERSION) wl_touch_release(touch_);
        else wl_touch_destroy(touch_);
    }
    if (pointer_) {
        if (seat_version_ >= WL_POINTER_RELEASE_SINCE_VERSION) wl_pointer_release(pointer_);
        else wl_pointer_destroy(pointer_);
    }
    if (seat_) {
        if (seat_version_ >= WL_SEAT_RELEASE_SINCE_VERSION) wl_seat_release(seat_);
        else wl_seat_destroy(seat_);
    }
    for (auto& o : outputs_) {
        if (wl_output_get_version(o->proxy) >= WL_OUTPUT_RELEASE_SINCE_VERSION) wl_output_release(o->proxy);
        else wl_output_destroy(o->proxy);
    }
    outputs_.clear();
    if (shell_) cirrus_shell_v1_destroy(shell_);
    if (layer_shell_) {
        if (zwlr_layer_shell_v1_get_version(layer_shell_) >= ZWLR_LAYER_SHELL_V1_DESTROY_SINCE_VERSION) {
            zwlr_layer_shell_v1_destroy(layer_shell_);
        } else {
            wl_proxy_destroy(reinterpret_cast<wl_proxy*>(layer_shell_));
        }
    }
    if (shm_) wl_shm_destroy(shm_);
    if (compositor_) wl_compositor_destroy(compositor_);
    if (registry_) wl_registry_destroy(registry_);
    if (display_) {
        wl_display_flush(display_);
        wl_display_disconnect(display_);
    }
}

// --- event loop ---------------------------------------------------------------

void WaylandClient::watch_fd(int fd, Handler on_readable) { watches_.push_back({fd, std::move(on_readable)}); }

void WaylandClient::before_wait(Handler handler) { before_wait_.push_back(std::move(handler)); }

void WaylandClient::add_poll_source(PollSource& source) { sources_.push_back(&source); }

void WaylandClient::remove_poll_source(PollSource& source) { std::erase(sources_, &source); }

void WaylandClient::quit(int status) {
    if (!quit_) status_ = status;
    quit_ = true;
}

void WaylandClient::fail(const std::string& message) {
    std::fprintf(stderr, "cirrus-shell: %s\n", message.c_str());
    quit(1);
}

namespace {

std::string describe_display_error(wl_display* display) {
    const int error = wl_display_get_error(display);
    if (error == EPROTO) {
        const wl_interface* interface = nullptr;
        uint32_t id = 0;
        const uint32_t code = wl_display_get_protocol_error(display, &interface, &id);
        return std::string("protocol error ") + std::to_string(code) + " on " +
               (interface ? interface->name : "an unknown interface") + "@" + std::to_string(id);
    }
    if (error == EPIPE || error == ECONNRESET || error == 0) return "the compositor closed the connection";
    return std::string("the Wayland connection failed: ") + std::strerror(error);
}

}  // namespace

int WaylandClient::run() {
    std::vector<pollfd> fds;
    // Where each source's descriptors start in `fds`, and how many.
    struct Slice {
        PollSource* source;
        std::size_t first;
        std::size_t count;
    };
    std::vector<Slice> slices;
    while (!quit_) {
        if (wl_display_dispatch_pending(display_) < 0) {
            fail(describe_display_error(display_));
            break;
        }
        for (auto& handler : before_wait_) {
            guard("drawing", handler);
            if (quit_) break;
        }
        if (quit_) break;
        // Events queued while we drew are dispatched first.
        if (wl_display_prepare_read(display_) != 0) continue;

        bool want_write = false;
        if (wl_display_flush(display_) < 0) {
            if (errno != EAGAIN) {
                wl_display_cancel_read(display_);
                fail(describe_display_error(display_));
                break;
            }
            want_write = true;  // the socket is full: flush again when writable
        }
        fds.clear();
        fds.push_back({wl_display_get_fd(display_), static_cast<short>(POLLIN | (want_write ? POLLOUT : 0)), 0});
        for (const auto& w : watches_) fds.push_back({w.fd, POLLIN, 0});
        const std::size_t watched = fds.size();
        // Sleep until something happens, or until the earliest deadline of
        // a source (GLib's timeouts); no deadline at all when idle.
        int timeout = -1;
        slices.clear();
        for (PollSource* source : sources_) {
            const std::size_t first = fds.size();
            const int limit = source->prepare(fds);
            slices.push_back({source, first, fds.size() - first});
            if (limit >= 0 && (timeout < 0 || limit < timeout)) timeout = limit;
        }

        const int ready = poll(fds.data(), fds.size(), timeout);
        const int poll_errno = errno;
        // Every prepare() gets its dispatch(), whatever happens below; it
        // comes after Wayland's events are read, so that what a source's
        // callbacks do never runs inside a prepared Wayland read.
        const auto dispatch_sources = [&] {
            for (const Slice& slice : slices) {
                slice.source->dispatch(std::span<const pollfd>(fds.data() + slice.first, slice.count));
            }
        };
        if (ready < 0) {
            wl_display_cancel_read(display_);
            for (pollfd& p : fds) p.revents = 0;
            dispatch_sources();
            if (poll_errno == EINTR) continue;
            fail(std::string("poll: ") + std::strerror(poll_errno));
            break;
        }
        if (fds[0].revents & (POLLIN | POLLERR | POLLHUP)) {
            if (wl_display_read_events(display_) < 0) {
                dispatch_sources();
                fail(describe_display_error(display_));
                break;
            }
        } else {
            wl_display_cancel_read(display_);
        }
        for (std::size_t i = 1; i < watched && !quit_; ++i) {
            if (fds[i].revents & (POLLIN | POLLERR | POLLHUP)) guard("event", watches_[i - 1].handler);
        }
        dispatch_sources();
    }
    return status_;
}

}  // namespace cirrus::shell
