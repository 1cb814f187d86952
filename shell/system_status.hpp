// The status bar's battery and modem. The battery is UPower's while it has
// one, else sysfs (re-read each minute, and whenever UPower's changes: three
// small files); the modem is ModemManager's. Both live on the system bus,
// connected in the background once the first frame of the bar and the home
// screen is out, so that start-up never waits on D-Bus; without a bus the
// bar keeps sysfs and shows no modem.
#pragma once

#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "battery.hpp"
#include "glib_loop.hpp"
#include "layer_surface.hpp"
#include "modem_watch.hpp"
#include "shell_part.hpp"
#include "status_bar.hpp"
#include "system_bus.hpp"
#include "upower_watch.hpp"

namespace cirrus::shell {

class SystemStatus : public ShellPart {
public:
    // Shows sysfs's battery at once. `first_frame`: the surfaces whose first
    // frame goes out before the bus is connected. Throws what GlibLoop throws.
    SystemStatus(WaylandClient& client, StatusBar& bar, std::vector<const LayerSurface*> first_frame);
    ~SystemStatus() override;
    SystemStatus(const SystemStatus&) = delete;
    SystemStatus& operator=(const SystemStatus&) = delete;

    // Connects the bus from the loop's next turn once the first frame is
    // configured (and so drawn): after the loop has sent it.
    void before_wait() override;
    void minute(std::time_t now) override;

private:
    void refresh_battery();
    void watch_services(GDBusConnection* bus);

    WaylandClient& client_;
    StatusBar& bar_;
    std::vector<const LayerSurface*> first_frame_;
    const std::filesystem::path supplies_;
    std::optional<BatteryStatus> upower_battery_;
    bool bus_requested_ = false;
    // Torn down in reverse: the watches, then the bus, then the GLib loop
    // (whose tear-down runs the callbacks of what was cancelled).
    GlibLoop glib_;
    SystemBus bus_;
    std::unique_ptr<UPowerWatch> upower_;
    std::unique_ptr<ModemWatch> modems_;
};

}  // namespace cirrus::shell
