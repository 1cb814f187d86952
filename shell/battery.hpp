// The battery, from one of two sources: UPower's display device where the
// system runs UPower (upower_watch.* reads it over D-Bus; the mapping is
// here), else Linux's sysfs: /sys/class/power_supply/<name>/ with `type`
// (Battery, Mains, USB, ...), `capacity` (percent) and `status` (Charging,
// Discharging, Full, Not charging, Unknown). Tests point
// CIRRUS_POWER_SUPPLY_DIR at a folder of the same shape to simulate one.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string_view>

namespace cirrus::shell {

enum class ChargeState { unknown, charging, discharging, full, not_charging };

struct BatteryStatus {
    int percent = 0;  // 0..100
    ChargeState state = ChargeState::unknown;
    bool operator==(const BatteryStatus&) const = default;
};

ChargeState charge_state_from_sysfs(std::string_view status);

// $CIRRUS_POWER_SUPPLY_DIR, else /sys/class/power_supply.
std::filesystem::path power_supply_dir();

// The phone's own battery: the first supply (by name) whose type is Battery
// and that has a capacity, skipping those whose scope is Device (a mouse's
// or a headset's battery). None when there is no such supply, as on a
// desktop or in a test without a simulated battery.
std::optional<BatteryStatus> read_battery(const std::filesystem::path& dir);

// org.freedesktop.UPower.Device's properties on
// /org/freedesktop/UPower/devices/DisplayDevice (the composite of the
// system's batteries).
struct UPowerDevice {
    bool is_present = false;
    std::uint32_t type = 0;   // UpDeviceKind: 2 battery, 3 UPS, ...
    double percentage = 0;    // 0..100
    std::uint32_t state = 0;  // UpDeviceState, see charge_state_from_upower
};
inline constexpr std::uint32_t kUpowerTypeBattery = 2;

// UpDeviceState: 1 charging, 2 discharging, 3 empty, 4 fully charged,
// 5 pending charge, 6 pending discharge; 0 and others unknown.
ChargeState charge_state_from_upower(std::uint32_t state);

// The battery the display device describes; none unless it is present and a
// battery (a UPS is the house's backup, not the phone's charge, just as the
// sysfs reader skips everything but Battery).
std::optional<BatteryStatus> battery_from_upower(const UPowerDevice& device);

// UPower, where it has a battery, else sysfs: UPower knows more (it merges
// several batteries, and smooths the percentage) and tells of changes at
// once, while sysfs is read once a minute.
std::optional<BatteryStatus> choose_battery(const std::optional<BatteryStatus>& upower,
                                            const std::optional<BatteryStatus>& sysfs);

}  // namespace cirrus::shell
