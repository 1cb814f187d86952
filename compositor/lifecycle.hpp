// The glue of the app lifecycle (policy/app_lifecycle.hpp decides): a timer
// for the freezes, a memory-pressure monitor, and what freezing, thawing and
// discarding do to an app's processes.
//
// Freeze: the host hears cirrus_app_v1.freeze (its page gets visibilitychange
// and the Page Lifecycle freeze event), then after the grace period its
// processes stop: through the cgroup v2 freezer (cgroup.freeze) when the host
// runs in a cgroup of its own under the apps cgroup (board/session/
// cirrus-app-host puts each host in one on the device), else SIGSTOP to the
// host and every process below it (WebKit's web and network processes, found
// through their parent links in /proc: a host's network process is its own
// child, never shared with another host). Thaw: cgroup.freeze 0 / SIGCONT,
// before the app's window comes forward, then cirrus_app_v1.resume.
//
// Pressure: every second, the apps cgroup's memory.pressure (else
// /proc/pressure/memory) and its memory.current (else the hosts' summed RSS)
// go to the policy; the app it names is discarded: continued if frozen, told
// cirrus_app_v1.discard, and its exit leaves it listed as discarded. A
// control command simulates pressure for tests.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

#include "app_lifecycle.hpp"
#include "wlr.hpp"

namespace cirrus {

class Server;

// Memory PSI as /proc/pressure/memory and a cgroup's memory.pressure write
// it ("some avg10=1.23 avg60=... total=...\nfull avg10=..."); zeros for what
// is missing.
MemoryPressure parse_memory_pressure(const std::string& text);

class LifecycleGlue {
public:
    explicit LifecycleGlue(Server& server);
    ~LifecycleGlue();
    LifecycleGlue(const LifecycleGlue&) = delete;
    LifecycleGlue& operator=(const LifecycleGlue&) = delete;

    const AppLifecycle& policy() const { return policy_; }

    // A host was started for the app (a launch, or a discarded app's restore).
    void app_launched(const std::string& app);
    // Its first window mapped: from now on it may be frozen or discarded.
    void app_mapped(const std::string& app);
    // The app's host ended. True when the app stays listed, discarded (the
    // shell keeps its card and it is not reported closed).
    bool host_exited(const std::string& app);
    // The user closed a discarded app from the switcher: it is gone.
    bool close_discarded(const std::string& app);
    // The app now in front (none: home, switcher, lock screen): frozen apps
    // brought forward are thawed here, before the frame that shows them.
    void front_changed(const std::optional<std::string>& app);
    // A host says it replays an offline write (cirrus_app_v1.replaying).
    void set_replaying(const std::string& app, bool replaying);
    // Continues a frozen app's processes (before it is closed, or the
    // compositor ends), without bringing it forward.
    void continue_app(const std::string& app);

    // A background app frozen now, not after the profile's delay (the
    // control socket's `freeze`, cirrus dev's f key).
    AppLifecycle::FreezeNow freeze_now(const std::string& app);

    enum class SimulatedPressure { none, moderate, critical };
    // Tests: from now on the policy sees this pressure (none: the real
    // samples again); checks at once. Returns the app being discarded.
    std::optional<std::string> simulate_pressure(SimulatedPressure level);

    // The app's processes' memory, in bytes (PSS where /proc gives it, else
    // RSS), summed; 0 when it has no host.
    std::uint64_t app_memory_bytes(const std::string& app) const;
    // Milliseconds from the last thaw to the next frame an output showed
    // (the app's window, whose last buffer wlroots kept, is in it).
    std::optional<std::uint64_t> thaw_to_frame_ms(const std::string& app) const;
    // Where a discarded app's last frame is kept for its switcher card (the
    // compositor's data, beside the registry: thumbnail.hpp draws it).
    std::filesystem::path frame_path(const std::string& app) const;
    // The apps cgroup (empty when hosts are not in one).
    const std::string& apps_cgroup() const { return apps_cgroup_; }
    // An output committed a frame (for thaw_to_frame_ms).
    void output_frame();

private:
    void schedule();
    void run_tick();
    void sample_pressure();
    void discard(const std::string& app);
    void forget_frame(const std::string& app);
    void set_stopped(const std::string& app, bool stopped);
    MemoryPressure current_pressure() const;
    static int handle_tick(void* data);
    static int handle_poll(void* data);

    Server& server_;
    AppLifecycle policy_;
    wl_event_source* tick_timer_ = nullptr;
    wl_event_source* poll_timer_ = nullptr;
    std::string apps_cgroup_;
    std::filesystem::path frames_dir_;
    SimulatedPressure simulated_ = SimulatedPressure::none;
    struct Thaw {
        std::string app;
        pid_t pid = 0;
        std::uint64_t at_ms = 0;
        std::optional<std::uint64_t> frame_ms;
    };
    std::vector<Thaw> thaws_;
    // pid -> how it was stopped, so that it is continued the same way.
    struct Stopped {
        std::string app;
        std::string cgroup;       // its own cgroup's folder, when frozen there
        std::vector<pid_t> pids;  // else the processes that got SIGSTOP
    };
    std::vector<Stopped> stopped_;
};

}  // namespace cirrus
