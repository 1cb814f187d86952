// The status bar's system sources as plain mappings: UPower's display device
// to a battery (and its precedence over sysfs), ModemManager's access
// technologies and signal to a label and bars, the choice among modems, and
// how the modem and the offline cache's link state combine on the bar.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "battery.hpp"
#include "cellular.hpp"
#include "link_indicator.hpp"
#include "status_bar_layout.hpp"

using namespace cirrus::shell;

namespace {

UPowerDevice upower_battery(double percentage, std::uint32_t state) {
    return {true, kUpowerTypeBattery, percentage, state};
}

ModemReading modem(std::int32_t state, std::uint32_t tech, std::uint32_t signal) { return {state, tech, signal}; }

}  // namespace

TEST_CASE("UPower's states map onto the bar's charge states") {
    CHECK(charge_state_from_upower(0) == ChargeState::unknown);
    CHECK(charge_state_from_upower(1) == ChargeState::charging);
    CHECK(charge_state_from_upower(2) == ChargeState::discharging);
    CHECK(charge_state_from_upower(3) == ChargeState::discharging);  // empty
    CHECK(charge_state_from_upower(4) == ChargeState::full);
    CHECK(charge_state_from_upower(5) == ChargeState::not_charging);  // pending charge
    CHECK(charge_state_from_upower(6) == ChargeState::not_charging);  // pending discharge
    CHECK(charge_state_from_upower(7) == ChargeState::unknown);
}

TEST_CASE("UPower's display device is a battery only when present and of type battery") {
    const auto b = battery_from_upower(upower_battery(57.4, 1));
    REQUIRE(b.has_value());
    CHECK(b->percent == 57);
    CHECK(b->state == ChargeState::charging);
    CHECK(battery_from_upower(upower_battery(57.5, 2))->percent == 58);  // rounded, not truncated

    UPowerDevice absent = upower_battery(80, 2);
    absent.is_present = false;
    CHECK_FALSE(battery_from_upower(absent).has_value());
    UPowerDevice ups = upower_battery(80, 2);
    ups.type = 3;
    CHECK_FALSE(battery_from_upower(ups).has_value());
    UPowerDevice unknown_kind = upower_battery(80, 2);
    unknown_kind.type = 0;  // what UPower's display device says with no battery at all
    CHECK_FALSE(battery_from_upower(unknown_kind).has_value());

    CHECK(battery_from_upower(upower_battery(104, 4))->percent == 100);
    CHECK(battery_from_upower(upower_battery(-3, 3))->percent == 0);
    CHECK_FALSE(battery_from_upower(upower_battery(std::nan(""), 2)).has_value());
    CHECK_FALSE(battery_from_upower(upower_battery(std::numeric_limits<double>::infinity(), 2)).has_value());
}

TEST_CASE("UPower's battery wins over sysfs; sysfs stands in without it") {
    const BatteryStatus upower{30, ChargeState::charging};
    const BatteryStatus sysfs{80, ChargeState::discharging};
    CHECK(choose_battery(upower, sysfs) == upower);
    CHECK(choose_battery(std::nullopt, sysfs) == sysfs);
    CHECK(choose_battery(upower, std::nullopt) == upower);
    CHECK_FALSE(choose_battery(std::nullopt, std::nullopt).has_value());
}

TEST_CASE("access technologies name the fastest generation in the mask") {
    using namespace access_tech;
    CHECK(generation_label(0) == "");
    CHECK(generation_label(pots) == "");
    CHECK(generation_label(gsm) == "2G");
    CHECK(generation_label(gsm_compact) == "2G");
    CHECK(generation_label(gprs) == "2G");
    CHECK(generation_label(cdma_1xrtt) == "2G");
    CHECK(generation_label(edge) == "E");
    CHECK(generation_label(gprs | edge) == "E");
    CHECK(generation_label(umts) == "3G");
    CHECK(generation_label(evdo0) == "3G");
    CHECK(generation_label(evdoa) == "3G");
    CHECK(generation_label(evdob) == "3G");
    CHECK(generation_label(hsdpa) == "H");
    CHECK(generation_label(hsupa) == "H");
    CHECK(generation_label(umts | hsdpa | hsupa) == "H");
    CHECK(generation_label(hspa) == "H");
    CHECK(generation_label(hspa_plus) == "H+");
    CHECK(generation_label(hspa | hspa_plus) == "H+");
    CHECK(generation_label(lte) == "4G");
    CHECK(generation_label(lte_cat_m) == "4G");
    CHECK(generation_label(lte_nb_iot) == "4G");
    CHECK(generation_label(lte | nr5g) == "5G");  // 5G non-standalone rides on LTE
    CHECK(generation_label(nr5g) == "5G");
    CHECK(generation_label(1u << 20) == "");  // a bit this shell does not know
}

