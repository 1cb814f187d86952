// When the sync service may move the phone's data to the user's cloud, as
// plain C++ with no clock and no I/O: every call carries the time, so the
// unit tests are deterministic (tests/sync/test_sync_policy.cpp). The
// service (main.cpp) is the glue that reads the link and the battery, runs
// the work this allows, and writes the status this keeps.
//
// Two kinds of work:
//  - urgent: small changes the user expects elsewhere soon (one contact, one
//    note; a few KB). They go on any link that carries data, 2g included: a
//    one-contact change is worth a slow link, and waiting for a good one
//    could mean hours.
//  - bulk: photos and backups (MBs). Only on a good link (the link
//    estimator's "good": 4 Mbit/s or more, under 150 ms; Wi-Fi or LTE): a 5 MB
//    photo would hold a 3G link's 750 kbit/s uplink for a minute, starving the
//    user's own pages. On battery, bulk also waits for 30% or a charger: the
//    radio at full power for minutes is what drains a phone.
// Nothing at all while offline.
//
// Errors back off exponentially per kind: 30 s, doubling, at most an hour;
// any success resets it. An error that the user must fix (a refused
// password, a full server) holds that kind at the cap and says what to do.
// A transient error (no answer) that came while the link was weak is
// forgiven when the link comes back: the next try is at once.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cirrus::sync {

// Monotonic milliseconds (the glue's steady clock).
using SyncTime = std::chrono::milliseconds;
// Wall-clock seconds since the epoch, for "last succeeded at" shown to users.
using WallSeconds = std::int64_t;

// The classes the compositor's link estimator publishes
// (compositor/policy/link_estimator.hpp): "offline", "2g", "3g", "good".
enum class LinkQuality { offline, two_g, three_g, good };
std::optional<LinkQuality> parse_link_quality(std::string_view name);
std::string_view to_string(LinkQuality link);

struct Battery {
    bool present = false;  // no battery (a desktop, the emulator): as on mains
    bool charging = false;
    int percent = 100;
};

struct Conditions {
    LinkQuality link = LinkQuality::three_g;  // the estimator's prior: the target's usual link
    Battery battery;
};

enum class WorkKind { urgent, bulk };
inline constexpr std::array kWorkKinds{WorkKind::urgent, WorkKind::bulk};
std::string_view to_string(WorkKind kind);

// Why work that is pending does not run now.
enum class Hold {
    none,
    offline,        // no link
    link_too_weak,  // bulk on 2g or 3g
    battery_low,    // bulk on battery below the threshold
    backing_off,    // after an error, until retry_at
    needs_user,     // an error only the user can fix (password, full server)
};
std::string_view to_string(Hold hold);

struct PolicyConfig {
    int bulk_min_battery_percent = 30;
    SyncTime first_backoff = std::chrono::seconds(30);
    SyncTime max_backoff = std::chrono::hours(1);
};

// May this kind of work start under these conditions (back-off aside)?
Hold condition_hold(WorkKind kind, const Conditions& conditions, const PolicyConfig& config = {});

// The back-off of one kind of work.
class Backoff {
public:
    explicit Backoff(PolicyConfig config = {}) : config_(config) {}
    // `needs_user`: wait the longest (the cap) and say so.
    void failed(SyncTime now, bool needs_user);
    void succeeded();
    // Forgets a transient failure: the next try may be at once.
    void forgive_transient();
    bool ready(SyncTime now) const { return !retry_at_ || now >= *retry_at_; }
    std::optional<SyncTime> retry_at() const { return retry_at_; }
    unsigned failures() const { return failures_; }
    bool needs_user() const { return needs_user_; }

private:
    PolicyConfig config_;
    unsigned failures_ = 0;
    bool needs_user_ = false;
    std::optional<SyncTime> retry_at_;
};

enum class Outcome { done, transient_error, needs_user };

// What the service is doing, for the status bar's icon (active) and
// Settings' line ("Photos: 3 uploaded, last at 14:02"; "Waiting for a good
// link"; "The server refused the password: ...").
struct SyncStatus {
    bool active = false;
    std::string activity;  // "uploading photos: IMG_0001.jpg 3.0 of 5.0 MB"; "" when idle
    Hold hold = Hold::none;
    std::optional<WorkKind> held_kind;
    std::optional<WallSeconds> last_success;
    std::string last_error;  // "" after a success
    std::optional<SyncTime> retry_at;
};

// Which pending work runs next. One piece at a time: the radio is one.
class Scheduler {
public:
    explicit Scheduler(PolicyConfig config = {});

    void set_conditions(const Conditions& conditions, SyncTime now);
    const Conditions& conditions() const { return conditions_; }
    void set_pending(WorkKind kind, bool pending);
    bool pending(WorkKind kind) const { return pending_[index(kind)]; }

    // The kind that may start now (urgent first), or nullopt; status() then
    // says why pending work waits.
    std::optional<WorkKind> next(SyncTime now);
    // Whether work of this kind, once started, may go on (checked between
    // chunks: a link that turns weak stops a bulk upload at a chunk's end).
    bool may_continue(WorkKind kind) const;

    void started(WorkKind kind, std::string activity);
    void progress(std::string activity);
    void finished(WorkKind kind, Outcome outcome, std::string error, SyncTime now, WallSeconds wall_now);

    const SyncStatus& status() const { return status_; }
    const Backoff& backoff(WorkKind kind) const { return backoff_[index(kind)]; }
    // When to look again with nothing else happening: the earliest retry of
    // pending work, or nullopt (wait for a change: a new file, a new link).
    std::optional<SyncTime> wake_at() const;

private:
    static std::size_t index(WorkKind kind) { return kind == WorkKind::urgent ? 0 : 1; }
    void update_hold(SyncTime now);

    PolicyConfig config_;
    Conditions conditions_;
    std::array<bool, 2> pending_{};
    std::array<Backoff, 2> backoff_;
    SyncStatus status_;
};

}  // namespace cirrus::sync
