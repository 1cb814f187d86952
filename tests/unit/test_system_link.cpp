// The machine's own link from the system's tables (system_link.hpp), on
// the texts the kernel writes.

#include <doctest/doctest.h>

#include "system_link.hpp"

using namespace cirrus;

namespace {

constexpr const char* kRouteHeader =
    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n";

}  // namespace

TEST_CASE("system link: the default route's interface, the lowest metric first") {
    const std::string laptop = std::string(kRouteHeader) +
                               "wlp2s0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n"
                               "enp0s31f6\t00000000\t0100A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
                               "enp0s31f6\t0000A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n";
    CHECK(default_route_interface_v4(laptop) == "enp0s31f6");
    const std::string down_or_local = std::string(kRouteHeader) +
                                      "eth0\t00000000\t0101A8C0\t0002\t0\t0\t0\t00000000\t0\t0\t0\n"  // not up
                                      "lo\t00000000\t00000000\t0001\t0\t0\t0\t00000000\t0\t0\t0\n"
                                      "eth0\t0000A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n";
    CHECK_FALSE(default_route_interface_v4(down_or_local).has_value());
    CHECK_FALSE(default_route_interface_v4(kRouteHeader).has_value());
    CHECK_FALSE(default_route_interface_v4("").has_value());

    const std::string zeros(32, '0');
    const std::string v6 =
        zeros + " 00 " + zeros + " 00 " + zeros + " ffffffff 00000001 00000000 00200200       lo\n" +  // unreachable
        zeros + " 00 " + zeros + " 00 fe800000000000000000000000000001 00000400 00000001 00000000 00000003  wlan0\n" +
        zeros + " 00 " + zeros + " 00 fe800000000000000000000000000001 00000064 00000001 00000000 00000003  wwan0\n";
    CHECK(default_route_interface_v6(v6) == "wwan0");  // metric 0x64 under 0x400
}

TEST_CASE("system link: Wi-Fi and Ethernet are Wi-Fi or wired; a modem's interface and PPP are unknown") {
    CHECK(access_technology_of({"wlan0", true, 1}) == AccessTechnology::wifi_or_wired);
    CHECK(access_technology_of({"enp0s31f6", false, 1}) == AccessTechnology::wifi_or_wired);
    CHECK(access_technology_of({"eth0", false, 1}) == AccessTechnology::wifi_or_wired);
    CHECK(access_technology_of({"wwan0", false, 1}) == AccessTechnology::unknown);  // a modem, Ethernet-typed
    CHECK(access_technology_of({"rmnet_data0", false, 519}) == AccessTechnology::unknown);
    CHECK(access_technology_of({"ppp0", false, 512}) == AccessTechnology::unknown);
    CHECK(access_technology_of({"tun0", false, 65534}) == AccessTechnology::unknown);
    CHECK(access_technology_of({"eth0", false, -1}) == AccessTechnology::unknown);  // type unreadable
}

TEST_CASE("system link: an interface name is used in a path only when it is one") {
    CHECK(safe_interface_name("enp0s31f6"));
    CHECK_FALSE(safe_interface_name(""));
    CHECK_FALSE(safe_interface_name(".."));
    CHECK_FALSE(safe_interface_name("../../etc"));
    CHECK_FALSE(safe_interface_name("an-interface-name-too-long"));
}

TEST_CASE("system link: a wired desktop is classed good until transfers say otherwise, not 3g") {
    LinkEstimator estimator;
    CHECK(estimator.link_class() == LinkClass::three_g);  // nothing known
    CHECK(estimator.set_system_state({true, access_technology_of({"eth0", false, 1})}, LinkTime(1000)));
    CHECK(estimator.link_class() == LinkClass::good);
}

TEST_CASE("system link: the kind the status bar draws: Wi-Fi, wired, cellular (a modem's name, PPP, raw IP), unknown") {
    CHECK(link_kind_of(InterfaceFacts{"wlp2s0", true, 1}) == LinkKind::wifi);
    CHECK(link_kind_of(InterfaceFacts{"enp3s0", false, 1}) == LinkKind::wired);
    CHECK(link_kind_of(InterfaceFacts{"eth0", false, 1}) == LinkKind::wired);
    CHECK(link_kind_of(InterfaceFacts{"wwan0", false, 1}) == LinkKind::cellular);  // Ethernet-type, still a radio
    CHECK(link_kind_of(InterfaceFacts{"rmnet_data0", false, 519}) == LinkKind::cellular);
    CHECK(link_kind_of(InterfaceFacts{"ppp0", false, 512}) == LinkKind::cellular);
    CHECK(link_kind_of(InterfaceFacts{"tun0", false, 65534}) == LinkKind::unknown);
    CHECK(link_kind_of(std::nullopt) == LinkKind::unknown);  // no default route
    CHECK(to_string(LinkKind::wifi) == "wifi");
}
