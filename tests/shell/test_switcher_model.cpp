// SwitcherModel and RecentApps: the app switcher's cards, their layout,
// scrolling, hit testing, and what a touch on them means.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "switcher_model.hpp"

using namespace cirrus::shell;

namespace {

using Kind = SwitcherAction::Kind;
using Apps = std::vector<std::string>;

// One finger on the model, with its own clock.
struct SwitcherFinger {
    SwitcherModel& model;
    double x = 0;
    double y = 0;
    std::uint32_t time = 1000;

    void down(double at_x, double at_y) {
        x = at_x;
        y = at_y;
        model.press(x, y, time);
    }
    // A straight line to (to_x, to_y), one event every `interval` ms.
    void move_to(double to_x, double to_y, std::uint32_t duration, std::uint32_t interval = 10) {
        const double from_x = x, from_y = y;
        const std::uint32_t steps = std::max<std::uint32_t>(1, duration / interval);
        const std::uint32_t start = time;
        for (std::uint32_t i = 1; i <= steps; ++i) {
            x = from_x + (to_x - from_x) * i / steps;
            y = from_y + (to_y - from_y) * i / steps;
            time = start + duration * i / steps;
            model.move(x, y, time);
        }
    }
    void wait(std::uint32_t ms) { time += ms; }
    SwitcherAction up() { return model.release(time); }
    SwitcherAction tap(double at_x, double at_y) {
        down(at_x, at_y);
        time += 60;
        return up();
    }
};

int centre_x(const Box& b) { return b.x + b.width / 2; }
int centre_y(const Box& b) { return b.y + b.height / 2; }

SwitcherModel open_model(const Apps& apps, int width = 480, int height = 800) {
    SwitcherModel model;
    model.open(apps);
    model.set_geometry(compute_switcher_geometry(width, height));
    return model;
}

// Runs the clock far past any animation.
constexpr std::uint32_t kLater = 2000;

}  // namespace

TEST_CASE("recent apps: the front app goes first, closed apps leave, unknown ones go last") {
    RecentApps recent;
    recent.update("", {"b", "a"});
    CHECK(recent.order() == Apps{"b", "a"});
    recent.update("a", {"a", "b"});
    CHECK(recent.order() == Apps{"a", "b"});
    recent.update("c", {"a", "b", "c"});
    CHECK(recent.order() == Apps{"c", "a", "b"});
    // Home (or the switcher) in front: the order stays.
    recent.update("", {"a", "b", "c"});
    CHECK(recent.order() == Apps{"c", "a", "b"});
    recent.update("b", {"a", "b", "c"});
    CHECK(recent.order() == Apps{"b", "c", "a"});
    // c closed; d started while another app was in front (still launching).
    recent.update("b", {"a", "b", "d"});
    CHECK(recent.order() == Apps{"b", "a", "d"});
    recent.update("", {});
    CHECK(recent.order().empty());
}

TEST_CASE("geometry: cards have an app window's shape, fit the screen, and the older one peeks in") {
    for (auto [w, h] : {std::pair{480, 800}, std::pair{320, 480}, std::pair{720, 1440}, std::pair{800, 480}}) {
        INFO(w << "x" << h);
        const SwitcherGeometry g = compute_switcher_geometry(w, h);
        const double window_aspect = static_cast<double>(w) / (h - kStatusBarHeight);
        CHECK(static_cast<double>(g.card_width) / g.card_height == doctest::Approx(window_aspect).epsilon(0.02));
        CHECK(g.card_y - g.header_height >= 0);
        CHECK(g.card_y + g.card_height <= h);
        CHECK(g.pitch > g.card_width);
        CHECK(g.centre_x() - g.pitch + g.card_width > 0);  // the previous app's card shows at the left
        CHECK(g.band().height > g.card_y + g.card_height);
        CHECK(g.icon_size < g.header_height);
    }
}

