#include "update_schedule.hpp"

#include <algorithm>

namespace cirrus {

UpdateSchedule::UpdateSchedule(UpdateScheduleConfig config, Clock::time_point start)
    : config_(config), next_(start + config.first_check), backoff_(config.retry_first) {}

std::string_view UpdateSchedule::wait_reason(Clock::time_point now, const UpdateConditions& conditions) const {
    if (running_) return "running";
    if (now < next_) return "not yet";
    if (conditions.link != LinkClass::good) return "link";
    if (!conditions.screen_off && conditions.since_input < config_.idle_for) return "not idle";
    if (conditions.busy) return "busy";
    return "";
}

void UpdateSchedule::started(Clock::time_point) { running_ = true; }

void UpdateSchedule::finished(Clock::time_point now, bool ran_whole) {
    running_ = false;
    if (ran_whole) {
        next_ = now + config_.interval;
        backoff_ = config_.retry_first;
        return;
    }
    next_ = now + backoff_;
    backoff_ = std::min<Clock::duration>(backoff_ * 2, config_.retry_max);
}

}  // namespace cirrus
