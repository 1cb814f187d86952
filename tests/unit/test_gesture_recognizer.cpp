// GestureRecognizer: bottom-edge swipes to home and to the app switcher, and
// who gets which touches.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <ostream>
#include <vector>

#include "geometry_support.hpp"
#include "gesture_recognizer.hpp"

namespace cirrus {
// So that failed checks print names instead of "{?}".
inline std::ostream& operator<<(std::ostream& out, Gesture g) {
    switch (g) {
    case Gesture::none:
        return out << "none";
    case Gesture::home:
        return out << "home";
    case Gesture::switcher:
        return out << "switcher";
    case Gesture::reveal_status_bar:
        return out << "reveal_status_bar";
    }
    return out << "?";
}
inline std::ostream& operator<<(std::ostream& out, TouchRoute r) {
    return out << (r == TouchRoute::client ? "client" : "system");
}
}  // namespace cirrus

using namespace cirrus;
// The phone's screen: its bottom edge strip is y in [784, 800].
using cirrus::test::phone;

namespace {

// One finger on the recognizer, with its own clock.
struct Finger {
    GestureRecognizer& recognizer;
    std::int32_t id = 0;
    TouchPoint at{};
    std::uint32_t time = 0;
    // Every decision any event of this finger returned, in order.
    std::vector<Gesture> decisions{};
    std::vector<TouchRoute> routes{};

    TouchResult note(TouchResult result) {
        routes.push_back(result.route);
        if (result.decided) decisions.push_back(*result.decided);
        return result;
    }
    TouchResult down(TouchPoint p, Rect output = phone) {
        at = p;
        return note(recognizer.touch_down(id, p, output, time));
    }
    // Moves in a straight line to `to`, one event every `interval` ms, taking
    // `duration` ms in all.
    void move_to(TouchPoint to, std::uint32_t duration, std::uint32_t interval = 10) {
        const TouchPoint from = at;
        const std::uint32_t steps = std::max<std::uint32_t>(1, duration / interval);
        const std::uint32_t start = time;
        for (std::uint32_t i = 1; i <= steps; ++i) {
            const double f = static_cast<double>(i) / steps;
            at = {from.x + (to.x - from.x) * f, from.y + (to.y - from.y) * f};
            time = start + duration * i / steps;
            note(recognizer.touch_motion(id, at, time));
        }
    }
    // One motion event, `after` ms after the previous one.
    TouchResult jump(TouchPoint to, std::uint32_t after) {
        at = to;
        time += after;
        return note(recognizer.touch_motion(id, at, time));
    }
    void wait(std::uint32_t ms) { time += ms; }
    TouchResult up() { return note(recognizer.touch_up(id, time)); }

    bool all_routed(TouchRoute route) const {
        return std::all_of(routes.begin(), routes.end(), [&](TouchRoute r) { return r == route; });
    }
};

using Gestures = std::vector<Gesture>;

}  // namespace

TEST_CASE("a touch outside the bottom strip goes to the client, and costs nothing") {
    GestureRecognizer recognizer;
    Finger finger{recognizer};
    const TouchResult down = finger.down({240, 400});
    CHECK(down.route == TouchRoute::client);
    CHECK_FALSE(down.decided);
    finger.move_to({240, 100}, 200);
    CHECK_FALSE(recognizer.progress());
    CHECK_FALSE(recognizer.next_deadline());
    finger.up();
    CHECK(finger.all_routed(TouchRoute::client));
    CHECK(finger.decisions.empty());
}

TEST_CASE("the bottom strip is edge_px tall, measured from the output's bottom") {
    GestureRecognizer recognizer;  // edge_px = 16: y in [784, 800]
    CHECK(recognizer.touch_down(1, {240, 783.5}, phone, 0).route == TouchRoute::client);
    recognizer.touch_up(1, 10);
    CHECK(recognizer.touch_down(2, {240, 784}, phone, 20).route == TouchRoute::system);
    recognizer.touch_cancel(2);
    CHECK(recognizer.touch_down(3, {0, 800}, phone, 30).route == TouchRoute::system);
    recognizer.touch_cancel(3);

    GestureConfig wide;
    wide.edge_px = 40;
    GestureRecognizer tall_strip(wide);
    CHECK(tall_strip.touch_down(1, {240, 765}, phone, 0).route == TouchRoute::system);
}

