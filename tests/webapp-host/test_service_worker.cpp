// An app that brings its own service worker runs it as a browser would
// (webapp-host/worker_routing.hpp): a cache-first worker that precaches the
// images the page adds by script, installed and run once online, answers
// the next launch with its origin gone, and every image is on screen. The
// origin marks everything no-store, so Cirrus's offline store keeps none of
// it: what shows offline can only have come from the worker. Real CLI, real
// host (WebKit, sandbox on), real headless compositor, a loopback origin.
#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "host_session.hpp"
#include "common/service_worker_record.hpp"
#include "test_support.hpp"

using namespace cirrus_it;
using namespace webapp_test;
using cirrus::test::HttpTestServer;

// Named, not anonymous: the unity build puts this file beside
// test_readiness.cpp, whose helpers have the same names.
namespace service_worker_test {

constexpr uint32_t kImageColours[] = {0xcc2200, 0x1e90ff, 0x22aa44};

// Three images, none named in the HTML; the worker registers from here. The
// title says how many decoded and whether a worker controls the page.
const char* kPage = R"(<!doctype html>
<html><head><meta charset="utf-8"><title>loading</title>
<link rel="manifest" href="manifest.webmanifest">
<style>html,body{margin:0;background:#ffffff}img{display:block;width:100vw;height:33.3vh}</style>
</head><body><script>
if (navigator.serviceWorker) navigator.serviceWorker.register('sw.js');
let loaded = 0, failed = 0;
const names = ['red', 'blue', 'green'];
for (const name of names) {
  const img = new Image();
  img.onload = () => { loaded++; report(); };
  img.onerror = () => { failed++; report(); };
  img.src = 'img/' + name + '.svg';
  document.body.appendChild(img);
}
function report() {
  if (loaded + failed !== names.length) return;
  const controlled = navigator.serviceWorker && navigator.serviceWorker.controller ? 'yes' : 'no';
  document.title = 'pix loaded=' + loaded + ' failed=' + failed + ' worker=' + controlled;
}
</script></body></html>
)";

// Cache first; the page and its images are precached at install.
const char* kWorker = R"(
const CACHE = 'pix-v1';
self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE)
    .then((cache) => cache.addAll(['./', 'img/red.svg', 'img/blue.svg', 'img/green.svg']))
    .then(() => self.skipWaiting()));
});
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('fetch', (event) => {
  if (event.request.method !== 'GET') return;
  event.respondWith(caches.match(event.request, {ignoreVary: true})
    .then((hit) => hit || fetch(event.request)));
});
)";

std::string band_svg(const char* colour) {
    return std::string(
               R"(<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20" preserveAspectRatio="none">)") +
           R"(<rect width="60" height="20" fill=")" + colour + R"("/></svg>)";
}

std::map<std::string, HttpTestServer::Handler> routes() {
    const std::string manifest =
        R"({"name":"Pix","start_url":"/pix/","scope":"/pix/","display":"standalone","background_color":"#ffffff"})";
    // no-store throughout: Cirrus's store keeps none of it.
    return {
        {"/pix/", respond("text/html", kPage)},
        {"/pix/manifest.webmanifest", respond("application/manifest+json", manifest)},
        {"/pix/sw.js", respond("text/javascript", kWorker)},
        {"/pix/img/red.svg", respond("image/svg+xml", band_svg("#cc2200"))},
        {"/pix/img/blue.svg", respond("image/svg+xml", band_svg("#1e90ff"))},
        {"/pix/img/green.svg", respond("image/svg+xml", band_svg("#22aa44"))},
    };
}

bool bands_on_screen(Compositor& c) {
    const json wa = c.outputs()[0]["work_area"];
    const std::string path = c.new_path("pix");
    if (c.request({{"cmd", "screenshot"}, {"path", path}})["ok"] != true) return false;
    const Image image = read_png(path);
    const int x = wa["x"], y = wa["y"], w = wa["width"], h = wa["height"];
    for (int band = 0; band < 3; ++band) {
        if (!same_rgb(image.at(x + w / 2, y + h * band / 3 + h / 6), kImageColours[band], 8)) return false;
    }
    return true;
}

