#include "system_link.hpp"

#include <cstdlib>
#include <sstream>

namespace cirrus {

namespace {

constexpr unsigned long kRouteUp = 0x0001;      // RTF_UP
constexpr unsigned long kRouteReject = 0x0200;  // RTF_REJECT
constexpr int kArphrdEther = 1;
constexpr int kArphrdPpp = 512;
constexpr int kArphrdRawIp = 519;
constexpr std::size_t kMaxInterfaceName = 15;  // IFNAMSIZ - 1

// Interfaces of cellular modems: Ethernet-type on some drivers, a radio all the same.
bool modem_interface(std::string_view name) {
    for (std::string_view prefix : {"wwan", "rmnet", "ccmni", "usb_rmnet"})
        if (name.starts_with(prefix)) return true;
    return false;
}

}  // namespace

std::optional<std::string> default_route_interface_v4(std::string_view table) {
    // Iface Destination Gateway Flags RefCnt Use Metric ...; the first line names the columns.
    std::istringstream lines{std::string(table)};
    std::string line;
    std::getline(lines, line);
    std::optional<std::string> best;
    unsigned long best_metric = 0;
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        std::string iface, destination, gateway, flags, refs, use, metric;
        if (!(fields >> iface >> destination >> gateway >> flags >> refs >> use >> metric)) continue;
        const unsigned long bits = std::strtoul(flags.c_str(), nullptr, 16);
        if (!(bits & kRouteUp) || (bits & kRouteReject) || destination != "00000000" || iface == "lo") continue;
        const unsigned long cost = std::strtoul(metric.c_str(), nullptr, 10);
        if (!best || cost < best_metric) {
            best = iface;
            best_metric = cost;
        }
    }
    return best;
}

std::optional<std::string> default_route_interface_v6(std::string_view table) {
    // dest dest_len src src_len next_hop metric refcnt use flags iface (hex numbers)
    std::istringstream lines{std::string(table)};
    std::string line;
    std::optional<std::string> best;
    unsigned long best_metric = 0;
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        std::string destination, length, source, source_length, next_hop, metric, refs, use, flags, iface;
        if (!(fields >> destination >> length >> source >> source_length >> next_hop >> metric >> refs >> use >>
              flags >> iface))
            continue;
        const unsigned long bits = std::strtoul(flags.c_str(), nullptr, 16);
        if (!(bits & kRouteUp) || (bits & kRouteReject) || length != "00" || destination != std::string(32, '0') ||
            iface == "lo")
            continue;
        const unsigned long cost = std::strtoul(metric.c_str(), nullptr, 16);
        if (!best || cost < best_metric) {
            best = iface;
            best_metric = cost;
        }
    }
    return best;
}

bool safe_interface_name(std::string_view name) {
    return !name.empty() && name.size() <= kMaxInterfaceName && name != "." && name != ".." &&
           name.find('/') == std::string_view::npos && name.find('\0') == std::string_view::npos;
}

std::string_view to_string(LinkKind kind) {
    switch (kind) {
    case LinkKind::unknown:
        return "unknown";
    case LinkKind::wired:
        return "wired";
    case LinkKind::wifi:
        return "wifi";
    case LinkKind::cellular:
        return "cellular";
    }
    return "unknown";
}

LinkKind link_kind_of(const std::optional<InterfaceFacts>& facts) {
    if (!facts) return LinkKind::unknown;
    if (facts->wireless) return LinkKind::wifi;
    // PPP and raw IP are how modems carry data (a PPP over DSL is rare on a
    // phone or a laptop); a modem's Ethernet-type interface is still a radio.
    if (modem_interface(facts->name) || facts->arphrd_type == kArphrdPpp || facts->arphrd_type == kArphrdRawIp)
        return LinkKind::cellular;
    if (facts->arphrd_type == kArphrdEther) return LinkKind::wired;
    return LinkKind::unknown;
}

AccessTechnology access_technology_of(const InterfaceFacts& facts) {
    if (facts.wireless) return AccessTechnology::wifi_or_wired;
    if (modem_interface(facts.name)) return AccessTechnology::unknown;
    if (facts.arphrd_type == kArphrdEther) return AccessTechnology::wifi_or_wired;
    return AccessTechnology::unknown;  // PPP, raw IP, a tunnel: what it runs over is not known here
}

}  // namespace cirrus