TEST_CASE("swipe up from the bottom edge and let go: home") {
    GestureRecognizer recognizer;
    Finger finger{recognizer};
    CHECK(finger.down({240, 795}).route == TouchRoute::system);
    finger.move_to({240, 700}, 300);  // about 320 px/s: no flick, just travel
    CHECK(finger.decisions.empty());  // undecided while the finger is down
    const TouchResult up = finger.up();
    CHECK(up.route == TouchRoute::system);
    CHECK(up.decided == Gesture::home);
    CHECK(finger.decisions == Gestures{Gesture::home});
    CHECK(finger.all_routed(TouchRoute::system));  // the app saw none of it
}

TEST_CASE("a short pause (under hold_ms) before letting go is still home") {
    GestureRecognizer recognizer;
    Finger finger{recognizer};
    finger.down({240, 795});
    finger.move_to({240, 720}, 200);
    finger.wait(150);
    CHECK_FALSE(recognizer.tick(finger.time));
    CHECK(finger.up().decided == Gesture::home);
}

TEST_CASE("a diagonal swipe within 45 degrees of up is home") {
    GestureRecognizer recognizer;
    Finger finger{recognizer};
    finger.down({240, 795});
    finger.move_to({300, 720}, 200);
    CHECK(finger.up().decided == Gesture::home);
}

TEST_CASE("a quick flick up, shorter than min_travel, is home") {
    GestureRecognizer recognizer;
    Finger finger{recognizer};
    finger.down({240, 795});
    finger.move_to({240, 765}, 30);  // 30 px at 1000 px/s
    CHECK(finger.up().decided == Gesture::home);
}

TEST_CASE("a slow swipe shorter than min_travel is nothing") {
    GestureRecognizer recognizer;
    Finger finger{recognizer};
    finger.down({240, 795});
    finger.move_to({240, 765}, 300);  // 30 px at 100 px/s
    const TouchResult up = finger.up();
    CHECK(up.route == TouchRoute::system);  // consumed all the same: the strip is the system's
    CHECK(up.decided == Gesture::none);
}

TEST_CASE("a tap on the strip, or a fast twitch, is nothing") {
    GestureRecognizer recognizer;
    Finger tap{recognizer, 1};
    tap.down({240, 795});
    tap.wait(80);
    CHECK(tap.up().decided == Gesture::none);

    Finger twitch{recognizer, 2, {}, 1000};
    twitch.down({240, 795});
    twitch.move_to({240, 785}, 10);  // 1000 px/s, but only 10 px
    CHECK(twitch.up().decided == Gesture::none);
}

TEST_CASE("a flick that had stopped before the finger lifted is not a flick") {
    GestureRecognizer recognizer;
    Finger finger{recognizer};
    finger.down({240, 795});
    finger.move_to({240, 765}, 30);
    finger.wait(60);  // no motion for 60 ms: the finger was resting
    CHECK(finger.up().decided == Gesture::none);
}

TEST_CASE("release velocity is measured over the window, not from the last two events") {
    GestureRecognizer recognizer;
    Finger finger{recognizer};
    finger.down({240, 795});
    // 30 px up at about 200 px/s with irregular event spacing...
    const std::uint32_t gaps[] = {7, 23, 12, 31, 9, 18, 25, 13};
    double y = 795;
    for (std::uint32_t gap : gaps) {
        y -= 0.2 * gap;
        finger.jump({240, y}, gap);
    }
    // ...and a last event 1 ms later that jumped 3 px (3000 px/s between the
    // two): jitter, not a flick.
    finger.jump({240, y - 3}, 1);
    CHECK(finger.up().decided == Gesture::none);
}

TEST_CASE("a swipe that goes sideways is given up at once, and stays consumed") {
    GestureRecognizer recognizer;
    Finger finger{recognizer};
    finger.down({240, 795});
    const TouchResult sideways = finger.jump({255, 790}, 16);
    CHECK(sideways.route == TouchRoute::system);
    CHECK(sideways.decided == Gesture::none);
    CHECK_FALSE(recognizer.progress());
    // Going up now changes nothing: the touch was judged.
    finger.move_to({255, 600}, 200);
    const TouchResult up = finger.up();
    CHECK(up.route == TouchRoute::system);
    CHECK_FALSE(up.decided);
    CHECK(finger.decisions == Gestures{Gesture::none});
    CHECK(finger.all_routed(TouchRoute::system));
}

