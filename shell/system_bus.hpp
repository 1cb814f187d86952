// The shell's connection to the D-Bus system bus (where UPower and
// ModemManager live), made in the background so that start-up never waits
// for it. Without a system bus (a container, CI) it says so in one line and
// gives up: nothing retries, nothing wakes the shell again.
#pragma once

#include <gio/gio.h>

#include <functional>

#include "gobject_ptr.hpp"

namespace cirrus::shell {

class SystemBus {
public:
    using Connected = std::function<void(GDBusConnection*)>;

    SystemBus() = default;
    // Cancels a connection still being made, and closes the bus.
    ~SystemBus();
    SystemBus(const SystemBus&) = delete;
    SystemBus& operator=(const SystemBus&) = delete;

    // Starts connecting to $DBUS_SYSTEM_BUS_ADDRESS, else the system's
    // socket. `on_connected` runs from the GLib main context (glib_loop.hpp)
    // once the bus has accepted us; not at all if it never does.
    void connect(Connected on_connected);
    // The same, from the main context's next turn: after what the shell's
    // loop sends before it waits (a first frame) has gone out. GIO's first
    // use costs milliseconds of set-up on this thread, tens on a slow phone.
    void connect_soon(Connected on_connected);

private:
    static gboolean start(gpointer self);
    static void connection_ready(GObject* source, GAsyncResult* result, gpointer self);
    static void connection_closed(GDBusConnection* connection, gboolean remote_peer_vanished, GError* error,
                                  gpointer self);

    Connected on_connected_;
    guint start_source_ = 0;  // connect_soon()'s idle, until it runs
    GObjectRef<GCancellable> cancellable_;
    GObjectRef<GDBusConnection> connection_;
    gulong closed_handler_ = 0;
};

}  // namespace cirrus::shell
