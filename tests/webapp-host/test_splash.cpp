// The launch splash for real: a hosted app on a loopback origin whose start
// page is held back by the server, launched through the real compositor and
// the real host. Until the page's first frame is on screen the compositor
// shows the app's background_color with its icon and name over the work
// area, even though the host's window is already mapped; then the page shows.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>

#include "../integration/harness.hpp"
#include "../launcher/install/http_test_server.hpp"
#include "host_session.hpp"
#include "install.hpp"
#include "common/registry.hpp"
#include "test_support.hpp"

using namespace cirrus_it;
using cirrus::test::HttpTestServer;
using webapp_test::kPageColour;
using webapp_test::TempDir;

namespace {

constexpr std::uint32_t kSplashColour = 0xff00ff;  // the manifest's background_color
constexpr auto kHold = std::chrono::milliseconds(4000);

const char* kSplashPage = R"(<!doctype html>
<html style="background:#00ff00"><head><meta charset="utf-8"><title>splash page</title>
<link rel="manifest" href="manifest.webmanifest"></head>
<body style="margin:0;min-height:100vh;background:#00ff00"></body></html>
)";

const char* kManifest = R"({"name":"Splash Test","short_name":"Splash","start_url":"/splash/",
 "scope":"/splash/","display":"standalone","background_color":"#ff00ff","theme_color":"#0000ff"})";

// A 200 answer with this body (no-store), held back while *hold is set.
HttpTestServer::Handler respond_held(const std::string& type, const std::string& body, std::atomic<bool>* hold) {
    return [type, body, hold](SoupServerMessage* message) {
        // A slow first paint: the page's bytes arrive only after kHold.
        if (hold && hold->load()) std::this_thread::sleep_for(kHold);
        soup_message_headers_append(soup_server_message_get_response_headers(message), "Cache-Control", "no-store");
        soup_server_message_set_status(message, 200, nullptr);
        soup_server_message_set_response(message, type.c_str(), SOUP_MEMORY_COPY, body.data(), body.size());
    };
}

// Every point of a grid over `area` (x, y, width, height) has `rgb`.
bool grid_has_colour(const Image& image, const json& area, std::uint32_t rgb) {
    const int x = area["x"], y = area["y"], w = area["width"], h = area["height"];
    for (int i = 1; i < 10; ++i) {
        for (int j = 1; j < 10; ++j) {
            // Skip the middle band, where the icon and the name are.
            if (j >= 3 && j <= 5) continue;
            if (!same_rgb(image.at(x + w * i / 10, y + h * j / 10), rgb, 8)) return false;
        }
    }
    return true;
}

// Pixels in the middle band that are not the background: the icon and name.
int marks_in_middle(const Image& image, const json& area, std::uint32_t background) {
    const int x = area["x"], y = area["y"], w = area["width"], h = area["height"];
    int marks = 0;
    for (int py = y + h / 4; py < y + h * 6 / 10; py += 2) {
        for (int px = x + w / 4; px < x + w * 3 / 4; px += 2) {
            if (!same_rgb(image.at(px, py), background, 24)) ++marks;
        }
    }
    return marks;
}

json app_entry(Compositor& c, const std::string& id) {
    const json reply = c.request({{"cmd", "apps"}});
    for (const json& a : reply["apps"]) {
        if (a["app"] == id) return a;
    }
    return json::object();
}

}  // namespace

TEST_CASE("the splash shows the app's colour, icon and name until its first frame, even over a mapped window") {
    std::atomic<bool> hold{false};
    std::map<std::string, HttpTestServer::Handler> routes;
    routes["/splash/"] = respond_held("text/html", kSplashPage, &hold);
    routes["/splash/manifest.webmanifest"] = respond_held("application/manifest+json", kManifest, nullptr);
    HttpTestServer server(std::move(routes));
    REQUIRE(server.url("/").starts_with("http://127.0.0.1:"));

    TempDir tmp;
    const std::filesystem::path db = tmp.path() / "registry.db";
    std::string id;
    {
        cirrus::launcher::Registry registry = cirrus::launcher::Registry::open(db);
        cirrus::launcher::Installer installer(registry, tmp.path() / "apps");
        id = installer.install(server.url("/splash/")).app.id;
    }
    hold = true;

    setenv("CIRRUS_REGISTRY", db.c_str(), 1);
    Compositor::Options options;
    options.extra_args = {"--app-host", program("CIRRUS_WEBAPP_HOST")};
    Compositor c(options);
    unsetenv("CIRRUS_REGISTRY");
    const json area = c.outputs()[0]["work_area"];

    const auto launched_at = std::chrono::steady_clock::now();
    const json launched = c.request({{"cmd", "launch"}, {"app", id}});
    REQUIRE(launched["ok"] == true);
    CHECK(launched["splash"] == true);
    const pid_t pid = launched["pid"].get<pid_t>();

    // At once: the splash, before the host has even drawn anything.
    const Image first = read_png([&] {
        const std::string path = c.new_path("splash-at-once.png");
        REQUIRE(c.request({{"cmd", "screenshot"}, {"path", path}})["ok"] == true);
        return path;
    }());
    CHECK(grid_has_colour(first, area, kSplashColour));
    CHECK(marks_in_middle(first, area, kSplashColour) > 50);  // icon and name drawn

    // The host's window maps while the page is still held back: the splash
    // stays, because the host has not reported its first frame.
    const bool mapped = wait_until(
        [&] {
            const json entry = app_entry(c, id);
            return entry.contains("state") && entry["state"] == "front";
        },
        25);
    REQUIRE_MESSAGE(mapped, c.request({{"cmd", "apps"}}).dump() << c.windows().dump() << c.log_tail(3000));
    const double mapped_after = std::chrono::duration<double>(std::chrono::steady_clock::now() - launched_at).count();
    if (mapped_after < std::chrono::duration<double>(kHold).count() - 0.5) {
        const std::string path = c.new_path("splash-over-window.png");
        REQUIRE(c.request({{"cmd", "screenshot"}, {"path", path}})["ok"] == true);
        CHECK(grid_has_colour(read_png(path), area, kSplashColour));
        CHECK(app_entry(c, id)["splash"] == true);
    } else {
        MESSAGE("the window mapped only after the hold (" << mapped_after << " s): no check over a mapped window");
    }

    // Then the page's own frame replaces it.
    std::string last;
    const bool painted = wait_until(
        [&] {
            last = c.new_path("splash-then-page.png");
            if (c.request({{"cmd", "screenshot"}, {"path", last}})["ok"] != true) return false;
            return grid_has_colour(read_png(last), area, kPageColour);
        },
        30);
    CHECK_MESSAGE(painted, c.log_tail(3000));
    const json entry = app_entry(c, id);
    CHECK(entry["splash"] == false);
    REQUIRE(entry.contains("first_frame_ms"));
    // Reported after the page arrived, not when the window mapped.
    CHECK(entry["first_frame_ms"].get<int>() >= std::chrono::duration_cast<std::chrono::milliseconds>(kHold).count());

    kill(pid, SIGTERM);
    wait_until([&] { return kill(pid, 0) != 0; }, 5);
}
