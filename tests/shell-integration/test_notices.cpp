// Notification banners and the permission prompt of the real cirrus-shell,
// with app hosts that speak cirrus_app_v1 (cirrus-test-app-link): a banner
// shows under the status bar, a tap opens its app, it goes by itself, a
// swipe up or the app's withdrawal takes it away; a permission question
// shows a dialog whose Allow and Don't Allow reach the app and the registry,
// and a question asked while locked waits for the unlock.

#include <chrono>

#include "app_link_hosts.hpp"
#include "banner_queue.hpp"
#include "permission_model.hpp"
#include "common/registry.hpp"

using namespace cirrus_shell_it;
using cirrus::shell::BannerGeometry;
using cirrus::shell::compute_banner_geometry;
using cirrus::shell::compute_prompt_geometry;
using cirrus::shell::kBannerCardRgb;
using cirrus::shell::PromptGeometry;

namespace {

// The banner's card on screen: its surface sits under the status bar.
Box card_on_screen(const json& banner_layer) {
    const BannerGeometry g = compute_banner_geometry(banner_layer["width"].get<int>());
    return g.card.translated(banner_layer["x"].get<int>(), banner_layer["y"].get<int>());
}

std::optional<cirrus::launcher::PermissionState> permission(const ShellFixture& f, const std::string& app,
                                                            const std::string& name) {
    return cirrus::launcher::Registry::open(f.registry).permission(app, name);
}

bool any_event(const AppLinkHosts& hosts, const std::string& app, const std::string& event) {
    for (const json& e : hosts.read_events(app))
        if (e.value("event", "") == event) return true;
    return false;
}

}  // namespace

TEST_CASE("a notification shows a banner under the status bar; a tap opens its app, whose host hears it") {
    HostedShell h;
    h.f.start_shell();
    h.launch("red", kAppWindow, "红色笔记");
    REQUIRE(h.f.compositor.request({{"cmd", "home"}})["ok"] == true);
    REQUIRE(cirrus_it::wait_until([&] { return !h.visible("red"); }));

    h.hosts.send("red", "notify 5 你好 Lunch?");
    const json banner = h.wait_layer("cirrus-banner");
    CHECK(banner["layer"] == "overlay");
    CHECK(banner["y"] == cirrus::shell::kStatusBarHeight);  // the status bar stays readable
    CHECK(banner["width"] == 480);
    CHECK(banner["keyboard_interactive"] == "none");
    const Box card = card_on_screen(banner);
    const BannerGeometry g = compute_banner_geometry(480);

    // The card's colour where no text is (its right end), once it has slid down.
    const Image shot = h.f.wait_pixel(card.x + card.width - 16, card.y + card.height - 10, kBannerCardRgb, 3);
    // The app's icon (its red), its Chinese name and title in dark glyphs.
    const Box icon = g.icon.translated(banner["x"].get<int>(), banner["y"].get<int>());
    CHECK(cirrus_it::same_rgb(shot.at(centre_x(icon), centre_y(icon)), 0xd03030, 6));
    const auto card_bg = [](int) { return Image::Pixel{0xf4, 0xf5, 0xf7, 255}; };
    CHECK(ink_pixels(shot, g.app.translated(0, banner["y"].get<int>()), card_bg) > 20);
    CHECK(ink_pixels(shot, g.title.translated(0, banner["y"].get<int>()), card_bg) > 30);
    CHECK(ink_pixels(shot, g.body.translated(0, banner["y"].get<int>()), card_bg) > 20);

    REQUIRE(h.f.tap(centre_x(card), centre_y(card))["ok"] == true);
    CHECK(h.hosts.expect("red", "notification_activated")["tag"] == 5);
    CHECK(cirrus_it::wait_until([&] { return h.visible("red"); }));
    const auto w = h.window("red");
    REQUIRE(w.has_value());
    CHECK((*w)["focused"] == true);
    CHECK(h.wait_layer_gone("cirrus-banner", 2));
    h.f.wait_pixel(240, 400, kAppWindow);
}

