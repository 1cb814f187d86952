// Link hand-offs may not steal the screen: a link an app hands over
// (cirrus_app_v1.open_url, what window.open of another app's URL becomes)
// brings the other app to the front only when the user just acted on the
// app in front (a tap on its window). Otherwise it waits as a banner that
// the user can tap. The real compositor and shell, with app hosts that speak
// cirrus_app_v1 (cirrus-test-app-link).

#include <chrono>
#include <thread>

#include "app_link_hosts.hpp"
#include "banner_queue.hpp"

using namespace cirrus_shell_it;
using cirrus::shell::BannerGeometry;
using cirrus::shell::compute_banner_geometry;

namespace {

constexpr std::uint32_t kTargetWindow = 0x3366cc;

Box held_link_card(const json& banner_layer) {
    const BannerGeometry g = compute_banner_geometry(banner_layer["width"].get<int>());
    return g.card.translated(banner_layer["x"].get<int>(), banner_layer["y"].get<int>());
}

bool in_front(HostedShell& h, const std::string& app) {
    const auto w = h.window(app);
    return w && w->value("visible", false) && w->value("focused", false);
}

bool heard_link(const AppLinkHosts& hosts, const std::string& app) {
    for (const json& e : hosts.read_events(app))
        if (e.value("name", "") == "open_url") return true;
    return false;
}

}  // namespace

// The attack: an app opens another app's URL with no user action, as a page
// calling window.open() on a timer does, first while it is in front and the
// user only looks, then from the background while the user is home. What
// must survive: what is in front stays in front (the attacker, then home);
// the target hears nothing; the link waits as a banner, and a tap on it
// opens the target at that link.
TEST_CASE("an app's link with no user action does not bring another app to the front; it waits as a banner") {
    HostedShell h;
    h.f.start_shell();
    h.launch("target", kTargetWindow, "Target");
    h.launch("pusher", kAppWindow, "Pusher");
    REQUIRE(in_front(h, "pusher"));

    // In front, but nobody touched it.
    h.hosts.send("pusher", "open app://target/index.html?from=timer 7");
    const json first = h.hosts.expect("pusher", "url_opened");
    CHECK(first["serial"] == 7);
    CHECK(first["opened"] == 1);  // not refused: held for the user
    h.wait_layer("cirrus-banner");
    CHECK(in_front(h, "pusher"));
    CHECK_FALSE(h.visible("target"));
    CHECK_FALSE(heard_link(h.hosts, "target"));

    // From the background, while the user is home.
    REQUIRE(h.f.compositor.request({{"cmd", "home"}})["ok"] == true);
    REQUIRE(cirrus_it::wait_until([&] { return !h.visible("pusher"); }));
    h.hosts.send("pusher", "open app://target/index.html?from=background 8");
    CHECK(h.hosts.expect("pusher", "url_opened")["serial"] == 8);
    const json banner = h.wait_layer("cirrus-banner");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // what a stolen front would take to show
    CHECK_FALSE(h.visible("target"));
    CHECK_FALSE(h.visible("pusher"));
    CHECK_FALSE(heard_link(h.hosts, "target"));

    // The user taps the banner: now the target comes, at the latest link.
    const Box card = held_link_card(banner);
    REQUIRE(h.f.tap(centre_x(card), centre_y(card))["ok"] == true);
    const json opened =
        h.hosts.expect("target", "cirrus_app_v1", 10, [](const json& e) { return e.value("name", "") == "open_url"; });
    CHECK(opened["url"] == "app://target/index.html?from=background");
    CHECK(cirrus_it::wait_until([&] { return in_front(h, "target"); }));
    CHECK_FALSE(h.visible("pusher"));
}

// What must keep working: the user taps a link in the app in front, and the
// app that holds it comes to the front at that link.
TEST_CASE("a link the user follows with a tap on the app in front brings the other app to the front") {
    HostedShell h;
    h.f.start_shell();
    h.launch("target", kTargetWindow, "Target");
    h.launch("linker", kAppWindow, "Linker");
    REQUIRE(in_front(h, "linker"));

    h.hosts.send("linker", "open-on-touch app://target/index.html?from=tap");
    h.hosts.expect("linker", "sent");
    const json out = h.f.compositor.outputs()[0];
    REQUIRE(h.f.tap(out["width"].get<int>() / 2, out["height"].get<int>() / 2)["ok"] == true);
    h.hosts.expect("linker", "touch_down");
    CHECK(h.hosts.expect("linker", "url_opened")["opened"] == 1);
    const json opened =
        h.hosts.expect("target", "cirrus_app_v1", 10, [](const json& e) { return e.value("name", "") == "open_url"; });
    CHECK(opened["url"] == "app://target/index.html?from=tap");
    CHECK(cirrus_it::wait_until([&] { return in_front(h, "target"); }));
    CHECK_FALSE(h.visible("linker"));
    CHECK_FALSE(h.layer("cirrus-banner").has_value());
}
