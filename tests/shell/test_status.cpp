// The status bar's models: the battery from a sysfs-shaped folder, the
// clock's text and minute boundary, and the text colour on a theme colour.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "battery.hpp"
#include "clock.hpp"
#include "theme.hpp"

using namespace cirrus::shell;

namespace {

struct SupplyDir {
    std::filesystem::path path;
    SupplyDir() {
        char templ[] = "/tmp/cirrus-power-test-XXXXXX";
        path = mkdtemp(templ);
    }
    ~SupplyDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    void write(const std::string& supply, const std::string& attribute, const std::string& value) const {
        std::filesystem::create_directories(path / supply);
        std::ofstream(path / supply / attribute) << value << "\n";
    }
};

}  // namespace

TEST_CASE("no supplies, or only mains and a mouse, is no battery") {
    SupplyDir dir;
    CHECK_FALSE(read_battery(dir.path).has_value());
    CHECK_FALSE(read_battery(dir.path / "missing").has_value());
    dir.write("AC", "type", "Mains");
    dir.write("AC", "online", "1");
    dir.write("hidpp_battery_0", "type", "Battery");
    dir.write("hidpp_battery_0", "scope", "Device");
    dir.write("hidpp_battery_0", "capacity", "40");
    CHECK_FALSE(read_battery(dir.path).has_value());
}

TEST_CASE("the phone's battery: capacity and status") {
    SupplyDir dir;
    dir.write("AC", "type", "Mains");
    dir.write("BAT0", "type", "Battery");
    dir.write("BAT0", "capacity", "73");
    dir.write("BAT0", "status", "Charging");
    const auto battery = read_battery(dir.path);
    REQUIRE(battery.has_value());
    CHECK(battery->percent == 73);
    CHECK(battery->state == ChargeState::charging);

    dir.write("BAT0", "status", "Not charging");
    CHECK(read_battery(dir.path)->state == ChargeState::not_charging);
    dir.write("BAT0", "status", "Discharging");
    CHECK(read_battery(dir.path)->state == ChargeState::discharging);
    dir.write("BAT0", "status", "Full");
    CHECK(read_battery(dir.path)->state == ChargeState::full);
    dir.write("BAT0", "status", "Whatever");
    CHECK(read_battery(dir.path)->state == ChargeState::unknown);
    // Out-of-range capacities are clamped; garbage is no battery.
    dir.write("BAT0", "capacity", "104");
    CHECK(read_battery(dir.path)->percent == 100);
    dir.write("BAT0", "capacity", "lots");
    CHECK_FALSE(read_battery(dir.path).has_value());
}

TEST_CASE("CIRRUS_POWER_SUPPLY_DIR replaces sysfs") {
    unsetenv("CIRRUS_POWER_SUPPLY_DIR");
    CHECK(power_supply_dir() == "/sys/class/power_supply");
    setenv("CIRRUS_POWER_SUPPLY_DIR", "/tmp/simulated", 1);
    CHECK(power_supply_dir() == "/tmp/simulated");
    unsetenv("CIRRUS_POWER_SUPPLY_DIR");
}

TEST_CASE("the clock shows HH:MM in local time, and the next minute starts on its boundary") {
    setenv("TZ", "UTC", 1);
    tzset();
    CHECK(clock_text(0) == "00:00");
    CHECK(clock_text(13 * 3600 + 7 * 60 + 59) == "13:07");
    setenv("TZ", "Asia/Shanghai", 1);  // +08:00, or UTC where zoneinfo is missing
    tzset();
    const std::string shanghai = clock_text(0);
    CHECK((shanghai == "08:00" || shanghai == "00:00"));
    unsetenv("TZ");
    tzset();

    CHECK(next_minute(0) == 60);
    CHECK(next_minute(59) == 60);
    CHECK(next_minute(60) == 120);
    CHECK(next_minute(1'700'000'039) == 1'700'000'040);
}

TEST_CASE("the minute timer is a readable timerfd armed for the next boundary") {
    MinuteTimer timer;
    CHECK(timer.fd() >= 0);
    timer.rearm();  // nothing to drain: still fine
}

TEST_CASE("text on a theme colour is black or white, whichever reads better") {
    CHECK(text_colour_on(rgb(0xffffff)) == Colour{0, 0, 0, 1});
    CHECK(text_colour_on(rgb(0x000000)) == Colour{1, 1, 1, 1});
    CHECK(text_colour_on(rgb(0xf4b400)) == Colour{0, 0, 0, 1});  // notes' yellow
    CHECK(text_colour_on(rgb(0x1e88e5)) == Colour{0, 0, 0, 1});  // weather's mid blue: black reads (slightly) better
    CHECK(text_colour_on(rgb(0x37474f)) == Colour{1, 1, 1, 1});  // calculator's slate
    CHECK(text_colour_on(rgb(kStatusBarHomeRgb)) == Colour{1, 1, 1, 1});
    CHECK(relative_luminance(rgb(0xffffff)) == doctest::Approx(1.0));
    CHECK(relative_luminance(rgb(0x000000)) == doctest::Approx(0.0));
}

TEST_CASE("the bar's background is the theme colour, or the home colour without one") {
    CHECK(status_bar_background(0) == rgb(kStatusBarHomeRgb));
    CHECK(status_bar_background(0x00ff0000) == rgb(kStatusBarHomeRgb));  // alpha 0: no theme
    CHECK(status_bar_background(0xff336699) == rgb(0x336699));
    CHECK(status_bar_background(0x80336699) == rgb(0x336699));  // drawn opaque
}
