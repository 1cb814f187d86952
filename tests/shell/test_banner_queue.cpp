// Notification banners as a model: one shown at a time, for how long, the
// slides down and up, the queue (newest first), taps, swipes, closes and
// a finger that holds a banner; and the banner's geometry.
#include <doctest/doctest.h>

#include "banner_queue.hpp"

using namespace cirrus::shell;

namespace {

Notice notice(std::uint32_t id) { return {id, "app", "Title " + std::to_string(id), "Body"}; }

constexpr BannerTiming kTiming{};  // 5000 ms shown, 200 ms slides

}  // namespace

TEST_CASE("a banner slides down, stays five seconds, slides up, and is gone") {
    BannerQueue q;
    CHECK(q.empty());
    CHECK(q.push(notice(1), 1000).empty());
    REQUIRE(q.current() != nullptr);
    CHECK(q.current()->id == 1);
    CHECK(q.phase() == BannerQueue::Phase::entering);
    CHECK(q.visible_fraction(1000) == doctest::Approx(0));
    CHECK(q.is_animating(1000));
    const double half = q.visible_fraction(1100);
    CHECK(half > 0.5);  // ease-out: more than half way at half time
    CHECK(half < 1);

    q.advance(1200);
    CHECK(q.phase() == BannerQueue::Phase::showing);
    CHECK_FALSE(q.is_animating(1200));
    CHECK(q.visible_fraction(1200) == doctest::Approx(1));
    // Resting: the shell sleeps until then (a timer), no frames.
    REQUIRE(q.ms_until_leave(1200).has_value());
    CHECK(*q.ms_until_leave(1200) == kTiming.show_ms);
    q.advance(1200 + 4999);
    CHECK(q.phase() == BannerQueue::Phase::showing);

    q.advance(1200 + 5000);
    CHECK(q.phase() == BannerQueue::Phase::leaving);
    CHECK(q.is_animating(6200));
    CHECK(q.visible_fraction(6300) < 1);
    CHECK(q.visible_fraction(6300) > 0);
    q.advance(6400);
    CHECK(q.phase() == BannerQueue::Phase::hidden);
    CHECK(q.current() == nullptr);
    CHECK(q.empty());
    CHECK(q.visible_fraction(6400) == doctest::Approx(0));
}

TEST_CASE("others wait their turn, and the newest waiting one comes next") {
    BannerQueue q;
    q.push(notice(1), 0);
    q.push(notice(2), 10);
    q.push(notice(3), 20);
    CHECK(q.current()->id == 1);
    CHECK(q.waiting() == 2);
    q.advance(200);
    q.advance(5200);  // 1 leaves
    q.advance(5400);
    REQUIRE(q.current() != nullptr);
    CHECK(q.current()->id == 3);
    CHECK(q.phase() == BannerQueue::Phase::entering);
    q.advance(5600);
    q.advance(10600);
    q.advance(10800);
    CHECK(q.current()->id == 2);
}

TEST_CASE("too many waiting: the oldest are dropped, and said so") {
    BannerTiming t;
    t.max_waiting = 2;
    BannerQueue q(t);
    q.push(notice(1), 0);
    q.push(notice(2), 0);
    q.push(notice(3), 0);
    const auto dropped = q.push(notice(4), 0);
    REQUIRE(dropped.size() == 1);
    CHECK(dropped[0] == 2);
    CHECK(q.waiting() == 2);
}

TEST_CASE("a tap takes the banner away at once and the next one slides in") {
    BannerQueue q;
    q.push(notice(1), 0);
    q.push(notice(2), 0);
    q.advance(300);
    const auto taken = q.take_current(300);
    REQUIRE(taken.has_value());
    CHECK(taken->id == 1);
    REQUIRE(q.current() != nullptr);
    CHECK(q.current()->id == 2);
    CHECK(q.phase() == BannerQueue::Phase::entering);
    CHECK(q.take_current(310)->id == 2);
    CHECK(q.empty());
    CHECK_FALSE(q.take_current(320).has_value());
}

