// The cellular modems as ModemManager publishes them on the system bus:
// its object manager's modems (InterfacesAdded/Removed) and their State,
// AccessTechnologies and SignalQuality (PropertiesChanged), reduced to the
// primary modem (cellular.hpp). ModemManager appearing later, restarting or
// going away is followed too (service_watch.hpp). Nothing polls.
#pragma once

#include <gio/gio.h>

#include <functional>
#include <optional>

#include "cellular.hpp"
#include "service_watch.hpp"

namespace cirrus::shell {

class ModemWatch {
public:
    // Called with the primary modem when it changes; none when there is no
    // modem or no ModemManager.
    using Changed = std::function<void(std::optional<ModemReading>)>;

    ModemWatch(GDBusConnection* bus, Changed on_change);
    ModemWatch(const ModemWatch&) = delete;
    ModemWatch& operator=(const ModemWatch&) = delete;

private:
    // The object manager; null when ModemManager went away.
    void update(GObject* manager);
    void report(std::optional<ModemReading> modem);

    Changed on_change_;
    std::optional<ModemReading> reported_;
    bool has_reported_ = false;
    ServiceWatch watch_;  // last: it calls update() until it is destroyed
};

}  // namespace cirrus::shell
