// The web-app hosts' narrow channel to the compositor (cirrus_app_v1). Only
// processes the supervisor started as hosts see the global, and every request
// is attributed to an app by the client's pid, never by anything it says. A
// host reports its first frame (which ends the splash), its theme colour, and
// Web Notifications; it asks for permissions, which the shell puts to the user
// and the registry remembers.
#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <optional>
#include <string>
#include <vector>
#include <sys/types.h>

#include "handoff_gate.hpp"
#include "launch_outcome.hpp"
#include "link_estimator.hpp"
#include "wlr.hpp"

namespace cirrus {

class Server;

class AppLink {
public:
    explicit AppLink(Server& server);
    ~AppLink();
    AppLink(const AppLink&) = delete;
    AppLink& operator=(const AppLink&) = delete;

    wl_global* global() const { return global_; }
    Server& server() const { return server_; }

    // The theme colour (0xAARRGGBB) the app's host last reported, else none.
    std::optional<std::uint32_t> theme_color(const std::string& app) const;
    // Milliseconds from the launch to the host's first_frame, for `apps`.
    std::optional<std::uint64_t> first_frame_ms(const std::string& app) const;
    // A launch starts the app's record; its manifest's theme_color stands
    // until the host reports the page's own (<meta name="theme-color">).
    void app_launched(const std::string& app, std::optional<std::uint32_t> manifest_theme_argb);
    void app_closed(const std::string& app);
    // Whether the process speaks cirrus_app_v1 (then its first_frame, not
    // its window's map, ends the splash).
    bool bound_by(pid_t pid) const;

    // The user touched, clicked or typed on a window of this process (the
    // seat's own input): for a short while its app may hand the user over
    // to another app (handoff_gate.hpp).
    void user_action(pid_t pid);

    // A shell that binds (a restarted one) gets the notifications still up
    // and the questions still unanswered: a page may be waiting on one.
    // What a shell that binds late is sent again: every banner and question
    // still open. Returns what was sent, for drop_replayed.
    struct Replayed {
        std::vector<std::uint32_t> notifications;
        std::vector<std::uint32_t> questions;
        bool empty() const { return notifications.empty() && questions.empty(); }
    };
    Replayed replay_to_shell(wl_resource* shell);
    // A shell died soon after these were replayed to it: they may be what
    // kills it, so they are dropped (a notification as if dismissed, a
    // question answered `unasked`) rather than sent to the next shell.
    void drop_replayed(const Replayed& replayed);

    // From the shell.
    void activate_notification(std::uint32_t id);
    void dismiss_notification(std::uint32_t id);
    // 0 denied, 1 granted (both stored), 2 the shell could not ask.
    void answer_permission(std::uint32_t request_id, std::uint32_t answer);

    // From the hosts (the request handlers), with the app the pid names.
    void first_frame(const std::string& app);
    void set_theme_color(const std::string& app, std::uint32_t argb);
    void notify(wl_resource* host, const std::string& app, std::uint32_t tag, const std::string& title,
                const std::string& body);
    void withdraw_notification(wl_resource* host, std::uint32_t tag);
    void request_permission(wl_resource* host, const std::string& app, std::uint32_t serial,
                            const std::string& permission);
    void open_url(wl_resource* host, const std::string& app, std::uint32_t serial, const std::string& url);
    void forget(wl_resource* host);
    // The app lifecycle's word to the app's host (cirrus_app_v1 version 2);
    // false when its host has no such binding (gone, or version 1).
    enum class LifecycleEvent { freeze, resume, discard };
    bool send_lifecycle(const std::string& app, LifecycleEvent event);
    // Shows `url` in `target` and brings it to the front, launching it when
    // it does not run; the launch's outcome (an error when it cannot be
    // launched). Whether `target` may show `url` is the caller's to check.
    LaunchOutcome launch_at(const std::string& target, const std::string& url);
    // The phone's link estimate changed: every host hears it.
    void link_state(const LinkEstimate& estimate);

private:
    static void bind(wl_client* client, void* data, std::uint32_t version, std::uint32_t id);
    // What a host learns as it binds: its role, and the URL it was launched for.
    void greet(wl_resource* resource);
    wl_resource* resource_of(const std::string& app) const;
    // A hand-off nobody asked for: a banner of `target` ("Link from
    // <from_name>", the URL) that performs it when tapped. One per source
    // app `from`: a newer one replaces the older.
    void hold_handoff(const std::string& from, const std::string& from_name, const std::string& target,
                      const std::string& url);

    struct Notification {
        wl_resource* host;
        std::string app;
        std::uint32_t tag;
        std::string title;
        std::string body;
        // A held hand-off (hold_handoff): the app it came from and the link
        // the banner's tap opens in `app`. Empty for a host's notification.
        std::string handoff_from;
        std::string handoff_url;
    };
    struct PermissionQuestion {
        wl_resource* host;
        std::string app;
        std::uint32_t serial;
        std::string permission;
    };
    struct AppInfo {
        std::uint64_t launched_ms = 0;
        std::optional<std::uint64_t> first_frame_ms;
        std::optional<std::uint32_t> manifest_theme_argb;
        std::optional<std::uint32_t> page_theme_argb;  // the page's <meta name="theme-color">
    };

    Server& server_;
    wl_global* global_ = nullptr;
    std::list<wl_resource*> resources_;
    std::map<std::string, AppInfo> apps_;
    std::map<std::uint32_t, Notification> notifications_;
    std::map<std::uint32_t, PermissionQuestion> questions_;
    // Links handed to an app that was not running (or not yet bound): given
    // to its host as it binds.
    std::map<std::string, std::string> pending_urls_;
    HandoffGate handoff_gate_;
    std::uint32_t next_id_ = 1;
};

}  // namespace cirrus
