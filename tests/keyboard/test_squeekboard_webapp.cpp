// Standard protocols, proven with a keyboard we did not write: Debian's
// squeekboard, started by the compositor's keyboard slot ([keyboard]
// command), shows for a web app's field and types into it.
//
// What squeekboard needs headless: the gsettings key
// org.gnome.desktop.a11y.applications screen-keyboard-enabled=true (else it
// binds the input method and never shows), given here through GLib's keyfile
// backend; a session bus is optional (without one it warns that it cannot
// reach the session manager and does not own sm.puri.OSK0, and works).
#include "web_keyboard.hpp"

#include <fstream>

using namespace web_keyboard;

namespace {

// squeekboard's "us" layout, base view: four rows of equal height filling
// its surface; the first row ten keys across, the second nine keys offset
// by half a key, the third shift, seven letters and backspace.
std::pair<int, int> squeekboard_key(const json& layer, char key) {
    const double x = layer.at("x").get<double>(), y = layer.at("y").get<double>();
    const double w = layer.at("width").get<double>() / 10, h = layer.at("height").get<double>() / 4;
    const std::string rows[] = {"qwertyuiop", "asdfghjkl", "zxcvbnm"};
    const double offsets[] = {0.5, 1.0, 2.0};  // the first key's centre, in keys
    for (int r = 0; r < 3; ++r) {
        const auto at = rows[r].find(key);
        if (at != std::string::npos)
            return {static_cast<int>(x + (offsets[r] + at) * w), static_cast<int>(y + (r + 0.5) * h)};
    }
    if (key == '\b') return {static_cast<int>(x + 9.2 * w), static_cast<int>(y + 2.5 * h)};
    FAIL("no squeekboard key " << key);
    return {0, 0};
}

}  // namespace

TEST_CASE("web app: squeekboard, started by the keyboard slot, shows for a field and types into it") {
    const std::string squeekboard = optional_program("CIRRUS_SQUEEKBOARD");
    REQUIRE_MESSAGE(!squeekboard.empty(), "squeekboard (Debian package squeekboard) is not installed");
    webapp_test::TempDir settings;
    std::filesystem::create_directories(settings.path() / "glib-2.0" / "settings");
    std::ofstream(settings.path() / "glib-2.0" / "settings" / "keyfile")
        << "[org/gnome/desktop/a11y/applications]\nscreen-keyboard-enabled=true\n";
    TypingApp app;
    Compositor c(options_with_host("env GSETTINGS_BACKEND=keyfile XDG_CONFIG_HOME=" + settings.path().string() +
                                   " DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent " + squeekboard));
    REQUIRE(wait_until([&] { return text_input_state(c)["input_method"]["connected"] == true; }, 15));
    const pid_t host = webapp_test::launch(c, kAppId);
    webapp_test::HostGuard guard{c, host};
    const json window = app_window(c);
    wait_page(
        c, [](const PageState& s) { return s.focused == "none"; }, "the page");
    wait_painted(c);

    tap(c, window.at("x").get<int>() + kFieldX + 100, window.at("y").get<int>() + kTextFieldY + 20);
    std::optional<json> layer;
    REQUIRE_MESSAGE(wait_until([&] { return (layer = input_method_layer(c, "osk")).has_value(); }, 15),
                    "squeekboard's layer (namespace osk) did not map: " << c.layers().dump() << "\n"
                                                                        << c.log_tail(3000));
    const int height = layer->at("height").get<int>();
    CHECK(layer->at("exclusive_zone") == height);
    CHECK(layer->at("y").get<int>() + height == 800);
    CHECK(wait_until([&] { return c.window_of(host) && c.window_of(host)->at("height") == 800 - height; }, 10));
    wait_page(
        c,
        [&](const PageState& s) {
            return s.focused == "text" && s.inner_height == 800 - height && s.rect && s.rect->second <= s.inner_height;
        },
        "the text field in view above squeekboard");
    // Back to back, as fast as the control socket goes: each key's commit
    // may carry a serial older than the app's latest state (the relay must
    // deliver it all the same; it once dropped all but the first key here).
    for (char k : std::string("hello")) {
        const auto p = squeekboard_key(*layer, k);
        tap(c, p.first, p.second);
    }
    wait_page(
        c, [](const PageState& s) { return s.value == "hello"; }, "hello typed by squeekboard");
    const auto back = squeekboard_key(*layer, '\b');
    tap(c, back.first, back.second);
    wait_page(
        c, [](const PageState& s) { return s.value == "hell"; }, "a letter deleted by squeekboard");

    tap(c, 440, 100);  // beside the fields: blur
    CHECK(wait_until([&] { return !input_method_layer(c, "osk"); }, 10));
}
