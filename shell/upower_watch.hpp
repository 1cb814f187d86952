// The battery as UPower publishes it on the system bus: the properties of
// its display device, followed through PropertiesChanged (UPower announces
// every change; nothing here polls). UPower appearing later, restarting or
// going away is followed too (a name watch).
#pragma once

#include <gio/gio.h>

#include <functional>
#include <optional>

#include "battery.hpp"
#include "gobject_ptr.hpp"

namespace cirrus::shell {

class UPowerWatch {
public:
    // Called with UPower's battery when it changes; none while UPower is
    // absent or its display device is no battery (then sysfs applies).
    using Changed = std::function<void(std::optional<BatteryStatus>)>;

    UPowerWatch(GDBusConnection* bus, Changed on_change);
    ~UPowerWatch();
    UPowerWatch(const UPowerWatch&) = delete;
    UPowerWatch& operator=(const UPowerWatch&) = delete;

private:
    static void name_appeared(GDBusConnection* bus, const gchar* name, const gchar* owner, gpointer self);
    static void name_vanished(GDBusConnection* bus, const gchar* name, gpointer self);
    static void proxy_ready(GObject* source, GAsyncResult* result, gpointer self);
    static void properties_changed(GDBusProxy* proxy, GVariant* changed, const gchar* const* invalidated,
                                   gpointer self);
    void forget_device();
    void update();
    void report(std::optional<BatteryStatus> battery);

    GDBusConnection* bus_;
    Changed on_change_;
    guint watch_ = 0;
    GObjectRef<GCancellable> pending_;  // the proxy being made
    GObjectRef<GDBusProxy> device_;
    gulong changed_handler_ = 0;
};

}  // namespace cirrus::shell
