// The cellular modems as ModemManager publishes them on the system bus:
// its object manager's modems (InterfacesAdded/Removed) and their State,
// AccessTechnologies and SignalQuality (PropertiesChanged), reduced to the
// primary modem (cellular.hpp). ModemManager appearing later, restarting or
// going away is followed too (a name watch). Nothing polls.
#pragma once

#include <gio/gio.h>

#include <functional>
#include <optional>

#include "cellular.hpp"
#include "gobject_ptr.hpp"

namespace cirrus::shell {

class ModemWatch {
public:
    // Called with the primary modem when it changes; none when there is no
    // modem or no ModemManager.
    using Changed = std::function<void(std::optional<ModemReading>)>;

    ModemWatch(GDBusConnection* bus, Changed on_change);
    ~ModemWatch();
    ModemWatch(const ModemWatch&) = delete;
    ModemWatch& operator=(const ModemWatch&) = delete;

private:
    static void name_appeared(GDBusConnection* bus, const gchar* name, const gchar* owner, gpointer self);
    static void name_vanished(GDBusConnection* bus, const gchar* name, gpointer self);
    static void manager_ready(GObject* source, GAsyncResult* result, gpointer self);
    static void objects_changed(gpointer self);  // any of the manager's signals
    void forget_manager();
    void update();
    void report(std::optional<ModemReading> modem);

    GDBusConnection* bus_;
    Changed on_change_;
    guint watch_ = 0;
    GObjectRef<GCancellable> pending_;  // the object manager being made
    GObjectRef<GDBusObjectManager> manager_;
    std::optional<ModemReading> reported_;
    bool has_reported_ = false;
};

}  // namespace cirrus::shell
