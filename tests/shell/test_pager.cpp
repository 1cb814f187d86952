// Pager: the home screen's pages follow the finger and settle on one page.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "pager.hpp"

using namespace cirrus::shell;

namespace {

constexpr double kWidth = 480;  // a 480x800 phone's page
constexpr std::uint32_t kMaxSettleMs = 350;

// One finger on the pager, with its own clock.
struct PagerFinger {
    Pager& pager;
    double x = 0;
    std::uint32_t time = 1000;

    void down(double at) {
        x = at;
        pager.drag_begin(x, time);
    }
    // Moves in a straight line to `to`, one event every `interval` ms.
    void move_to(double to, std::uint32_t duration, std::uint32_t interval = 10) {
        const double from = x;
        const std::uint32_t steps = std::max<std::uint32_t>(1, duration / interval);
        const std::uint32_t start = time;
        for (std::uint32_t i = 1; i <= steps; ++i) {
            x = from + (to - from) * i / steps;
            time = start + duration * i / steps;
            pager.drag_move(x, time);
        }
    }
    void jump(double to, std::uint32_t after) {
        x = to;
        time += after;
        pager.drag_move(x, time);
    }
    void wait(std::uint32_t ms) { time += ms; }
    void up() { pager.drag_end(time); }
};

// Runs the clock from `start` until the settle ends; returns how long it took.
// Also checks that the glide heads to the target without ever going past it.
std::uint32_t settle_time(const Pager& pager, std::uint32_t start) {
    const double target = pager.target_page() * pager.page_width();
    double previous = pager.offset(start);
    const double direction = target >= previous ? 1 : -1;
    bool never_backwards = true;
    bool never_past_the_page = true;
    std::uint32_t t = start;
    while (pager.is_animating(t) && t - start <= 10 * kMaxSettleMs) {
        ++t;
        const double now = pager.offset(t);
        never_backwards = never_backwards && (now - previous) * direction >= 0;
        never_past_the_page = never_past_the_page && (target - now) * direction >= 0;
        previous = now;
    }
    CHECK(never_backwards);
    CHECK(never_past_the_page);
    return t - start;
}

Pager four_pages() { return Pager(4, kWidth); }

}  // namespace

TEST_CASE("a new pager rests on the first page, drawing nothing") {
    const Pager pager = four_pages();
    CHECK(pager.offset(0) == 0);
    CHECK(pager.target_page() == 0);
    CHECK_FALSE(pager.is_animating(0));
    CHECK_FALSE(pager.is_touching());
    CHECK_FALSE(pager.is_drag());
}

TEST_CASE("a touch that moves less than the slop is a tap, and moves nothing") {
    Pager pager = four_pages();
    PagerFinger finger{pager};
    finger.down(200);
    CHECK(pager.is_touching());
    finger.move_to(207, 50);
    finger.move_to(194, 50);
    CHECK_FALSE(pager.is_drag());
    CHECK(pager.offset(finger.time) == 0);
    finger.up();
    CHECK_FALSE(pager.is_drag());
    CHECK_FALSE(pager.is_animating(finger.time));
    CHECK(pager.offset(finger.time) == 0);
}

TEST_CASE("past the slop it is a drag, and the page follows from the slop's edge without a jump") {
    Pager pager = four_pages();
    PagerFinger finger{pager};
    finger.down(300);
    finger.jump(290, 20);
    CHECK(pager.is_drag());
    CHECK(pager.offset(finger.time) == doctest::Approx(2));  // 10 px moved, less the 8 px slop
    finger.jump(200, 20);
    CHECK(pager.offset(finger.time) == doctest::Approx(92));
    CHECK_FALSE(pager.is_animating(finger.time));  // a finger drives it, not time
    finger.up();
    CHECK(pager.is_drag());  // still known at touch up: not a tap
    finger.wait(1000);
    finger.down(100);
    finger.up();
    CHECK_FALSE(pager.is_drag());  // each touch starts as a tap candidate
}

