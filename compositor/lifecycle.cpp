#include "lifecycle.hpp"

#include "common/proc_stat.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <unistd.h>

#include "app_link.hpp"
#include "common/registry.hpp"
#include "server.hpp"
#include "supervisor.hpp"
#include "thumbnail.hpp"

namespace cirrus {
namespace {

constexpr int kPollMs = 1000;

std::string read_small_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) return {};
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

bool write_small_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path);
    if (!out) return false;
    out << text;
    out.flush();
    return static_cast<bool>(out);
}

// The parent of each process (common/proc_stat).
std::map<pid_t, pid_t> parents() {
    std::map<pid_t, pid_t> result;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
        const std::string name = entry.path().filename().string();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
        const auto pid = static_cast<pid_t>(std::atol(name.c_str()));
        if (const auto stat = read_proc_stat(pid)) result[pid] = stat->ppid;
    }
    return result;
}

// The host and every process below it (bwrap, WebKit's web and network
// processes), the host first.
std::vector<pid_t> process_tree(pid_t root) {
    std::vector<pid_t> tree{root};
    const auto parent_of = parents();
    for (std::size_t i = 0; i < tree.size(); ++i) {
        for (const auto& [pid, ppid] : parent_of) {
            if (ppid == tree[i] && std::find(tree.begin(), tree.end(), pid) == tree.end()) tree.push_back(pid);
        }
    }
    return tree;
}

std::uint64_t process_rss_bytes(pid_t pid) {
    std::istringstream statm(read_small_file("/proc/" + std::to_string(pid) + "/statm"));
    std::uint64_t size = 0, resident = 0;
    if (statm >> size >> resident) return resident * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
    return 0;
}

// PSS from smaps_rollup (shared libraries counted once across processes),
// else RSS.
std::uint64_t process_memory_bytes(pid_t pid) {
    const std::string rollup = read_small_file("/proc/" + std::to_string(pid) + "/smaps_rollup");
    if (const auto at = rollup.find("\nPss:"); at != std::string::npos) {
        return std::strtoull(rollup.c_str() + at + 5, nullptr, 10) * 1024;
    }
    return process_rss_bytes(pid);
}

// The host's own cgroup folder when it is a child of the apps cgroup (the
// device's layout), else empty.
std::string own_cgroup(pid_t pid, const std::string& apps_cgroup) {
    if (apps_cgroup.empty()) return {};
    const std::string line = read_small_file("/proc/" + std::to_string(pid) + "/cgroup");
    const auto at = line.find("0::");
    if (at == std::string::npos) return {};
    std::string rel = line.substr(at + 3);
    rel.erase(rel.find_last_not_of("\n") + 1);
    const std::filesystem::path group = std::filesystem::path("/sys/fs/cgroup") / rel.substr(rel.starts_with("/"));
    if (group.parent_path() != std::filesystem::path(apps_cgroup)) return {};
    if (access((group / "cgroup.freeze").c_str(), W_OK) != 0) return {};
    return group.string();
}

double field_after(const std::string& line, const char* key) {
    const auto at = line.find(key);
    return at == std::string::npos ? 0.0 : std::strtod(line.c_str() + at + std::strlen(key), nullptr);
}

}  // namespace

MemoryPressure parse_memory_pressure(const std::string& text) {
    MemoryPressure p;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.starts_with("some ")) p.some_avg10 = field_after(line, "avg10=");
        if (line.starts_with("full ")) p.full_avg10 = field_after(line, "avg10=");
    }
    return p;
}

