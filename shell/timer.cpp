#include "timer.hpp"

#include <cerrno>
#include <cstdint>
#include <system_error>

#include <sys/timerfd.h>
#include <unistd.h>

namespace cirrus::shell {

Timer::Timer() {
    fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "timerfd_create(CLOCK_MONOTONIC)");
}

Timer::~Timer() {
    if (fd_ >= 0) close(fd_);
}

void Timer::arm(int delay_ms) {
    itimerspec spec{};
    // 0 would disarm: the shortest real delay is 1 ns.
    spec.it_value.tv_sec = delay_ms / 1000;
    spec.it_value.tv_nsec = delay_ms > 0 ? static_cast<long>(delay_ms % 1000) * 1'000'000 : 1;
    if (timerfd_settime(fd_, 0, &spec, nullptr) != 0) {
        throw std::system_error(errno, std::generic_category(), "timerfd_settime");
    }
    armed_ = true;
}

void Timer::disarm() {
    itimerspec spec{};
    timerfd_settime(fd_, 0, &spec, nullptr);
    armed_ = false;
}

bool Timer::consume() {
    std::uint64_t expirations = 0;
    if (read(fd_, &expirations, sizeof(expirations)) != static_cast<ssize_t>(sizeof(expirations))) return false;
    armed_ = false;
    return expirations > 0;
}

}  // namespace cirrus::shell
