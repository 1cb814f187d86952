// When the phone checks its hosted apps for updates: a good link, idle,
// an interval, a back-off after a failure (compositor/policy/update_schedule).
#include <doctest/doctest.h>

#include "update_schedule.hpp"

using namespace cirrus;
using namespace std::chrono_literals;

namespace {

const UpdateSchedule::Clock::time_point kStart{std::chrono::hours(1000)};

UpdateConditions idle_on(LinkClass link) { return {link, 10min, false, false}; }

}  // namespace

TEST_CASE("update checks wait for the first delay, a good link and an idle phone") {
    UpdateSchedule schedule({}, kStart);
    CHECK(schedule.wait_reason(kStart + 5min, idle_on(LinkClass::good)) == "not yet");
    const auto later = kStart + 11min;
    CHECK(schedule.due(later, idle_on(LinkClass::good)));
    CHECK(schedule.wait_reason(later, idle_on(LinkClass::three_g)) == "link");
    CHECK(schedule.wait_reason(later, idle_on(LinkClass::two_g)) == "link");
    CHECK(schedule.wait_reason(later, idle_on(LinkClass::offline)) == "link");
    // In use: a touch 30 s ago; the screen off counts as idle whatever the input.
    CHECK(schedule.wait_reason(later, {LinkClass::good, 30s, false, false}) == "not idle");
    CHECK(schedule.due(later, {LinkClass::good, 30s, true, false}));
    CHECK(schedule.wait_reason(later, {LinkClass::good, 10min, false, true}) == "busy");
}

TEST_CASE("a check that ran waits the interval; one at a time") {
    UpdateSchedule schedule({}, kStart);
    const auto t = kStart + 11min;
    schedule.started(t);
    CHECK(schedule.wait_reason(t + 1min, idle_on(LinkClass::good)) == "running");
    schedule.finished(t + 1min, true);
    CHECK(schedule.next_check() == t + 1min + 24h);
    CHECK(schedule.wait_reason(t + 23h, idle_on(LinkClass::good)) == "not yet");
    CHECK(schedule.due(t + 1min + 24h, idle_on(LinkClass::good)));
}

TEST_CASE("a failed check backs off, doubling up to the bound; a whole one resets it") {
    UpdateScheduleConfig config;
    UpdateSchedule schedule(config, kStart);
    auto t = kStart + 11min;
    std::chrono::steady_clock::duration expected = 15min;
    for (int i = 0; i < 8; ++i) {
        schedule.started(t);
        schedule.finished(t, false);
        CHECK(schedule.next_check() == t + expected);
        t = schedule.next_check();
        expected = std::min<std::chrono::steady_clock::duration>(expected * 2, 6h);
    }
    CHECK(schedule.current_backoff() == 6h);
    schedule.started(t);
    schedule.finished(t, true);
    CHECK(schedule.next_check() == t + 24h);
    CHECK(schedule.current_backoff() == 15min);
}
