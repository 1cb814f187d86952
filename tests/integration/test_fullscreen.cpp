// display: fullscreen. An app that asks for fullscreen (as the web-app host
// does for a manifest's display: fullscreen) covers the whole output, the
// status bar included; a standalone app keeps the bar; the bottom-edge swipe
// still goes home over it; a swipe down from the top edge shows the bar over
// it for a few seconds without resizing it; the keyboard's zone still
// shrinks it. The bar is the tests' red top layer bar (start_bar), the
// keyboard a top-layer bar at the bottom edge with an exclusive zone.
#include "helpers.hpp"

#include <chrono>

using namespace cirrus_it;

namespace {

constexpr uint32_t kFullscreenColor = 0x00ff00;
constexpr uint32_t kStandaloneColor = 0x0000ff;
constexpr int kKeyboardHeight = 260;

// The top row, left, middle and right, and a pixel inside the bar's band.
const std::vector<std::pair<int, int>> kTopRow = {{0, 0}, {240, 0}, {kWidth - 1, 0}, {240, kBarHeight / 2}};

bool top_row_is(Compositor& c, uint32_t rgb) {
    const json capture = screencopy(c, kTopRow);
    for (const json& pixel : capture["pixels"])
        if (!same_rgb(pixel, rgb)) return false;
    return true;
}

void wait_top_row(Compositor& c, uint32_t rgb, const std::string& what, double timeout_s = kTimeout) {
    json last;
    const bool ok = wait_until(
        [&] {
            last = screencopy(c, kTopRow);
            for (const json& pixel : last["pixels"])
                if (!same_rgb(pixel, rgb)) return false;
            return true;
        },
        timeout_s);
    if (!ok) throw std::runtime_error("the top row never showed " + what + "; last: " + last["pixels"].dump());
}

bool box_is(const json& w, int x, int y, int width, int height) {
    return w.value("x", -1) == x && w.value("y", -1) == y && w.value("width", -1) == width &&
           w.value("height", -1) == height;
}

json bar_layer(Compositor& c) {
    for (const json& layer : c.layers())
        if (layer.value("namespace", "") == "test-bar") return layer;
    throw std::runtime_error("no test-bar layer: " + c.layers().dump());
}

struct FullscreenInFront {
    Compositor c;
    std::unique_ptr<Process> bar;
    std::unique_ptr<Process> app;
    FullscreenInFront() {
        bar = start_bar(c);
        app = start_app(c, {"--color", rgb_hex(kFullscreenColor), "--fullscreen"});
        wait_window(
            c, app->pid(),
            [](const json& w) {
                return w.value("fullscreen", false) && w.value("visible", false) && box_is(w, 0, 0, kWidth, kHeight);
            },
            "fullscreen over the whole output");
        wait_top_row(c, kFullscreenColor, "the fullscreen app");
    }
};

}  // namespace

TEST_CASE("a fullscreen app's pixels fill the top row; a standalone app's top row is the status bar") {
    FullscreenInFront s;
    // The client was told: the whole output, in the fullscreen state.
    const json configure = s.app->expect("configure", kTimeout, [](const json& e) {
        return e.value("width", 0) == kWidth && e.value("height", 0) == kHeight && has_state(e, "fullscreen");
    });
    CHECK(has_state(configure, "fullscreen"));
    CHECK(bar_layer(s.c)["hidden"] == true);
    // The work area (for everything else) still ends at the bar.
    CHECK(work_area_is(work_area(s.c), 0, kBarHeight, kWidth, kHeight - kBarHeight));

    auto standalone = start_app(s.c, {"--color", rgb_hex(kStandaloneColor)});
    const json w = wait_window(
        s.c, standalone->pid(), [](const json& w) { return w.value("focused", false) && w.value("visible", false); },
        "in front");
    CHECK(box_is(w, 0, kBarHeight, kWidth, kHeight - kBarHeight));
    CHECK_FALSE(w["fullscreen"].get<bool>());
    wait_top_row(s.c, kBarColor, "the status bar over a standalone app");
    CHECK(bar_layer(s.c)["hidden"] == false);
    CHECK(same_rgb(screencopy(s.c, {{240, kBarHeight + 1}})["pixels"][0], kStandaloneColor));

    SUBCASE("the fullscreen app back in front covers the bar again") {
        const json fs = wait_window(s.c, s.app->pid(), nullptr, "listed");
        REQUIRE(s.c.request({{"cmd", "focus"}, {"id", fs["id"]}})["ok"] == true);
        wait_top_row(s.c, kFullscreenColor, "the fullscreen app again");
    }
    SUBCASE("home has its bar") {
        REQUIRE(s.c.request({{"cmd", "home"}})["ok"] == true);
        wait_top_row(s.c, kBarColor, "the status bar over home");
    }
}