TEST_CASE("a wobble smaller than direction_slop is not judged") {
    GestureRecognizer recognizer;
    Finger finger{recognizer};
    finger.down({240, 795});
    finger.jump({246, 796}, 10);  // sideways and down, but within the slop
    CHECK(finger.decisions.empty());
    finger.move_to({246, 700}, 200);
    CHECK(finger.up().decided == Gesture::home);
}

TEST_CASE("a swipe that goes down is nothing") {
    GestureRecognizer recognizer;
    Finger finger{recognizer};
    finger.down({240, 786});
    finger.move_to({240, 799}, 50);
    CHECK(finger.decisions == Gestures{Gesture::none});
}

TEST_CASE("once a swipe has come far enough, drifting sideways is forgiven") {
    GestureRecognizer recognizer;
    Finger finger{recognizer};
    finger.down({240, 795});
    finger.move_to({240, 720}, 100);
    finger.move_to({360, 700}, 100);
    CHECK(finger.up().decided == Gesture::home);
}

TEST_CASE("up, then back down to the edge: nothing") {
    GestureRecognizer recognizer;
    SUBCASE("slowly back below min_travel") {
        Finger finger{recognizer};
        finger.down({240, 795});
        finger.move_to({240, 680}, 150);
        finger.move_to({240, 770}, 400);
        CHECK(finger.up().decided == Gesture::none);
    }
    SUBCASE("flicked back down, even while still far up") {
        Finger finger{recognizer};
        finger.down({240, 795});
        finger.move_to({240, 640}, 200);
        finger.move_to({240, 730}, 90);  // 1000 px/s downwards, 65 px up at the end
        CHECK(finger.up().decided == Gesture::none);
    }
}

TEST_CASE("progress follows the finger from 0 to 1 while a swipe is undecided") {
    GestureRecognizer recognizer;  // progress_span 0.4 of 800 px: 1 at 320 px up
    Finger finger{recognizer};
    CHECK_FALSE(recognizer.progress());
    finger.down({240, 795});
    CHECK(recognizer.progress() == doctest::Approx(0.0));
    finger.jump({240, 715}, 50);
    CHECK(recognizer.progress() == doctest::Approx(0.25));
    finger.jump({240, 635}, 50);
    CHECK(recognizer.progress() == doctest::Approx(0.5));
    finger.jump({240, 300}, 50);
    CHECK(recognizer.progress() == doctest::Approx(1.0));
    finger.up();
    CHECK_FALSE(recognizer.progress());
}

TEST_CASE("swipe up and hold: switcher, from the timer, once") {
    GestureRecognizer recognizer;
    Finger finger{recognizer};
    finger.down({240, 795});
    CHECK_FALSE(recognizer.next_deadline());  // nothing to time before min_travel
    finger.jump({240, 715}, 100);             // 80 px up at t=100, then still
    REQUIRE(recognizer.next_deadline() == std::uint32_t{350});
    CHECK(recognizer.ms_until_deadline(200) == std::uint32_t{150});

    CHECK_FALSE(recognizer.tick(349));
    CHECK(recognizer.tick(350) == Gesture::switcher);
    CHECK_FALSE(recognizer.tick(351));  // once
    CHECK_FALSE(recognizer.next_deadline());
    CHECK_FALSE(recognizer.progress());

    SUBCASE("and letting go afterwards does not also go home") {
        finger.time = 400;
        finger.move_to({240, 600}, 50);  // even flicking further up
        const TouchResult up = finger.up();
        CHECK(up.route == TouchRoute::system);
        CHECK_FALSE(up.decided);
        CHECK(finger.decisions.empty());
    }
}

TEST_CASE("a hold fires on a motion event too, when the finger trembles in place") {
    GestureRecognizer recognizer;
    Finger finger{recognizer};
    finger.down({240, 795});
    finger.jump({240, 715}, 100);  // armed at t=100
    finger.jump({243, 713}, 100);  // within hold_radius: still holding
    CHECK(finger.decisions.empty());
    const TouchResult trembling = finger.jump({238, 716}, 160);  // t=360
    CHECK(trembling.decided == Gesture::switcher);
    CHECK(finger.up().decided == std::nullopt);
    CHECK(finger.decisions == Gestures{Gesture::switcher});
}

