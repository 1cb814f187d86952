// What becomes of apps the user put away: each app's lifecycle state (front,
// background, frozen, discarded), when a background app is frozen, and which
// app is discarded when memory runs short. Plain C++: the compositor's glue
// (compositor/lifecycle.*) stops and continues processes, asks hosts to save
// and exit, and samples memory pressure; this decides.
//
// A background app is frozen `freeze_after_ms` after it left the front: first
// its host is told (its page gets visibilitychange and the Page Lifecycle
// `freeze` event), then, `freeze_grace_ms` later, its processes are stopped.
// Under memory pressure the least recently used app that is not in front,
// not already discarded (or being discarded) and not replaying an offline
// write is discarded: its host saves the page's state and exits; the app
// stays listed (the switcher keeps its card) until it is restored or closed.
// One discard at a time, and none within `discard_cooldown_ms` of the last:
// PSI's avg10 stays high for seconds after one spike, which must not cost a
// second app.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cirrus {

enum class Lifecycle { front, background, frozen, discarded };

// "front", "background", "frozen", "discarded": as `cirrusctl apps` says.
const char* lifecycle_name(Lifecycle state);

struct LifecycleConfig {
    // After leaving the front; 0: never frozen.
    std::uint64_t freeze_after_ms = 10000;
    // Between telling the page and stopping its processes.
    std::uint64_t freeze_grace_ms = 300;
    // PSI thresholds (percent of time stalled, avg10); 0: not used.
    double pressure_some_avg10 = 20.0;
    double pressure_full_avg10 = 5.0;
    // All apps' memory: discard above this share of the budget (0 budget:
    // not used) once it has stayed there budget_sustain_ms: a launching
    // app's load peak (decoded images, the parser) passes within a second or
    // two and is no reason to put another app away; memory that stays does.
    // At kImmediateBudgetPercent of the budget, close to where the kernel
    // reclaims and then kills, at once.
    std::uint64_t budget_bytes = 0;
    int discard_above_percent = 85;
    std::uint64_t budget_sustain_ms = 2500;
    // No second discard this soon after the last one ended.
    std::uint64_t discard_cooldown_ms = 5000;
    // A host that has not exited this long after being told to save and
    // exit is no longer waited for (its discard ends, the glue kills it).
    // A host saves and exits in about 1.3 s on a loaded desktop, but the W700
    // boot test under emulation saw one killed at 5 s right after it had
    // saved, and another (inferred) before: a kill loses what the user typed,
    // while waiting longer only holds memory the apps cgroup's memory.max
    // already bounds (reclaim and zram meanwhile). Only a stuck host waits
    // this long.
    std::uint64_t discard_timeout_ms = 15000;
};

inline constexpr int kImmediateBudgetPercent = 95;

// One sample of memory pressure: the apps cgroup's or the system's PSI, and
// the apps' summed memory (0: unknown).
struct MemoryPressure {
    double some_avg10 = 0;
    double full_avg10 = 0;
    std::uint64_t apps_bytes = 0;
    // Pressure whatever the thresholds say (the control socket's simulated
    // pressure, for tests).
    bool forced = false;
};

struct LifecycleEntry {
    std::string app;
    Lifecycle state = Lifecycle::background;
    std::uint64_t background_since_ms = 0;  // when it last left the front (or opened behind it)
    bool freeze_told = false;               // the host heard `freeze`; its stop is due after the grace
    bool freeze_asked = false;              // freeze_now(): frozen at the next tick, whatever the delay
    std::uint64_t freeze_told_ms = 0;
    bool launching = false;   // no window yet: neither frozen nor discarded until it maps
    bool replaying = false;   // its host replays an offline write: never discarded
    bool discarding = false;  // asked to save and exit; not exited yet
    std::uint64_t discard_asked_ms = 0;
};

// What the glue must do now, from tick().
struct LifecycleActions {
    std::vector<std::string> tell_freeze;      // send the host `freeze` (page events), stop later
    std::vector<std::string> stop;             // stop its processes now: it is frozen
    std::vector<std::string> give_up_discard;  // its host did not exit in time: kill it
};

class AppLifecycle {
public:
    explicit AppLifecycle(LifecycleConfig config = {}) : config_(config) {}
    const LifecycleConfig& config() const { return config_; }

    // An app's host started (launch or restore): in front if `front`, else
    // behind. A discarded app opened again is in front from now on.
    // With `launching`, it is left alone (not frozen, not discarded) until
    // mapped() says its window is up.
    void opened(std::string_view app, bool front, std::uint64_t now_ms, bool launching = false);
    void mapped(std::string_view app, std::uint64_t now_ms);
    // The app in front now (none: home screen, switcher, lock screen).
    // Returns the apps that must be continued first (they were frozen, or
    // told to freeze): the glue continues them and tells their pages
    // `resume`.
    std::vector<std::string> set_front(std::optional<std::string_view> app, std::uint64_t now_ms);
    // The app's host ended. If it was being discarded, the app stays,
    // discarded; otherwise it is gone (closed, crashed, killed).
    void host_exited(std::string_view app, std::uint64_t now_ms);
    // The user closed a discarded app (or it was uninstalled): forget it.
    void forget(std::string_view app);
    void set_replaying(std::string_view app, bool replaying);

    // What freeze_now() did: a background app is frozen at the next tick
    // (its page told first, as after the delay); any other state is left.
    enum class FreezeNow { freezing, already_frozen, in_front, launching, discarded, unknown };
    // Freezes a background app now rather than after the profile's delay
    // (`cirrus dev`'s f key: what a user's phone does 10 s after home).
    FreezeNow freeze_now(std::string_view app);

    LifecycleActions tick(std::uint64_t now_ms);
    // When tick() has something to do next; nullopt: nothing is due.
    std::optional<std::uint64_t> next_deadline() const;

    // Whether this sample is pressure enough to discard at once (forced,
    // PSI, or the apps' memory at kImmediateBudgetPercent of the budget).
    bool under_pressure(const MemoryPressure& sample) const;
    // Whether the apps' memory is above discard_above_percent of the budget.
    bool over_budget_line(const MemoryPressure& sample) const;
    // The app to discard for this sample (and it is marked discarding), or
    // none: no pressure, one discard still in flight or just done, or no app
    // may be discarded.
    std::optional<std::string> on_pressure(const MemoryPressure& sample, std::uint64_t now_ms);
    // The least recently used app that may be discarded, whatever the
    // pressure (for tests and the control socket's forced discard).
    std::optional<std::string> discard_candidate() const;
    // Marks it discarding (the glue then asks its host to save and exit).
    bool begin_discard(std::string_view app, std::uint64_t now_ms);

    std::optional<Lifecycle> state(std::string_view app) const;
    const LifecycleEntry* entry(std::string_view app) const;
    const std::vector<LifecycleEntry>& entries() const { return entries_; }

private:
    LifecycleEntry* find(std::string_view app);
    bool freeze_due(const LifecycleEntry& e, std::uint64_t now_ms) const;
    bool discard_in_flight() const;

    LifecycleConfig config_;
    std::vector<LifecycleEntry> entries_;
    std::optional<std::uint64_t> last_discard_end_ms_;
    // Since when the samples have been over the budget's line, unbroken.
    std::optional<std::uint64_t> over_line_since_ms_;
};

}  // namespace cirrus