TEST_CASE("a slow drag past half a page settles on the next page") {
    Pager pager = four_pages();
    PagerFinger finger{pager};
    finger.down(400);
    finger.move_to(140, 1000);  // 252 px after the slop, at 260 px/s: no flick
    CHECK(pager.target_page() == 1);
    finger.up();
    CHECK(pager.target_page() == 1);
    CHECK(pager.is_animating(finger.time));
    const std::uint32_t took = settle_time(pager, finger.time);
    CHECK(took <= kMaxSettleMs);
    CHECK(pager.offset(finger.time + took) == 1 * kWidth);  // exactly on the page
    CHECK(pager.offset(finger.time + 5000) == 1 * kWidth);
}

TEST_CASE("a slow drag short of half a page goes back") {
    Pager pager = four_pages();
    PagerFinger finger{pager};
    finger.down(400);
    finger.move_to(200, 1000);  // 192 px
    CHECK(pager.target_page() == 0);
    finger.up();
    CHECK(pager.target_page() == 0);
    const std::uint32_t took = settle_time(pager, finger.time);
    CHECK(took <= kMaxSettleMs);
    CHECK(pager.offset(finger.time + took) == 0);
}

TEST_CASE("a flick turns one page its way, however short") {
    Pager pager = four_pages();
    PagerFinger finger{pager};
    SUBCASE("forward") {
        finger.down(400);
        finger.move_to(340, 60);  // 1000 px/s to the left
        finger.up();
        CHECK(pager.target_page() == 1);
        CHECK(pager.offset(finger.time + kMaxSettleMs) == kWidth);
    }
    SUBCASE("backward") {
        pager.go_to_page(2, 0);
        finger.down(100);
        finger.move_to(160, 60);
        finger.up();
        CHECK(pager.target_page() == 1);
        CHECK(pager.offset(finger.time + kMaxSettleMs) == kWidth);
    }
    SUBCASE("back against a drag past half") {
        finger.down(450);
        finger.move_to(60, 800);  // 382 px forward...
        finger.move_to(150, 90);  // ...then a flick back, still past half
        finger.up();
        CHECK(pager.target_page() == 0);
    }
}

TEST_CASE("a flick never turns two pages") {
    Pager pager = four_pages();
    pager.go_to_page(1, 0);
    PagerFinger finger{pager};
    finger.down(460);
    finger.move_to(60, 100);  // 392 px at 4000 px/s: at 1.8 pages when released
    finger.up();
    CHECK(pager.target_page() == 2);
    CHECK(pager.offset(finger.time + kMaxSettleMs) == 2 * kWidth);
}

TEST_CASE("a long drag never turns more than one page") {
    Pager pager(5, 200);  // narrow pages: a finger can cross two of them
    PagerFinger finger{pager};
    finger.down(470);
    finger.move_to(20, 2000);  // 442 px slowly: 2.2 pages
    CHECK(pager.target_page() == 1);
    finger.up();
    CHECK(pager.offset(finger.time + kMaxSettleMs) == 200);
}

TEST_CASE("past the first page the page resists, and springs back") {
    Pager pager = four_pages();
    PagerFinger finger{pager};
    finger.down(100);
    finger.move_to(208, 400);
    const double at_100 = pager.offset(finger.time);  // 100 px of finger past the end
    finger.move_to(408, 400);
    const double at_300 = pager.offset(finger.time);
    CHECK(at_100 < 0);
    CHECK(at_100 > -100);  // damped
    CHECK(at_300 < at_100);
    CHECK(at_300 - at_100 > -200 * 0.5);  // the further, the stiffer
    CHECK(at_300 > -kWidth);
    CHECK(pager.target_page() == 0);
    finger.up();
    CHECK(pager.target_page() == 0);
    const std::uint32_t took = settle_time(pager, finger.time);
    CHECK(took <= kMaxSettleMs);
    CHECK(pager.offset(finger.time + took) == 0);
}