TEST_CASE("moving further than hold_radius starts the hold over") {
    GestureRecognizer recognizer;
    Finger finger{recognizer};
    finger.down({240, 795});
    finger.jump({240, 715}, 100);
    CHECK(recognizer.next_deadline() == std::uint32_t{350});
    finger.jump({240, 690}, 200);  // 25 px further at t=300
    CHECK(recognizer.next_deadline() == std::uint32_t{550});
    CHECK_FALSE(recognizer.tick(350));
    CHECK(recognizer.tick(550) == Gesture::switcher);
}

TEST_CASE("a hold whose timer has not run yet still counts when the finger lifts") {
    GestureRecognizer recognizer;
    Finger finger{recognizer};
    finger.down({240, 795});
    finger.jump({240, 715}, 100);
    finger.wait(300);  // the glue's timer is late
    CHECK(finger.up().decided == Gesture::switcher);
}

TEST_CASE("holding before min_travel is nothing, and arms no timer") {
    GestureRecognizer recognizer;
    Finger finger{recognizer};
    finger.down({240, 795});
    finger.jump({240, 755}, 100);  // 40 px up
    CHECK_FALSE(recognizer.next_deadline());
    CHECK_FALSE(recognizer.tick(2000));
    finger.time = 2000;
    CHECK(finger.up().decided == Gesture::none);
}

TEST_CASE("going back below min_travel disarms a pending hold") {
    GestureRecognizer recognizer;
    Finger finger{recognizer};
    finger.down({240, 795});
    finger.jump({240, 715}, 100);
    CHECK(recognizer.next_deadline());
    finger.jump({240, 760}, 100);
    CHECK_FALSE(recognizer.next_deadline());
    CHECK_FALSE(recognizer.tick(1000));
}

TEST_CASE("a hold across the wrap-around of the ms clock") {
    GestureRecognizer recognizer;
    Finger finger{recognizer, 0, {}, 0xFFFFFF00u};
    finger.down({240, 795});
    finger.jump({240, 715}, 100);                       // armed at 0xFFFFFF64
    const std::uint32_t deadline = 0xFFFFFF64u + 250u;  // wraps to 0x5E
    CHECK(recognizer.next_deadline() == deadline);
    CHECK(recognizer.ms_until_deadline(0xFFFFFF64u) == std::uint32_t{250});
    CHECK_FALSE(recognizer.tick(0xFFFFFFF0u));
    CHECK(recognizer.tick(deadline) == Gesture::switcher);
}

TEST_CASE("ms_until_deadline is never 0, which would disarm a wl_event_loop timer") {
    GestureRecognizer recognizer;
    Finger finger{recognizer};
    CHECK_FALSE(recognizer.ms_until_deadline(0));
    finger.down({240, 795});
    finger.jump({240, 715}, 100);
    CHECK(recognizer.ms_until_deadline(350) == std::uint32_t{1});
    CHECK(recognizer.ms_until_deadline(500) == std::uint32_t{1});  // overdue
}

TEST_CASE("a second finger cancels a candidate; it goes to the client") {
    GestureRecognizer recognizer;
    Finger first{recognizer, 1};
    Finger second{recognizer, 2};
    first.down({240, 795});
    first.move_to({240, 720}, 100);

    second.time = first.time;
    const TouchResult down = second.down({100, 300});
    CHECK(down.route == TouchRoute::client);
    CHECK(down.decided == Gesture::none);
    CHECK_FALSE(recognizer.next_deadline());

    // The first finger stays the system's until it lifts, and is nothing.
    first.move_to({240, 600}, 100);
    CHECK(first.all_routed(TouchRoute::system));
    const TouchResult first_up = first.up();
    CHECK(first_up.route == TouchRoute::system);
    CHECK_FALSE(first_up.decided);
    CHECK(first.decisions.empty());

    second.move_to({150, 300}, 100);
    second.up();
    CHECK(second.all_routed(TouchRoute::client));
}

