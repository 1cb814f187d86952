// A service on the system bus, followed for as long as the shell runs: when
// its name gets an owner (at start, later, or after a restart) one object of
// it is made -- a proxy, an object manager -- asynchronously and
// cancellably, and each of the object's listed signals says "look again";
// when the name loses its owner the object goes. Nothing polls. UPowerWatch
// and ModemWatch are two of these, each reading its own object.
#pragma once

#include <gio/gio.h>

#include <functional>
#include <vector>

#include "gobject_ptr.hpp"

namespace cirrus::shell {

class ServiceWatch {
public:
    // Which object of which service, how it is made, and which of its
    // signals mean it changed.
    struct Recipe {
        const char* service;      // the well-known name, e.g. org.freedesktop.UPower
        const char* description;  // for messages: "UPower's display device"
        // Starts making the object: a g_dbus_*_new call with `cancellable`,
        // and finished<its _finish> with `watch` as the callback.
        void (*make)(GDBusConnection* bus, GCancellable* cancellable, gpointer watch);
        std::vector<const char*> signals;
    };
    // Called with the object once it is made and after each of its listed
    // signals; with null when the service goes away. It runs from GLib
    // callbacks: it must not throw.
    using Changed = std::function<void(GObject* object)>;

    ServiceWatch(GDBusConnection* bus, Recipe recipe, Changed on_change);
    // Nothing is called after this; an object still being made is cancelled.
    ~ServiceWatch();
    ServiceWatch(const ServiceWatch&) = delete;
    ServiceWatch& operator=(const ServiceWatch&) = delete;

    // The callback of Recipe::make's call; `Finish` is that call's _finish.
    template <auto Finish>
    static void finished(GObject*, GAsyncResult* result, gpointer watch) {
        ErrorHolder error;
        auto* object = Finish(result, error.out());
        if (error.cancelled()) return;  // forgotten: the watch may be gone
        static_cast<ServiceWatch*>(watch)->adopt(object ? G_OBJECT(object) : nullptr, error);
    }

private:
    static void name_appeared(GDBusConnection* bus, const gchar* name, const gchar* owner, gpointer self);
    static void name_vanished(GDBusConnection* bus, const gchar* name, gpointer self);
    // The object made (adopted), or null and why not.
    void adopt(GObject* object, const ErrorHolder& error);
    static void object_changed(gpointer self);  // any of the listed signals
    void forget_object();

    GDBusConnection* bus_;
    Recipe recipe_;
    Changed on_change_;
    guint watch_ = 0;
    GObjectRef<GCancellable> pending_;  // the object being made
    GObjectRef<GObject> object_;
};

}  // namespace cirrus::shell
