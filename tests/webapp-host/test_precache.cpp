// Install-time precaching, end to end: `cirrus install` stores a hosted
// app's page and everything it loads in the offline store the web-app host
// reads, so that the app's very first launch works with its origin gone.
// Real CLI, real host (WebKit, sandbox on), real headless compositor.
#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "host_session.hpp"
#include "test_support.hpp"

using namespace cirrus_it;
using namespace webapp_test;
using cirrus::test::HttpTestServer;

namespace {

constexpr uint32_t kShopPageColour = 0x1e90ff;  // the stylesheet's background
constexpr uint32_t kBannerColour = 0xcc2200;    // the stylesheet's background image

// The title is the DOM check: the script ran, the image decoded, the
// stylesheet applied (its computed colour).
const char* kShopPage = R"(<!doctype html>
<html><head><meta charset="utf-8"><title>loading</title>
<link rel="manifest" href="manifest.webmanifest">
<link rel="stylesheet" href="css/style.css">
<script src="js/app.js"></script></head>
<body><div id="banner"></div><img id="logo" src="img/logo.svg" width="32" height="32">
<script>
window.addEventListener('load', () => {
  const logo = document.getElementById('logo');
  const styled = getComputedStyle(document.body).backgroundColor === 'rgb(30, 144, 255)';
  document.title = 'shop script=' + (window.appScript || 'none') +
                   ' img=' + (logo.complete && logo.naturalWidth > 0 ? 'ok' : 'broken') +
                   ' css=' + (styled ? 'ok' : 'none');
});
</script></body></html>
)";

std::string solid_svg(const char* colour) {
    return std::string(R"(<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64">)") +
           R"(<rect width="64" height="64" fill=")" + colour + R"("/></svg>)";
}

// The shop app; its stylesheet answers 500 when `css_fails`.
std::map<std::string, HttpTestServer::Handler> shop_routes(bool css_fails = false) {
    const std::string manifest =
        R"({"name":"Shop","start_url":"/shop/","scope":"/shop/","display":"standalone","background_color":"#ffffff",)"
        R"("icons":[{"src":"img/icon.svg","sizes":"any","type":"image/svg+xml"}]})";
    const std::string css =
        "html,body{margin:0;min-height:100vh;background-color:#1e90ff}"
        "#banner{height:50vh;background:url(../img/banner.svg) repeat}";
    std::map<std::string, HttpTestServer::Handler> routes = {
        {"/shop/", respond("text/html", kShopPage, "no-cache")},
        {"/shop/manifest.webmanifest", respond("application/manifest+json", manifest, "")},
        {"/shop/js/app.js", respond("text/javascript", "window.appScript = 'ran';", "")},
        {"/shop/img/logo.svg", respond("image/svg+xml", solid_svg("#000000"), "max-age=600")},
        {"/shop/img/banner.svg", respond("image/svg+xml", solid_svg("#cc2200"), "max-age=600")},
        {"/shop/img/icon.svg", respond("image/svg+xml", solid_svg("#008000"), "max-age=600")},
    };
    if (css_fails) {
        routes["/shop/css/style.css"] = [](SoupServerMessage* message) {
            soup_server_message_set_status(message, 500, nullptr);
            soup_server_message_set_response(message, "text/plain", SOUP_MEMORY_COPY, "down", 4);
        };
    } else {
        // As most servers that compress send it: the host's lookup must match.
        routes["/shop/css/style.css"] = [css](SoupServerMessage* message) {
            SoupMessageHeaders* headers = soup_server_message_get_response_headers(message);
            soup_message_headers_append(headers, "Cache-Control", "max-age=600");
            soup_message_headers_append(headers, "Vary", "Accept-Encoding");
            soup_server_message_set_status(message, 200, nullptr);
            soup_server_message_set_response(message, "text/css", SOUP_MEMORY_COPY, css.data(), css.size());
        };
    }
    return routes;
}

// The page (stylesheet colour) in the lower half of the work area, the
// stylesheet's background image in the upper half.
bool precached_page_on_screen(Compositor& c) {
    const json wa = c.outputs()[0]["work_area"];
    const std::string path = c.new_path("precached-page");
    if (c.request({{"cmd", "screenshot"}, {"path", path}})["ok"] != true) return false;
    const Image image = read_png(path);
    const int x = wa["x"], y = wa["y"], w = wa["width"], h = wa["height"];
    return same_rgb(image.at(x + w / 2, y + h / 4), kBannerColour, 8) &&
           same_rgb(image.at(x + w / 2, y + h * 3 / 4), kShopPageColour, 8) &&
           same_rgb(image.at(x + w - 4, y + h - 4), kShopPageColour, 8);
}