TEST_CASE("open: card 0 centred, older cards to the left, one pitch apart") {
    SwitcherModel m = open_model({"a", "b", "c"});
    const SwitcherGeometry& g = m.geometry();
    REQUIRE(m.size() == 3);
    CHECK(m.app(0) == "a");
    const Box c0 = m.card(0, 0).frame;
    CHECK(c0.x == g.centre_x());
    CHECK(c0.y == g.card_y);
    CHECK(c0.width == g.card_width);
    CHECK(m.card(1, 0).frame.x == c0.x - g.pitch);
    CHECK(m.card(2, 0).frame.x == c0.x - 2 * g.pitch);
    CHECK_FALSE(m.is_animating(0));
    CHECK(m.index_of("c") == 2u);
}

TEST_CASE("a tap on a card switches to its app; on its header too; beside the cards goes home") {
    SwitcherModel m = open_model({"a", "b"});
    SwitcherFinger f{m};
    const Box c0 = m.card(0, f.time).frame;
    CHECK(f.tap(centre_x(c0), centre_y(c0)) == SwitcherAction{Kind::activate, "a"});
    CHECK(f.tap(c0.x + 4, c0.y - m.geometry().header_height / 2) == SwitcherAction{Kind::activate, "a"});
    // The older card, peeking in at the left.
    const Box c1 = m.card(1, f.time).frame;
    CHECK(f.tap(c1.x + c1.width - 10, centre_y(c1)) == SwitcherAction{Kind::activate, "b"});
    // Right of card 0 (there is no newer app), and below the cards.
    CHECK(f.tap(c0.x + c0.width + 10, centre_y(c0)) == SwitcherAction{Kind::dismiss, ""});
    CHECK(f.tap(240, c0.y + c0.height + 20) == SwitcherAction{Kind::dismiss, ""});
    CHECK_FALSE(m.is_animating(f.time));
}

TEST_CASE("a swipe to the right brings the older card to the centre; past the end it springs back") {
    SwitcherModel m = open_model({"a", "b", "c"});
    const SwitcherGeometry& g = m.geometry();
    SwitcherFinger f{m};
    const Box c0 = m.card(0, f.time).frame;
    f.down(100, centre_y(c0));
    f.move_to(100 + g.pitch * 0.6, centre_y(c0), 300, 10);
    CHECK(m.scroll(f.time) > 0);
    CHECK(f.up().kind == Kind::none);
    CHECK(m.is_animating(f.time + 10));
    CHECK(m.scroll(f.time + kLater) == doctest::Approx(g.pitch));
    CHECK(m.card(1, f.time + kLater).frame.x == g.centre_x());
    CHECK_FALSE(m.is_animating(f.time + kLater));

    // Far past the oldest card: the cards resist, then settle on it.
    f.time += kLater;
    f.down(20, centre_y(c0));
    f.move_to(460, centre_y(c0), 400, 10);
    f.move_to(460, centre_y(c0), 100, 10);  // held still: no flick
    const double shown = m.scroll(f.time);
    CHECK(shown < g.pitch + 440);  // rubber band past the end
    CHECK(shown > 2 * g.pitch);    // but it does move past
    f.up();
    CHECK(m.scroll(f.time + kLater) == doctest::Approx(2 * g.pitch));
}

TEST_CASE("a fast flick sideways carries on past the next card; a slow drag rests on the nearest") {
    SwitcherModel m = open_model({"a", "b", "c", "d", "e"});
    const SwitcherGeometry& g = m.geometry();
    SwitcherFinger f{m};
    const int y = m.geometry().card_y + 100;
    f.down(60, y);
    f.move_to(260, y, 80, 10);  // 2500 px/s
    f.up();
    CHECK(m.scroll(f.time + kLater) >= 2 * g.pitch);

    SwitcherModel slow = open_model({"a", "b", "c"});
    SwitcherFinger s{slow};
    s.down(100, y);
    s.move_to(100 + g.pitch * 0.3, y, 600, 10);
    s.move_to(100 + g.pitch * 0.3, y, 100, 10);
    s.up();
    CHECK(slow.scroll(s.time + kLater) == doctest::Approx(0));
}

