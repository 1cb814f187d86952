#include "system_status.hpp"

#include <algorithm>
#include <utility>

namespace cirrus::shell {

SystemStatus::SystemStatus(WaylandClient& client, StatusBar& bar, std::vector<const LayerSurface*> first_frame)
    : client_(client), bar_(bar), first_frame_(std::move(first_frame)), supplies_(power_supply_dir()), glib_(client) {
    refresh_battery();
}

SystemStatus::~SystemStatus() = default;

void SystemStatus::before_wait() {
    if (bus_requested_ ||
        !std::all_of(first_frame_.begin(), first_frame_.end(), [](const LayerSurface* s) { return s->configured(); }))
        return;
    bus_requested_ = true;
    bus_.connect_soon([this](GDBusConnection* bus) { watch_services(bus); });
}

// A minute is fresh enough for sysfs; UPower says when it changes.
void SystemStatus::minute(std::time_t) { refresh_battery(); }

void SystemStatus::refresh_battery() { bar_.set_battery(choose_battery(upower_battery_, read_battery(supplies_))); }

void SystemStatus::watch_services(GDBusConnection* bus) {
    upower_ = std::make_unique<UPowerWatch>(bus, [this](std::optional<BatteryStatus> battery) {
        client_.guard("UPower", [&] {
            upower_battery_ = battery;
            refresh_battery();
        });
    });
    modems_ = std::make_unique<ModemWatch>(bus, [this](std::optional<ModemReading> modem) {
        client_.guard("ModemManager", [&] { bar_.set_modem(modem); });
    });
}

}  // namespace cirrus::shell
