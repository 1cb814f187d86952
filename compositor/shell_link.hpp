// The shell: the compositor starts it as a trusted client, restarts it when
// it dies (running apps are untouched: they are the compositor's, not the
// shell's), and talks to it over cirrus_shell_v1, which only trusted clients
// can see. Requests become compositor actions; what the shell draws from
// (app states, the front app, gestures, notifications, permission questions)
// goes out as events, each batch closed by `done`.
#pragma once

#include <cstdint>
#include <list>
#include <string>
#include <sys/types.h>

#include "app_link.hpp"
#include "link_estimator.hpp"
#include "system_link.hpp"
#include "restart_backoff.hpp"
#include "wlr.hpp"

namespace cirrus {

class Server;

enum class ShellAppState : std::uint32_t { launching = 0, running = 1, closed = 2 };
enum class ShellGesture : std::uint32_t { home = 0, switcher = 1, home_key = 2, power_key = 3 };

class ShellLink {
public:
    explicit ShellLink(Server& server);
    ~ShellLink();
    ShellLink(const ShellLink&) = delete;
    ShellLink& operator=(const ShellLink&) = delete;

    wl_global* global() const { return global_; }
    Server& server() const { return server_; }

    // Starts the configured shell (if any). Restarts follow its exits.
    void start();
    // True if pid was the shell's (then it is restarted).
    bool child_exited(pid_t pid);
    pid_t shell_pid() const { return pid_; }
    std::uint32_t restarts() const { return restarts_; }
    bool bound() const { return !resources_.empty(); }

    // Events to every bound shell; each caller ends its batch with done().
    void app_state(const std::string& app, ShellAppState state);
    void app_title(const std::string& app, const std::string& title);
    void launch_failed(const std::string& app, const std::string& reason);
    void front_app(const std::string& app, std::uint32_t theme_argb);
    void link_state(LinkClass link);
    // cirrus_shell_v1.link_kind (version 4), to shells bound at 4 or later.
    void link_kind(LinkKind kind);
    void gesture(ShellGesture gesture);
    void locked(bool locked);
    void notification(std::uint32_t id, const std::string& app, const std::string& title, const std::string& body);
    void notification_closed(std::uint32_t id);
    void permission_request(std::uint32_t request_id, const std::string& app, const std::string& permission);
    // Installing apps (version 2; app_install.hpp): only shells that bound
    // version 2 hear these, and only then may an app ask to install.
    bool can_install() const;
    void install_offer(std::uint32_t request_id, const std::string& app, const std::string& name,
                       const std::string& origin, const std::string& icon, std::uint32_t offline_bytes,
                       std::uint32_t offline_files, bool installed, const std::string& reason);
    void install_progress(const std::string& app, const std::string& name, const std::string& icon, std::uint32_t done,
                          std::uint32_t total);
    void install_finished(const std::string& app);
    // Updates that change an app's name or icon (version 3): asked on the same sheet.
    bool can_update() const;
    void update_offer(std::uint32_t request_id, const std::string& app, const std::string& old_name,
                      const std::string& name, const std::string& origin, const std::string& icon, bool name_changed,
                      bool icon_changed);
    void install_failed(const std::string& app, const std::string& reason);
    void done();

private:
    static void bind(wl_client* client, void* data, std::uint32_t version, std::uint32_t id);
    static void unbind(wl_resource* resource);
    void send_initial_state(wl_resource* resource);
    void spawn();
    static int handle_restart_timer(void* data);

    Server& server_;
    wl_global* global_ = nullptr;
    std::list<wl_resource*> resources_;
    pid_t pid_ = -1;
    std::uint32_t restarts_ = 0;
    std::uint64_t started_ms_ = 0;
    // What was replayed to the running shell when it bound: dropped if it
    // dies before it has lived healthy_after_ms (a shell that crash-loops on
    // a replayed message must cost that message, not the phone).
    AppLink::Replayed replayed_;
    wl_client* client_ = nullptr;  // the running shell's connection (it binds through it)
    RestartBackoff backoff_;
    int backoff_ms_ = 0;
    wl_event_source* restart_timer_ = nullptr;
};

}  // namespace cirrus
