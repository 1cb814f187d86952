#include "app_table.hpp"

#include <algorithm>
#include <array>

namespace cirrus {

const char* launch_action_name(LaunchAction action) {
    switch (action) {
    case LaunchAction::spawn:
        return "spawned";
    case LaunchAction::focus:
        return "focused";
    case LaunchAction::wait:
        return "launching";
    }
    return "unknown";
}

LaunchAction AppTable::on_launch_request(std::string_view app) const {
    for (const AppProcess& p : processes_) {
        if (p.app == app) return p.state == AppState::running ? LaunchAction::focus : LaunchAction::wait;
    }
    return LaunchAction::spawn;
}

void AppTable::started(std::string app, int pid, std::uint64_t now_ms) {
    processes_.push_back({std::move(app), pid, AppState::launching, now_ms});
}

bool AppTable::window_mapped(int pid, std::uint64_t now_ms) {
    for (AppProcess& p : processes_) {
        if (p.pid == pid) {
            if (p.state == AppState::launching) p.mapped_ms = now_ms;  // the first window, not a dialog
            p.state = AppState::running;
            return true;
        }
    }
    return false;
}

std::optional<std::string> AppTable::exited(int pid) {
    auto it = std::find_if(processes_.begin(), processes_.end(), [pid](const AppProcess& p) { return p.pid == pid; });
    if (it == processes_.end()) return std::nullopt;
    std::string app = std::move(it->app);
    processes_.erase(it);
    return app;
}

std::optional<std::string> AppTable::app_for_pid(int pid) const {
    for (const AppProcess& p : processes_) {
        if (p.pid == pid) return p.app;
    }
    return std::nullopt;
}

std::optional<int> AppTable::pid_for_app(std::string_view app) const {
    for (const AppProcess& p : processes_) {
        if (p.app == app) return p.pid;
    }
    return std::nullopt;
}

void AppTable::standby_started(int pid, std::uint64_t now_ms) { standby_.push_back({pid, false, now_ms}); }

bool AppTable::standby_ready(int pid) {
    for (StandbyHost& s : standby_) {
        if (s.pid == pid) {
            s.ready = true;
            return true;
        }
    }
    return false;
}

std::optional<int> AppTable::pick_standby() const {
    // standby_ is in start order: the first ready one is the oldest ready.
    for (const StandbyHost& s : standby_) {
        if (s.ready) return s.pid;
    }
    if (!standby_.empty()) return standby_.front().pid;
    return std::nullopt;
}

bool AppTable::assign_standby(int pid, std::string app, std::uint64_t now_ms) {
    auto it = std::find_if(standby_.begin(), standby_.end(), [pid](const StandbyHost& s) { return s.pid == pid; });
    if (it == standby_.end() || pid_for_app(app)) return false;
    standby_.erase(it);
    processes_.push_back({std::move(app), pid, AppState::launching, now_ms, 0, true});
    return true;
}

bool AppTable::standby_gone(int pid) {
    auto it = std::find_if(standby_.begin(), standby_.end(), [pid](const StandbyHost& s) { return s.pid == pid; });
    if (it == standby_.end()) return false;
    standby_.erase(it);
    return true;
}

bool AppTable::is_standby(int pid) const {
    return std::any_of(standby_.begin(), standby_.end(), [pid](const StandbyHost& s) { return s.pid == pid; });
}

std::uint64_t AppTable::busy_until(std::uint64_t settle_ms, std::uint64_t patience_ms) const {
    std::uint64_t until = 0;
    for (const AppProcess& p : processes_) {
        until = std::max(until, p.state == AppState::launching ? p.started_ms + patience_ms : p.mapped_ms + settle_ms);
    }
    return until;
}

void StandbyPlanner::failed(std::uint64_t now_ms) {
    ++failures_;
    last_failure_ms_ = now_ms;
}

std::optional<std::uint64_t> StandbyPlanner::delay_before_next(std::uint64_t now_ms, int standby_count,
                                                               std::uint64_t busy_until_ms) const {
    if (standby_count >= target_) return std::nullopt;
    std::uint64_t earliest = busy_until_ms;
    if (failures_ > 0) {
        // 1 s, 2 s, 4 s, ... up to 5 min after the last failure.
        std::uint64_t backoff = kFirstBackoffMs;
        for (int i = 1; i < failures_ && backoff < kMaxBackoffMs; ++i) backoff *= 2;
        earliest = std::max(earliest, last_failure_ms_ + std::min(backoff, kMaxBackoffMs));
    }
    return earliest > now_ms ? earliest - now_ms : 0;
}

std::vector<std::string> host_environment(const std::vector<std::string>& parent, const std::string& wayland_display,
                                          bool javascript_jit, const WebMemorySettings& web_memory) {
    // Locale and time zone shape what the user reads; the XDG dirs say where
    // per-app data lives; CIRRUS_* carries our own settings (registry path,
    // developer flags). Session buses, DISPLAY, LD_* and the rest stay out;
    // so does the compositor's own CIRRUS_WEB_MEMORY: the profile decides.
    static constexpr std::array<std::string_view, 9> kept = {
        "PATH", "HOME", "USER", "LANG", "TZ", "XDG_RUNTIME_DIR", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME",
    };
    std::vector<std::string> env;
    for (const std::string& entry : parent) {
        const auto eq = entry.find('=');
        if (eq == std::string::npos) continue;
        const std::string_view name(entry.data(), eq);
        const bool keep = std::find(kept.begin(), kept.end(), name) != kept.end() || name.starts_with("LC_") ||
                          name.starts_with("CIRRUS_");
        if (keep && name != kWebMemoryVariable) env.push_back(entry);
    }
    env.push_back("WAYLAND_DISPLAY=" + wayland_display);
    if (!javascript_jit) env.push_back("JSC_useJIT=false");
    if (std::string memory = web_memory_assignment(web_memory); !memory.empty()) env.push_back(std::move(memory));
    return env;
}

}  // namespace cirrus
