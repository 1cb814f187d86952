#include "link_monitor.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <fstream>
#include <sstream>
#include <string>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/link_file.hpp"
#include "system_link.hpp"

namespace cirrus {

namespace {

std::string read_text(const char* path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

bool has_default_route_v4(std::string_view table) {
    // Iface Destination Gateway Flags ...; the header line names the columns.
    std::istringstream lines{std::string(table)};
    std::string line;
    std::getline(lines, line);
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        std::string iface, destination, gateway, flags;
        if (!(fields >> iface >> destination >> gateway >> flags)) continue;
        const unsigned long up = std::strtoul(flags.c_str(), nullptr, 16) & 0x1;  // RTF_UP
        if (up && destination == "00000000" && iface != "lo") return true;
    }
    return false;
}

bool has_default_route_v6(std::string_view table) {
    // dest dest_len src src_len next_hop metric refcnt use flags iface
    std::istringstream lines{std::string(table)};
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        std::string destination, length, source, source_length, next_hop, metric, refs, use, flags, iface;
        if (!(fields >> destination >> length >> source >> source_length >> next_hop >> metric >> refs >> use >>
              flags >> iface)) {
            continue;
        }
        const unsigned long up = std::strtoul(flags.c_str(), nullptr, 16) & 0x1;
        // The kernel's unreachable default (through lo, with RTF_REJECT) is
        // not a route out.
        const bool reject = std::strtoul(flags.c_str(), nullptr, 16) & 0x0200;
        if (up && !reject && length == "00" && destination == std::string(32, '0') && iface != "lo") return true;
    }
    return false;
}

LinkMonitor::LinkMonitor(wl_event_loop* loop) {
    read_system_state();
    // Route and link changes wake the compositor; nothing polls.
    netlink_fd_ = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (netlink_fd_ < 0) {
        wlr_log(WLR_INFO, "no rtnetlink (%s): the link estimate follows the apps' transfers only",
                std::strerror(errno));
        return;
    }
    sockaddr_nl address{};
    address.nl_family = AF_NETLINK;
    address.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE;
    if (bind(netlink_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        wlr_log(WLR_INFO, "cannot watch routes (%s): the link estimate follows the apps' transfers only",
                std::strerror(errno));
        close(netlink_fd_);
        netlink_fd_ = -1;
        return;
    }
    netlink_source_ = wl_event_loop_add_fd(loop, netlink_fd_, WL_EVENT_READABLE, &LinkMonitor::handle_netlink, this);
}

LinkMonitor::~LinkMonitor() {
    // A class left behind would be read as the phone's by a service that
    // outlives the compositor; without the file it takes its prior.
    if (!file_.empty()) unlink(file_.c_str());
    if (netlink_source_) wl_event_source_remove(netlink_source_);
    if (netlink_fd_ >= 0) close(netlink_fd_);
}

LinkTime LinkMonitor::now() {
    return std::chrono::duration_cast<LinkTime>(std::chrono::steady_clock::now().time_since_epoch());
}

int LinkMonitor::handle_netlink(int fd, std::uint32_t, void* data) {
    auto* self = static_cast<LinkMonitor*>(data);
    char buffer[8192];
    while (recv(fd, buffer, sizeof buffer, 0) > 0) {}
    // Which message it was matters less than what the tables say now.
    self->read_system_state();
    return 0;
}

void LinkMonitor::read_system_state() {
    SystemNetworkState state;
    const std::string routes_v4 = read_text("/proc/net/route");
    const std::string routes_v6 = read_text("/proc/net/ipv6_route");
    state.has_route = has_default_route_v4(routes_v4) || has_default_route_v6(routes_v6);
    // What the way out is (system_link.hpp): Wi-Fi or wired is not "3G".
    std::optional<std::string> iface = default_route_interface_v4(routes_v4);
    if (!iface) iface = default_route_interface_v6(routes_v6);
    std::optional<InterfaceFacts> route_facts;
    if (state.has_route && iface && safe_interface_name(*iface)) {
        const std::filesystem::path sys = std::filesystem::path("/sys/class/net") / *iface;
        std::error_code ec;
        InterfaceFacts facts;
        facts.name = *iface;
        facts.wireless = std::filesystem::exists(sys / "wireless", ec) || std::filesystem::exists(sys / "phy80211", ec);
        const std::string type = read_text((sys / "type").c_str());
        if (!type.empty()) facts.arphrd_type = std::atoi(type.c_str());
        state.technology = access_technology_of(facts);
        route_facts = facts;
    }
    if (const LinkKind kind = link_kind_of(route_facts); kind != kind_) {
        kind_ = kind;
        wlr_log(WLR_INFO, "link kind: %s", std::string(to_string(kind)).c_str());
        if (on_kind_change && !kind_override_) on_kind_change(kind);  // else published when cleared
    }
    changed(estimator_.set_system_state(state, now()) && !override_);
}

void LinkMonitor::add_transfer(std::uint64_t bytes, std::chrono::milliseconds time_to_headers,
                               std::chrono::milliseconds total, bool network_failure) {
    TransferSample sample;
    sample.finished_at = now();
    sample.network_failure = network_failure;
    sample.bytes = bytes;
    sample.time_to_first_byte = time_to_headers;
    sample.total_time = total;
    bool did_change = estimator_.add_transfer(sample);
    // Samples age with time; a class that only time would change follows
    // at the next transfer rather than on a timer that wakes an idle phone.
    did_change = estimator_.tick(now()) || did_change;
    changed(did_change && !override_);
}

LinkEstimate LinkMonitor::estimate() const {
    LinkEstimate current = estimator_.estimate(now());
    if (override_) {
        current.link_class = *override_;
        current.offline_reason = *override_ == LinkClass::offline ? OfflineReason::no_route : OfflineReason::none;
    }
    return current;
}

// While overridden, what the estimator learns is not published (its
// callers pass false).
void LinkMonitor::set_override(std::optional<LinkClass> link_class, std::optional<LinkKind> kind) {
    const LinkClass before = estimate().link_class;
    const LinkKind kind_before = this->kind();
    override_ = link_class;
    kind_override_ = link_class ? kind : std::nullopt;
    if (this->kind() != kind_before && on_kind_change) on_kind_change(this->kind());
    wlr_log(WLR_INFO, "link override: %s", link_class ? std::string(to_string(*link_class)).c_str() : "none");
    changed(estimate().link_class != before);
}

void LinkMonitor::publish_to(std::filesystem::path path) {
    file_ = std::move(path);
    write_file();
}

void LinkMonitor::write_file() {
    if (file_.empty()) return;
    // The class the compositor publishes: an override (`cirrus dev --network`) included.
    if (!link_file::write(file_, to_string(estimate().link_class))) {
        wlr_log(WLR_ERROR, "cannot write the link class to %s (%s): cirrus-sync keeps the class it read last",
                file_.c_str(), std::strerror(errno));
    }
}

void LinkMonitor::changed(bool did_change) {
    if (!did_change) return;
    write_file();
    if (!on_change) return;
    const LinkEstimate current = estimate();
    wlr_log(WLR_INFO, "link: %s", std::string(to_string(current.link_class)).c_str());
    on_change(current);
}

}  // namespace cirrus