TEST_CASE("a swipe up sends it up from where the finger left it; a second swipe is nothing") {
    BannerQueue q;
    q.push(notice(7), 0);
    q.advance(300);
    const auto id = q.dismiss_current(300, 0.5);
    REQUIRE(id.has_value());
    CHECK(*id == 7);
    CHECK(q.phase() == BannerQueue::Phase::leaving);
    CHECK(q.visible_fraction(300) == doctest::Approx(0.5));
    CHECK_FALSE(q.dismiss_current(310, 0.4).has_value());
    // Half the way left: half the slide's time.
    q.advance(399);
    CHECK(q.phase() == BannerQueue::Phase::leaving);
    q.advance(400);
    CHECK(q.empty());
}

TEST_CASE("closed by the app: the shown one slides up, a waiting one just goes") {
    BannerQueue q;
    q.push(notice(1), 0);
    q.push(notice(2), 0);
    CHECK(q.remove(2, 50));
    CHECK(q.waiting() == 0);
    CHECK_FALSE(q.remove(99, 50));
    CHECK(q.remove(1, 100));  // while it enters, from where it is
    CHECK(q.phase() == BannerQueue::Phase::leaving);
    CHECK(q.visible_fraction(100) > 0);
    CHECK(q.visible_fraction(100) < 1);
    q.advance(400);
    CHECK(q.empty());
}

TEST_CASE("a finger on the banner keeps it; letting go gives it a little longer") {
    BannerQueue q;
    q.push(notice(1), 0);
    q.advance(200);
    q.hold(true, 1000);
    CHECK_FALSE(q.ms_until_leave(1000).has_value());  // no timer while held
    q.advance(20000);
    CHECK(q.phase() == BannerQueue::Phase::showing);
    q.hold(false, 20000);
    REQUIRE(q.ms_until_leave(20000).has_value());
    CHECK(*q.ms_until_leave(20000) == kTiming.after_touch_ms);
    q.advance(22000);
    CHECK(q.phase() == BannerQueue::Phase::leaving);

    // Let go early: the full time still stands.
    BannerQueue early;
    early.push(notice(2), 0);
    early.advance(200);
    early.hold(true, 300);
    early.hold(false, 400);
    CHECK(*early.ms_until_leave(400) == 5200 - 400);
}

TEST_CASE("locking takes every banner, newest first, except one already leaving") {
    BannerQueue q;
    q.push(notice(3), 0);
    q.push(notice(5), 0);
    q.push(notice(4), 0);
    auto all = q.take_all();
    REQUIRE(all.size() == 3);
    CHECK(all[0].id == 5);
    CHECK(all[1].id == 4);
    CHECK(all[2].id == 3);
    CHECK(q.empty());
    CHECK(q.phase() == BannerQueue::Phase::hidden);

    q.push(notice(8), 0);
    q.advance(200);
    q.dismiss_current(300, 1);
    CHECK(q.take_all().empty());
}

TEST_CASE("times that wrap around, and frames from just before the push") {
    BannerQueue q;
    const std::uint32_t t0 = 0xffffff80u;
    q.push(notice(1), t0);
    CHECK(q.visible_fraction(t0 - 5) == doctest::Approx(0));  // a frame time a little older than our clock
    q.advance(t0 + 200);
    CHECK(q.phase() == BannerQueue::Phase::showing);
    CHECK(*q.ms_until_leave(t0 + 200) == 5000);
    q.advance(t0 + 5200);
    CHECK(q.phase() == BannerQueue::Phase::leaving);
}

TEST_CASE("the banner band sits under the status bar with the card inside it") {
    const BannerGeometry g = compute_banner_geometry(480);
    CHECK(g.card.height == kBannerCardHeight);
    CHECK(g.card.x == 8);
    CHECK(g.card.width == 464);
    CHECK(g.surface_height >= g.card.y + g.card.height);
    for (const Box& part : {g.icon, g.app, g.title, g.body}) {
        CHECK(part.x >= g.card.x);
        CHECK(part.x + part.width <= g.card.x + g.card.width);
        CHECK(part.y >= g.card.y);
        CHECK(part.y + part.height <= g.card.y + g.card.height);
    }
    // Landscape: a phone-wide card in the middle.
    const BannerGeometry wide = compute_banner_geometry(1280);
    CHECK(wide.card.width == 560);
    CHECK(wide.card.x == (1280 - 560) / 2);
}