LifecycleGlue::LifecycleGlue(Server& server) : server_(server), policy_(server.config.lifecycle) {
    // The apps cgroup, as cirrus-session writes it down (board/session).
    if (const char* runtime = std::getenv("XDG_RUNTIME_DIR")) {
        std::string path = read_small_file(std::filesystem::path(runtime) / "apps-cgroup");
        path.erase(path.find_last_not_of("\n ") + 1);
        if (!path.empty() && std::filesystem::is_directory(path)) apps_cgroup_ = path;
    }
    LifecycleConfig config = server.config.lifecycle;
    if (config.budget_bytes == 0 && !apps_cgroup_.empty()) {
        // The profile's apps_max, as the session set it.
        const std::string max = read_small_file(std::filesystem::path(apps_cgroup_) / "memory.max");
        if (!max.empty() && max.front() >= '0' && max.front() <= '9')
            config.budget_bytes = std::strtoull(max.c_str(), nullptr, 10);
        policy_ = AppLifecycle(config);
    }
    // Frames of apps discarded before a restart have no card to show them:
    // the list of discarded apps lives in this process only.
    frames_dir_ = launcher::default_registry_path().parent_path() / "discarded-frames";
    std::error_code ec;
    std::filesystem::remove_all(frames_dir_, ec);
    tick_timer_ = wl_event_loop_add_timer(server_.loop, &LifecycleGlue::handle_tick, this);
    poll_timer_ = wl_event_loop_add_timer(server_.loop, &LifecycleGlue::handle_poll, this);
    if (!tick_timer_ || !poll_timer_) {
        wlr_log(WLR_ERROR,
                "cannot create the app lifecycle's timers: background apps are neither frozen nor discarded");
    }
    if (poll_timer_) wl_event_source_timer_update(poll_timer_, kPollMs);
}

LifecycleGlue::~LifecycleGlue() {
    // A stopped host could never see its connection end: every app runs
    // again before the compositor goes.
    while (!stopped_.empty()) set_stopped(stopped_.front().app, false);
    if (tick_timer_) wl_event_source_remove(tick_timer_);
    if (poll_timer_) wl_event_source_remove(poll_timer_);
}

void LifecycleGlue::app_launched(const std::string& app) {
    policy_.opened(app, false, server_.uptime_ms(), true);
    // In front as soon as the window policy says so (front_changed).
    if (server_.front_app().app == app) policy_.set_front(app, server_.uptime_ms());
    schedule();
}

void LifecycleGlue::app_mapped(const std::string& app) {
    forget_frame(app);  // its window is back
    policy_.mapped(app, server_.uptime_ms());
    schedule();
}

bool LifecycleGlue::host_exited(const std::string& app) {
    std::erase_if(stopped_, [&](const Stopped& s) { return s.app == app; });
    std::erase_if(thaws_, [&](const Thaw& t) { return t.app == app; });
    policy_.host_exited(app, server_.uptime_ms());
    schedule();
    const bool discarded = policy_.state(app) == Lifecycle::discarded;
    if (discarded) wlr_log(WLR_INFO, "app %s: discarded (its state is saved; a launch restores it)", app.c_str());
    return discarded;
}

bool LifecycleGlue::close_discarded(const std::string& app) {
    if (policy_.state(app) != Lifecycle::discarded) return false;
    policy_.forget(app);
    forget_frame(app);
    return true;
}

std::filesystem::path LifecycleGlue::frame_path(const std::string& app) const { return frames_dir_ / (app + ".png"); }

void LifecycleGlue::forget_frame(const std::string& app) {
    std::error_code ec;
    std::filesystem::remove(frame_path(app), ec);
}

void LifecycleGlue::front_changed(const std::optional<std::string>& app) {
    const std::vector<std::string> resume = policy_.set_front(app, server_.uptime_ms());
    for (const std::string& name : resume) {
        set_stopped(name, false);
        server_.app_link->send_lifecycle(name, AppLink::LifecycleEvent::resume);
    }
    schedule();
}

void LifecycleGlue::set_replaying(const std::string& app, bool replaying) { policy_.set_replaying(app, replaying); }

void LifecycleGlue::continue_app(const std::string& app) { set_stopped(app, false); }

AppLifecycle::FreezeNow LifecycleGlue::freeze_now(const std::string& app) {
    const AppLifecycle::FreezeNow result = policy_.freeze_now(app);
    if (result == AppLifecycle::FreezeNow::freezing) schedule();
    return result;
}