TEST_CASE("a banner goes away by itself after about five seconds; then the shell draws nothing") {
    HostedShell h;
    h.f.start_shell();
    h.launch("red", kAppWindow);
    h.hosts.send("red", "notify 1 Reminder Something happened");
    h.wait_layer("cirrus-banner");
    const auto shown = std::chrono::steady_clock::now();
    REQUIRE(h.wait_layer_gone("cirrus-banner", 10));
    const double lasted = std::chrono::duration<double>(std::chrono::steady_clock::now() - shown).count();
    CHECK(lasted > 4.5);
    CHECK(lasted < 7.5);
    // Over the app, which was in front all along and was not opened.
    CHECK(h.visible("red"));
    CHECK_FALSE(any_event(h.hosts, "red", "notification_activated"));
    const long long before = h.f.compositor.stats()["frames"];
    cirrus_it::sleep_ms(1000);
    // (The status bar's clock may tick once.)
    CHECK(h.f.compositor.stats()["frames"].get<long long>() - before <= 1);
}

TEST_CASE("a swipe up on a banner dismisses it without opening the app; the app's withdrawal takes one away") {
    HostedShell h;
    h.f.start_shell();
    h.launch("red", kAppWindow);
    REQUIRE(h.f.compositor.request({{"cmd", "home"}})["ok"] == true);
    REQUIRE(cirrus_it::wait_until([&] { return !h.visible("red"); }));

    h.hosts.send("red", "notify 2 Swipe me");
    const Box card = card_on_screen(h.wait_layer("cirrus-banner"));
    h.f.wait_pixel(card.x + card.width - 16, card.y + card.height - 10, kBannerCardRgb, 3);
    REQUIRE(h.swipe(centre_x(card), centre_y(card), centre_x(card), centre_y(card) - 50, 100, 5)["ok"] == true);
    CHECK(h.wait_layer_gone("cirrus-banner", 2));
    cirrus_it::sleep_ms(200);
    CHECK_FALSE(h.visible("red"));
    CHECK_FALSE(any_event(h.hosts, "red", "notification_activated"));

    h.hosts.send("red", "notify 3 Withdrawn soon");
    h.wait_layer("cirrus-banner");
    h.hosts.send("red", "withdraw 3");
    CHECK(h.wait_layer_gone("cirrus-banner", 2));  // long before its five seconds
}

TEST_CASE("a permission question shows a dialog; Allow grants, the host hears it and the registry keeps it") {
    HostedShell h;
    h.f.start_shell();
    h.launch("red", kAppWindow, "Red Maps");
    h.hosts.send("red", "permission geolocation 7");
    const json prompt = h.wait_layer("cirrus-permission");
    CHECK(prompt["layer"] == "overlay");
    CHECK(prompt["width"] == 480);
    CHECK(prompt["height"] == 800);
    const PromptGeometry g = compute_prompt_geometry(480, 800);
    const Image shot =
        h.f.wait_pixel(g.dialog.x + 8, g.message.y + g.message.height / 2, cirrus::shell::kPromptDialogRgb, 3);
    // The question in dark text, the two buttons' words in blue.
    const auto dialog_bg = [](int) { return Image::Pixel{0xf4, 0xf5, 0xf7, 255}; };
    CHECK(ink_pixels(shot, g.message, dialog_bg) > 150);
    CHECK(ink_pixels(shot, g.allow, dialog_bg) > 30);
    CHECK(ink_pixels(shot, g.deny, dialog_bg) > 30);
    // The app around the dialog, dimmed.
    const Image::Pixel dimmed = shot.at(20, 100);
    CHECK(dimmed.r < 0xcc - 40);
    CHECK(dimmed.r > 0x20);
    CHECK_FALSE(any_event(h.hosts, "red", "permission_answered"));

    REQUIRE(h.f.tap(centre_x(g.allow), centre_y(g.allow))["ok"] == true);
    const json answer = h.hosts.expect("red", "permission_answered");
    CHECK(answer["serial"] == 7);
    CHECK(answer["answer"] == "granted");
    CHECK(permission(h.f, "red", "geolocation") == cirrus::launcher::PermissionState::granted);
    CHECK(h.wait_layer_gone("cirrus-permission", 2));
    h.f.wait_pixel(20, 100, kAppWindow);
}

