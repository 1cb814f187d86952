#include "app_link.hpp"

#include <exception>

#include "cirrus-app-unstable-v1-protocol.h"
#include "cirrus-shell-unstable-v1-protocol.h"
#include "common/protocol_text.hpp"
#include "common/permission_names.hpp"
#include "common/registry.hpp"
#include "common/url_routing.hpp"
#include "app_install.hpp"
#include "lifecycle.hpp"
#include "server.hpp"
#include "shell_link.hpp"
#include "splash.hpp"
#include "supervisor.hpp"

namespace cirrus {
namespace {

constexpr std::uint32_t kAppVersion = 4;

// What a held link's banner shows of the source app's name and of the URL:
// enough to recognise them, far below the Wayland message limit.
constexpr std::size_t kBannerNameBytes = 120;
constexpr std::size_t kBannerUrlBytes = 300;

std::uint32_t app_link_enum(LinkClass link) {
    switch (link) {
    case LinkClass::offline:
        return CIRRUS_APP_V1_LINK_OFFLINE;
    case LinkClass::two_g:
        return CIRRUS_APP_V1_LINK_SLOW_2G;
    case LinkClass::three_g:
        return CIRRUS_APP_V1_LINK_CELLULAR_3G;
    case LinkClass::good:
        return CIRRUS_APP_V1_LINK_GOOD;
    }
    return CIRRUS_APP_V1_LINK_CELLULAR_3G;
}

AppLink* link_of(wl_resource* resource) { return static_cast<AppLink*>(wl_resource_get_user_data(resource)); }

// Runs a request with the app its client's pid names; a client that is no
// longer (or never was) a supervised host gets nothing done. No C++ exception
// may unwind into libwayland.
template <typename Fn>
void as_app(wl_resource* resource, const char* request, Fn&& fn) {
    AppLink* link = link_of(resource);
    if (!link) return;
    pid_t pid = 0;
    wl_client_get_credentials(wl_resource_get_client(resource), &pid, nullptr, nullptr);
    const auto app = link->server().supervisor->app_for_pid(pid);
    if (!app) return;
    try {
        fn(*link, *app);
    } catch (const std::exception& e) {
        wlr_log(WLR_ERROR, "cirrus_app_v1.%s from %s failed: %s", request, app->c_str(), e.what());
    }
}

void handle_destroy(wl_client*, wl_resource* resource) { wl_resource_destroy(resource); }

void handle_first_frame(wl_client*, wl_resource* resource, wl_resource*) {
    as_app(resource, "first_frame", [](AppLink& link, const std::string& app) { link.first_frame(app); });
}

void handle_set_theme_color(wl_client*, wl_resource* resource, uint32_t argb) {
    as_app(resource, "set_theme_color",
           [argb](AppLink& link, const std::string& app) { link.set_theme_color(app, argb); });
}

void handle_notify(wl_client*, wl_resource* resource, uint32_t tag, const char* title, const char* body) {
    as_app(resource, "notify", [&](AppLink& link, const std::string& app) {
        link.notify(resource, app, tag, protocol_text::bounded(title, protocol_text::kMaxNotificationTitleBytes),
                    protocol_text::bounded(body, protocol_text::kMaxNotificationBodyBytes));
    });
}

void handle_withdraw_notification(wl_client*, wl_resource* resource, uint32_t tag) {
    as_app(resource, "withdraw_notification",
           [&](AppLink& link, const std::string&) { link.withdraw_notification(resource, tag); });
}

void handle_open_url(wl_client*, wl_resource* resource, uint32_t serial, const char* url) {
    as_app(resource, "open_url", [&](AppLink& link, const std::string& app) {
        if (std::string_view(url).size() > protocol_text::kMaxUrlBytes) {
            wlr_log(WLR_ERROR, "a link from %s is longer than %zu bytes: refused", app.c_str(),
                    protocol_text::kMaxUrlBytes);
            cirrus_app_v1_send_url_opened(resource, serial, 0);
            return;
        }
        link.open_url(resource, app, serial, url);
    });
}

void handle_request_permission(wl_client*, wl_resource* resource, uint32_t serial, const char* permission) {
    as_app(resource, "request_permission",
           [&](AppLink& link, const std::string& app) { link.request_permission(resource, app, serial, permission); });
}

void handle_link_sample(wl_client*, wl_resource* resource, uint32_t bytes, uint32_t time_to_headers_ms,
                        uint32_t total_ms, uint32_t failed) {
    as_app(resource, "link_sample", [&](AppLink& link, const std::string&) {
        if (link.server().link_monitor) {
            link.server().link_monitor->add_transfer(bytes, std::chrono::milliseconds(time_to_headers_ms),
                                                     std::chrono::milliseconds(total_ms), failed != 0);
        }
    });
}

void send_link_state(wl_resource* resource, const LinkEstimate& estimate) {
    const auto rtt = estimate.rtt ? static_cast<std::uint32_t>(estimate.rtt->count()) : 0u;
    const auto kbps = estimate.bits_per_second ? static_cast<std::uint32_t>(*estimate.bits_per_second / 1000) : 0u;
    cirrus_app_v1_send_link_state(resource, app_link_enum(estimate.link_class), rtt, kbps);
}

void handle_replaying(wl_client*, wl_resource* resource, uint32_t active) {
    as_app(resource, "replaying", [&](AppLink& link, const std::string& app) {
        if (link.server().lifecycle) link.server().lifecycle->set_replaying(app, active != 0);
    });
}

void handle_install_app(wl_client*, wl_resource* resource, uint32_t serial, const char* url) {
    as_app(resource, "install_app", [&](AppLink& link, const std::string& app) {
        // Refused unless bounded (install_flow.hpp), never cut.
        if (link.server().app_install) link.server().app_install->request(resource, app, serial, url);
    });
}

const struct cirrus_app_v1_interface kAppImplementation = {
    .destroy = handle_destroy,
    .first_frame = handle_first_frame,
    .set_theme_color = handle_set_theme_color,
    .notify = handle_notify,
    .withdraw_notification = handle_withdraw_notification,
    .request_permission = handle_request_permission,
    .open_url = handle_open_url,
    .link_sample = handle_link_sample,
    .replaying = handle_replaying,
    .install_app = handle_install_app,
};

void unbind(wl_resource* resource) {
    if (AppLink* link = link_of(resource)) link->forget(resource);
}

}  // namespace

AppLink::AppLink(Server& server) : server_(server) {
    global_ = wl_global_create(server.display, &cirrus_app_v1_interface, kAppVersion, this, &AppLink::bind);
}

AppLink::~AppLink() {
    for (wl_resource* resource : resources_) wl_resource_set_user_data(resource, nullptr);
    if (global_) wl_global_destroy(global_);
}

void AppLink::bind(wl_client* client, void* data, std::uint32_t version, std::uint32_t id) {
    auto* self = static_cast<AppLink*>(data);
    wl_resource* resource = wl_resource_create(client, &cirrus_app_v1_interface, static_cast<int>(version), id);
    if (!resource) {
        wl_client_post_no_memory(client);
        return;
    }
    wl_resource_set_implementation(resource, &kAppImplementation, self, &unbind);
    self->resources_.push_back(resource);
    self->greet(resource);
}

void AppLink::greet(wl_resource* resource) {
    pid_t pid = 0;
    wl_client_get_credentials(wl_resource_get_client(resource), &pid, nullptr, nullptr);
    const auto app = server_.supervisor->app_for_pid(pid);
    if (!app) return;
    if (server_.link_monitor) send_link_state(resource, server_.link_monitor->estimate());
    if (!server_.config.browser_app.empty() && *app == server_.config.browser_app) {
        cirrus_app_v1_send_browser_role(resource);
    }
    if (!server_.config.catalogue_app.empty() && *app == server_.config.catalogue_app &&
        wl_resource_get_version(resource) >= CIRRUS_APP_V1_CATALOGUE_ROLE_SINCE_VERSION) {
        cirrus_app_v1_send_catalogue_role(resource, server_.config.catalogue_url.c_str());
    }
    if (!server_.config.settings_app.empty() && *app == server_.config.settings_app &&
        wl_resource_get_version(resource) >= CIRRUS_APP_V1_SETTINGS_ROLE_SINCE_VERSION) {
        cirrus_app_v1_send_settings_role(resource);
    }
    if (auto url = pending_urls_.find(*app); url != pending_urls_.end()) {
        cirrus_app_v1_send_open_url(resource, url->second.c_str());
        pending_urls_.erase(url);
    }
}

wl_resource* AppLink::resource_of(const std::string& app) const {
    const auto app_pid = server_.supervisor->table().pid_for_app(app);
    if (!app_pid) return nullptr;
    for (wl_resource* resource : resources_) {
        pid_t pid = 0;
        wl_client_get_credentials(wl_resource_get_client(resource), &pid, nullptr, nullptr);
        if (pid == *app_pid) return resource;
    }
    return nullptr;
}

void AppLink::open_url(wl_resource* host, const std::string& app, std::uint32_t serial, const std::string& url) {
    launcher::UrlRoute route;
    std::string from_name = app;
    try {
        const auto apps = launcher::Registry::open(launcher::default_registry_path()).list();
        route = launcher::route_url(apps, url, app, server_.config.browser_app);
        for (const auto& record : apps) {
            if (record.id == app) from_name = record.name;
        }
    } catch (const std::exception& e) {
        wlr_log(WLR_ERROR, "a link from %s: cannot read the registry: %s", app.c_str(), e.what());
    }
    if (route.target == launcher::UrlRoute::Target::nowhere) {
        cirrus_app_v1_send_url_opened(host, serial, 0);
        return;
    }
    // Only a link the user followed in the app in front brings another app
    // to the front; any other waits for a tap on its banner.
    if (handoff_gate_.decide(app, server_.front_app().app, server_.uptime_ms()) == HandoffVerdict::banner) {
        wlr_log(WLR_INFO, "a link from %s for %s waits as a banner: no user action on %s just before", app.c_str(),
                route.app.c_str(), app.c_str());
        hold_handoff(app, from_name, route.app, url);
        cirrus_app_v1_send_url_opened(host, serial, 1);
        return;
    }
    wlr_log(WLR_INFO, "a link from %s opens in %s", app.c_str(), route.app.c_str());
    cirrus_app_v1_send_url_opened(host, serial, launch_at(route.app, url).error.empty() ? 1 : 0);
}

LaunchOutcome AppLink::launch_at(const std::string& target, const std::string& url) {
    if (wl_resource* resource = resource_of(target)) {
        cirrus_app_v1_send_open_url(resource, url.c_str());
        return server_.launch_app(target);  // running: it comes to the front, and the launch counts
    }
    // Not running (or discarded, or still starting): the host hears the URL
    // as it binds, and opens there instead of its start page or saved state.
    pending_urls_[target] = url;
    const Server::LaunchOutcome launched = server_.launch_app(target);
    if (!launched.error.empty()) pending_urls_.erase(target);
    return launched;
}

void AppLink::hold_handoff(const std::string& from, const std::string& from_name, const std::string& target,
                           const std::string& url) {
    for (auto it = notifications_.begin(); it != notifications_.end(); ++it) {
        if (!it->second.handoff_url.empty() && it->second.handoff_from == from) {
            if (server_.shell) server_.shell->notification_closed(it->first);
            notifications_.erase(it);
            break;
        }
    }
    const std::uint32_t id = next_id_++;
    notifications_[id] = {nullptr,
                          target,
                          0,
                          "Link from " + protocol_text::bounded(from_name, kBannerNameBytes),
                          protocol_text::bounded(url, kBannerUrlBytes),
                          from,
                          url};
    if (!server_.shell || !server_.shell->bound()) {
        wlr_log(WLR_INFO, "a link from %s not shown: no shell is running", from.c_str());
        return;
    }
    const Notification& n = notifications_[id];
    server_.shell->notification(id, n.app, n.title, n.body);
    server_.shell->done();
}

void AppLink::user_action(pid_t pid) {
    if (const auto app = server_.supervisor->app_for_pid(pid)) handoff_gate_.user_action(*app, server_.uptime_ms());
}

void AppLink::forget(wl_resource* host) {
    resources_.remove(host);
    if (server_.app_install) server_.app_install->forget_host(host);
    for (auto it = notifications_.begin(); it != notifications_.end();) {
        if (it->second.host == host) {
            // The banner may stay (the app's process is gone, not the news),
            // but tapping it can only focus the app now.
            it->second.host = nullptr;
        }
        ++it;
    }
    for (auto it = questions_.begin(); it != questions_.end();) {
        it = it->second.host == host ? questions_.erase(it) : std::next(it);
    }
}

std::optional<std::uint32_t> AppLink::theme_color(const std::string& app) const {
    auto it = apps_.find(app);
    if (it == apps_.end()) return std::nullopt;
    return it->second.page_theme_argb ? it->second.page_theme_argb : it->second.manifest_theme_argb;
}

std::optional<std::uint64_t> AppLink::first_frame_ms(const std::string& app) const {
    auto it = apps_.find(app);
    return it == apps_.end() ? std::nullopt : it->second.first_frame_ms;
}

void AppLink::app_launched(const std::string& app, std::optional<std::uint32_t> manifest_theme_argb) {
    apps_[app] = AppInfo{server_.uptime_ms(), std::nullopt, manifest_theme_argb, std::nullopt};
}

bool AppLink::bound_by(pid_t pid) const {
    for (wl_resource* resource : resources_) {
        pid_t client_pid = 0;
        wl_client_get_credentials(wl_resource_get_client(resource), &client_pid, nullptr, nullptr);
        if (client_pid == pid) return true;
    }
    return false;
}

void AppLink::app_closed(const std::string& app) {
    apps_.erase(app);
    pending_urls_.erase(app);
    handoff_gate_.forget(app);
    for (auto it = notifications_.begin(); it != notifications_.end();) {
        // A held link stays: its tap launches the app again.
        if (it->second.app == app && it->second.handoff_url.empty()) {
            if (server_.shell) server_.shell->notification_closed(it->first);
            it = notifications_.erase(it);
        } else {
            ++it;
        }
    }
    if (server_.shell) server_.shell->done();
}

void AppLink::first_frame(const std::string& app) {
    AppInfo& info = apps_[app];
    if (!info.first_frame_ms) info.first_frame_ms = server_.uptime_ms() - info.launched_ms;
    server_.splash->remove(app);
}

void AppLink::set_theme_color(const std::string& app, std::uint32_t argb) {
    // Alpha 0: the page has no colour of its own (any more); the manifest's
    // stands.
    apps_[app].page_theme_argb = (argb >> 24) != 0 ? std::optional(argb) : std::nullopt;
    server_.update_front_app();
}

void AppLink::notify(wl_resource* host, const std::string& app, std::uint32_t tag, const std::string& title,
                     const std::string& body) {
    // A host re-posting a tag replaces its banner, as the Notifications API's
    // `tag` does.
    withdraw_notification(host, tag);
    const std::uint32_t id = next_id_++;
    notifications_[id] = {host, app, tag, title, body, {}, {}};
    if (!server_.shell || !server_.shell->bound()) {
        wlr_log(WLR_INFO, "notification from %s not shown: no shell is running", app.c_str());
        return;
    }
    server_.shell->notification(id, app, title, body);
    server_.shell->done();
}

void AppLink::withdraw_notification(wl_resource* host, std::uint32_t tag) {
    for (auto it = notifications_.begin(); it != notifications_.end(); ++it) {
        if (it->second.host == host && it->second.tag == tag) {
            if (server_.shell) {
                server_.shell->notification_closed(it->first);
                server_.shell->done();
            }
            notifications_.erase(it);
            return;
        }
    }
}

AppLink::Replayed AppLink::replay_to_shell(wl_resource* shell) {
    Replayed replayed;
    for (const auto& [id, n] : notifications_) {
        cirrus_shell_v1_send_notification(shell, id, n.app.c_str(), n.title.c_str(), n.body.c_str());
        replayed.notifications.push_back(id);
    }
    for (const auto& [id, q] : questions_) {
        cirrus_shell_v1_send_permission_request(shell, id, q.app.c_str(), q.permission.c_str());
        replayed.questions.push_back(id);
    }
    return replayed;
}

void AppLink::drop_replayed(const Replayed& replayed) {
    for (std::uint32_t id : replayed.notifications) {
        auto it = notifications_.find(id);
        if (it == notifications_.end()) continue;
        wlr_log(WLR_ERROR, "dropping %s's notification %u: the shell it was replayed to died", it->second.app.c_str(),
                id);
        notifications_.erase(it);
    }
    for (std::uint32_t id : replayed.questions) {
        auto it = questions_.find(id);
        if (it == questions_.end()) continue;
        wlr_log(WLR_ERROR, "dropping %s's %s question: the shell it was replayed to died", it->second.app.c_str(),
                it->second.permission.c_str());
        const PermissionQuestion q = it->second;
        questions_.erase(it);
        cirrus_app_v1_send_permission_answered(q.host, q.serial, CIRRUS_APP_V1_ANSWER_UNASKED);
    }
}

void AppLink::activate_notification(std::uint32_t id) {
    auto it = notifications_.find(id);
    if (it == notifications_.end()) return;
    const Notification n = it->second;
    notifications_.erase(it);
    if (!n.handoff_url.empty()) {
        // The user tapped a held link: now it is theirs.
        wlr_log(WLR_INFO, "a link from %s opens in %s (its banner was tapped)", n.handoff_from.c_str(), n.app.c_str());
        launch_at(n.app, n.handoff_url);
        return;
    }
    server_.activate_app(n.app);
    // The tap is the user's action on the app: a link its page opens in
    // answer may hand off (handoff_gate.hpp).
    handoff_gate_.user_action(n.app, server_.uptime_ms());
    if (n.host) cirrus_app_v1_send_notification_activated(n.host, n.tag);
}

void AppLink::dismiss_notification(std::uint32_t id) { notifications_.erase(id); }

void AppLink::request_permission(wl_resource* host, const std::string& app, std::uint32_t serial,
                                 const std::string& permission) {
    if (!launcher::is_permission_name(permission)) {
        cirrus_app_v1_send_permission_answered(host, serial, CIRRUS_APP_V1_ANSWER_DENIED);
        return;
    }
    // The registry may already hold an answer (given through another launch,
    // or with `cirrus permission`): the user is asked once.
    const auto registry = launcher::Registry::open(launcher::default_registry_path());
    if (const auto state = registry.permission(app, permission); state && *state != launcher::PermissionState::ask) {
        cirrus_app_v1_send_permission_answered(
            host, serial,
            *state == launcher::PermissionState::granted ? CIRRUS_APP_V1_ANSWER_GRANTED : CIRRUS_APP_V1_ANSWER_DENIED);
        return;
    }
    if (!server_.shell || !server_.shell->bound()) {
        // Nobody to ask: denied by default, and not remembered, so that the
        // user is asked once a shell is there.
        cirrus_app_v1_send_permission_answered(host, serial, CIRRUS_APP_V1_ANSWER_UNASKED);
        return;
    }
    const std::uint32_t id = next_id_++;
    questions_[id] = {host, app, serial, permission};
    server_.shell->permission_request(id, app, permission);
    server_.shell->done();
}

void AppLink::answer_permission(std::uint32_t request_id, std::uint32_t answer) {
    auto it = questions_.find(request_id);
    if (it == questions_.end()) return;
    const PermissionQuestion q = it->second;
    questions_.erase(it);
    if (answer == CIRRUS_SHELL_V1_PERMISSION_ANSWER_NOT_ASKED) {
        cirrus_app_v1_send_permission_answered(q.host, q.serial, CIRRUS_APP_V1_ANSWER_UNASKED);
        return;
    }
    const bool granted = answer == CIRRUS_SHELL_V1_PERMISSION_ANSWER_GRANTED;
    try {
        auto registry = launcher::Registry::open(launcher::default_registry_path());
        registry.set_permission(q.app, q.permission,
                                granted ? launcher::PermissionState::granted : launcher::PermissionState::denied);
    } catch (const std::exception& e) {
        wlr_log(WLR_ERROR, "cannot remember %s's %s answer: %s", q.app.c_str(), q.permission.c_str(), e.what());
    }
    cirrus_app_v1_send_permission_answered(q.host, q.serial,
                                           granted ? CIRRUS_APP_V1_ANSWER_GRANTED : CIRRUS_APP_V1_ANSWER_DENIED);
}

bool AppLink::send_lifecycle(const std::string& app, LifecycleEvent event) {
    wl_resource* resource = resource_of(app);
    if (!resource || wl_resource_get_version(resource) < CIRRUS_APP_V1_FREEZE_SINCE_VERSION) return false;
    switch (event) {
    case LifecycleEvent::freeze:
        cirrus_app_v1_send_freeze(resource);
        break;
    case LifecycleEvent::resume:
        cirrus_app_v1_send_resume(resource);
        break;
    case LifecycleEvent::discard:
        cirrus_app_v1_send_discard(resource);
        break;
    }
    return true;
}

void AppLink::link_state(const LinkEstimate& estimate) {
    for (wl_resource* resource : resources_) {
        pid_t pid = 0;
        wl_client_get_credentials(wl_resource_get_client(resource), &pid, nullptr, nullptr);
        if (server_.supervisor->app_for_pid(pid)) send_link_state(resource, estimate);
    }
}

}  // namespace cirrus