TEST_CASE("an edge touch while another finger is on an app goes to the app") {
    GestureRecognizer recognizer;
    Finger on_app{recognizer, 1};
    Finger at_edge{recognizer, 2};
    on_app.down({240, 400});
    CHECK(at_edge.down({240, 795}).route == TouchRoute::client);
    at_edge.move_to({240, 600}, 100);
    at_edge.up();
    CHECK(at_edge.all_routed(TouchRoute::client));
    CHECK(at_edge.decisions.empty());

    // Once every finger has lifted, the edge is the system's again.
    on_app.up();
    Finger next{recognizer, 3, {}, 500};
    CHECK(next.down({240, 795}).route == TouchRoute::system);
}

TEST_CASE("a second finger after the switcher fired changes nothing") {
    GestureRecognizer recognizer;
    Finger first{recognizer, 1};
    first.down({240, 795});
    first.jump({240, 715}, 100);
    CHECK(recognizer.tick(350) == Gesture::switcher);
    const TouchResult second = recognizer.touch_down(2, {100, 100}, phone, 360);
    CHECK(second.route == TouchRoute::client);
    CHECK_FALSE(second.decided);
}

TEST_CASE("the bottom is the bottom of the touched output's box in the layout") {
    GestureRecognizer recognizer;
    SUBCASE("an output to the right of another, rotated to landscape") {
        const Rect landscape{480, 0, 800, 480};
        Finger finger{recognizer};
        CHECK(finger.down({880, 475}, landscape).route == TouchRoute::system);
        finger.move_to({880, 400}, 200);
        CHECK(finger.up().decided == Gesture::home);
        CHECK(recognizer.touch_down(2, {880, 795}, landscape, 1000).route ==
              TouchRoute::client);  // below the box: not on this output
    }
    SUBCASE("an output below another") {
        const Rect lower{0, 800, 480, 800};
        Finger finger{recognizer};
        CHECK(finger.down({240, 795}, lower).route == TouchRoute::client);  // its top edge
        finger.up();
        Finger swipe{recognizer, 2, {}, 100};
        CHECK(swipe.down({240, 1595}, lower).route == TouchRoute::system);
        swipe.jump({240, 1515}, 100);
        CHECK(recognizer.tick(450) == Gesture::switcher);
    }
    SUBCASE("progress is of the touched output's height") {
        const Rect small{0, 0, 320, 480};  // 0.4 * 480 = 192 px for progress 1
        Finger finger{recognizer};
        finger.down({160, 478}, small);
        finger.jump({160, 382}, 50);
        CHECK(recognizer.progress() == doctest::Approx(0.5));
    }
}

TEST_CASE("cancel ends a candidate without a gesture") {
    GestureRecognizer recognizer;
    Finger finger{recognizer, 4};
    finger.down({240, 795});
    finger.jump({240, 715}, 100);
    const TouchResult cancel = recognizer.touch_cancel(4);
    CHECK(cancel.route == TouchRoute::system);
    CHECK(cancel.decided == Gesture::none);
    CHECK_FALSE(recognizer.next_deadline());
    CHECK_FALSE(recognizer.tick(1000));
    CHECK_FALSE(recognizer.progress());
    // The recognizer is ready for the next touch.
    CHECK(recognizer.touch_down(5, {240, 795}, phone, 2000).route == TouchRoute::system);
}

TEST_CASE("a cancelled client touch no longer blocks the edge") {
    GestureRecognizer recognizer;
    recognizer.touch_down(1, {240, 400}, phone, 0);
    CHECK(recognizer.touch_cancel(1).route == TouchRoute::client);
    CHECK(recognizer.touch_down(2, {240, 795}, phone, 10).route == TouchRoute::system);
}

TEST_CASE("events of unknown touches go to the client") {
    GestureRecognizer recognizer;
    CHECK(recognizer.touch_motion(9, {1, 1}, 0).route == TouchRoute::client);
    CHECK(recognizer.touch_up(9, 0).route == TouchRoute::client);
    CHECK(recognizer.touch_cancel(9).route == TouchRoute::client);
    CHECK(recognizer.touch_down(1, {240, 795}, phone, 10).route == TouchRoute::system);
}

// The top edge: a swipe down shows the status bar over a fullscreen app. The
// strip is the system's only while the glue enables it.

