// The lock screen's models: the swipe that unlocks (how far, how fast, a
// tap, a cancel, the slide away), its geometry at phone sizes, and the
// long date's pattern per language.
#include <doctest/doctest.h>

#include <ctime>

#include "clock.hpp"
#include "lock_model.hpp"

using namespace cirrus::shell;

namespace {

// A drag from y0 to y1 over `ms`, in 10 ms steps, starting at t0.
void drag(LockSwipe& s, double y0, double y1, std::uint32_t ms, std::uint32_t t0 = 1000) {
    s.begin(240, y0, t0);
    const int steps = static_cast<int>(ms / 10);
    for (int i = 1; i <= steps; ++i) s.move(240, y0 + (y1 - y0) * i / steps, t0 + static_cast<std::uint32_t>(i) * 10);
}

}  // namespace

TEST_CASE("a slow swipe past a quarter of the height unlocks, and the screen slides the rest of the way") {
    LockSwipe s(800);
    drag(s, 700, 480, 1000);  // 220 px in a second: slow, but more than 200
    CHECK(s.offset(2000) == doctest::Approx(220));
    CHECK(s.end(2000) == LockSwipe::Outcome::unlock);
    CHECK(s.unlocking());
    CHECK(s.is_animating(2001));
    const double mid = s.offset(2100);
    CHECK(mid > 220);
    CHECK(mid < 800);
    CHECK_FALSE(s.gone(2100));
    CHECK(s.offset(2000 + 220) == doctest::Approx(800));
    CHECK(s.gone(2000 + 220));
    CHECK_FALSE(s.is_animating(2000 + 220));
}

TEST_CASE("a slow swipe short of a quarter slides back down") {
    LockSwipe s(800);
    drag(s, 700, 520, 1000);  // 180 px, slowly
    CHECK(s.end(2000) == LockSwipe::Outcome::stay);
    CHECK_FALSE(s.unlocking());
    CHECK(s.offset(2000) == doctest::Approx(180));
    CHECK(s.offset(2100) < 180);
    CHECK(s.offset(2300) == doctest::Approx(0));
    CHECK_FALSE(s.gone(3000));
}

TEST_CASE("a fast flick unlocks from a short distance, but not from a twitch") {
    LockSwipe flick(800);
    drag(flick, 700, 620, 80);  // 80 px in 80 ms: 1000 px/s
    CHECK(flick.end(1080) == LockSwipe::Outcome::unlock);
    CHECK(flick.release_velocity() == doctest::Approx(1000));

    LockSwipe twitch(800);
    drag(twitch, 700, 680, 20);  // fast, but only 20 px
    CHECK(twitch.end(1020) == LockSwipe::Outcome::stay);
}

TEST_CASE("a finger that stops before lifting has no flick left") {
    LockSwipe s(800);
    drag(s, 700, 620, 80);   // a fast start...
    s.move(240, 620, 1300);  // ...then it rests 220 ms
    CHECK(s.end(1300) == LockSwipe::Outcome::stay);
    CHECK(s.release_velocity() == doctest::Approx(0));
}

TEST_CASE("pulling down does not move the screen; a touch that stays put is a tap") {
    LockSwipe s(800);
    drag(s, 300, 500, 200);
    CHECK(s.offset(1200) == doctest::Approx(0));
    CHECK(s.end(1200) == LockSwipe::Outcome::stay);

    LockSwipe tap(800);
    tap.begin(100, 300, 5000);
    tap.move(104, 303, 5050);
    CHECK(tap.end(5080) == LockSwipe::Outcome::tap);
    CHECK(tap.offset(5080) == doctest::Approx(0));
}

TEST_CASE("a cancelled touch never unlocks; a slide away from a tap goes all the way") {
    LockSwipe s(800);
    drag(s, 700, 100, 100);
    s.cancel(1100);
    CHECK_FALSE(s.unlocking());
    CHECK(s.offset(1400) == doctest::Approx(0));

    s.slide_away(2000);
    CHECK(s.unlocking());
    CHECK(s.offset(2000 + 220) == doctest::Approx(800));
    CHECK(s.gone(2000 + 220));
    s.reset();
    CHECK_FALSE(s.unlocking());
    CHECK(s.offset(3000) == doctest::Approx(0));
}

TEST_CASE("a finger catches the screen while it slides back, and that is no tap") {
    LockSwipe s(800);
    drag(s, 700, 540, 1000);
    REQUIRE(s.end(2000) == LockSwipe::Outcome::stay);
    const double caught = s.offset(2050);
    s.begin(240, 600, 2050);
    CHECK(s.offset(2050) == doctest::Approx(caught));
    CHECK(s.end(2060) == LockSwipe::Outcome::stay);
}

TEST_CASE("times that wrap around do not confuse the swipe") {
    LockSwipe s(800);
    const std::uint32_t t0 = 0xffffff00u;
    drag(s, 700, 400, 200, t0);
    CHECK(s.end(t0 + 200) == LockSwipe::Outcome::unlock);
    CHECK(s.gone(t0 + 200 + 220));
}

TEST_CASE("the lock screen's parts stack from the top at 480x800, 320x480 and in landscape") {
    for (auto [w, h] : {std::pair{480, 800}, std::pair{320, 480}, std::pair{800, 480}, std::pair{720, 1440}}) {
        CAPTURE(w);
        CAPTURE(h);
        const LockGeometry g = compute_lock_geometry(w, h);
        CHECK(g.time.y >= 24);
        CHECK(g.date.y >= g.time.y + g.time.height);
        CHECK(g.list.y >= g.date.y + g.date.height);
        CHECK(g.hint.y >= g.list.y + g.list.height);
        CHECK(g.hint.y + g.hint.height <= h);
        CHECK(g.time_font_px >= 40);
        CHECK(g.rows_that_fit() >= 1);
        const Box last = g.row(g.rows_that_fit() - 1);
        CHECK(last.y + last.height <= g.list.y + g.list.height);
        CHECK(g.row(g.rows_that_fit()).empty());
    }
    CHECK(compute_lock_geometry(480, 800).rows_that_fit() >= 5);
}

TEST_CASE("the long date follows the language's order; names come from the locale") {
    CHECK(long_date_pattern("C") == "%A %-d %B");
    CHECK(long_date_pattern("en_GB.UTF-8") == "%A %-d %B");
    CHECK(long_date_pattern("en_US.UTF-8") == "%A, %B %-d");
    CHECK(long_date_pattern("de_DE.UTF-8") == "%A, %-d. %B");
    CHECK(long_date_pattern("zh_CN.UTF-8") == "%-m\u6708%-d\u65e5 %A");
    CHECK(long_date_pattern("ja_JP") == "%-m\u6708%-d\u65e5 %A");
    // 2026-07-14 12:00 UTC, in the C locale (the test's).
    std::tm t{};
    t.tm_year = 126;
    t.tm_mon = 6;
    t.tm_mday = 14;
    t.tm_hour = 12;
    const std::time_t when = mktime(&t);
    CHECK(long_date_text(when, "C") == "Tuesday 14 July");
    CHECK(long_date_text(when, "zh_CN.UTF-8") == "7\u670814\u65e5 Tuesday");
}
