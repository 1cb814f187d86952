// Which app each supervised process runs, and what a launch request should
// do. Plain C++: the compositor's glue spawns and reaps, this decides.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/web_memory.hpp"

namespace cirrus {

enum class AppState { launching, running };

struct AppProcess {
    std::string app;
    int pid = 0;
    AppState state = AppState::launching;
    std::uint64_t started_ms = 0;  // when the launch asked for it (not when the process started)
    std::uint64_t mapped_ms = 0;   // when its first window mapped (state running)
    bool from_standby = false;     // served by a standby host (see below)
};

// A standby host: a web-app host started before any launch, so that a launch
// does not wait for a process start. It runs no app: its windows belong to no
// app, and it is not listed as one, until the compositor names its app.
struct StandbyHost {
    int pid = 0;
    bool ready = false;  // it said it has done all that needs no app
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
    bool window_mapped(int pid, std::uint64_t now_ms);
    // A supervised process ended; returns its app (nothing for other pids,
    // standby hosts included: see standby_gone).
    std::optional<std::string> exited(int pid);

    std::optional<std::string> app_for_pid(int pid) const;
    std::optional<int> pid_for_app(std::string_view app) const;
    const std::vector<AppProcess>& processes() const { return processes_; }

    // --- standby hosts ---
    void standby_started(int pid, std::uint64_t now_ms);
    // It reported ready; false if the pid is not a standby host.
    bool standby_ready(int pid);
    // The one to give the next app to: the oldest ready one, else the oldest
    // still starting (it is further along than a new process would be).
    std::optional<int> pick_standby() const;
    // The standby host `pid` now runs `app`, which is launching from now on:
    // from this moment its windows are the app's (pid -> app decides that).
    // False (and nothing changes) if pid is not a standby host or the app
    // already has a process.
    bool assign_standby(int pid, std::string app, std::uint64_t now_ms);
    // A standby host ended before it was given an app, or was given up;
    // false for other pids.
    bool standby_gone(int pid);
    bool is_standby(int pid) const;
    const std::vector<StandbyHost>& standby() const { return standby_; }

    // Until when a launch is still busy starting: a launching app for up to
    // `patience_ms` after its launch, a just-mapped one for `settle_ms` after
    // its window mapped (its page is still loading then). 0: nothing busy.
    std::uint64_t busy_until(std::uint64_t settle_ms, std::uint64_t patience_ms) const;

private:
    std::vector<AppProcess> processes_;
    std::vector<StandbyHost> standby_;
};

// When to start the next standby host: keeps `target` of them, never while a
// launch is busy, and backs off when they keep dying (a broken host binary
// must not be restarted in a loop).
class StandbyPlanner {
public:
    static constexpr std::uint64_t kFirstBackoffMs = 1000;
    static constexpr std::uint64_t kMaxBackoffMs = 5 * 60 * 1000;

    explicit StandbyPlanner(int target = 1) : target_(target < 0 ? 0 : target) {}
    int target() const { return target_; }

    // A standby host ended before it was given an app (crash, kill, or a host
    // that does not know --standby).
    void failed(std::uint64_t now_ms);
    // One served a launch: the host works; the back-off starts over.
    void served() { failures_ = 0; }
    int failures() const { return failures_; }
    // Milliseconds from now until one more should start; nullopt when the
    // pool is full. `busy_until_ms` as from AppTable::busy_until (or a
    // start-up quiet time).
    std::optional<std::uint64_t> delay_before_next(std::uint64_t now_ms, int standby_count,
                                                   std::uint64_t busy_until_ms) const;

private:
    int target_;
    int failures_ = 0;
    std::uint64_t last_failure_ms_ = 0;
};

// The environment a web-app host starts with: only what it needs, so that
// nothing of the compositor's (or its parent desktop's) leaks into an app;
// without the JIT, JavaScriptCore's own switch (JSC_useJIT=false), which the
// host's web processes inherit; with a web memory limit, CIRRUS_WEB_MEMORY
// (common/web_memory.hpp), which the host gives WebKit.
std::vector<std::string> host_environment(const std::vector<std::string>& parent, const std::string& wayland_display,
                                          bool javascript_jit = true, const WebMemorySettings& web_memory = {});

}  // namespace cirrus