std::string id_installed_from(const std::string& out) {
    const std::string prefix = "installed ";
    if (!out.starts_with(prefix)) return "";
    return out.substr(prefix.size(), out.find(' ', prefix.size()) - prefix.size());
}

// A worker that only passes requests on, and a page that registers it, or,
// once the origin says so, unregisters it.
const char* kPassWorker = R"(
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('fetch', (event) => event.respondWith(fetch(event.request)));
)";

const char* kRegisteringPage = R"(<!doctype html><html><head><meta charset="utf-8"><title>loading</title></head>
<body style="background:#00ff00"><script>
navigator.serviceWorker.register('sw.js');
navigator.serviceWorker.ready.then(() => { document.title = 'registered'; });
</script></body></html>
)";

// As apps do: unregister, then reload, so that no page uses the worker any
// more and WebKit removes it (a worker still in use goes only with its last
// page, which in Cirrus is the host's end: WebKit may not write that).
const char* kUnregisteringPage = R"(<!doctype html><html><head><meta charset="utf-8"><title>loading</title></head>
<body style="background:#00ff00"><script>
navigator.serviceWorker.getRegistration().then((r) => {
  if (r) r.unregister().then(() => location.reload());
  else document.title = 'unregistered none';
});
</script></body></html>
)";

std::map<std::string, HttpTestServer::Handler> unregister_routes(const std::atomic<bool>& unregister) {
    const std::string manifest =
        R"({"name":"Gone","start_url":"/gone/","scope":"/gone/","display":"standalone","background_color":"#ffffff"})";
    const auto registering = respond("text/html", kRegisteringPage);
    const auto unregistering = respond("text/html", kUnregisteringPage);
    return {
        {"/gone/", [&unregister, registering, unregistering](
                       SoupServerMessage* message) { (unregister ? unregistering : registering)(message); }},
        {"/gone/manifest.webmanifest", respond("application/manifest+json", manifest)},
        {"/gone/sw.js", respond("text/javascript", kPassWorker)},
    };
}

}  // namespace service_worker_test

TEST_CASE("service worker: an app's own cache-first worker answers its offline launch, images added by script") {
    auto origin = std::make_unique<HttpTestServer>(service_worker_test::routes());
    TempDir tmp;
    const std::filesystem::path registry = tmp.path() / "registry.db";
    setenv("CIRRUS_REGISTRY", registry.c_str(), 1);  // the compositor passes CIRRUS_* on to hosts
    Compositor::Options options;
    options.extra_args = {"--app-host", program("CIRRUS_WEBAPP_HOST")};
    Compositor c(options);
    unsetenv("CIRRUS_REGISTRY");
    const std::filesystem::path data_home = std::filesystem::path(c.runtime_dir()) / "data";
    const std::map<std::string, std::string> cli_env = {
        {"CIRRUS_OFFLINE_STORE", (data_home / "cirrus" / "offline.sqlite").string()},
        {"XDG_DATA_HOME", data_home.string()}};
    const auto cli = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {program("CIRRUS_CLI"), "--registry", registry.string()});
        return run_program(args, cli_env, 60);
    };

    const RunResult installed = cli({"install", origin->url("/pix/")});
    REQUIRE_MESSAGE(installed.exited_ok(), installed.err);
    const std::string id = service_worker_test::id_installed_from(installed.out);
    REQUIRE(!id.empty());
    // Nothing known of a worker before a run: Cirrus's own account.
    CHECK(cli({"info", id}).out.find("offline:          ready") == std::string::npos);

    // Online: the page registers its worker, which precaches and claims it.
    {
        HostGuard host{c, launch(c, id)};
        window_with_title(c, id, "pix loaded=3 failed=0", kPageTimeout, host.pid);
        CHECK_MESSAGE(wait_until([&] { return service_worker_test::bands_on_screen(c); }, 10), c.log_tail(3000));
        // The page reports the active worker; the host records it.
        const bool recorded = wait_until(
            [&] {
                return cli({"info", id}).out.find("offline:          ready (its service worker ") != std::string::npos;
            },
            20);
        CHECK_MESSAGE(recorded, (cli({"info", id}).out + c.log_tail(3000)));
    }
    const std::string worker_script = origin->url("/pix/sw.js");
    const json info = json::parse(cli({"info", id, "--json"}).out);
    CHECK(info["offline"]["state"] == "ready");
    CHECK(info["offline_ready"] == true);
    CHECK(info["offline"]["service_worker"]["script"] == worker_script);
    CHECK(info["offline"]["service_worker"]["scope"] == origin->url("/pix/"));

    // The origin gone: WebKit's navigation, answered by the worker; every
    // image on screen, and the page controlled by it.
    origin.reset();
    {
        HostGuard host{c, launch(c, id)};
        window_with_title(c, id, "pix loaded=3 failed=0 worker=yes", kPageTimeout, host.pid);
        CHECK_MESSAGE(wait_until([&] { return service_worker_test::bands_on_screen(c); }, 10), c.log_tail(3000));
        CHECK_MESSAGE(c.log_tail(20000).find("its service worker " + worker_script + " answers") != std::string::npos,
                      c.log_tail(3000));
    }

    // Recorded beside WebKit's own registrations, in the app's data folder.
    CHECK(cirrus::offline::read_service_worker_record(data_home / "cirrus" / "app-data" / id));
}

