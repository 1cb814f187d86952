// The status bar's clock: its text, and a timer that fires exactly when the
// minute changes (a CLOCK_REALTIME timerfd armed for the next boundary, which
// the kernel also wakes when the wall clock is set), so that the shell never
// polls.
#pragma once

#include <ctime>
#include <string>
#include <string_view>

namespace cirrus::shell {

// "HH:MM" in local time.
std::string clock_text(std::time_t when);

// The strftime pattern of a long date without the year (the lock screen's
// "Tuesday 14 July") for an LC_TIME locale name such as "zh_CN.UTF-8" or
// "C": in the order its language writes dates. The names of days and months
// come from the locale itself when formatting.
std::string long_date_pattern(std::string_view locale_name);
// `when` in local time, formatted with that pattern (in the current LC_TIME).
std::string long_date_text(std::time_t when, std::string_view locale_name);

// The first second of the minute after `when` (Unix time).
std::time_t next_minute(std::time_t when);

// A timerfd that becomes readable at every minute boundary.
class MinuteTimer {
public:
    MinuteTimer();  // throws std::system_error if the kernel refuses the timer
    ~MinuteTimer();
    MinuteTimer(const MinuteTimer&) = delete;
    MinuteTimer& operator=(const MinuteTimer&) = delete;

    int fd() const { return fd_; }
    // Call when fd() is readable: drains it and arms the next boundary.
    // Also right after a wall-clock change (the read fails with ECANCELED).
    void rearm();

private:
    int fd_ = -1;
};

}  // namespace cirrus::shell
