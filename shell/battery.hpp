// The battery as Linux describes it in sysfs: /sys/class/power_supply/<name>/
// with `type` (Battery, Mains, USB, ...), `capacity` (percent) and `status`
// (Charging, Discharging, Full, Not charging, Unknown). Tests point
// CIRRUS_POWER_SUPPLY_DIR at a folder of the same shape to simulate one.
#pragma once

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

}  // namespace cirrus::shell
