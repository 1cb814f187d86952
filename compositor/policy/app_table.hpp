// Which app each supervised process runs, and what a launch request should
// do. Plain C++: the compositor's glue spawns and reaps, this decides.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cirrus {

enum class AppState { launching, running };

struct AppProcess {
    std::string app;
    int pid = 0;
    AppState state = AppState::launching;
    std::uint64_t started_ms = 0;
};

enum class LaunchAction {
    spawn,  // not running: start a host
    focus,  // running with a window: bring it forward
    wait,   // started, no window yet: do nothing (the splash is up)
};

// "spawned", "focused" or "launching", as the control socket reports it.
const char* launch_action_name(LaunchAction action);

class AppTable {
public:
    LaunchAction on_launch_request(std::string_view app) const;
    void started(std::string app, int pid, std::uint64_t now_ms);
    // A window of this process mapped: its app is running. False if the pid
    // is not a supervised host (then the window belongs to no app).
    bool window_mapped(int pid);
    // A supervised process ended; returns its app (nothing for other pids).
    std::optional<std::string> exited(int pid);

    std::optional<std::string> app_for_pid(int pid) const;
    std::optional<int> pid_for_app(std::string_view app) const;
    const std::vector<AppProcess>& processes() const { return processes_; }

private:
    std::vector<AppProcess> processes_;
};

// App ids name folders and database rows: lowercase letters, digits, '.',
// '_' and '-', 1 to 128 characters, starting with a letter or digit.
bool valid_app_id(std::string_view id);

// The environment a web-app host starts with: only what it needs, so that
// nothing of the compositor's (or its parent desktop's) leaks into an app.
std::vector<std::string> host_environment(const std::vector<std::string>& parent,
                                          const std::string& wayland_display);

}  // namespace cirrus
