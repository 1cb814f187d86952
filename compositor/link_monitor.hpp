// The phone's one link estimate (policy/link_estimator.hpp) fed with what the
// web-app hosts measure of their real transfers and with the system's routes,
// watched through rtnetlink. Whenever the class changes it calls
// on_change, which publishes it to the shell and to every app host, and
// replaces the link file (common/link_file.hpp) that cirrus-sync reads.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string_view>

#include "link_estimator.hpp"
#include "system_link.hpp"
#include "wlr.hpp"

namespace cirrus {

// Whether /proc/net/route (IPv4) or /proc/net/ipv6_route text names a
// default route through an interface other than loopback.
bool has_default_route_v4(std::string_view proc_net_route);
bool has_default_route_v6(std::string_view proc_net_ipv6_route);

class LinkMonitor {
public:
    explicit LinkMonitor(wl_event_loop* loop);
    ~LinkMonitor();
    LinkMonitor(const LinkMonitor&) = delete;
    LinkMonitor& operator=(const LinkMonitor&) = delete;

    void add_transfer(std::uint64_t bytes, std::chrono::milliseconds time_to_headers, std::chrono::milliseconds total,
                      bool network_failure);
    // The estimate, its class replaced by the override while one is set.
    LinkEstimate estimate() const;
    // Writes the class to `path` now and at every change; the file goes with
    // the monitor.
    void publish_to(std::filesystem::path path);

    // Publishes `link_class` instead of the estimate's class until cleared
    // (nullopt): the control socket's `link` (`cirrus dev --network` plays
    // a profile and the shell and the apps follow at once). The estimator
    // keeps learning meanwhile; clearing publishes its class if it differs.
    // `kind`, when given, is published instead of the route's kind for as
    // long (a profile of 3g plays a cellular link: the bar draws bars and
    // "3G", not the desktop's wired glyph); clearing the class clears it.
    void set_override(std::optional<LinkClass> link_class, std::optional<LinkKind> kind = std::nullopt);
    std::optional<LinkClass> override_class() const { return override_; }

    std::function<void(const LinkEstimate&)> on_change;

    // What carries the default route (system_link.hpp), for the status bar.
    LinkKind kind() const { return kind_override_.value_or(kind_); }
    std::function<void(LinkKind)> on_kind_change;

private:
    static int handle_netlink(int fd, std::uint32_t mask, void* data);
    void read_system_state();
    void changed(bool did_change);
    static LinkTime now();

    void write_file();

    LinkEstimator estimator_;
    std::filesystem::path file_;
    std::optional<LinkClass> override_;
    LinkKind kind_ = LinkKind::unknown;
    std::optional<LinkKind> kind_override_;
    int netlink_fd_ = -1;
    wl_event_source* netlink_source_ = nullptr;
};

}  // namespace cirrus