TEST_CASE("a card flicked up closes its app and flies out; its app's close removes it and the gap closes") {
    SwitcherModel m = open_model({"a", "b", "c"});
    const SwitcherGeometry& g = m.geometry();
    SwitcherFinger f{m};
    const Box c0 = m.card(0, f.time).frame;
    f.down(centre_x(c0), centre_y(c0));
    f.move_to(centre_x(c0), centre_y(c0) - 80, 60, 10);  // short but fast
    CHECK(m.card(0, f.time).frame.y < g.card_y - 60);    // it follows the finger
    const SwitcherAction action = f.up();
    CHECK(action == SwitcherAction{Kind::close, "a"});
    CHECK(m.is_animating(f.time + 10));
    CHECK(m.card(0, f.time + 10).visible);
    CHECK_FALSE(m.card(0, f.time + kLater).visible);  // flown out through the top
    CHECK_FALSE(m.hit(centre_x(c0), centre_y(c0), f.time + kLater).has_value());

    // The compositor says a closed: b moves over into the middle.
    const std::uint32_t closed = f.time + 300;
    m.remove("a", closed);
    REQUIRE(m.size() == 2);
    CHECK(m.app(0) == "b");
    CHECK(m.card(0, closed).frame.x == g.centre_x() - g.pitch);  // where it was
    CHECK(m.is_animating(closed + 10));
    CHECK(m.card(0, closed + kLater).frame.x == g.centre_x());
    CHECK(m.card(1, closed + kLater).frame.x == g.centre_x() - g.pitch);
    CHECK(m.hit(centre_x(c0), centre_y(c0), closed + kLater) == 0u);
}

TEST_CASE("a card lifted a little and let go comes back; lifted far, even slowly, it closes") {
    SwitcherModel m = open_model({"a", "b"});
    const SwitcherGeometry& g = m.geometry();
    SwitcherFinger f{m};
    const Box c0 = m.card(0, f.time).frame;
    f.down(centre_x(c0), centre_y(c0));
    f.move_to(centre_x(c0), centre_y(c0) - 50, 500, 10);
    f.wait(60);  // still: no flick
    CHECK(f.up().kind == Kind::none);
    CHECK(m.card(0, f.time + kLater).frame.y == g.card_y);
    CHECK(m.hit(centre_x(c0), centre_y(c0), f.time + kLater) == 0u);

    // Dragged down, it gives only a little and comes back.
    f.time += kLater;
    f.down(centre_x(c0), centre_y(c0));
    f.move_to(centre_x(c0), centre_y(c0) + 100, 200, 10);
    CHECK(m.card(0, f.time).frame.y > g.card_y);
    CHECK(m.card(0, f.time).frame.y <= g.card_y + SwitcherGeometry::kMaxSink);
    CHECK(m.card(0, f.time).frame.y + g.card_height <= g.band().y + g.band().height);
    CHECK(f.up().kind == Kind::none);
    CHECK(m.card(0, f.time + kLater).frame.y == g.card_y);

    f.time += kLater;
    f.down(centre_x(c0), centre_y(c0));
    f.move_to(centre_x(c0), centre_y(c0) - g.card_height * 0.4, 1500, 10);
    f.wait(100);
    CHECK(f.up() == SwitcherAction{Kind::close, "a"});
}

TEST_CASE("a card whose app did not close comes back after the timeout") {
    SwitcherModel m = open_model({"a", "b"});
    SwitcherFinger f{m};
    const Box c0 = m.card(0, f.time).frame;
    f.down(centre_x(c0), centre_y(c0));
    f.move_to(centre_x(c0), centre_y(c0) - 200, 100, 10);
    REQUIRE(f.up().kind == Kind::close);
    const std::uint32_t closed_at = f.time;
    CHECK_FALSE(m.restore_unclosed(closed_at + 1000, 2500));
    CHECK_FALSE(m.card(0, closed_at + 1000).visible);
    CHECK(m.restore_unclosed(closed_at + 2600, 2500));
    CHECK(m.card(0, closed_at + 2600).visible);
    CHECK(m.is_animating(closed_at + 2610));
    CHECK(m.card(0, closed_at + 2600 + kLater).frame == c0);
    CHECK(m.hit(centre_x(c0), centre_y(c0), closed_at + 2600 + kLater) == 0u);
}

