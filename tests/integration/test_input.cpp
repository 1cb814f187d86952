// Input injected through the control socket reaches the right surface at
// the right surface-local coordinates.

#include "helpers.hpp"

#include <cmath>

using namespace cirrus_it;

namespace {

bool near(const json& v, double expected, double tolerance = 0.51) {
    return v.is_number() && std::fabs(v.get<double>() - expected) <= tolerance;
}

// App below a 40 px bar, settled at its final geometry.
struct Scene {
    Compositor c;
    std::unique_ptr<Process> bar;
    std::unique_ptr<Process> app;

    Scene() {
        bar = start_bar(c);
        wait_work_area(c, 0, kBarHeight, kWidth, kHeight - kBarHeight);
        app = start_app(c, {"--color", "00ff00"});
        app->expect("configure", kTimeout, [](const json& e) { return e["height"] == kHeight - kBarHeight; });
        wait_window(
            c, app->pid(), [](const json& w) { return w.value("focused", false) && w["y"] == kBarHeight; },
            "focused below the bar");
    }
};

}  // namespace

TEST_CASE("a tap arrives at surface-local coordinates") {
    Scene s;
    json r = s.c.request({{"cmd", "tap"}, {"x", 100}, {"y", 300}});
    REQUIRE_MESSAGE(r["ok"] == true, r.dump());
    json down = s.app->expect("touch_down");
    CHECK(down["surface"] == "main");
    CHECK_MESSAGE(near(down["x"], 100), down.dump());
    CHECK_MESSAGE(near(down["y"], 300 - kBarHeight), down.dump());
    json up = s.app->expect("touch_up");
    CHECK(up["id"] == down["id"]);
    s.app->expect("touch_frame");

    SUBCASE("a tap on the bar goes to the bar, not the app") {
        r = s.c.request({{"cmd", "tap"}, {"x", 50}, {"y", 20}});
        REQUIRE(r["ok"] == true);
        json bar_down = s.bar->expect("touch_down");
        CHECK(bar_down["surface"] == "layer");
        CHECK(near(bar_down["x"], 50));
        CHECK(near(bar_down["y"], 20));
        CHECK_FALSE(s.app->next_event("touch_down", 0.3));
    }
}

TEST_CASE("a swipe delivers down, motions and up") {
    Scene s;
    json r =
        s.c.request({{"cmd", "swipe"}, {"x1", 100}, {"y1", 200}, {"x2", 300}, {"y2", 600}, {"ms", 200}, {"steps", 5}});
    REQUIRE_MESSAGE(r["ok"] == true, r.dump());
    json down = s.app->expect("touch_down");
    CHECK(near(down["x"], 100));
    CHECK(near(down["y"], 200 - kBarHeight));
    std::vector<json> motions;
    while (auto m = s.app->next_event("touch_motion", 1)) motions.push_back(*m);
    REQUIRE_MESSAGE(motions.size() >= 2, "motions: " << motions.size() << "; " << s.app->describe());
    CHECK(motions.size() <= 6);
    for (size_t i = 1; i < motions.size(); ++i) {
        CHECK(motions[i]["x"].get<double>() >= motions[i - 1]["x"].get<double>());
        CHECK(motions[i]["y"].get<double>() >= motions[i - 1]["y"].get<double>());
        CHECK(motions[i]["time"].get<uint32_t>() >= motions[i - 1]["time"].get<uint32_t>());
    }
    CHECK_MESSAGE(near(motions.back()["x"], 300, 1), motions.back().dump());
    CHECK_MESSAGE(near(motions.back()["y"], 600 - kBarHeight, 1), motions.back().dump());
    json up = s.app->expect("touch_up");
    CHECK(up["id"] == down["id"]);
    // The swipe took about its duration.
    uint32_t span = up["time"].get<uint32_t>() - down["time"].get<uint32_t>();
    CHECK(span >= 120);
    CHECK(span <= 2000);
}

TEST_CASE("raw touch events and keys reach the focused client") {
    Scene s;
    json events = json::array({
        {{"type", "down"}, {"id", 3}, {"x", 200}, {"y", 140}},
        {{"type", "frame"}},
        {{"type", "motion"}, {"id", 3}, {"x", 210}, {"y", 150}},
        {{"type", "frame"}},
        {{"type", "up"}, {"id", 3}},
        {{"type", "frame"}},
    });
    json r = s.c.request({{"cmd", "touch"}, {"events", events}});
    REQUIRE_MESSAGE(r["ok"] == true, r.dump());
    json down = s.app->expect("touch_down");
    CHECK(near(down["x"], 200));
    CHECK(near(down["y"], 100));
    json motion = s.app->expect("touch_motion");
    CHECK(near(motion["x"], 210));
    CHECK(near(motion["y"], 110));
    s.app->expect("touch_up");

    r = s.c.request({{"cmd", "key"}, {"keycode", 30}, {"state", "pressed"}});
    REQUIRE_MESSAGE(r["ok"] == true, r.dump());
    r = s.c.request({{"cmd", "key"}, {"keycode", 30}, {"state", "released"}});
    REQUIRE(r["ok"] == true);
    s.app->expect("keyboard_enter", kTimeout, [](const json& e) { return e["surface"] == "main"; });
    json pressed = s.app->expect("key", kTimeout, [](const json& e) { return e["state"] == "pressed"; });
    CHECK(pressed["key"] == 30);
    json released = s.app->expect("key", kTimeout, [](const json& e) { return e["state"] == "released"; });
    CHECK(released["key"] == 30);

    SUBCASE("malformed input requests are errors") {
        CHECK(s.c.request({{"cmd", "tap"}, {"x", 1}})["ok"] == false);
        CHECK(s.c.request({{"cmd", "key"}, {"keycode", 30}, {"state", "sideways"}})["ok"] == false);
        CHECK(s.c.request({{"cmd", "touch"}, {"events", "nope"}})["ok"] == false);
        CHECK(s.c.request({{"cmd", "stats"}})["ok"] == true);
    }
}
