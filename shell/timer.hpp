// A one-shot CLOCK_MONOTONIC timerfd for the event loop: short delays such
// as coalescing a burst of registry changes, or un-pressing an icon whose
// launch never answered. Disarmed, it costs no wake-ups.
#pragma once

namespace cirrus::shell {

class Timer {
public:
    Timer();  // throws std::system_error
    ~Timer();
    Timer(const Timer&) = delete;
    Timer& operator=(const Timer&) = delete;

    int fd() const { return fd_; }
    void arm(int delay_ms);  // replaces a pending expiry
    void disarm();
    bool armed() const { return armed_; }
    // Call when fd() is readable: true if it expired (and is now disarmed).
    bool consume();

private:
    int fd_ = -1;
    bool armed_ = false;
};

}  // namespace cirrus::shell
