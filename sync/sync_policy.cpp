// See sync_policy.hpp.
#include "sync_policy.hpp"

#include <algorithm>

namespace cirrus::sync {

std::optional<LinkQuality> parse_link_quality(std::string_view name) {
    if (name == "offline") return LinkQuality::offline;
    if (name == "2g") return LinkQuality::two_g;
    if (name == "3g") return LinkQuality::three_g;
    if (name == "good") return LinkQuality::good;
    return std::nullopt;
}

std::string_view to_string(LinkQuality link) {
    switch (link) {
    case LinkQuality::offline:
        return "offline";
    case LinkQuality::two_g:
        return "2g";
    case LinkQuality::three_g:
        return "3g";
    case LinkQuality::good:
        return "good";
    }
    return "?";
}

std::string_view to_string(WorkKind kind) { return kind == WorkKind::urgent ? "urgent" : "bulk"; }

std::string_view to_string(Hold hold) {
    switch (hold) {
    case Hold::none:
        return "none";
    case Hold::offline:
        return "offline";
    case Hold::link_too_weak:
        return "link-too-weak";
    case Hold::battery_low:
        return "battery-low";
    case Hold::backing_off:
        return "backing-off";
    case Hold::needs_user:
        return "needs-user";
    }
    return "?";
}

Hold condition_hold(WorkKind kind, const Conditions& conditions, const PolicyConfig& config) {
    if (conditions.link == LinkQuality::offline) return Hold::offline;
    if (kind == WorkKind::urgent) return Hold::none;
    if (conditions.link != LinkQuality::good) return Hold::link_too_weak;
    const Battery& battery = conditions.battery;
    if (battery.present && !battery.charging && battery.percent < config.bulk_min_battery_percent)
        return Hold::battery_low;
    return Hold::none;
}

void Backoff::failed(SyncTime now, bool needs_user) {
    ++failures_;
    needs_user_ = needs_user;
    SyncTime wait = config_.max_backoff;
    if (!needs_user) {
        wait = config_.first_backoff;
        // Doubling, without overflow: stop at the cap.
        for (unsigned i = 1; i < failures_ && wait < config_.max_backoff; ++i) wait *= 2;
        wait = std::min(wait, config_.max_backoff);
    }
    retry_at_ = now + wait;
}

void Backoff::succeeded() {
    failures_ = 0;
    needs_user_ = false;
    retry_at_.reset();
}

void Backoff::forgive_transient() {
    if (needs_user_) return;
    retry_at_.reset();
}

Scheduler::Scheduler(PolicyConfig config) : config_(config), backoff_{Backoff(config), Backoff(config)} {}

void Scheduler::set_conditions(const Conditions& conditions, SyncTime now) {
    const bool link_better = conditions.link > conditions_.link;
    conditions_ = conditions;
    // A failure without an answer on a weak link was most likely the link's.
    if (link_better)
        for (Backoff& backoff : backoff_) backoff.forgive_transient();
    update_hold(now);
}

void Scheduler::set_pending(WorkKind kind, bool pending) { pending_[index(kind)] = pending; }

std::optional<WorkKind> Scheduler::next(SyncTime now) {
    update_hold(now);
    if (status_.active) return std::nullopt;
    for (WorkKind kind : kWorkKinds) {
        if (!pending(kind)) continue;
        if (condition_hold(kind, conditions_, config_) != Hold::none) continue;
        if (!backoff_[index(kind)].ready(now)) continue;
        return kind;
    }
    return std::nullopt;
}

bool Scheduler::may_continue(WorkKind kind) const { return condition_hold(kind, conditions_, config_) == Hold::none; }

void Scheduler::started(WorkKind, std::string activity) {
    status_.active = true;
    status_.activity = std::move(activity);
    status_.hold = Hold::none;
    status_.held_kind.reset();
}

void Scheduler::progress(std::string activity) { status_.activity = std::move(activity); }

void Scheduler::finished(WorkKind kind, Outcome outcome, std::string error, SyncTime now, WallSeconds wall_now) {
    status_.active = false;
    status_.activity.clear();
    Backoff& backoff = backoff_[index(kind)];
    if (outcome == Outcome::done) {
        backoff.succeeded();
        status_.last_success = wall_now;
        status_.last_error.clear();
    } else {
        backoff.failed(now, outcome == Outcome::needs_user);
        status_.last_error = std::move(error);
    }
    update_hold(now);
}

void Scheduler::update_hold(SyncTime now) {
    if (status_.active) return;
    status_.hold = Hold::none;
    status_.held_kind.reset();
    status_.retry_at.reset();
    // The first pending kind that waits says why (urgent before bulk).
    for (WorkKind kind : kWorkKinds) {
        if (!pending(kind)) continue;
        const Backoff& backoff = backoff_[index(kind)];
        Hold hold = condition_hold(kind, conditions_, config_);
        if (hold == Hold::none && !backoff.ready(now))
            hold = backoff.needs_user() ? Hold::needs_user : Hold::backing_off;
        if (hold == Hold::none) continue;
        if (status_.hold == Hold::none) {
            status_.hold = hold;
            status_.held_kind = kind;
            status_.retry_at = backoff.ready(now) ? std::nullopt : backoff.retry_at();
        }
    }
}

std::optional<SyncTime> Scheduler::wake_at() const {
    std::optional<SyncTime> earliest;
    for (WorkKind kind : kWorkKinds) {
        if (!pending(kind)) continue;
        if (condition_hold(kind, conditions_, config_) != Hold::none) continue;
        const auto retry = backoff_[index(kind)].retry_at();
        if (retry && (!earliest || *retry < *earliest)) earliest = retry;
    }
    return earliest;
}

}  // namespace cirrus::sync
