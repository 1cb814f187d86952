#include "clock.hpp"

#include <cerrno>
#include <cstdint>
#include <system_error>

#include <sys/timerfd.h>
#include <unistd.h>

namespace cirrus::shell {

std::string clock_text(std::time_t when) {
    std::tm local{};
    if (!localtime_r(&when, &local)) return "--:--";
    char text[8];
    if (std::strftime(text, sizeof(text), "%H:%M", &local) == 0) return "--:--";
    return text;
}

std::string long_date_pattern(std::string_view locale) {
    const std::string_view language = locale.substr(0, locale.find_first_of("_.@"));
    const std::string_view region = locale.size() > language.size() && locale[language.size()] == '_'
                                        ? locale.substr(language.size() + 1, 2)
                                        : std::string_view();
    // %-d and %-m (no padding) are glibc's.
    if (language == "zh" || language == "ja") return "%-m\u6708%-d\u65e5 %A";  // 7月14日 星期二
    if (language == "ko") return "%-m\uc6d4 %-d\uc77c %A";                     // 7월 14일 화요일
    if (language == "en" && (region == "US" || region == "CA" || region == "PH")) return "%A, %B %-d";
    if (language == "de") return "%A, %-d. %B";
    return "%A %-d %B";  // most of Europe, and C
}

std::string long_date_text(std::time_t when, std::string_view locale) {
    std::tm local{};
    if (!localtime_r(&when, &local)) return "";
    char text[128];
    const std::string pattern = long_date_pattern(locale);
    if (std::strftime(text, sizeof(text), pattern.c_str(), &local) == 0) return "";
    return text;
}

std::time_t next_minute(std::time_t when) {
    // Time zones differ from UTC by whole minutes (all current ones do), so
    // the local minute changes when the Unix time does.
    return (when / 60 + 1) * 60;
}

MinuteTimer::MinuteTimer() {
    fd_ = timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC | TFD_NONBLOCK);
    if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "timerfd_create(CLOCK_REALTIME)");
    rearm();
}

MinuteTimer::~MinuteTimer() {
    if (fd_ >= 0) close(fd_);
}

void MinuteTimer::rearm() {
    std::uint64_t expirations = 0;
    // EAGAIN: nothing to drain (first arm); ECANCELED: the clock was set.
    (void)!read(fd_, &expirations, sizeof(expirations));
    itimerspec spec{};
    spec.it_value.tv_sec = next_minute(std::time(nullptr));
    // CANCEL_ON_SET: a wall-clock change (NTP, the user) wakes us at once, so
    // the clock does not show a stale minute until the old boundary.
    if (timerfd_settime(fd_, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &spec, nullptr) != 0) {
        throw std::system_error(errno, std::generic_category(), "timerfd_settime");
    }
}

}  // namespace cirrus::shell
