#include "handoff_gate.hpp"

namespace cirrus {

void HandoffGate::user_action(const std::string& app, std::uint64_t now_ms) {
    if (!app.empty()) last_action_ms_[app] = now_ms;
}

void HandoffGate::forget(const std::string& app) { last_action_ms_.erase(app); }

HandoffVerdict HandoffGate::decide(const std::string& from_app, const std::string& front_app, std::uint64_t now_ms) {
    if (from_app.empty() || from_app != front_app) return HandoffVerdict::banner;
    const auto it = last_action_ms_.find(from_app);
    if (it == last_action_ms_.end()) return HandoffVerdict::banner;
    // A time ahead of now cannot come from our own monotonic clock: no credit.
    const bool recent = it->second <= now_ms && now_ms - it->second <= kHandoffInputWindowMs;
    last_action_ms_.erase(it);
    return recent ? HandoffVerdict::to_front : HandoffVerdict::banner;
}

}  // namespace cirrus