TEST_CASE("the signal percentage lights one bar per started quarter") {
    CHECK(signal_bars(0) == 0);
    CHECK(signal_bars(1) == 1);
    CHECK(signal_bars(25) == 1);
    CHECK(signal_bars(26) == 2);
    CHECK(signal_bars(50) == 2);
    CHECK(signal_bars(51) == 3);
    CHECK(signal_bars(75) == 3);
    CHECK(signal_bars(76) == 4);
    CHECK(signal_bars(100) == 4);
    CHECK(signal_bars(250) == 4);  // out of range: full, never more
}

TEST_CASE("a modem is in service from registered on") {
    CHECK_FALSE(in_service(modem_state::failed));
    CHECK_FALSE(in_service(0));
    CHECK_FALSE(in_service(modem_state::locked));
    CHECK_FALSE(in_service(modem_state::enabled));
    CHECK_FALSE(in_service(modem_state::searching));
    CHECK(in_service(modem_state::registered));
    CHECK(in_service(9));   // disconnecting
    CHECK(in_service(10));  // connecting
    CHECK(in_service(modem_state::connected));
}

TEST_CASE("the primary modem is the first in service, else the first") {
    CHECK_FALSE(primary_modem({}).has_value());
    const ModemReading searching = modem(modem_state::searching, access_tech::gsm, 10);
    const ModemReading registered = modem(modem_state::registered, access_tech::umts, 60);
    const ModemReading connected = modem(modem_state::connected, access_tech::lte, 90);
    CHECK(primary_modem(std::vector{searching}) == searching);
    CHECK(primary_modem(std::vector{searching, registered}) == registered);
    CHECK(primary_modem(std::vector{registered, connected}) == registered);
    CHECK(primary_modem(std::vector{searching, searching}) == searching);
}

TEST_CASE("the cache's link state alone draws as before") {
    CHECK(link_indicator(LinkState::unknown, std::nullopt) == LinkIndicator{});
    CHECK_FALSE(link_indicator(LinkState::unknown, std::nullopt).shown);
    CHECK(link_indicator(LinkState::offline, std::nullopt) == LinkIndicator{true, 0, "Offline"});
    CHECK(link_indicator(LinkState::slow_2g, std::nullopt) == LinkIndicator{true, 1, "2G"});
    CHECK(link_indicator(LinkState::cellular_3g, std::nullopt) == LinkIndicator{true, 3, "3G"});
    CHECK(link_indicator(LinkState::good, std::nullopt) == LinkIndicator{true, 4, ""});
}

TEST_CASE("a registered modem names the link and its bars show the signal") {
    const auto m = modem(modem_state::registered, access_tech::umts, 75);
    CHECK(link_indicator(LinkState::unknown, m) == LinkIndicator{true, 3, "3G"});
    // The cache's estimate of throughput does not rename the radio's link.
    CHECK(link_indicator(LinkState::slow_2g, m) == LinkIndicator{true, 3, "3G"});
    CHECK(link_indicator(LinkState::good, m) == LinkIndicator{true, 3, "3G"});
    const auto lte = modem(modem_state::connected, access_tech::lte, 20);
    CHECK(link_indicator(LinkState::cellular_3g, lte) == LinkIndicator{true, 1, "4G"});
    // Registered on an unknown technology: bars without a label.
    CHECK(link_indicator(LinkState::unknown, modem(modem_state::registered, 0, 100)) == LinkIndicator{true, 4, ""});
}

TEST_CASE("offline from the cache wins over a modem with signal") {
    const auto m = modem(modem_state::connected, access_tech::hspa_plus, 100);
    CHECK(link_indicator(LinkState::offline, m) == LinkIndicator{true, 4, "Offline"});
    const auto no_service = modem(modem_state::searching, access_tech::gsm, 40);
    CHECK(link_indicator(LinkState::offline, no_service) == LinkIndicator{true, 0, "Offline"});
}

TEST_CASE("a modem without service: the cache's view if it has one, else empty bars") {
    const auto searching = modem(modem_state::searching, access_tech::umts, 60);
    CHECK(link_indicator(LinkState::unknown, searching) == LinkIndicator{true, 0, ""});
    CHECK(link_indicator(LinkState::good, searching) == LinkIndicator{true, 4, ""});
    CHECK(link_indicator(LinkState::cellular_3g, searching) == LinkIndicator{true, 3, "3G"});
    const auto locked = modem(modem_state::locked, 0, 0);
    CHECK(link_indicator(LinkState::unknown, locked) == LinkIndicator{true, 0, ""});
    const auto failed = modem(modem_state::failed, 0, 0);
    CHECK(link_indicator(LinkState::unknown, failed) == LinkIndicator{true, 0, ""});
}

