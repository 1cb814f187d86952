// The lock screen of the real cirrus-shell on the real compositor: the power
// key locks (the apps hidden, the time and date over everything), a swipe
// up unlocks, a short one does not, notifications that come while locked
// are listed there, and a new shell comes back locked.

#include <csignal>
#include <ctime>

#include "app_link_hosts.hpp"
#include "lock_model.hpp"
#include "theme.hpp"

using namespace cirrus_shell_it;
using cirrus::shell::compute_lock_geometry;
using cirrus::shell::LockGeometry;

namespace {

// Waits until the clock is not about to turn, so that a check of "no
// frames" is not a minute's redraw.
void away_from_the_minute() {
    if (const std::time_t now = std::time(nullptr); now % 60 > 55) cirrus_it::sleep_ms((61 - now % 60) * 1000);
}

}  // namespace

TEST_CASE("the power key locks: the time over everything, the app hidden; a swipe up unlocks and the app is back") {
    HostedShell h;
    h.f.start_shell();
    h.launch("red", kAppWindow);
    h.f.wait_pixel(240, 400, kAppWindow);

    h.lock_with_power_key();
    const json lock = h.wait_layer("cirrus-lock");
    CHECK(lock["layer"] == "overlay");
    CHECK(lock["keyboard_interactive"] == "exclusive");  // no app gets a key
    CHECK(lock["x"] == 0);
    CHECK(lock["y"] == 0);
    CHECK(lock["width"] == 480);
    CHECK(lock["height"] == 800);
    CHECK_FALSE(h.visible("red"));

    const LockGeometry g = compute_lock_geometry(480, 800);
    Image shot;
    REQUIRE(cirrus_it::wait_until([&] {
        shot = h.f.screenshot();
        return light_pixels(shot, g.time) > 300;
    }));
    // The app's colour is nowhere in the middle; the status bar is covered.
    CHECK_FALSE(cirrus_it::same_rgb(shot.at(240, 400), kAppWindow, 30));
    CHECK_FALSE(cirrus_it::same_rgb(shot.at(2, 12), cirrus::shell::kStatusBarHomeRgb, 2));
    // The date under the time, and the hint at the bottom.
    CHECK(light_pixels(shot, g.date, 180) > 40);
    CHECK(light_pixels(shot, g.hint, 180) > 40);
    // The background is the wallpaper, dimmed: dark.
    const Image::Pixel bg = shot.at(2, 500);
    CHECK(bg.r + bg.g + bg.b < 3 * 80);

    // Swipe up from the bottom, well past a quarter of the height.
    REQUIRE(h.swipe(240, 760, 240, 300, 250, 12)["ok"] == true);
    CHECK(h.wait_layer_gone("cirrus-lock"));
    CHECK(cirrus_it::wait_until([&] { return h.visible("red"); }));
    const Image after = h.f.wait_pixel(240, 400, kAppWindow);
    CHECK(cirrus_it::same_rgb(after.at(2, 12), 0x336699, 2));  // the app's theme tints the bar again
    const auto w = h.window("red");
    REQUIRE(w.has_value());
    CHECK((*w)["focused"] == true);
}

TEST_CASE("--locked starts locked; a short slow swipe leaves it locked, a flick unlocks") {
    HostedShell h;
    h.f.start_shell({}, {"--locked"});
    h.wait_layer("cirrus-lock");
    // The compositor was told: an app launched now stays hidden.
    h.launch("red", kAppWindow, "", false);
    REQUIRE(cirrus_it::wait_until([&] { return h.window("red").has_value(); }));
    cirrus_it::sleep_ms(200);
    CHECK_FALSE(h.visible("red"));

    // 100 px in 600 ms: neither far nor fast.
    REQUIRE(h.swipe(240, 700, 240, 600, 600, 20)["ok"] == true);
    cirrus_it::sleep_ms(500);
    CHECK(h.layer("cirrus-lock").has_value());
    CHECK_FALSE(h.visible("red"));
    // It slid back down: the hint is where it was.
    const LockGeometry g = compute_lock_geometry(480, 800);
    CHECK(light_pixels(h.f.screenshot(), g.hint, 180) > 40);

    // 120 px in 80 ms: a flick.
    REQUIRE(h.swipe(240, 700, 240, 580, 80, 4)["ok"] == true);
    CHECK(h.wait_layer_gone("cirrus-lock"));
    CHECK(cirrus_it::wait_until([&] { return h.visible("red"); }));
}

