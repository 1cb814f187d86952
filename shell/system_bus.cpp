#include "system_bus.hpp"

#include <cstdio>

namespace cirrus::shell {

void SystemBus::connect(Connected on_connected) {
    on_connected_ = std::move(on_connected);
    ErrorHolder error;
    // Only reads the environment (or names the system socket): no I/O.
    gchar* address = g_dbus_address_get_for_bus_sync(G_BUS_TYPE_SYSTEM, nullptr, error.out());
    if (!address) {
        std::fprintf(stderr, "cirrus-shell: no system bus (%s): no UPower, no modem\n", error.message());
        return;
    }
    cancellable_.reset(g_cancellable_new());
    // A connection of our own rather than g_bus_get()'s shared one: that one
    // exits the process when the bus goes away (exit-on-close), and its
    // lifetime is not ours to end.
    g_dbus_connection_new_for_address(address,
                                      static_cast<GDBusConnectionFlags>(G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                                        G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION),
                                      nullptr, cancellable_.get(), connection_ready, this);
    g_free(address);
}

void SystemBus::connect_soon(Connected on_connected) {
    on_connected_ = std::move(on_connected);
    if (!start_source_) start_source_ = g_idle_add(start, this);
}

gboolean SystemBus::start(gpointer data) {
    auto* self = static_cast<SystemBus*>(data);
    self->start_source_ = 0;
    guard_callback("system bus", [&] { self->connect(std::move(self->on_connected_)); });
    return G_SOURCE_REMOVE;
}

void SystemBus::connection_ready(GObject*, GAsyncResult* result, gpointer data) {
    ErrorHolder error;
    GDBusConnection* connection = g_dbus_connection_new_for_address_finish(result, error.out());
    // Cancelled: the SystemBus is being destroyed, or is gone; touch nothing.
    if (error.cancelled()) return;
    auto* self = static_cast<SystemBus*>(data);
    self->cancellable_.reset();
    if (!connection) {
        // The expected case without a system bus: one line, no retry.
        std::fprintf(stderr, "cirrus-shell: no system bus (%s): no UPower, no modem\n", error.message());
        return;
    }
    self->connection_.reset(connection);
    g_dbus_connection_set_exit_on_close(connection, FALSE);
    self->closed_handler_ = g_signal_connect(connection, "closed", G_CALLBACK(connection_closed), self);
    guard_callback("system bus", [&] {
        if (self->on_connected_) self->on_connected_(connection);
    });
}

void SystemBus::connection_closed(GDBusConnection*, gboolean, GError* error, gpointer) {
    // The bus went away (it only does when the system stops). The name
    // watchers see their services vanish and the bar falls back to sysfs.
    std::fprintf(stderr, "cirrus-shell: the system bus closed the connection%s%s\n", error ? ": " : "",
                 error ? error->message : "");
}

SystemBus::~SystemBus() {
    if (start_source_) g_source_remove(start_source_);
    if (cancellable_) g_cancellable_cancel(cancellable_.get());
    if (connection_) {
        g_signal_handler_disconnect(connection_.get(), closed_handler_);
        // Closing fails the calls still in flight; their callbacks run (and
        // free them) when the loop drains the main context afterwards.
        g_dbus_connection_close(connection_.get(), nullptr, nullptr, nullptr);
    }
}

}  // namespace cirrus::shell
