#include "app_table.hpp"

#include <algorithm>
#include <array>

namespace cirrus {

const char* launch_action_name(LaunchAction action) {
    switch (action) {
    case LaunchAction::spawn: return "spawned";
    case LaunchAction::focus: return "focused";
    case LaunchAction::wait: return "launching";
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

bool AppTable::window_mapped(int pid) {
    for (AppProcess& p : processes_) {
        if (p.pid == pid) {
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

bool valid_app_id(std::string_view id) {
    if (id.empty() || id.size() > 128) return false;
    auto allowed = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    };
    const char first = id.front();
    if (!((first >= 'a' && first <= 'z') || (first >= '0' && first <= '9'))) return false;
    return std::all_of(id.begin(), id.end(), allowed);
}

std::vector<std::string> host_environment(const std::vector<std::string>& parent, const std::string& wayland_display) {
    // Locale and time zone shape what the user reads; the XDG dirs say where
    // per-app data lives; CIRRUS_* carries our own settings (registry path,
    // developer flags). Session buses, DISPLAY, LD_* and the rest stay out.
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
        if (keep) env.push_back(entry);
    }
    env.push_back("WAYLAND_DISPLAY=" + wayland_display);
    return env;
}

}  // namespace cirrus
