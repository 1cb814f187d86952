#include "app_lifecycle.hpp"

#include <algorithm>

namespace cirrus {

const char* lifecycle_name(Lifecycle state) {
    switch (state) {
    case Lifecycle::front:
        return "front";
    case Lifecycle::background:
        return "background";
    case Lifecycle::frozen:
        return "frozen";
    case Lifecycle::discarded:
        return "discarded";
    }
    return "unknown";
}

LifecycleEntry* AppLifecycle::find(std::string_view app) {
    auto it = std::find_if(entries_.begin(), entries_.end(), [app](const LifecycleEntry& e) { return e.app == app; });
    return it == entries_.end() ? nullptr : &*it;
}

const LifecycleEntry* AppLifecycle::entry(std::string_view app) const {
    auto it = std::find_if(entries_.begin(), entries_.end(), [app](const LifecycleEntry& e) { return e.app == app; });
    return it == entries_.end() ? nullptr : &*it;
}

std::optional<Lifecycle> AppLifecycle::state(std::string_view app) const {
    const LifecycleEntry* e = entry(app);
    return e ? std::optional(e->state) : std::nullopt;
}

void AppLifecycle::opened(std::string_view app, bool front, std::uint64_t now_ms, bool launching) {
    LifecycleEntry* e = find(app);
    if (!e) e = &entries_.emplace_back(LifecycleEntry{std::string(app)});
    *e = LifecycleEntry{std::string(app)};  // a new host: nothing of the old one holds
    if (front) {
        for (LifecycleEntry& other : entries_) {
            if (other.state == Lifecycle::front) {
                other.state = Lifecycle::background;
                other.background_since_ms = now_ms;
            }
        }
    }
    e->state = front ? Lifecycle::front : Lifecycle::background;
    e->background_since_ms = now_ms;
    e->launching = launching;
}

void AppLifecycle::mapped(std::string_view app, std::uint64_t now_ms) {
    LifecycleEntry* e = find(app);
    if (!e || !e->launching) return;
    e->launching = false;
    // Its delay starts when it could first have been seen.
    if (e->state == Lifecycle::background) e->background_since_ms = now_ms;
}

std::vector<std::string> AppLifecycle::set_front(std::optional<std::string_view> app, std::uint64_t now_ms) {
    std::vector<std::string> resume;
    for (LifecycleEntry& e : entries_) {
        const bool is_front = app && e.app == *app;
        if (is_front) {
            if (e.state == Lifecycle::discarded) continue;  // no host: a launch restores it
            if (e.state == Lifecycle::frozen || e.freeze_told) resume.push_back(e.app);
            e.state = Lifecycle::front;
            e.freeze_told = false;
            e.freeze_asked = false;
        } else if (e.state == Lifecycle::front) {
            e.state = Lifecycle::background;
            e.background_since_ms = now_ms;
        }
    }
    return resume;
}

void AppLifecycle::host_exited(std::string_view app, std::uint64_t now_ms) {
    LifecycleEntry* e = find(app);
    if (!e) return;
    if (e->discarding) {
        e->discarding = false;
        e->state = Lifecycle::discarded;
        e->freeze_told = false;
        e->freeze_asked = false;
        e->replaying = false;
        last_discard_end_ms_ = now_ms;
        return;
    }
    forget(app);
}

void AppLifecycle::forget(std::string_view app) {
    std::erase_if(entries_, [app](const LifecycleEntry& e) { return e.app == app; });
}

void AppLifecycle::set_replaying(std::string_view app, bool replaying) {
    if (LifecycleEntry* e = find(app)) e->replaying = replaying;
}

AppLifecycle::FreezeNow AppLifecycle::freeze_now(std::string_view app) {
    LifecycleEntry* e = find(app);
    if (!e) return FreezeNow::unknown;
    if (e->discarding || e->state == Lifecycle::discarded) return FreezeNow::discarded;
    if (e->state == Lifecycle::frozen) return FreezeNow::already_frozen;
    if (e->state == Lifecycle::front) return FreezeNow::in_front;
    if (e->launching) return FreezeNow::launching;
    e->freeze_asked = true;
    return FreezeNow::freezing;
}

// Whether a background app's page is due to hear `freeze`.
bool AppLifecycle::freeze_due(const LifecycleEntry& e, std::uint64_t now_ms) const {
    return e.freeze_asked ||
           (config_.freeze_after_ms != 0 && now_ms >= e.background_since_ms + config_.freeze_after_ms);
}

LifecycleActions AppLifecycle::tick(std::uint64_t now_ms) {
    LifecycleActions actions;
    for (LifecycleEntry& e : entries_) {
        if (e.discarding) {
            if (now_ms >= e.discard_asked_ms + config_.discard_timeout_ms) {
                actions.give_up_discard.push_back(e.app);
                e.discard_asked_ms = now_ms;  // asked once per timeout, not on every tick
            }
            continue;
        }
        if (e.state != Lifecycle::background || e.launching) continue;
        if (!e.freeze_told && freeze_due(e, now_ms)) {
            e.freeze_told = true;
            e.freeze_asked = false;
            e.freeze_told_ms = now_ms;
            actions.tell_freeze.push_back(e.app);
        }
        if (e.freeze_told && now_ms >= e.freeze_told_ms + config_.freeze_grace_ms) {
            e.freeze_told = false;
            e.state = Lifecycle::frozen;
            actions.stop.push_back(e.app);
        }
    }
    return actions;
}

std::optional<std::uint64_t> AppLifecycle::next_deadline() const {
    std::optional<std::uint64_t> next;
    const auto consider = [&next](std::uint64_t at) { next = next ? std::min(*next, at) : at; };
    for (const LifecycleEntry& e : entries_) {
        if (e.discarding) {
            consider(e.discard_asked_ms + config_.discard_timeout_ms);
        } else if (e.state == Lifecycle::background && !e.launching) {
            if (e.freeze_told) {
                consider(e.freeze_told_ms + config_.freeze_grace_ms);
            } else if (e.freeze_asked) {
                consider(0);  // at once
            } else if (config_.freeze_after_ms != 0) {
                consider(e.background_since_ms + config_.freeze_after_ms);
            }
        }
    }
    return next;
}

namespace {

// Integer arithmetic: bytes * percent stays far below 2^64 for any phone's
// memory.
bool at_percent(std::uint64_t bytes, std::uint64_t budget, int percent) {
    return budget > 0 && bytes > 0 && bytes * 100 >= budget * static_cast<std::uint64_t>(percent);
}

}  // namespace

bool AppLifecycle::under_pressure(const MemoryPressure& sample) const {
    if (sample.forced) return true;
    if (config_.pressure_some_avg10 > 0 && sample.some_avg10 >= config_.pressure_some_avg10) return true;
    if (config_.pressure_full_avg10 > 0 && sample.full_avg10 >= config_.pressure_full_avg10) return true;
    return at_percent(sample.apps_bytes, config_.budget_bytes,
                      std::max(config_.discard_above_percent, kImmediateBudgetPercent));
}

bool AppLifecycle::over_budget_line(const MemoryPressure& sample) const {
    return at_percent(sample.apps_bytes, config_.budget_bytes, config_.discard_above_percent);
}

bool AppLifecycle::discard_in_flight() const {
    return std::any_of(entries_.begin(), entries_.end(), [](const LifecycleEntry& e) { return e.discarding; });
}

std::optional<std::string> AppLifecycle::discard_candidate() const {
    const LifecycleEntry* best = nullptr;
    for (const LifecycleEntry& e : entries_) {
        if (e.state == Lifecycle::front || e.state == Lifecycle::discarded || e.discarding || e.replaying ||
            e.launching)
            continue;
        if (!best || e.background_since_ms < best->background_since_ms) best = &e;
    }
    return best ? std::optional(best->app) : std::nullopt;
}

bool AppLifecycle::begin_discard(std::string_view app, std::uint64_t now_ms) {
    LifecycleEntry* e = find(app);
    if (!e || e->state == Lifecycle::front || e->state == Lifecycle::discarded || e->discarding || e->replaying ||
        e->launching) {
        return false;
    }
    e->discarding = true;
    e->discard_asked_ms = now_ms;
    e->freeze_told = false;
    e->freeze_asked = false;
    return true;
}

std::optional<std::string> AppLifecycle::on_pressure(const MemoryPressure& sample, std::uint64_t now_ms) {
    if (!over_budget_line(sample)) {
        over_line_since_ms_.reset();
    } else if (!over_line_since_ms_) {
        over_line_since_ms_ = now_ms;
    }
    const bool sustained = over_line_since_ms_ && now_ms - *over_line_since_ms_ >= config_.budget_sustain_ms;
    if (!(under_pressure(sample) || sustained) || discard_in_flight()) return std::nullopt;
    if (last_discard_end_ms_ && now_ms < *last_discard_end_ms_ + config_.discard_cooldown_ms) return std::nullopt;
    auto app = discard_candidate();
    if (app) begin_discard(*app, now_ms);
    return app;
}

}  // namespace cirrus