TEST_CASE("service worker: an app that unregisters its worker is back on Cirrus's path at its next launch") {
    std::atomic<bool> unregister{false};
    HttpTestServer origin(service_worker_test::unregister_routes(unregister));
    TempDir tmp;
    const std::filesystem::path registry = tmp.path() / "registry.db";
    setenv("CIRRUS_REGISTRY", registry.c_str(), 1);
    Compositor::Options options;
    options.extra_args = {"--app-host", program("CIRRUS_WEBAPP_HOST")};
    Compositor c(options);
    unsetenv("CIRRUS_REGISTRY");
    const std::filesystem::path data_home = std::filesystem::path(c.runtime_dir()) / "data";
    const std::map<std::string, std::string> cli_env = {
        {"CIRRUS_OFFLINE_STORE", (data_home / "cirrus" / "offline.sqlite").string()},
        {"XDG_DATA_HOME", data_home.string()}};
    const auto cli = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {program("CIRRUS_CLI"), "--registry", registry.string()});
        return run_program(args, cli_env, 60);
    };
    const RunResult installed = cli({"install", origin.url("/gone/")});
    REQUIRE_MESSAGE(installed.exited_ok(), installed.err);
    const std::string id = service_worker_test::id_installed_from(installed.out);
    REQUIRE(!id.empty());
    const auto worker_recorded = [&] {
        return cli({"info", id}).out.find("ready (its service worker ") != std::string::npos;
    };
    {
        HostGuard host{c, launch(c, id)};
        window_with_title(c, id, "registered", kPageTimeout, host.pid);
        CHECK_MESSAGE(wait_until(worker_recorded, 20), c.log_tail(3000));
    }
    // The app drops its worker (the worker passes the new page on): the
    // reloaded page reports no registration, and the record goes.
    unregister = true;
    {
        HostGuard host{c, launch(c, id)};
        window_with_title(c, id, "unregistered none", kPageTimeout, host.pid);
        CHECK_MESSAGE(wait_until([&] { return !worker_recorded(); }, 20), c.log_tail(3000));
        CHECK(c.log_tail(20000).find("no service worker is registered for the app's pages any more: back to Cirrus's "
                                     "offline store") != std::string::npos);
    }
    // The next launch takes Cirrus's path: no "answers" line for it.
    const auto worker_launches = [&] {
        const std::string log = c.log_tail(200000);
        std::size_t count = 0;
        for (auto at = log.find("answers (WebKit's navigation"); at != std::string::npos;
             at = log.find("answers (WebKit's navigation", at + 1))
            ++count;
        return count;
    };
    const std::size_t before = worker_launches();
    {
        HostGuard host{c, launch(c, id)};
        window_with_title(c, id, "unregistered none", kPageTimeout, host.pid);
    }
    CHECK(worker_launches() == before);
    CHECK_FALSE(cirrus::offline::read_service_worker_record(data_home / "cirrus" / "app-data" / id));
    // Cirrus's own account again.
    CHECK(cli({"info", id}).out.find("offline:          ready (its service worker") == std::string::npos);
}
