// RAII wl_listener for C++. A Listener is connected for as long as it lives
// and removes itself from its signal when destroyed, so an object that owns its
// listeners can never leave a dangling one behind (tinywl's discipline, kept by
// the type instead of by hand). The handler runs inside a catch-all: a C++
// exception must never unwind through libwayland's C frames.
#pragma once

#include <functional>
#include <utility>

#include <wayland-server-core.h>

namespace cirrus {

void log_listener_exception(const char* what);

class Listener {
public:
    using Handler = std::function<void(void* data)>;

    Listener() { wl_list_init(&link_.raw.link); }
    Listener(wl_signal* signal, Handler handler) : Listener() { connect(signal, std::move(handler)); }
    ~Listener() { disconnect(); }

    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;
    Listener(Listener&&) = delete;
    Listener& operator=(Listener&&) = delete;

    void connect(wl_signal* signal, Handler handler) {
        disconnect();
        handler_ = std::move(handler);
        link_.raw.notify = &Listener::notify;
        link_.owner = this;
        wl_signal_add(signal, &link_.raw);
    }

    // wl_client has no public signal, only wl_client_add_destroy_listener.
    void connect_client_destroy(wl_client* client, Handler handler) {
        disconnect();
        handler_ = std::move(handler);
        link_.raw.notify = &Listener::notify;
        link_.owner = this;
        wl_client_add_destroy_listener(client, &link_.raw);
    }

    void disconnect() {
        wl_list_remove(&link_.raw.link);
        wl_list_init(&link_.raw.link);
    }

    bool connected() const { return !wl_list_empty(&link_.raw.link); }

private:
    // wl_listener first, so the pointer libwayland hands back converts to Link.
    struct Link {
        wl_listener raw;
        Listener* owner;
    };

    static void notify(wl_listener* raw, void* data) {
        Listener* self = reinterpret_cast<Link*>(raw)->owner;
        try {
            self->handler_(data);
        } catch (const std::exception& e) {
            log_listener_exception(e.what());
        } catch (...) {
            log_listener_exception("unknown exception");
        }
    }

    Link link_{};
    Handler handler_;
};

}  // namespace cirrus
