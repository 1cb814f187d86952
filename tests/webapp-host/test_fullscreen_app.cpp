// display: fullscreen for real: two hosted apps on a loopback origin, one
// whose manifest says fullscreen and one standalone, installed by URL and
// launched through the real compositor and the real host, with a status bar
// (the integration tests' red top-layer bar). The fullscreen app's page fills
// the top row of the screen; the standalone app's top row is the bar; a swipe
// down from the top edge shows the bar over the fullscreen page, then it goes.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <string>

#include "../integration/helpers.hpp"
#include "../launcher/install/http_test_server.hpp"
#include "host_session.hpp"
#include "install.hpp"
#include "common/registry.hpp"
#include "test_support.hpp"

using namespace cirrus_it;
using cirrus::test::HttpTestServer;
using webapp_test::kPageColour;
using webapp_test::respond;
using webapp_test::TempDir;

namespace {

std::string page(const std::string& title) {
    return R"(<!doctype html>
<html style="background:#00ff00"><head><meta charset="utf-8"><title>)" +
           title + R"(</title>
<link rel="manifest" href="manifest.webmanifest"></head>
<body style="margin:0;min-height:100vh;background:#00ff00"></body></html>
)";
}

std::string manifest(const std::string& path, const std::string& display) {
    return R"({"name":"Display )" + display + R"(","start_url":")" + path + R"(","scope":")" + path +
           R"(","display":")" + display + R"(","background_color":"#00ff00"})";
}

// The top row (left, middle, right) and one pixel inside the bar's band.
const std::vector<std::pair<int, int>> kTopRow = {{0, 0}, {240, 0}, {kWidth - 1, 0}, {240, kBarHeight / 2}};

bool top_row_is(Compositor& c, std::uint32_t rgb, json* pixels = nullptr) {
    const json capture = screencopy(c, kTopRow);
    if (pixels) *pixels = capture["pixels"];
    for (const json& pixel : capture["pixels"])
        if (!same_rgb(pixel, rgb, 8)) return false;
    return true;
}

void wait_top_row(Compositor& c, std::uint32_t rgb, const std::string& what, double timeout_s) {
    json last;
    if (!wait_until([&] { return top_row_is(c, rgb, &last); }, timeout_s))
        throw std::runtime_error("the top row never showed " + what + "; last: " + last.dump());
}

}  // namespace

TEST_CASE("a fullscreen web app's pixels fill the top row; a standalone one's top row is the status bar") {
    std::map<std::string, HttpTestServer::Handler> routes;
    routes["/full/"] = respond("text/html", page("fullscreen page"));
    routes["/full/manifest.webmanifest"] = respond("application/manifest+json", manifest("/full/", "fullscreen"));
    routes["/stand/"] = respond("text/html", page("standalone page"));
    routes["/stand/manifest.webmanifest"] = respond("application/manifest+json", manifest("/stand/", "standalone"));
    HttpTestServer server(std::move(routes));
    REQUIRE(server.url("/").starts_with("http://127.0.0.1:"));

    TempDir tmp;
    const std::filesystem::path db = tmp.path() / "registry.db";
    std::string full, stand;
    {
        cirrus::launcher::Registry registry = cirrus::launcher::Registry::open(db);
        cirrus::launcher::Installer installer(registry, tmp.path() / "apps");
        full = installer.install(server.url("/full/")).app.id;
        stand = installer.install(server.url("/stand/")).app.id;
        REQUIRE(registry.get(full)->display == "fullscreen");
        REQUIRE(registry.get(stand)->display == "standalone");
    }

    setenv("CIRRUS_REGISTRY", db.c_str(), 1);
    Compositor::Options options;
    options.extra_args = {"--app-host", program("CIRRUS_WEBAPP_HOST")};
    Compositor c(options);
    unsetenv("CIRRUS_REGISTRY");
    auto bar = start_bar(c);

    const pid_t full_pid = webapp_test::launch(c, full);
    webapp_test::HostGuard full_guard{c, full_pid};
    const json full_window = webapp_test::window_with_title(c, full, "fullscreen page", webapp_test::kPageTimeout);
    CHECK(full_window["fullscreen"] == true);
    CHECK(full_window["y"] == 0);
    CHECK(full_window["height"] == kHeight);
    wait_top_row(c, kPageColour, "the fullscreen page", webapp_test::kPageTimeout);
    const std::string shots = std::getenv("CIRRUS_SCREENSHOT_DIR") ? std::getenv("CIRRUS_SCREENSHOT_DIR") : "";
    if (!shots.empty()) {
        std::filesystem::create_directories(shots);
        c.request({{"cmd", "screenshot"}, {"path", shots + "/fullscreen-app.png"}});
    }

    SUBCASE("a swipe down from the top edge shows the bar over the page, then it goes") {
        const auto swiped = std::chrono::steady_clock::now();
        REQUIRE(
            c.request({{"cmd", "swipe"}, {"x1", 240}, {"y1", 2}, {"x2", 240}, {"y2", 300}, {"ms", 150}, {"steps", 8}})
                .value("ok", false));
        wait_top_row(c, kBarColor, "the status bar after the swipe", 2);
        const json during = webapp_test::window_with_title(c, full, "fullscreen page", 1);
        CHECK(during["y"] == 0);  // not resized
        CHECK(during["height"] == kHeight);
        wait_top_row(c, kPageColour, "the page once the bar went", 8);
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - swiped).count();
        MESSAGE("the bar went " << ms << " ms after the swipe began");
        CHECK(ms >= 2500);
    }

    SUBCASE("the standalone app keeps the bar") {
        const pid_t stand_pid = webapp_test::launch(c, stand);
        webapp_test::HostGuard stand_guard{c, stand_pid};
        const json window = webapp_test::window_with_title(c, stand, "standalone page", webapp_test::kPageTimeout);
        CHECK(window["fullscreen"] == false);
        CHECK(window["y"] == kBarHeight);
        CHECK(window["height"] == kHeight - kBarHeight);
        wait_top_row(c, kBarColor, "the status bar over the standalone app", webapp_test::kPageTimeout);
        json below;
        CHECK(wait_until(
            [&] {
                below = screencopy(c, {{240, kBarHeight + 2}, {240, kHeight / 2}})["pixels"];
                return same_rgb(below[0], kPageColour, 8) && same_rgb(below[1], kPageColour, 8);
            },
            webapp_test::kPageTimeout));
    }
}