// window.cirrus.contacts and .notes ask through the same prompt (the host's
// gate sends the same request_permission); the registry keeps the answer,
// so the second question is answered without the user.
TEST_CASE("contacts and notes are asked once through the prompt; the answer is kept") {
    HostedShell h;
    h.f.start_shell();
    h.launch("red", kAppWindow, "Red Book");
    const PromptGeometry g = compute_prompt_geometry(480, 800);
    h.hosts.send("red", "permission contacts 21");
    h.wait_layer("cirrus-permission");
    h.f.wait_pixel(g.dialog.x + 8, g.message.y + g.message.height / 2, cirrus::shell::kPromptDialogRgb, 3);
    REQUIRE(h.f.tap(centre_x(g.deny), centre_y(g.deny))["ok"] == true);
    CHECK(h.hosts.expect("red", "permission_answered")["answer"] == "denied");
    CHECK(permission(h.f, "red", "contacts") == cirrus::launcher::PermissionState::denied);
    CHECK(h.wait_layer_gone("cirrus-permission", 2));

    h.hosts.send("red", "permission contacts 22");  // asked once: the registry answers
    const json again = h.hosts.expect("red", "permission_answered");
    CHECK(again["serial"] == 22);
    CHECK(again["answer"] == "denied");

    h.hosts.send("red", "permission notes 23");
    h.wait_layer("cirrus-permission");
    h.f.wait_pixel(g.dialog.x + 8, g.message.y + g.message.height / 2, cirrus::shell::kPromptDialogRgb, 3);
    REQUIRE(h.f.tap(centre_x(g.allow), centre_y(g.allow))["ok"] == true);
    CHECK(h.hosts.expect("red", "permission_answered")["answer"] == "granted");
    CHECK(permission(h.f, "red", "notes") == cirrus::launcher::PermissionState::granted);
}

TEST_CASE("a question open when the shell dies is asked again by the next shell, and the page gets its answer") {
    HostedShell h;
    h.f.start_shell();
    h.launch("red", kAppWindow, "Red Maps");
    h.hosts.send("red", "permission camera 3");
    h.wait_layer("cirrus-permission");
    h.f.kill_shell();
    CHECK_FALSE(any_event(h.hosts, "red", "permission_answered"));  // nobody answered for the user

    h.f.start_shell();
    h.wait_layer("cirrus-permission");
    const PromptGeometry g = compute_prompt_geometry(480, 800);
    h.f.wait_pixel(g.dialog.x + 8, g.message.y + g.message.height / 2, cirrus::shell::kPromptDialogRgb, 3);
    REQUIRE(h.f.tap(centre_x(g.deny), centre_y(g.deny))["ok"] == true);
    const json answer = h.hosts.expect("red", "permission_answered");
    CHECK(answer["serial"] == 3);
    CHECK(answer["answer"] == "denied");
    CHECK(permission(h.f, "red", "camera") == cirrus::launcher::PermissionState::denied);
}

TEST_CASE("Don't Allow denies; two questions come one after the other") {
    HostedShell h;
    h.f.start_shell();
    h.launch("red", kAppWindow);
    h.hosts.send("red", "permission camera 1");
    h.hosts.send("red", "permission microphone 2");
    h.wait_layer("cirrus-permission");
    const PromptGeometry g = compute_prompt_geometry(480, 800);
    h.f.wait_pixel(g.dialog.x + 8, g.message.y + g.message.height / 2, cirrus::shell::kPromptDialogRgb, 3);

    REQUIRE(h.f.tap(centre_x(g.deny), centre_y(g.deny))["ok"] == true);
    json answer = h.hosts.expect("red", "permission_answered");
    CHECK(answer["serial"] == 1);
    CHECK(answer["answer"] == "denied");
    CHECK(permission(h.f, "red", "camera") == cirrus::launcher::PermissionState::denied);
    // The second question is up now.
    cirrus_it::sleep_ms(300);
    CHECK(h.layer("cirrus-permission").has_value());
    REQUIRE(h.f.tap(centre_x(g.allow), centre_y(g.allow))["ok"] == true);
    answer = h.hosts.expect("red", "permission_answered");
    CHECK(answer["serial"] == 2);
    CHECK(answer["answer"] == "granted");
    CHECK(permission(h.f, "red", "microphone") == cirrus::launcher::PermissionState::granted);
    CHECK(h.wait_layer_gone("cirrus-permission", 2));
}