std::optional<std::string> LifecycleGlue::simulate_pressure(SimulatedPressure level) {
    simulated_ = level;
    const std::optional<std::string> before = [&]() -> std::optional<std::string> {
        for (const LifecycleEntry& e : policy_.entries()) {
            if (e.discarding) return e.app;
        }
        return std::nullopt;
    }();
    sample_pressure();
    for (const LifecycleEntry& e : policy_.entries()) {
        if (e.discarding && (!before || e.app != *before)) return e.app;
    }
    return std::nullopt;
}

std::uint64_t LifecycleGlue::app_memory_bytes(const std::string& app) const {
    const auto pid = server_.supervisor->table().pid_for_app(app);
    if (!pid) return 0;
    std::uint64_t total = 0;
    for (pid_t p : process_tree(*pid)) total += process_memory_bytes(p);
    return total;
}

std::optional<std::uint64_t> LifecycleGlue::thaw_to_frame_ms(const std::string& app) const {
    for (const Thaw& t : thaws_) {
        if (t.app == app) return t.frame_ms;
    }
    return std::nullopt;
}

void LifecycleGlue::output_frame() {
    for (Thaw& t : thaws_) {
        if (!t.frame_ms) t.frame_ms = server_.uptime_ms() - t.at_ms;
    }
}

MemoryPressure LifecycleGlue::current_pressure() const {
    const LifecycleConfig& c = policy_.config();
    switch (simulated_) {
    case SimulatedPressure::moderate:
        return {std::max(c.pressure_some_avg10, 1.0), 0, 0, true};
    case SimulatedPressure::critical:
        return {100, std::max(c.pressure_full_avg10, 1.0), 0, true};
    case SimulatedPressure::none:
        break;
    }
    MemoryPressure p;
    std::string psi;
    if (!apps_cgroup_.empty()) psi = read_small_file(std::filesystem::path(apps_cgroup_) / "memory.pressure");
    if (psi.empty()) psi = read_small_file("/proc/pressure/memory");
    p = parse_memory_pressure(psi);
    if (c.budget_bytes > 0) {
        std::string current;
        if (!apps_cgroup_.empty()) current = read_small_file(std::filesystem::path(apps_cgroup_) / "memory.current");
        if (!current.empty()) {
            p.apps_bytes = std::strtoull(current.c_str(), nullptr, 10);
        } else {
            // Without the apps cgroup: PSS, as `apps` reports it. RSS counted
            // WebKit's shared libraries once per process (two apps' RSS was
            // over 90 % of W700's budget where their PSS was 280 of 320 MiB).
            for (const AppProcess& host : server_.supervisor->table().processes()) {
                for (pid_t pid : process_tree(host.pid)) p.apps_bytes += process_memory_bytes(pid);
            }
        }
    }
    return p;
}

void LifecycleGlue::sample_pressure() {
    const MemoryPressure sample = current_pressure();
    if (const auto app = policy_.on_pressure(sample, server_.uptime_ms())) {
        wlr_log(WLR_INFO, "memory pressure (some %.1f%%, full %.1f%%, apps %llu MiB): discarding %s", sample.some_avg10,
                sample.full_avg10, static_cast<unsigned long long>(sample.apps_bytes >> 20), app->c_str());
        discard(*app);
    }
}

void LifecycleGlue::discard(const std::string& app) {
    // Its card keeps its last frame; the window goes with the host.
    if (const std::string error = save_app_frame(server_, app, frame_path(app)); !error.empty()) {
        wlr_log(WLR_ERROR, "app %s: its last frame is not kept for the switcher (%s)", app.c_str(), error.c_str());
    }
    // A frozen host must run to save its page.
    set_stopped(app, false);
    if (!server_.app_link->send_lifecycle(app, AppLink::LifecycleEvent::discard)) {
        // A host that cannot save (no cirrus_app_v1 version 2): the memory
        // matters more; it ends without its state.
        if (const auto pid = server_.supervisor->table().pid_for_app(app)) kill(*pid, SIGTERM);
    }
    schedule();
}