TEST_CASE("past the last page the page resists, and a flick on does nothing") {
    Pager pager = four_pages();
    pager.go_to_page(3, 0);
    PagerFinger finger{pager};
    finger.down(400);
    finger.move_to(250, 100);  // a 1500 px/s flick onwards
    const double max_offset = 3 * kWidth;
    CHECK(pager.offset(finger.time) > max_offset);
    CHECK(pager.offset(finger.time) < max_offset + 142);
    finger.up();
    CHECK(pager.target_page() == 3);
    CHECK(settle_time(pager, finger.time) <= kMaxSettleMs);
    CHECK(pager.offset(finger.time + kMaxSettleMs) == max_offset);
}

TEST_CASE("a single page only rubber-bands") {
    Pager pager(1, kWidth);
    PagerFinger finger{pager};
    finger.down(100);
    finger.move_to(20, 50);
    CHECK(pager.offset(finger.time) > 0);
    finger.up();
    CHECK(pager.target_page() == 0);
    CHECK(pager.offset(finger.time + kMaxSettleMs) == 0);
}

TEST_CASE("every settle ends within the bound, exactly on a page") {
    const struct {
        double from, to;
        std::uint32_t duration;
    } drags[] = {
        {400, 390, 1000}, {400, 150, 2000}, {400, 20, 50},  {20, 470, 30},
        {300, 280, 10},   {470, 10, 500},   {10, 470, 900},
    };
    for (const auto& drag : drags) {
        CAPTURE(drag.from);
        CAPTURE(drag.to);
        CAPTURE(drag.duration);
        Pager pager = four_pages();
        pager.go_to_page(1, 0);
        PagerFinger finger{pager};
        finger.down(drag.from);
        finger.move_to(drag.to, drag.duration);
        finger.up();
        const std::uint32_t took = settle_time(pager, finger.time);
        CHECK(took <= kMaxSettleMs);
        CHECK_FALSE(pager.is_animating(finger.time + took));
        CHECK(pager.offset(finger.time + took) == pager.target_page() * kWidth);
    }
}

TEST_CASE("the glide starts at the finger's speed") {
    Pager pager = four_pages();
    PagerFinger finger{pager};
    finger.down(450);
    finger.move_to(350, 20);  // 5000 px/s: 92 px after the slop; 388 px to go
    finger.up();
    const std::uint32_t t = finger.time;
    const double start_speed = (pager.offset(t + 2) - pager.offset(t)) / 2 * 1000;
    CHECK(start_speed == doctest::Approx(5000).epsilon(0.05));
}

TEST_CASE("release velocity is measured over the window, not from the last two events") {
    Pager pager = four_pages();
    PagerFinger finger{pager};
    finger.down(400);
    // 100 px to the left at about 200 px/s with irregular event spacing...
    const std::uint32_t gaps[] = {30, 70, 45, 90, 60, 35, 80, 55, 40, 25};
    for (std::uint32_t gap : gaps) finger.jump(finger.x - 0.2 * gap, gap);
    // ...and a last event 1 ms later that jumped 4 px (4000 px/s between the
    // two): jitter, not a flick.
    finger.jump(finger.x - 4, 1);
    finger.up();
    CHECK(pager.target_page() == 0);
}

TEST_CASE("a finger that stopped before lifting does not flick") {
    Pager pager = four_pages();
    PagerFinger finger{pager};
    finger.down(400);
    finger.move_to(300, 50);  // fast...
    finger.wait(80);          // ...then resting
    finger.up();
    CHECK(pager.target_page() == 0);
}

TEST_CASE("a touch during a glide catches the page where it is, and is not a tap") {
    Pager pager = four_pages();
    pager.go_to_page(2, 0);
    const double moving = pager.offset(100);
    CHECK(moving > 0);
    CHECK(moving < 2 * kWidth);
    PagerFinger finger{pager, 0, 100};
    finger.down(240);
    CHECK(pager.is_drag());
    CHECK_FALSE(pager.is_animating(100));
    CHECK(pager.offset(100) == doctest::Approx(moving));
    CHECK(pager.offset(5000) == doctest::Approx(moving));  // held by the finger
    finger.jump(236, 10);                                  // moves at once: no slop for a caught page
    CHECK(pager.offset(finger.time) == doctest::Approx(moving + 4));
    finger.wait(100);
    finger.up();
    CHECK(pager.target_page() == 1);  // caught at 1.41 pages, released at rest
    const std::uint32_t took = settle_time(pager, finger.time);
    CHECK(took <= kMaxSettleMs);
    CHECK(pager.offset(finger.time + took) == pager.target_page() * kWidth);
}