TEST_CASE("without set_top_edge the top strip is the client's, as before") {
    GestureRecognizer recognizer;
    Finger finger{recognizer};
    CHECK(finger.down({240, 2}).route == TouchRoute::client);
    finger.move_to({240, 200}, 150);
    finger.up();
    CHECK(finger.all_routed(TouchRoute::client));
    CHECK(finger.decisions.empty());
}

TEST_CASE("with the top edge on, a swipe down from it reveals the status bar while the finger is down") {
    GestureRecognizer recognizer;
    recognizer.set_top_edge(true);
    Finger finger{recognizer};
    CHECK(finger.down({240, 3}).route == TouchRoute::system);
    finger.jump({240, 20}, 16);
    CHECK(finger.decisions.empty());          // 17 px: not yet reveal_travel_px (30)
    CHECK_FALSE(recognizer.progress());       // progress is the bottom swipe's
    CHECK_FALSE(recognizer.next_deadline());  // no hold at the top
    const TouchResult far = finger.jump({244, 40}, 16);
    CHECK(far.decided == Gesture::reveal_status_bar);
    finger.move_to({240, 300}, 100);
    finger.up();
    CHECK(finger.decisions == Gestures{Gesture::reveal_status_bar});  // once
    CHECK(finger.all_routed(TouchRoute::system));                     // the app saw none of it
}

TEST_CASE("the top strip is edge_px tall, measured from the output's top") {
    GestureRecognizer recognizer;
    recognizer.set_top_edge(true);
    CHECK(recognizer.touch_down(1, {240, 16.5}, phone, 0).route == TouchRoute::client);
    recognizer.touch_up(1, 10);
    CHECK(recognizer.touch_down(2, {240, 16}, phone, 20).route == TouchRoute::system);
    recognizer.touch_cancel(2);
    CHECK(recognizer.touch_down(3, {480, 0}, phone, 30).route == TouchRoute::system);
    recognizer.touch_cancel(3);
    // An output lower in the layout: its top, not the layout's.
    const Rect second{0, 800, 480, 800};
    CHECK(recognizer.touch_down(4, {240, 805}, second, 40).route == TouchRoute::system);
    recognizer.touch_cancel(4);
    CHECK(recognizer.touch_down(5, {240, 5}, second, 50).route == TouchRoute::client);
}

TEST_CASE("a short pull from the top edge, a sideways one or one that goes up is nothing, and stays consumed") {
    GestureRecognizer recognizer;
    recognizer.set_top_edge(true);

    Finger short_pull{recognizer, 1};
    short_pull.down({240, 4});
    short_pull.move_to({240, 25}, 100);
    const TouchResult up = short_pull.up();
    CHECK(up.decided == Gesture::none);
    CHECK(short_pull.all_routed(TouchRoute::system));

    Finger sideways{recognizer, 2};
    sideways.down({100, 4});
    const TouchResult side = sideways.jump({130, 12}, 16);
    CHECK(side.decided == Gesture::none);
    sideways.move_to({200, 200}, 100);  // later travel down no longer counts
    sideways.up();
    CHECK(sideways.decisions == Gestures{Gesture::none});
    CHECK(sideways.all_routed(TouchRoute::system));

    Finger upward{recognizer, 3};
    upward.down({240, 10});
    upward.jump({240, 0}, 16);
    upward.up();
    CHECK(upward.decisions == Gestures{Gesture::none});
}

TEST_CASE("the bottom edge works the same with the top edge on") {
    GestureRecognizer recognizer;
    recognizer.set_top_edge(true);
    Finger finger{recognizer};
    CHECK(finger.down({240, 795}).route == TouchRoute::system);
    finger.move_to({240, 600}, 150);
    finger.up();
    CHECK(finger.decisions == Gestures{Gesture::home});
}

TEST_CASE("a second finger cancels a top-edge candidate, and a finger on the app keeps the top edge off") {
    GestureRecognizer recognizer;
    recognizer.set_top_edge(true);
    Finger edge{recognizer, 1};
    edge.down({240, 4});
    Finger other{recognizer, 2};
    CHECK(other.down({240, 400}).decided == Gesture::none);
    other.up();
    edge.up();

    Finger on_app{recognizer, 3};
    on_app.down({240, 400});
    Finger late{recognizer, 4};
    CHECK(late.down({240, 4}).route == TouchRoute::client);
}
