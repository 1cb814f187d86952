// The battery as UPower publishes it on the system bus: the properties of
// its display device, followed through PropertiesChanged (UPower announces
// every change; nothing here polls). UPower appearing later, restarting or
// going away is followed too (service_watch.hpp).
#pragma once

#include <gio/gio.h>

#include <functional>
#include <optional>

#include "battery.hpp"
#include "service_watch.hpp"

namespace cirrus::shell {

class UPowerWatch {
public:
    // Called with UPower's battery when it changes; none while UPower is
    // absent or its display device is no battery (then sysfs applies).
    using Changed = std::function<void(std::optional<BatteryStatus>)>;

    UPowerWatch(GDBusConnection* bus, Changed on_change);
    UPowerWatch(const UPowerWatch&) = delete;
    UPowerWatch& operator=(const UPowerWatch&) = delete;

private:
    // The display device's proxy; null when UPower went away.
    void update(GObject* device);
    void report(std::optional<BatteryStatus> battery);

    Changed on_change_;
    ServiceWatch watch_;  // last: it calls update() until it is destroyed
};

}  // namespace cirrus::shell