TEST_CASE("notifications that come while locked are listed on the lock screen; a tap on one opens its app") {
    HostedShell h;
    h.f.start_shell();
    h.launch("red", kAppWindow, "红色笔记");
    h.lock_with_power_key();
    const LockGeometry g = compute_lock_geometry(480, 800);
    const Box row = g.row(0);
    const Image before = h.f.screenshot();
    CHECK(light_pixels(before, row, 180) == 0);

    h.hosts.send("red", "notify 41 会议提醒 at three");
    h.hosts.expect("red", "sent");
    Image listed;
    REQUIRE(cirrus_it::wait_until([&] {
        listed = h.f.screenshot();
        return light_pixels(listed, row, 180) > 60;
    }));
    CHECK_FALSE(h.layer("cirrus-banner").has_value());  // no banner while locked
    CHECK_FALSE(h.visible("red"));

    REQUIRE(h.f.tap(centre_x(row), centre_y(row))["ok"] == true);
    CHECK(h.hosts.expect("red", "notification_activated")["tag"] == 41);
    CHECK(h.wait_layer_gone("cirrus-lock"));
    CHECK(cirrus_it::wait_until([&] { return h.visible("red"); }));
}

TEST_CASE("a resting lock screen draws no frames") {
    HostedShell h;
    h.f.start_shell({}, {"--locked"});
    h.wait_layer("cirrus-lock");
    cirrus_it::sleep_ms(500);
    away_from_the_minute();
    const long long before = h.f.compositor.stats()["frames"];
    cirrus_it::sleep_ms(1500);
    CHECK(h.f.compositor.stats()["frames"].get<long long>() == before);
}

TEST_CASE("a shell that dies while locked comes back locked") {
    HostedShell h;
    h.f.start_shell();
    h.launch("red", kAppWindow);
    h.lock_with_power_key();
    h.f.kill_shell(SIGKILL);
    CHECK_FALSE(h.visible("red"));
    h.f.start_shell();
    h.wait_layer("cirrus-lock");
    cirrus_it::sleep_ms(300);
    CHECK_FALSE(h.visible("red"));
    REQUIRE(h.swipe(240, 760, 240, 300, 250, 12)["ok"] == true);
    CHECK(h.wait_layer_gone("cirrus-lock"));
    CHECK(cirrus_it::wait_until([&] { return h.visible("red"); }));
}

TEST_CASE("a mouse drag up unlocks too") {
    HostedShell h;
    h.f.start_shell({}, {"--locked"});
    h.wait_layer("cirrus-lock");
    constexpr int btn_left = 272;
    // The first use makes the virtual pointer: the shell binds its
    // wl_pointer only when the seat says it has one, so give it that moment
    // (a hand's mouse is there before the lock screen), then move onto the
    // lock screen again so that it has had the pointer's enter.
    h.mouse("motion 240 700");
    cirrus_it::sleep_ms(300);
    h.mouse("motion 240 720");
    h.mouse("button-down " + std::to_string(btn_left));
    for (int y : {650, 550, 450, 350}) h.mouse("motion 240 " + std::to_string(y));
    CHECK(h.layer("cirrus-lock").has_value());  // it follows the pointer; the release decides
    h.mouse("button-up " + std::to_string(btn_left));
    CHECK(h.wait_layer_gone("cirrus-lock"));
}
