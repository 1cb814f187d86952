#include "battery.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace cirrus::shell {

namespace {

// The first line of a sysfs attribute, without its newline; none if unreadable.
std::optional<std::string> read_attribute(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) return std::nullopt;
    std::string line;
    if (!std::getline(in, line)) return std::string();
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
    return line;
}

}  // namespace

ChargeState charge_state_from_sysfs(std::string_view status) {
    if (status == "Charging") return ChargeState::charging;
    if (status == "Discharging") return ChargeState::discharging;
    if (status == "Full") return ChargeState::full;
    if (status == "Not charging") return ChargeState::not_charging;
    return ChargeState::unknown;
}

std::filesystem::path power_supply_dir() {
    const char* dir = std::getenv("CIRRUS_POWER_SUPPLY_DIR");
    return dir && *dir ? std::filesystem::path(dir) : std::filesystem::path("/sys/class/power_supply");
}

std::optional<BatteryStatus> read_battery(const std::filesystem::path& dir) {
    std::error_code ec;
    std::vector<std::filesystem::path> supplies;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        supplies.push_back(it->path());  // sysfs entries are symlinks to folders: follow them
    }
    std::sort(supplies.begin(), supplies.end());
    for (const auto& supply : supplies) {
        const auto type = read_attribute(supply / "type");
        if (!type || *type != "Battery") continue;
        if (read_attribute(supply / "scope").value_or("") == "Device") continue;
        const auto capacity = read_attribute(supply / "capacity");
        if (!capacity) continue;
        int percent = 0;
        const char* end = capacity->data() + capacity->size();
        const auto [ptr, err] = std::from_chars(capacity->data(), end, percent);
        if (err != std::errc() || ptr != end) continue;
        BatteryStatus status;
        status.percent = std::clamp(percent, 0, 100);
        status.state = charge_state_from_sysfs(read_attribute(supply / "status").value_or(""));
        return status;
    }
    return std::nullopt;
}

ChargeState charge_state_from_upower(std::uint32_t state) {
    switch (state) {
    case 1:
        return ChargeState::charging;
    // Empty is a discharging battery at its end (drawn low, in red).
    case 2:
    case 3:
        return ChargeState::discharging;
    case 4:
        return ChargeState::full;
    // Pending charge or discharge: on a charger, but neither charging nor
    // draining (a charge threshold, a hot battery) — sysfs's "Not charging".
    case 5:
    case 6:
        return ChargeState::not_charging;
    default:
        return ChargeState::unknown;
    }
}

std::optional<BatteryStatus> battery_from_upower(const UPowerDevice& device) {
    if (!device.is_present || device.type != kUpowerTypeBattery) return std::nullopt;
    if (!std::isfinite(device.percentage)) return std::nullopt;
    BatteryStatus status;
    status.percent = static_cast<int>(std::lround(std::clamp(device.percentage, 0.0, 100.0)));
    status.state = charge_state_from_upower(device.state);
    return status;
}

std::optional<BatteryStatus> choose_battery(const std::optional<BatteryStatus>& upower,
                                            const std::optional<BatteryStatus>& sysfs) {
    return upower ? upower : sysfs;
}

}  // namespace cirrus::shell