TEST_CASE("the bar's boxes: link left, clock middle, battery right; bars rise in whole pixels") {
    const StatusBarLayout l = status_bar_layout(480, 24);
    CHECK(l.link == Box{6, 0, 90, 24});
    CHECK(l.clock == Box{96, 0, 288, 24});
    CHECK(l.battery == Box{384, 0, 90, 24});
    // Narrow screens give each side a third.
    CHECK(status_bar_layout(240, 24).link.width == 74);

    int previous_right = l.link.x - 1;
    for (int i = 0; i < kSignalBarCount; ++i) {
        const Box bar = signal_bar(l.link, i);
        CHECK(bar.x > previous_right);     // apart from the last
        CHECK(bar.y + bar.height == 18);   // a common base line
        CHECK(bar.height == 3 * (i + 1));  // rising
        previous_right = bar.x + bar.width - 1;
    }
    const Box label = link_label(l.link);
    CHECK(label.x > previous_right);
    CHECK(label.x + label.width == l.link.x + l.link.width);

    const Box body = battery_body(l.battery);
    CHECK(body == Box{449, 7, 23, 11});
    CHECK(body.x + body.width + kBatteryNubWidth == l.battery.x + l.battery.width);
}

TEST_CASE("cirrus_shell_v1's link values map onto the link states") {
    CHECK(link_state_from_protocol(0) == LinkState::offline);
    CHECK(link_state_from_protocol(1) == LinkState::slow_2g);
    CHECK(link_state_from_protocol(2) == LinkState::cellular_3g);
    CHECK(link_state_from_protocol(3) == LinkState::good);
    CHECK(link_state_from_protocol(4) == LinkState::unknown);
}

TEST_CASE("without a modem in service, Wi-Fi and wired draw their glyph; a cellular or unknown kind draws bars") {
    using cirrus::shell::LinkGlyph;
    using cirrus::shell::LinkKind;
    CHECK(link_indicator(LinkState::good, std::nullopt, LinkKind::wifi) == LinkIndicator{true, 0, "", LinkGlyph::wifi});
    CHECK(link_indicator(LinkState::cellular_3g, std::nullopt, LinkKind::wired) ==
          LinkIndicator{true, 0, "", LinkGlyph::wired});
    // Before any class is published the kind is the machine's own truth.
    CHECK(link_indicator(LinkState::unknown, std::nullopt, LinkKind::wifi).glyph == LinkGlyph::wifi);
    // A modem with a network names the link even beside Wi-Fi (its data
    // may be the modem's); offline is said on any kind.
    const auto m = modem(modem_state::registered, access_tech::umts, 75);
    CHECK(link_indicator(LinkState::good, m, LinkKind::wifi) == LinkIndicator{true, 3, "3G"});
    CHECK(link_indicator(LinkState::offline, std::nullopt, LinkKind::wifi) == LinkIndicator{true, 0, "Offline"});
    // A searching modem while the data goes over Wi-Fi: the Wi-Fi glyph.
    const auto searching = modem(modem_state::searching, access_tech::umts, 60);
    CHECK(link_indicator(LinkState::good, searching, LinkKind::wifi).glyph == LinkGlyph::wifi);
    // Cellular or unknown: as before kinds (bars from the class).
    CHECK(link_indicator(LinkState::cellular_3g, std::nullopt, LinkKind::cellular) == LinkIndicator{true, 3, "3G"});
    CHECK(link_indicator(LinkState::good, std::nullopt, LinkKind::unknown) == LinkIndicator{true, 4, ""});
}

TEST_CASE("cirrus_shell_v1's link_kind values map onto the kinds") {
    using cirrus::shell::LinkKind;
    CHECK(cirrus::shell::link_kind_from_protocol(0) == LinkKind::unknown);
    CHECK(cirrus::shell::link_kind_from_protocol(1) == LinkKind::wired);
    CHECK(cirrus::shell::link_kind_from_protocol(2) == LinkKind::wifi);
    CHECK(cirrus::shell::link_kind_from_protocol(3) == LinkKind::cellular);
    CHECK(cirrus::shell::link_kind_from_protocol(99) == LinkKind::unknown);
}
