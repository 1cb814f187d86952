#include "shell_link.hpp"

#include <csignal>
#include <exception>

#include "app_install.hpp"
#include "app_link.hpp"
#include "common/app_id.hpp"
#include "common/protocol_text.hpp"
#include "cirrus-shell-unstable-v1-protocol.h"
#include "policy/app_table.hpp"
#include "server.hpp"
#include "supervisor.hpp"
#include "thumbnail.hpp"
#include "trust.hpp"

namespace cirrus {
namespace {

std::uint32_t shell_link_enum(LinkClass link) {
    switch (link) {
    case LinkClass::offline:
        return CIRRUS_SHELL_V1_LINK_OFFLINE;
    case LinkClass::two_g:
        return CIRRUS_SHELL_V1_LINK_SLOW_2G;
    case LinkClass::three_g:
        return CIRRUS_SHELL_V1_LINK_CELLULAR_3G;
    case LinkClass::good:
        return CIRRUS_SHELL_V1_LINK_GOOD;
    }
    return CIRRUS_SHELL_V1_LINK_CELLULAR_3G;
}

constexpr std::uint32_t kShellVersion = 4;
// A shell that keeps dying must not take a core with it (restart_backoff.hpp).
constexpr std::uint64_t kHealthyAfterMs = RestartBackoff::kHealthyAfterMs;

ShellLink* shell_link_of(wl_resource* resource) { return static_cast<ShellLink*>(wl_resource_get_user_data(resource)); }

// Requests run C++ that may throw; nothing may unwind into libwayland. A
// request arriving after the link is gone (teardown) is dropped.
template <typename Fn>
void guarded(wl_resource* resource, const char* request, Fn&& fn) {
    ShellLink* link = shell_link_of(resource);
    if (!link) return;
    try {
        fn(link->server());
    } catch (const std::exception& e) {
        wlr_log(WLR_ERROR, "cirrus_shell_v1.%s failed: %s", request, e.what());
    }
}

bool check_app_id(wl_resource* resource, const char* app) {
    if (valid_app_id(app)) return true;
    wl_resource_post_error(resource, CIRRUS_SHELL_V1_ERROR_BAD_APP_ID, "'%s' is not an app id", app);
    return false;
}

void handle_shell_destroy(wl_client*, wl_resource* resource) { wl_resource_destroy(resource); }

void handle_launch(wl_client*, wl_resource* resource, const char* app) {
    if (!check_app_id(resource, app)) return;
    guarded(resource, "launch", [&](Server& server) { server.launch_app(app); });
}

void handle_show_home(wl_client*, wl_resource* resource) {
    guarded(resource, "show_home", [&](Server& server) { server.show_home(); });
}

void handle_activate(wl_client*, wl_resource* resource, const char* app) {
    if (!check_app_id(resource, app)) return;
    guarded(resource, "activate", [&](Server& server) { server.activate_app(app); });
}

void handle_close(wl_client*, wl_resource* resource, const char* app) {
    if (!check_app_id(resource, app)) return;
    guarded(resource, "close", [&](Server& server) { server.close_app(app); });
}

void handle_set_locked(wl_client*, wl_resource* resource, uint32_t locked) {
    guarded(resource, "set_locked", [&](Server& server) { server.set_locked(locked != 0); });
}

void handle_set_switcher(wl_client*, wl_resource* resource, uint32_t open) {
    guarded(resource, "set_switcher", [&](Server& server) { server.set_switcher_open(open != 0); });
}

void handle_activate_notification(wl_client*, wl_resource* resource, uint32_t id) {
    guarded(resource, "activate_notification", [&](Server& server) { server.app_link->activate_notification(id); });
}

void handle_dismiss_notification(wl_client*, wl_resource* resource, uint32_t id) {
    guarded(resource, "dismiss_notification", [&](Server& server) { server.app_link->dismiss_notification(id); });
}

void handle_answer_permission(wl_client*, wl_resource* resource, uint32_t request_id, uint32_t answer) {
    guarded(resource, "answer_permission",
            [&](Server& server) { server.app_link->answer_permission(request_id, answer); });
}

void handle_capture_app(wl_client*, wl_resource* resource, uint32_t id, const char* app, wl_resource* buffer) {
    if (!check_app_id(resource, app)) return;
    guarded(resource, "capture_app", [&](Server& server) { capture_app(server, resource, id, app, buffer); });
}

void handle_answer_install(wl_client*, wl_resource* resource, uint32_t request_id, uint32_t answer) {
    guarded(resource, "answer_install", [&](Server& server) {
        if (server.app_install) server.app_install->answer(request_id, answer);
    });
}

void handle_retry_install(wl_client*, wl_resource* resource, const char* app) {
    if (!check_app_id(resource, app)) return;
    guarded(resource, "retry_install", [&](Server& server) {
        if (server.app_install) server.app_install->retry(app);
    });
}

bool speaks_install(wl_resource* r) {
    return wl_resource_get_version(r) >= CIRRUS_SHELL_V1_INSTALL_OFFER_SINCE_VERSION;
}

bool speaks_update(wl_resource* r) { return wl_resource_get_version(r) >= CIRRUS_SHELL_V1_UPDATE_OFFER_SINCE_VERSION; }

const struct cirrus_shell_v1_interface kShellImplementation = {
    .destroy = handle_shell_destroy,
    .launch = handle_launch,
    .show_home = handle_show_home,
    .activate = handle_activate,
    .close = handle_close,
    .set_locked = handle_set_locked,
    .set_switcher = handle_set_switcher,
    .activate_notification = handle_activate_notification,
    .dismiss_notification = handle_dismiss_notification,
    .answer_permission = handle_answer_permission,
    .capture_app = handle_capture_app,
    .answer_install = handle_answer_install,
    .retry_install = handle_retry_install,
};

}  // namespace

ShellLink::ShellLink(Server& server) : server_(server) {
    global_ = wl_global_create(server.display, &cirrus_shell_v1_interface, kShellVersion, this, &ShellLink::bind);
}

ShellLink::~ShellLink() {
    if (restart_timer_) wl_event_source_remove(restart_timer_);
    for (wl_resource* resource : resources_) wl_resource_set_user_data(resource, nullptr);
    if (global_) wl_global_destroy(global_);
    // The shell dies with its connection; a shell that outlives us (it ignored
    // the hang-up) is told plainly.
    if (pid_ > 0) kill(pid_, SIGTERM);
}

void ShellLink::bind(wl_client* client, void* data, std::uint32_t version, std::uint32_t id) {
    auto* self = static_cast<ShellLink*>(data);
    wl_resource* resource = wl_resource_create(client, &cirrus_shell_v1_interface, static_cast<int>(version), id);
    if (!resource) {
        wl_client_post_no_memory(client);
        return;
    }
    wl_resource_set_implementation(resource, &kShellImplementation, self, &ShellLink::unbind);
    self->resources_.push_back(resource);
    self->send_initial_state(resource);
}

void ShellLink::unbind(wl_resource* resource) {
    if (ShellLink* self = shell_link_of(resource)) self->resources_.remove(resource);
}

void ShellLink::send_initial_state(wl_resource* resource) {
    for (const AppProcess& process : server_.supervisor->table().processes()) {
        cirrus_shell_v1_send_app_state(resource, process.app.c_str(),
                                       process.state == AppState::running ? CIRRUS_SHELL_V1_APP_STATE_RUNNING
                                                                          : CIRRUS_SHELL_V1_APP_STATE_LAUNCHING);
    }
    const Server::FrontApp front = server_.front_app();
    cirrus_shell_v1_send_front_app(resource, front.app.c_str(), front.theme_argb);
    cirrus_shell_v1_send_locked(resource, server_.locked() ? 1 : 0);
    if (server_.link_monitor) {
        cirrus_shell_v1_send_link_state(resource, shell_link_enum(server_.link_monitor->estimate().link_class));
        if (wl_resource_get_version(resource) >= CIRRUS_SHELL_V1_LINK_KIND_SINCE_VERSION)
            cirrus_shell_v1_send_link_kind(resource, static_cast<std::uint32_t>(server_.link_monitor->kind()));
    }
    if (server_.app_link) {
        AppLink::Replayed replayed = server_.app_link->replay_to_shell(resource);
        if (wl_resource_get_client(resource) == client_) replayed_ = std::move(replayed);
    }
    if (server_.app_install) server_.app_install->replay_to_shell(resource);
    cirrus_shell_v1_send_done(resource);
}

void ShellLink::start() {
    if (server_.config.shell_command.empty()) return;
    spawn();
}

void ShellLink::spawn() {
    const std::string& command = server_.config.shell_command;
    // A bare program name is ours: the build tree's copy, else PATH. A command
    // with arguments goes through the shell, exec'd so the pid stays the shell's.
    std::vector<std::string> argv;
    if (command.find(' ') == std::string::npos) {
        argv = {server_.supervisor->find_program(command, "shell")};
    } else {
        argv = {"/bin/sh", "-c", "exec " + command};
    }
    pid_ = server_.trust->spawn(argv, true, &client_);
    started_ms_ = server_.uptime_ms();
    if (pid_ < 0) wlr_log(WLR_ERROR, "cannot start the shell (%s): see [shell] command in the config", command.c_str());
}

bool ShellLink::child_exited(pid_t pid) {
    if (pid != pid_ || pid <= 0) return false;
    pid_ = -1;
    if (server_.shutting_down) return true;
    const bool lived_long = server_.uptime_ms() - started_ms_ >= kHealthyAfterMs;
    if (!lived_long && !replayed_.empty() && server_.app_link) server_.app_link->drop_replayed(replayed_);
    replayed_ = {};
    client_ = nullptr;
    backoff_ms_ = backoff_.after_exit(server_.uptime_ms() - started_ms_);
    wlr_log(WLR_ERROR, "the shell (pid %d) ended; starting a new one in %d ms", static_cast<int>(pid), backoff_ms_);
    if (!restart_timer_) restart_timer_ = wl_event_loop_add_timer(server_.loop, &ShellLink::handle_restart_timer, this);
    if (restart_timer_) wl_event_source_timer_update(restart_timer_, backoff_ms_);
    return true;
}

int ShellLink::handle_restart_timer(void* data) {
    auto* self = static_cast<ShellLink*>(data);
    if (self->pid_ < 0 && !self->server_.shutting_down) {
        ++self->restarts_;
        self->spawn();
    }
    return 0;
}

void ShellLink::app_state(const std::string& app, ShellAppState state) {
    for (wl_resource* r : resources_) cirrus_shell_v1_send_app_state(r, app.c_str(), static_cast<uint32_t>(state));
}

void ShellLink::app_title(const std::string& app, const std::string& title) {
    for (wl_resource* r : resources_) cirrus_shell_v1_send_app_title(r, app.c_str(), title.c_str());
}

void ShellLink::launch_failed(const std::string& app, const std::string& reason) {
    // A reason may quote a manifest or a program's message.
    const std::string shown = protocol_text::bounded(reason, protocol_text::kMaxReasonBytes);
    for (wl_resource* r : resources_) cirrus_shell_v1_send_launch_failed(r, app.c_str(), shown.c_str());
}

void ShellLink::link_kind(LinkKind kind) {
    // LinkKind's values are the protocol's link_kind entries.
    static_assert(static_cast<std::uint32_t>(LinkKind::wifi) == CIRRUS_SHELL_V1_LINK_KIND_WIFI);
    static_assert(static_cast<std::uint32_t>(LinkKind::cellular) == CIRRUS_SHELL_V1_LINK_KIND_CELLULAR);
    for (wl_resource* r : resources_) {
        if (wl_resource_get_version(r) < CIRRUS_SHELL_V1_LINK_KIND_SINCE_VERSION) continue;
        cirrus_shell_v1_send_link_kind(r, static_cast<std::uint32_t>(kind));
        cirrus_shell_v1_send_done(r);
    }
}

void ShellLink::link_state(LinkClass link) {
    for (wl_resource* r : resources_) cirrus_shell_v1_send_link_state(r, shell_link_enum(link));
}

void ShellLink::front_app(const std::string& app, std::uint32_t theme_argb) {
    for (wl_resource* r : resources_) cirrus_shell_v1_send_front_app(r, app.c_str(), theme_argb);
}

void ShellLink::gesture(ShellGesture gesture) {
    for (wl_resource* r : resources_) cirrus_shell_v1_send_gesture(r, static_cast<uint32_t>(gesture));
}

void ShellLink::locked(bool locked) {
    for (wl_resource* r : resources_) cirrus_shell_v1_send_locked(r, locked ? 1 : 0);
}

void ShellLink::notification(std::uint32_t id, const std::string& app, const std::string& title,
                             const std::string& body) {
    for (wl_resource* r : resources_) {
        cirrus_shell_v1_send_notification(r, id, app.c_str(), title.c_str(), body.c_str());
    }
}

void ShellLink::notification_closed(std::uint32_t id) {
    for (wl_resource* r : resources_) cirrus_shell_v1_send_notification_closed(r, id);
}

void ShellLink::permission_request(std::uint32_t request_id, const std::string& app, const std::string& permission) {
    for (wl_resource* r : resources_) {
        cirrus_shell_v1_send_permission_request(r, request_id, app.c_str(), permission.c_str());
    }
}

bool ShellLink::can_install() const {
    for (wl_resource* r : resources_) {
        if (speaks_install(r)) return true;
    }
    return false;
}

void ShellLink::install_offer(std::uint32_t request_id, const std::string& app, const std::string& name,
                              const std::string& origin, const std::string& icon, std::uint32_t offline_bytes,
                              std::uint32_t offline_files, bool installed, const std::string& reason) {
    for (wl_resource* r : resources_) {
        if (!speaks_install(r)) continue;
        cirrus_shell_v1_send_install_offer(r, request_id, app.c_str(), name.c_str(), origin.c_str(), icon.c_str(),
                                           offline_bytes, offline_files, installed ? 1 : 0, reason.c_str());
    }
}

bool ShellLink::can_update() const {
    for (wl_resource* r : resources_) {
        if (speaks_update(r)) return true;
    }
    return false;
}

void ShellLink::update_offer(std::uint32_t request_id, const std::string& app, const std::string& old_name,
                             const std::string& name, const std::string& origin, const std::string& icon,
                             bool name_changed, bool icon_changed) {
    for (wl_resource* r : resources_) {
        if (!speaks_update(r)) continue;
        cirrus_shell_v1_send_update_offer(r, request_id, app.c_str(), old_name.c_str(), name.c_str(), origin.c_str(),
                                          icon.c_str(), name_changed ? 1 : 0, icon_changed ? 1 : 0);
    }
}

void ShellLink::install_progress(const std::string& app, const std::string& name, const std::string& icon,
                                 std::uint32_t done, std::uint32_t total) {
    for (wl_resource* r : resources_) {
        if (speaks_install(r))
            cirrus_shell_v1_send_install_progress(r, app.c_str(), name.c_str(), icon.c_str(), done, total);
    }
}

void ShellLink::install_finished(const std::string& app) {
    for (wl_resource* r : resources_) {
        if (speaks_install(r)) cirrus_shell_v1_send_install_finished(r, app.c_str());
    }
}

void ShellLink::install_failed(const std::string& app, const std::string& reason) {
    for (wl_resource* r : resources_) {
        if (speaks_install(r)) cirrus_shell_v1_send_install_failed(r, app.c_str(), reason.c_str());
    }
}

void ShellLink::done() {
    for (wl_resource* r : resources_) cirrus_shell_v1_send_done(r);
}

}  // namespace cirrus
