// When the phone checks its installed hosted apps for updates (issue 20
// item 5), as plain C++: only on a good link (a 3g or worse link is the
// user's data and time), only when the phone is idle (no touch or key for a
// while, or the screen off: the check's downloads and precaching must not
// slow what the user is doing), at most once an interval, and after a
// check that failed (the link went, an origin was down) again only after a
// back-off that doubles up to a bound. The glue (app_install.cpp) asks
// due() once a minute and runs `cirrus update --json`; what a check then
// does with each app is launcher/update_policy.hpp's.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "link_estimator.hpp"

namespace cirrus {

struct UpdateScheduleConfig {
    using Duration = std::chrono::steady_clock::duration;
    Duration first_check = std::chrono::minutes(10);  // after the compositor starts
    Duration interval = std::chrono::hours(24);       // after a check that ran whole
    Duration idle_for = std::chrono::minutes(2);      // no input for this long (or the screen off)
    Duration retry_first = std::chrono::minutes(15);  // after a failed check, doubling...
    Duration retry_max = std::chrono::hours(6);       // ...up to this
};

// What the phone is doing now.
struct UpdateConditions {
    LinkClass link = LinkClass::offline;
    std::chrono::steady_clock::duration since_input{};
    bool screen_off = false;
    bool busy = false;  // a sheet is up, or an install runs: one thing at a time
};

class UpdateSchedule {
public:
    using Clock = std::chrono::steady_clock;
    UpdateSchedule(UpdateScheduleConfig config, Clock::time_point start);

    // Why no check starts now ("" when one is due): "running", "not yet",
    // "link" (not good), "not idle", "busy".
    std::string_view wait_reason(Clock::time_point now, const UpdateConditions& conditions) const;
    bool due(Clock::time_point now, const UpdateConditions& conditions) const {
        return wait_reason(now, conditions).empty();
    }

    void started(Clock::time_point now);
    // `ran_whole`: every app was checked (an app needing confirmation counts
    // as checked); false: the next check waits the back-off.
    void finished(Clock::time_point now, bool ran_whole);

    bool running() const { return running_; }
    Clock::time_point next_check() const { return next_; }
    Clock::duration current_backoff() const { return backoff_; }

private:
    UpdateScheduleConfig config_;
    Clock::time_point next_;
    Clock::duration backoff_;
    bool running_ = false;
};

}  // namespace cirrus