TEST_CASE("a touch that catches gliding cards stops them and is no tap") {
    SwitcherModel m = open_model({"a", "b", "c"});
    const SwitcherGeometry& g = m.geometry();
    SwitcherFinger f{m};
    const int y = g.card_y + 100;
    f.down(100, y);
    f.move_to(100 + g.pitch * 0.7, y, 100, 10);
    f.up();
    f.wait(30);
    REQUIRE(m.is_animating(f.time));
    const double caught = m.scroll(f.time);
    f.down(200, y);
    CHECK(m.scroll(f.time) == doctest::Approx(caught));
    CHECK_FALSE(m.is_animating(f.time));
    f.wait(60);
    CHECK(f.up().kind == Kind::none);
}

TEST_CASE("closing the oldest card while it is centred glides back to the new oldest") {
    SwitcherModel m = open_model({"a", "b"});
    const SwitcherGeometry& g = m.geometry();
    SwitcherFinger f{m};
    const int y = g.card_y + 100;
    f.down(100, y);
    f.move_to(100 + g.pitch * 0.8, y, 400, 10);
    f.wait(60);
    f.up();
    f.time += kLater;
    REQUIRE(m.scroll(f.time) == doctest::Approx(g.pitch));
    m.remove("b", f.time);
    CHECK(m.is_animating(f.time + 10));
    CHECK(m.scroll(f.time + kLater) == doctest::Approx(0));
    CHECK(m.card(0, f.time + kLater).frame.x == g.centre_x());
    // An app that is not there changes nothing.
    m.remove("nosuch", f.time);
    CHECK(m.size() == 1);
}

TEST_CASE("the finger's card closing under it: the release does nothing") {
    SwitcherModel m = open_model({"a", "b"});
    SwitcherFinger f{m};
    const Box c0 = m.card(0, f.time).frame;
    f.down(centre_x(c0), centre_y(c0));
    m.remove("a", f.time + 10);
    f.wait(40);
    CHECK(f.up().kind == Kind::none);
}

TEST_CASE("a rotation keeps the centred card centred in the new layout") {
    SwitcherModel m = open_model({"a", "b", "c"});
    SwitcherFinger f{m};
    const int y = m.geometry().card_y + 100;
    f.down(100, y);
    f.move_to(100 + m.geometry().pitch * 0.8, y, 400, 10);
    f.wait(60);
    f.up();
    f.time += kLater;
    m.set_geometry(compute_switcher_geometry(800, 480));
    const SwitcherGeometry& g = m.geometry();
    CHECK(m.card(1, f.time).frame.x == g.centre_x());
    CHECK(m.card(1, f.time).frame.width == g.card_width);
}

TEST_CASE("a tap on cards in the last pixels of their glide is a tap") {
    SwitcherModel m = open_model({"a", "b", "c"});
    const SwitcherGeometry& g = m.geometry();
    SwitcherFinger f{m};
    const int y = g.card_y + 100;
    f.down(100, y);
    f.move_to(100 + g.pitch * 0.8, y, 400, 10);
    f.up();
    // Find the moment the glide is within a pixel of its end, still running.
    std::uint32_t t = f.time;
    while (std::abs(m.scroll(t) - g.pitch) > 1.0) ++t;
    REQUIRE(m.is_animating(t));
    f.time = t;
    CHECK(f.tap(240, y) == SwitcherAction{Kind::activate, "b"});
    CHECK(m.scroll(f.time + kLater) == doctest::Approx(g.pitch));
}