void LifecycleGlue::set_stopped(const std::string& app, bool stopped) {
    auto it = std::find_if(stopped_.begin(), stopped_.end(), [&](const Stopped& s) { return s.app == app; });
    if (!stopped) {
        if (it == stopped_.end()) return;
        if (!it->cgroup.empty()) {
            if (!write_small_file(std::filesystem::path(it->cgroup) / "cgroup.freeze", "0")) {
                wlr_log(WLR_ERROR, "app %s: cannot thaw %s/cgroup.freeze", app.c_str(), it->cgroup.c_str());
            }
        }
        // Children first: the host, continued last, finds its web process
        // answering.
        for (auto pid = it->pids.rbegin(); pid != it->pids.rend(); ++pid) kill(*pid, SIGCONT);
        const pid_t host = it->pids.empty() ? 0 : it->pids.front();
        stopped_.erase(it);
        std::erase_if(thaws_, [&](const Thaw& t) { return t.app == app; });
        const auto host_pid = server_.supervisor->table().pid_for_app(app);
        thaws_.push_back({app, host_pid.value_or(host), server_.uptime_ms(), std::nullopt});
        return;
    }
    if (it != stopped_.end()) return;
    const auto pid = server_.supervisor->table().pid_for_app(app);
    if (!pid) return;
    Stopped s{app, own_cgroup(*pid, apps_cgroup_), {}};
    if (!s.cgroup.empty() && write_small_file(std::filesystem::path(s.cgroup) / "cgroup.freeze", "1")) {
        s.pids = {*pid};  // for the thaw measure only: the freezer holds them all
        wlr_log(WLR_INFO, "app %s: frozen (%s)", app.c_str(), s.cgroup.c_str());
    } else {
        s.cgroup.clear();
        s.pids = process_tree(*pid);
        // The host first: it stops asking its web process for anything.
        for (pid_t p : s.pids) kill(p, SIGSTOP);
        wlr_log(WLR_INFO, "app %s: frozen (SIGSTOP to %zu processes)", app.c_str(), s.pids.size());
    }
    stopped_.push_back(std::move(s));
}

void LifecycleGlue::run_tick() {
    const LifecycleActions actions = policy_.tick(server_.uptime_ms());
    for (const std::string& app : actions.tell_freeze) {
        server_.app_link->send_lifecycle(app, AppLink::LifecycleEvent::freeze);
    }
    for (const std::string& app : actions.stop) set_stopped(app, true);
    for (const std::string& app : actions.give_up_discard) {
        if (const auto pid = server_.supervisor->table().pid_for_app(app)) {
            wlr_log(WLR_ERROR, "app %s: its host did not save and exit in time; killing it", app.c_str());
            set_stopped(app, false);
            kill(*pid, SIGKILL);
        }
    }
    schedule();
}

void LifecycleGlue::schedule() {
    if (!tick_timer_) return;
    const auto next = policy_.next_deadline();
    if (!next) {
        wl_event_source_timer_update(tick_timer_, 0);
        return;
    }
    const std::uint64_t now = server_.uptime_ms();
    wl_event_source_timer_update(
        tick_timer_, static_cast<int>(std::clamp<std::uint64_t>(*next > now ? *next - now : 1, 1, 3600000)));
}

// The event-loop callbacks: no C++ exception may unwind through libwayland.
int LifecycleGlue::handle_tick(void* data) {
    try {
        static_cast<LifecycleGlue*>(data)->run_tick();
    } catch (const std::exception& e) {
        wlr_log(WLR_ERROR, "app lifecycle: %s", e.what());
    }
    return 0;
}

int LifecycleGlue::handle_poll(void* data) {
    auto* self = static_cast<LifecycleGlue*>(data);
    try {
        self->sample_pressure();
    } catch (const std::exception& e) {
        wlr_log(WLR_ERROR, "memory pressure: %s", e.what());
    }
    wl_event_source_timer_update(self->poll_timer_, kPollMs);
    return 0;
}

}  // namespace cirrus
