// The machine's own link, as the system's tables say: which interface
// carries the default route, and what kind of link that is. A desktop on
// Ethernet or Wi-Fi is then classed as such (LinkEstimator's prior class
// "good") until real transfers say otherwise, rather than as the unknown
// link's 3G. A modem's interface (wwan*, rmnet*, ccmni*) stays unknown here:
// its generation is the modem's to say (ModemManager). Plain C++ on the
// texts of /proc/net/route and /proc/net/ipv6_route and the facts of
// /sys/class/net/IF; link_monitor.cpp reads them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "link_estimator.hpp"

namespace cirrus {

// The interface of the up default route with the lowest metric (loopback
// and rejecting routes are no way out), from /proc/net/route text (IPv4,
// with its header line) or /proc/net/ipv6_route text; nullopt when none.
std::optional<std::string> default_route_interface_v4(std::string_view proc_net_route);
std::optional<std::string> default_route_interface_v6(std::string_view proc_net_ipv6_route);

// A name that can stand in a /sys/class/net path (no '/', not "." or "..",
// at most IFNAMSIZ - 1 bytes): route tables are the kernel's, but a path
// is built from it.
bool safe_interface_name(std::string_view name);

struct InterfaceFacts {
    std::string name;
    bool wireless = false;  // /sys/class/net/IF/wireless or /phy80211 exists
    int arphrd_type = -1;   // /sys/class/net/IF/type (1 Ethernet, 512 PPP, 519 raw IP, 65534 none); -1 unknown
};

// Wi-Fi, or wired (an Ethernet-type interface that is not a modem's),
// else unknown.
AccessTechnology access_technology_of(const InterfaceFacts& facts);

// What the status bar draws for the machine's link (cirrus_shell_v1.link_kind):
// Wi-Fi, wired, a cellular modem's interface (by name, or PPP / raw IP), or
// unknown (a tunnel, a loopback-only machine, no default route).
enum class LinkKind { unknown, wired, wifi, cellular };
std::string_view to_string(LinkKind kind);  // "unknown", "wired", "wifi", "cellular"
// nullopt facts: no default route.
LinkKind link_kind_of(const std::optional<InterfaceFacts>& facts);

}  // namespace cirrus