// "installed ID (Name)\n..." -> ID
std::string installed_id(const std::string& out) {
    const std::string prefix = "installed ";
    if (!out.starts_with(prefix)) return "";
    return out.substr(prefix.size(), out.find(' ', prefix.size()) - prefix.size());
}

}  // namespace

TEST_CASE("precache: a hosted app installed by cirrus install renders at its first launch with the origin gone") {
    auto origin = std::make_unique<HttpTestServer>(shop_routes());
    TempDir tmp;
    const std::filesystem::path registry = tmp.path() / "registry.db";
    setenv("CIRRUS_REGISTRY", registry.c_str(), 1);  // the compositor passes CIRRUS_* on to hosts
    Compositor::Options options;
    options.extra_args = {"--app-host", program("CIRRUS_WEBAPP_HOST")};
    Compositor c(options);
    unsetenv("CIRRUS_REGISTRY");
    // The file the hosts open: the compositor gives them XDG_DATA_HOME =
    // <runtime dir>/data, and the CLI is pointed at the same file.
    const auto store = std::filesystem::path(c.runtime_dir()) / "data" / "cirrus" / "offline.sqlite";
    const std::map<std::string, std::string> cli_env = {{"CIRRUS_OFFLINE_STORE", store.string()}};

    const RunResult installed = run_program(
        {program("CIRRUS_CLI"), "--registry", registry.string(), "install", origin->url("/shop/")}, cli_env, 60);
    REQUIRE_MESSAGE(installed.exited_ok(), installed.err);
    MESSAGE(installed.out << installed.err);
    // The page, its manifest, stylesheet, script, image, the stylesheet's
    // background image and the manifest's icon.
    CHECK(installed.out.find("precached (7/7 stored); offline-ready after its first online run") != std::string::npos);
    CHECK(installed.err.find("precaching 7/7 ") != std::string::npos);
    const std::string id = installed_id(installed.out);
    REQUIRE(!id.empty());

    const RunResult info = run_program({program("CIRRUS_CLI"), "--registry", registry.string(), "info", id}, cli_env);
    // All install found is stored; never run, so what scripts load is unknown.
    CHECK_MESSAGE(info.out.find("offline:          not ready (7/7 stored; not run online yet") != std::string::npos,
                  info.out);

    origin.reset();  // the origin is gone before the app ever ran: connections are refused
    HostGuard host{c, launch(c, id)};
    const json w = window_with_title(c, id, "shop script=ran img=ok css=ok", kPageTimeout, host.pid);
    MESSAGE("first launch, offline: " << w["title"].get<std::string>());
    CHECK_MESSAGE(wait_until([&] { return precached_page_on_screen(c); }, 10), c.log_tail(3000));
}

TEST_CASE("precache: a stylesheet failing at install leaves the app not offline-ready, and cirrus info names it") {
    HttpTestServer origin(shop_routes(true));
    TempDir tmp;
    const std::filesystem::path registry = tmp.path() / "registry.db";
    const std::map<std::string, std::string> cli_env = {
        {"CIRRUS_OFFLINE_STORE", (tmp.path() / "offline.sqlite").string()}};
    const std::string css = origin.url("/shop/css/style.css");

    const RunResult installed = run_program(
        {program("CIRRUS_CLI"), "--registry", registry.string(), "install", origin.url("/shop/")}, cli_env, 60);
    REQUIRE_MESSAGE(installed.exited_ok(), installed.err);  // installed all the same
    // The stylesheet's background image is never found: 5 of the 6 known.
    CHECK_MESSAGE(
        installed.out.find("not offline-ready (5/6 stored); missing:\n  " + css + ": HTTP 500") != std::string::npos,
        installed.out);
    const std::string id = installed_id(installed.out);
    REQUIRE(!id.empty());

    const RunResult info = run_program({program("CIRRUS_CLI"), "--registry", registry.string(), "info", id}, cli_env);
    CHECK_MESSAGE(info.out.find("offline:          not ready (5/6 stored; missing: " + css + "; not run online yet") !=
                      std::string::npos,
                  info.out);
}
