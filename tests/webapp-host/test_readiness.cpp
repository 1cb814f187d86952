// Offline readiness tells the truth, end to end: an app without a service
// worker whose page adds its images by script. Install alone cannot know
// those images, so `cirrus info` says not ready; one online run (the real
// host, WebKit, sandbox on) records and stores them, `cirrus info` says
// ready, and the next launch with the origin gone shows them. An image
// lost from the store afterwards is named. Real CLI, real headless
// compositor, a loopback origin.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "host_session.hpp"
#include "common/offline_store.hpp"
#include "test_support.hpp"

using namespace cirrus_it;
using namespace webapp_test;
using cirrus::test::HttpTestServer;

namespace {

constexpr uint32_t kImageColours[] = {0xcc2200, 0x1e90ff, 0x22aa44};

// Three images, none named in the HTML: the script makes their URLs. Each
// is a full-width band a third of the screen high; the title says how many
// decoded.
const char* kGalleryPage = R"(<!doctype html>
<html><head><meta charset="utf-8"><title>loading</title>
<link rel="manifest" href="manifest.webmanifest">
<style>html,body{margin:0;background:#ffffff}img{display:block;width:100vw;height:33.3vh}</style>
</head><body><script>
let loaded = 0, failed = 0;
const names = ['red', 'blue', 'green'];
for (const name of names) {
  const img = new Image();
  img.onload = () => { loaded++; report(); };
  img.onerror = () => { failed++; report(); };
  img.src = 'img/' + name + '-' + 'band.svg';
  document.body.appendChild(img);
}
function report() {
  if (loaded + failed === names.length) document.title = 'gallery loaded=' + loaded + ' failed=' + failed;
}
</script></body></html>
)";

std::string band_svg(const char* colour) {
    return std::string(
               R"(<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20" preserveAspectRatio="none">)") +
           R"(<rect width="60" height="20" fill=")" + colour + R"("/></svg>)";
}

struct Traffic {
    std::atomic<int> requests{0};
    std::atomic<long> bytes{0};
};

// Counts what the origin sends (bodies), to measure what a run costs.
HttpTestServer::Handler counted(Traffic& traffic, HttpTestServer::Handler handler) {
    return [&traffic, handler](SoupServerMessage* message) {
        handler(message);
        ++traffic.requests;
        traffic.bytes += static_cast<long>(soup_server_message_get_response_body(message)->length);
    };
}

std::map<std::string, HttpTestServer::Handler> gallery_routes(Traffic& traffic) {
    const std::string manifest =
        R"({"name":"Gallery","start_url":"/gallery/","scope":"/gallery/","display":"standalone",)"
        R"("background_color":"#ffffff"})";
    return {
        {"/gallery/", counted(traffic, respond("text/html", kGalleryPage, "no-cache"))},
        {"/gallery/manifest.webmanifest", counted(traffic, respond("application/manifest+json", manifest, ""))},
        {"/gallery/img/red-band.svg", counted(traffic, respond("image/svg+xml", band_svg("#cc2200"), "max-age=600"))},
        {"/gallery/img/blue-band.svg", counted(traffic, respond("image/svg+xml", band_svg("#1e90ff"), "max-age=600"))},
        {"/gallery/img/green-band.svg", counted(traffic, respond("image/svg+xml", band_svg("#22aa44"), "max-age=600"))},
    };
}

// The three bands, top to bottom, in the work area.
bool bands_on_screen(Compositor& c) {
    const json wa = c.outputs()[0]["work_area"];
    const std::string path = c.new_path("gallery");
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

// A process's resident memory (/proc/PID/status VmRSS), in KiB; 0 if gone.
long resident_kib(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);) {
        if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
    }
    return 0;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("readiness: images a script adds are learned by one online run; before it, info says not ready") {
    Traffic traffic;
    auto origin = std::make_unique<HttpTestServer>(gallery_routes(traffic));
    TempDir tmp;
    const std::filesystem::path registry = tmp.path() / "registry.db";
    setenv("CIRRUS_REGISTRY", registry.c_str(), 1);  // the compositor passes CIRRUS_* on to hosts
    Compositor::Options options;
    options.extra_args = {"--app-host", program("CIRRUS_WEBAPP_HOST")};
    Compositor c(options);
    unsetenv("CIRRUS_REGISTRY");
    const auto store_path = std::filesystem::path(c.runtime_dir()) / "data" / "cirrus" / "offline.sqlite";
    const std::map<std::string, std::string> cli_env = {{"CIRRUS_OFFLINE_STORE", store_path.string()}};
    const auto cli = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {program("CIRRUS_CLI"), "--registry", registry.string()});
        return run_program(args, cli_env, 60);
    };
    const std::string red = origin->url("/gallery/img/red-band.svg");
    const std::string blue = origin->url("/gallery/img/blue-band.svg");

    // Install alone: the page and its manifest are stored, but the images
    // exist only in what the script does.
    auto started = std::chrono::steady_clock::now();
    const RunResult installed = cli({"install", origin->url("/gallery/")});
    const double install_s = seconds_since(started);
    REQUIRE_MESSAGE(installed.exited_ok(), installed.err);
    const int install_requests = traffic.requests.exchange(0);
    const long install_bytes = traffic.bytes.exchange(0);
    CHECK_MESSAGE(
        installed.out.find("precached (2/2 stored); offline-ready after its first online run") != std::string::npos,
        installed.out);
    const std::string id = id_installed_from(installed.out);
    REQUIRE(!id.empty());
    RunResult info = cli({"info", id});
    CHECK_MESSAGE(info.out.find("offline:          not ready (2/2 stored; not run online yet, so what its scripts "
                                "load is not known)\n") != std::string::npos,
                  info.out);
    CHECK(info.out.find("offline:          ready") == std::string::npos);

    // One online run: the script's images arrive, are stored and recorded.
    started = std::chrono::steady_clock::now();
    double run_s = 0;
    long host_kib = 0, web_kib = 0;
    {
        HostGuard host{c, launch(c, id)};
        window_with_title(c, id, "gallery loaded=3 failed=0", kPageTimeout, host.pid);
        run_s = seconds_since(started);
        host_kib = resident_kib(host.pid);
        web_kib = resident_kib(web_process_of(host.pid));
        CHECK_MESSAGE(wait_until([&] { return bands_on_screen(c); }, 10), c.log_tail(3000));
    }
    const int run_requests = traffic.requests.exchange(0);
    const long run_bytes = traffic.bytes.exchange(0);
    // What running the start page once costs, against install's fetches:
    // the price a hidden run at install would add (docs/ARCHITECTURE.md).
    MESSAGE("install: " << install_s << " s, " << install_requests << " requests, " << install_bytes
                        << " bytes; first online run (host start to the page's images decoded): " << run_s << " s, "
                        << run_requests << " requests, " << run_bytes << " bytes; resident then: host " << host_kib
                        << " KiB, web process " << web_kib << " KiB");
    info = cli({"info", id});
    CHECK_MESSAGE(info.out.find("offline:          ready (5/5 stored)\n") != std::string::npos, info.out);
    const json info_json = json::parse(cli({"info", id, "--json"}).out);
    CHECK(info_json["offline"]["state"] == "ready");
    CHECK(info_json["offline"]["online_runs"] == 1);

    // The origin gone: the first offline launch shows every image.
    origin.reset();
    {
        HostGuard host{c, launch(c, id)};
        window_with_title(c, id, "gallery loaded=3 failed=0", kPageTimeout, host.pid);
        CHECK_MESSAGE(wait_until([&] { return bands_on_screen(c); }, 10), c.log_tail(3000));
    }
    // The offline run did not count as one to learn from, nor forget anything.
    info = cli({"info", id});
    CHECK_MESSAGE(info.out.find("offline:          ready (5/5 stored)\n") != std::string::npos, info.out);

    // Two images lost from the store (evicted, say): named.
    {
        auto store = cirrus::offline::OfflineStore::open(store_path);
        CHECK(store.remove(id, "GET", red) == 1);
        CHECK(store.remove(id, "GET", blue) == 1);
    }
    // Named in the order first seen: the images answered in any order.
    info = cli({"info", id});
    const std::string named_in_order = "offline:          not ready (3/5 stored; missing: " + red + ", " + blue + ")\n";
    const std::string named_reversed = "offline:          not ready (3/5 stored; missing: " + blue + ", " + red + ")\n";
    CHECK_MESSAGE(
        (info.out.find(named_in_order) != std::string::npos || info.out.find(named_reversed) != std::string::npos),
        info.out);
    const json lost = json::parse(cli({"info", id, "--json"}).out);
    CHECK(lost["offline"]["state"] == "not-ready");
    CHECK((lost["offline"]["missing"] == json::array({red, blue}) ||
           lost["offline"]["missing"] == json::array({blue, red})));
    CHECK(lost["offline"]["missing_count"] == 2);
}
