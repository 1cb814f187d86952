// System gestures and keys the compositor keeps for itself: a swipe up from
// the bottom edge takes the app away to the home screen (the touch never
// reaches the app), a swipe that starts above the edge is the app's, and the
// power key blanks the screen and lights it again.
#include "helpers.hpp"

using namespace cirrus_it;

namespace {

constexpr int kPowerKey = 116;  // KEY_POWER
constexpr int kHomeKey = 172;   // KEY_HOMEPAGE

struct AppInFront {
    Compositor c;
    std::unique_ptr<Process> app;
    AppInFront() {
        app = start_app(c, {"--color", "00ff00"});
        wait_window(
            c, app->pid(), [](const json& w) { return w.value("focused", false) && w.value("visible", false); },
            "focused and visible");
    }
    json window() { return wait_window(c, app->pid(), nullptr, "listed"); }
};

}  // namespace

TEST_CASE("a swipe up from the bottom edge goes home and the app never sees it") {
    AppInFront s;
    json r = s.c.request({{"cmd", "swipe"},
                          {"x1", 240},
                          {"y1", kHeight - 4},
                          {"x2", 240},
                          {"y2", kHeight - 300},
                          {"ms", 150},
                          {"steps", 8}});
    REQUIRE_MESSAGE(r["ok"] == true, r.dump());
    wait_window(
        s.c, s.app->pid(), [](const json& w) { return !w.value("visible", true); }, "hidden");
    CHECK_FALSE(s.window()["focused"].get<bool>());
    CHECK_FALSE(s.app->next_event("touch_down", 0.3));

    SUBCASE("launching or focusing the app brings it back") {
        r = s.c.request({{"cmd", "focus"}, {"id", s.window()["id"]}});
        REQUIRE_MESSAGE(r["ok"] == true, r.dump());
        wait_window(
            s.c, s.app->pid(), [](const json& w) { return w.value("visible", false) && w.value("focused", false); },
            "visible and focused again");
    }
}

TEST_CASE("a swipe that starts above the edge strip belongs to the app") {
    AppInFront s;
    json r = s.c.request({{"cmd", "swipe"},
                          {"x1", 240},
                          {"y1", kHeight - 60},
                          {"x2", 240},
                          {"y2", kHeight - 400},
                          {"ms", 150},
                          {"steps", 8}});
    REQUIRE(r["ok"] == true);
    s.app->expect("touch_down");
    s.app->expect("touch_up");
    CHECK(s.window()["visible"] == true);
}

TEST_CASE("a short twitch at the bottom edge is not a gesture") {
    AppInFront s;
    json r = s.c.request({{"cmd", "swipe"},
                          {"x1", 240},
                          {"y1", kHeight - 4},
                          {"x2", 240},
                          {"y2", kHeight - 20},
                          {"ms", 300},
                          {"steps", 4}});
    REQUIRE(r["ok"] == true);
    sleep_ms(100);
    CHECK(s.window()["visible"] == true);
}

TEST_CASE("the home key goes home; control 'home' does the same") {
    AppInFront s;
    REQUIRE(s.c.request({{"cmd", "key"}, {"keycode", kHomeKey}, {"state", "pressed"}})["ok"] == true);
    REQUIRE(s.c.request({{"cmd", "key"}, {"keycode", kHomeKey}, {"state", "released"}})["ok"] == true);
    wait_window(
        s.c, s.app->pid(), [](const json& w) { return !w.value("visible", true); }, "hidden by the home key");
    CHECK_FALSE(s.app->next_event("key", 0.2));  // the app never sees the key

    s.c.request({{"cmd", "focus"}, {"id", s.window()["id"]}});
    wait_window(
        s.c, s.app->pid(), [](const json& w) { return w.value("visible", false); }, "back");
    REQUIRE(s.c.request({{"cmd", "home"}})["ok"] == true);
    wait_window(
        s.c, s.app->pid(), [](const json& w) { return !w.value("visible", true); }, "hidden by 'home'");
}

TEST_CASE("the power key blanks the screen and lights it again") {
    AppInFront s;
    auto press = [&] {
        REQUIRE(s.c.request({{"cmd", "key"}, {"keycode", kPowerKey}, {"state", "pressed"}})["ok"] == true);
        REQUIRE(s.c.request({{"cmd", "key"}, {"keycode", kPowerKey}, {"state", "released"}})["ok"] == true);
    };
    auto centre_pixel = [&](const std::string& name) {
        const std::string path = s.c.new_path(name);
        REQUIRE(s.c.request({{"cmd", "screenshot"}, {"path", path}})["ok"] == true);
        return read_png(path).at(kWidth / 2, kHeight / 2);
    };
    CHECK(same_rgb(centre_pixel("lit.png"), 0x00ff00));
    press();
    REQUIRE(wait_until([&] { return s.c.outputs()[0]["blanked"] == true; }));
    // Headless outputs cannot be switched off: the screen is black instead.
    CHECK(same_rgb(centre_pixel("blank.png"), 0x000000));
    press();
    REQUIRE(wait_until([&] { return s.c.outputs()[0]["blanked"] == false; }));
    CHECK(same_rgb(centre_pixel("lit-again.png"), 0x00ff00));
    // With no shell to draw a lock screen, the app is still there.
    CHECK(s.window()["visible"] == true);
}