TEST_CASE("a touch caught in the rubber band does not jump") {
    Pager pager = four_pages();
    PagerFinger finger{pager};
    finger.down(100);
    finger.move_to(350, 500);
    finger.up();
    const double springing_back = pager.offset(finger.time + 50);
    CHECK(springing_back < 0);
    PagerFinger again{pager, 0, finger.time + 50};
    again.down(200);
    CHECK(pager.offset(again.time) == doctest::Approx(springing_back));
    again.jump(190, 10);
    CHECK(pager.offset(again.time) > springing_back);
    CHECK(pager.offset(again.time) < springing_back + 10);  // still in the band: damped
}

TEST_CASE("go_to_page glides to the page within the bound") {
    Pager pager = four_pages();
    pager.go_to_page(3, 500);
    CHECK(pager.target_page() == 3);
    CHECK(pager.is_animating(500));
    CHECK(pager.offset(500) == 0);
    const std::uint32_t took = settle_time(pager, 500);
    CHECK(took <= kMaxSettleMs);
    CHECK(pager.offset(500 + took) == 3 * kWidth);

    SUBCASE("out of range pages are clamped") {
        pager.go_to_page(99, 1000);
        CHECK(pager.target_page() == 3);
        CHECK_FALSE(pager.is_animating(1000));  // already there
        pager.go_to_page(-4, 1000);
        CHECK(pager.target_page() == 0);
        CHECK(pager.offset(1000 + kMaxSettleMs) == 0);
    }
    SUBCASE("ignored while a finger is down") {
        PagerFinger finger{pager, 0, 1000};
        finger.down(200);
        pager.go_to_page(0, 1010);
        CHECK(pager.target_page() == 3);
        CHECK_FALSE(pager.is_animating(1010));
    }
    SUBCASE("changing its mind half-way starts from where the page is") {
        pager.go_to_page(1, 1000);
        const double midway = pager.offset(1100);
        CHECK(midway < 3 * kWidth);
        CHECK(midway > 1 * kWidth);
        pager.go_to_page(2, 1100);
        CHECK(pager.offset(1100) == doctest::Approx(midway));  // no jump
        CHECK(pager.target_page() == 2);
        CHECK(pager.offset(1100 + kMaxSettleMs) == 2 * kWidth);
    }
}

TEST_CASE("a cancelled drag glides to the nearest page, flick or not") {
    Pager pager = four_pages();
    PagerFinger finger{pager};
    finger.down(400);
    finger.move_to(300, 40);  // a flick, were it released
    pager.drag_cancel(finger.time);
    CHECK(pager.target_page() == 0);
    CHECK(pager.offset(finger.time + kMaxSettleMs) == 0);
}

TEST_CASE("a new layout keeps the page, clamped, without animating") {
    Pager pager = four_pages();
    pager.go_to_page(2, 0);
    pager.set_layout(4, 800);  // rotated to landscape mid-glide
    CHECK(pager.target_page() == 2);
    CHECK_FALSE(pager.is_animating(10));
    CHECK(pager.offset(10) == 1600);
    pager.set_layout(2, 800);  // a page emptied
    CHECK(pager.target_page() == 1);
    CHECK(pager.offset(10) == 800);
    CHECK(pager.page_count() == 2);
}

TEST_CASE("time may wrap around during a glide") {
    Pager pager = four_pages();
    const std::uint32_t start = 0xFFFFFF00u;
    pager.go_to_page(1, start);
    CHECK(pager.is_animating(start + 200));  // 0xC8 after the wrap
    CHECK(pager.offset(start + 200) > 0);
    CHECK(pager.offset(start + 200) < kWidth);
    CHECK_FALSE(pager.is_animating(start + kMaxSettleMs));
    CHECK(pager.offset(start + kMaxSettleMs) == kWidth);
}
