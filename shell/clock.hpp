// The status bar's clock: its text, and a timer that fires exactly when the
// minute changes (a CLOCK_REALTIME timerfd armed for the next boundary, which
// the kernel also wakes when the wall clock is set), so that the shell never
// polls.
#pragma once

#include <ctime>
#include <string>

namespace cirrus::shell {

// "HH:MM" in local time.
std::string clock_text(std::time_t when);

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
