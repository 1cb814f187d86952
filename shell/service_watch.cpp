#include "service_watch.hpp"

#include <cstdio>
#include <utility>

namespace cirrus::shell {

ServiceWatch::ServiceWatch(GDBusConnection* bus, Recipe recipe, Changed on_change)
    : bus_(bus), recipe_(std::move(recipe)), on_change_(std::move(on_change)) {
    watch_ = g_bus_watch_name_on_connection(bus_, recipe_.service, G_BUS_NAME_WATCHER_FLAGS_NONE, name_appeared,
                                            name_vanished, this, nullptr);
}

ServiceWatch::~ServiceWatch() {
    g_bus_unwatch_name(watch_);  // no callback runs after this
    forget_object();
}

void ServiceWatch::name_appeared(GDBusConnection*, const gchar*, const gchar*, gpointer data) {
    auto* self = static_cast<ServiceWatch*>(data);
    self->forget_object();
    self->pending_.reset(g_cancellable_new());
    self->recipe_.make(self->bus_, self->pending_.get(), self);
}

void ServiceWatch::name_vanished(GDBusConnection*, const gchar*, gpointer data) {
    auto* self = static_cast<ServiceWatch*>(data);
    self->forget_object();
    self->on_change_(nullptr);
}

void ServiceWatch::adopt(GObject* object, const ErrorHolder& error) {
    pending_.reset();
    if (!object) {
        std::fprintf(stderr, "cirrus-shell: %s: %s\n", recipe_.description, error.message());
        return;
    }
    object_.reset(object);
    for (const char* signal : recipe_.signals) {
        g_signal_connect_swapped(object, signal, G_CALLBACK(object_changed), this);
    }
    on_change_(object);
}

void ServiceWatch::object_changed(gpointer data) {
    auto* self = static_cast<ServiceWatch*>(data);
    self->on_change_(self->object_.get());
}

void ServiceWatch::forget_object() {
    if (pending_) g_cancellable_cancel(pending_.get());
    pending_.reset();
    if (object_) g_signal_handlers_disconnect_by_data(object_.get(), this);
    object_.reset();
}

}  // namespace cirrus::shell