TEST_CASE("a question asked while locked waits, hidden, for the unlock") {
    HostedShell h;
    h.f.start_shell();
    h.launch("red", kAppWindow);
    h.lock_with_power_key();
    h.hosts.send("red", "permission camera 3");
    h.hosts.expect("red", "sent");
    cirrus_it::sleep_ms(500);
    CHECK_FALSE(h.layer("cirrus-permission").has_value());
    CHECK_FALSE(any_event(h.hosts, "red", "permission_answered"));

    REQUIRE(h.swipe(240, 760, 240, 300, 250, 12)["ok"] == true);
    CHECK(h.wait_layer_gone("cirrus-lock"));
    h.wait_layer("cirrus-permission");
    const PromptGeometry g = compute_prompt_geometry(480, 800);
    h.f.wait_pixel(g.dialog.x + 8, g.message.y + g.message.height / 2, cirrus::shell::kPromptDialogRgb, 3);
    REQUIRE(h.f.tap(centre_x(g.allow), centre_y(g.allow))["ok"] == true);
    CHECK(h.hosts.expect("red", "permission_answered")["answer"] == "granted");
}

TEST_CASE("at scale 2 the banner and the dialog are drawn at twice the pixels, in the same places") {
    Compositor::Options o;
    o.size = "960x1600";
    o.extra_args = {"--scale", "2"};
    HostedShell h(o);
    h.f.start_shell();
    h.launch("red", kAppWindow);
    h.hosts.send("red", "notify 4 Sharp text");
    const json banner = h.wait_layer("cirrus-banner");
    CHECK(banner["width"] == 480);  // logical
    const Box card = card_on_screen(banner);
    h.f.wait_pixel(2 * (card.x + card.width - 16), 2 * (card.y + card.height - 10), kBannerCardRgb, 3);

    h.hosts.send("red", "permission notifications 9");
    h.wait_layer("cirrus-permission");
    const PromptGeometry g = compute_prompt_geometry(480, 800);
    h.f.wait_pixel(2 * (g.dialog.x + 8), 2 * (g.message.y + g.message.height / 2), cirrus::shell::kPromptDialogRgb, 3);
    REQUIRE(h.f.tap(centre_x(g.allow), centre_y(g.allow))["ok"] == true);  // taps are logical
    CHECK(h.hosts.expect("red", "permission_answered")["answer"] == "granted");
}

TEST_CASE("a mouse click answers the prompt and opens a banner's app") {
    HostedShell h;
    h.f.start_shell();
    h.launch("red", kAppWindow);
    h.hosts.send("red", "permission persistent-storage 11");
    h.wait_layer("cirrus-permission");
    const PromptGeometry g = compute_prompt_geometry(480, 800);
    h.f.wait_pixel(g.dialog.x + 8, g.message.y + g.message.height / 2, cirrus::shell::kPromptDialogRgb, 3);
    constexpr int btn_left = 272;
    h.mouse("motion " + std::to_string(centre_x(g.deny)) + " " + std::to_string(centre_y(g.deny)));
    h.mouse("button " + std::to_string(btn_left));
    CHECK(h.hosts.expect("red", "permission_answered")["answer"] == "denied");
    CHECK(permission(h.f, "red", "persistent-storage") == cirrus::launcher::PermissionState::denied);
    CHECK(h.wait_layer_gone("cirrus-permission", 2));

    REQUIRE(h.f.compositor.request({{"cmd", "home"}})["ok"] == true);
    REQUIRE(cirrus_it::wait_until([&] { return !h.visible("red"); }));
    h.hosts.send("red", "notify 12 Click");
    const Box card = card_on_screen(h.wait_layer("cirrus-banner"));
    h.f.wait_pixel(card.x + card.width - 16, card.y + card.height - 10, kBannerCardRgb, 3);
    h.mouse("motion " + std::to_string(centre_x(card)) + " " + std::to_string(centre_y(card)));
    h.mouse("button " + std::to_string(btn_left));
    CHECK(h.hosts.expect("red", "notification_activated")["tag"] == 12);
    CHECK(cirrus_it::wait_until([&] { return h.visible("red"); }));
}