TEST_CASE("an app that leaves fullscreen goes back below the bar, and can come back") {
    FullscreenInFront s;
    s.app->send_line("fullscreen off");
    wait_window(
        s.c, s.app->pid(),
        [](const json& w) {
            return !w.value("fullscreen", true) && box_is(w, 0, kBarHeight, kWidth, kHeight - kBarHeight);
        },
        "below the bar");
    wait_top_row(s.c, kBarColor, "the status bar");
    s.app->send_line("fullscreen on");
    wait_window(
        s.c, s.app->pid(),
        [](const json& w) { return w.value("fullscreen", false) && box_is(w, 0, 0, kWidth, kHeight); },
        "fullscreen again");
    wait_top_row(s.c, kFullscreenColor, "the fullscreen app again");
}

TEST_CASE("a swipe down from the top edge shows the bar over a fullscreen app for a few seconds, without resizing it") {
    FullscreenInFront s;
    const json before = wait_window(s.c, s.app->pid(), nullptr, "listed");
    const auto swiped = std::chrono::steady_clock::now();
    json r =
        s.c.request({{"cmd", "swipe"}, {"x1", 240}, {"y1", 2}, {"x2", 240}, {"y2", 300}, {"ms", 150}, {"steps", 8}});
    REQUIRE_MESSAGE(r["ok"] == true, r.dump());
    wait_top_row(s.c, kBarColor, "the status bar after the swipe", 2);
    const auto shown = std::chrono::steady_clock::now();
    CHECK(bar_layer(s.c)["hidden"] == false);
    // The app is not resized and never saw the swipe.
    const json during = wait_window(s.c, s.app->pid(), nullptr, "listed");
    CHECK(box_is(during, 0, 0, kWidth, kHeight));
    CHECK(during["fullscreen"] == true);
    CHECK(during["id"] == before["id"]);
    CHECK_FALSE(s.app->next_event("touch_down", 0.2));
    CHECK_FALSE(s.app->next_event("configure", 0.1, [](const json& e) { return e.value("height", 0) != kHeight; }));

    // Then it goes by itself: kStatusBarRevealMs (3 s) after the swipe.
    wait_top_row(s.c, kFullscreenColor, "the fullscreen app once the bar went", 8);
    const auto gone = std::chrono::steady_clock::now();
    const double shown_ms = std::chrono::duration<double, std::milli>(gone - swiped).count();
    MESSAGE("bar shown " << std::chrono::duration<double, std::milli>(shown - swiped).count()
                         << " ms after the swipe began, gone after " << shown_ms << " ms");
    CHECK(shown_ms >= 2500);
    CHECK(shown_ms <= 6000);
    CHECK(bar_layer(s.c)["hidden"] == true);
    CHECK(box_is(wait_window(s.c, s.app->pid(), nullptr, "listed"), 0, 0, kWidth, kHeight));
}

TEST_CASE("the top strip stays the bar's while a standalone app is in front") {
    Compositor c;
    auto bar = start_bar(c);
    auto app = start_app(c, {"--color", rgb_hex(kStandaloneColor)});
    json r = c.request({{"cmd", "swipe"}, {"x1", 240}, {"y1", 2}, {"x2", 240}, {"y2", 300}, {"ms", 150}, {"steps", 8}});
    REQUIRE(r["ok"] == true);
    bar->expect("touch_down");  // the status bar had the touch, as before
    CHECK(top_row_is(c, kBarColor));
}

TEST_CASE("the bottom-edge swipe goes home over a fullscreen app") {
    FullscreenInFront s;
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
    CHECK_FALSE(s.app->next_event("touch_down", 0.2));
    wait_top_row(s.c, kBarColor, "the status bar over home");
    CHECK(bar_layer(s.c)["hidden"] == false);
}

TEST_CASE("the keyboard's zone shrinks a fullscreen app from the bottom, and it stays above the app") {
    FullscreenInFront s;
    auto keyboard = s.c.client(
        test_layer_argv({"--layer", "top", "--anchor", "bottom,left,right", "--size",
                         "0x" + std::to_string(kKeyboardHeight), "--exclusive", std::to_string(kKeyboardHeight),
                         "--namespace", "test-keyboard", "--color", "ffff00"}),
        true);
    keyboard->expect("mapped", kTimeout);
    wait_window(
        s.c, s.app->pid(),
        [](const json& w) {
            return w.value("fullscreen", false) && box_is(w, 0, 0, kWidth, kHeight - kKeyboardHeight);
        },
        "above the keyboard, still from the top row");
    s.app->expect("configure", kTimeout,
                  [](const json& e) { return e.value("height", 0) == kHeight - kKeyboardHeight; });
    wait_top_row(s.c, kFullscreenColor, "the fullscreen app above the keyboard");
    CHECK(same_rgb(screencopy(s.c, {{240, kHeight - 10}})["pixels"][0], 0xffff00));

    keyboard->send_line("quit");
    wait_window(
        s.c, s.app->pid(), [](const json& w) { return box_is(w, 0, 0, kWidth, kHeight); }, "the whole output again");
}
