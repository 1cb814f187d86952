// The standby host pool for real: the headless compositor with --prestart 1
// keeps one `cirrus-webapp-host --standby` ready, a launch hands the app to
// it (the window's pid is the pid the standby host had before the launch),
// a replacement follows once the launch settled, a killed standby host is
// replaced, and apps served this way keep their storage apart exactly as
// hosts started for them do.
#include <doctest/doctest.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
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
using webapp_test::launch;
using webapp_test::replace_all;
using webapp_test::respond;
using webapp_test::TempDir;
using webapp_test::write_file;

namespace {

// A standby host starts 1.5 s after the compositor and takes about a second
// to get ready; WebKit under pixman, beside other tests, can be much slower.
constexpr double kStandbyTimeout = 30;
constexpr double kPageTimeout = 30;

Compositor::Options pool_options(int prestart) {
    Compositor::Options o;
    o.prestart = prestart;
    o.extra_args = {"--app-host", program("CIRRUS_WEBAPP_HOST")};
    return o;
}

json apps_reply(Compositor& c) {
    const json r = c.request({{"cmd", "apps"}});
    if (r["ok"] != true) throw std::runtime_error("apps failed: " + r.dump());
    return r;
}

// The pid of a ready standby host other than `not_pid`; throws on timeout.
pid_t ready_standby(Compositor& c, pid_t not_pid = -1, double timeout_s = kStandbyTimeout) {
    pid_t found = -1;
    json last;
    const bool ok = wait_until(
        [&] {
            last = apps_reply(c);
            for (const json& s : last["standby"]) {
                if (s["ready"] == true && s["pid"] != not_pid) {
                    found = s["pid"].get<pid_t>();
                    return true;
                }
            }
            return false;
        },
        timeout_s);
    if (!ok) throw std::runtime_error("no ready standby host: " + last.dump() + "\n" + c.log_tail(4000));
    return found;
}

bool listed_as_app(const json& apps, pid_t pid) {
    for (const json& a : apps["apps"]) {
        if (a["pid"] == pid) return true;
    }
    return false;
}

bool in_pool(const json& apps, pid_t pid) {
    for (const json& s : apps["standby"]) {
        if (s["pid"] == pid) return true;
    }
    return false;
}

json window_of(Compositor& c, const std::string& app, pid_t pid, const std::string& title_part, double timeout_s) {
    json found;
    json last;
    const bool ok = wait_until(
        [&] {
            last = c.windows();
            for (const json& w : last) {
                if (w["app"] == app && w["pid"] == pid &&
                    w["title"].get<std::string>().find(title_part) != std::string::npos) {
                    found = w;
                    return true;
                }
            }
            return false;
        },
        timeout_s);
    if (!ok) {
        throw std::runtime_error("no window of " + app + " (pid " + std::to_string(pid) + ") titled '" + title_part +
                                 "': " + last.dump() + "\n" + c.log_tail(4000));
    }
    return found;
}

// Every one of a grid of points inside the work area has the page colour.
bool page_on_screen(Compositor& c) {
    const json wa = c.outputs()[0]["work_area"];
    const int x = wa["x"], y = wa["y"], w = wa["width"], h = wa["height"];
    const std::string path = c.new_path("prestart-page");
    if (c.request({{"cmd", "screenshot"}, {"path", path}})["ok"] != true) return false;
    const Image image = read_png(path);
    for (int i = 1; i < 8; ++i) {
        for (int j = 1; j < 8; ++j) {
            if (!same_rgb(image.at(x + w * i / 8, y + h * j / 8), kPageColour, 8)) return false;
        }
    }
    return true;
}

// Stops a host and waits until the compositor has seen it go.
void stop_host(Compositor& c, pid_t pid) {
    if (pid <= 0) return;
    kill(pid, SIGTERM);
    wait_until([&] { return kill(pid, 0) != 0; }, 5);
    if (kill(pid, 0) == 0) {
        kill(pid, SIGKILL);
        wait_until([&] { return kill(pid, 0) != 0; }, 5);
    }
    wait_until([&] { return !listed_as_app(apps_reply(c), pid); }, 5);
}

struct HostGuard {
    Compositor& c;
    pid_t pid = -1;
    ~HostGuard() { stop_host(c, pid); }
};

// A packaged app whose page is all green and reports in its title.
struct PackagedApps {
    TempDir tmp;
    std::filesystem::path db = tmp.path() / "registry.db";

    PackagedApps() { setenv("CIRRUS_REGISTRY", db.c_str(), 1); }  // the compositor hands it to the hosts
    ~PackagedApps() { unsetenv("CIRRUS_REGISTRY"); }

    void install(const std::string& id) {
        const auto dir = tmp.path() / "packages" / id;
        write_file(dir / "index.html",
                   "<!doctype html><html style='background:#00ff00'><head><meta charset='utf-8'>"
                   "<title>loading</title></head><body style='margin:0;min-height:100vh;background:#00ff00'>"
                   "<script>document.title = 'page ' + location.host;</script></body></html>\n");
        cirrus::launcher::Registry registry = cirrus::launcher::Registry::open(db);
        registry.install(webapp_test::packaged_app(id, dir, R"({"display":"standalone"})"), {});
    }
};

}  // namespace

TEST_CASE("a launch is served by the standby host, which becomes the app's, and a replacement follows") {
    PackagedApps apps;
    apps.install("green");
    Compositor c(pool_options(1));

    const pid_t standby = ready_standby(c);
    json before = apps_reply(c);
    CHECK(before["apps"].empty());  // a standby host is no app
    CHECK(before["standby"].size() == 1);
    for (const json& w : c.windows()) CHECK(w["pid"] != standby);  // and has no window
    // Nothing of any app's is made before the app is known.
    const std::filesystem::path xdg = c.runtime_dir();
    CHECK_FALSE(std::filesystem::exists(xdg / "data" / "cirrus" / "app-data"));
    CHECK_FALSE(std::filesystem::exists(xdg / "cache" / "cirrus" / "app-data"));

    // The phone's own font cache, as the shell's fontconfig keeps it: WebKit
    // binds the cache home's fontconfig folder into the web process's
    // sandbox, read-write, and a standby host's cache home is chosen before
    // its app is known.
    const std::filesystem::path shared_fonts = xdg / "cache" / "fontconfig";
    write_file(shared_fonts / "CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n");

    HostGuard host{c, launch(c, "green")};
    CHECK(host.pid == standby);

    // From the launch on, the standby host's pid is the app's.
    const json after = apps_reply(c);
    REQUIRE(after["apps"].size() == 1);
    CHECK(after["apps"][0]["app"] == "green");
    CHECK(after["apps"][0]["pid"] == standby);
    CHECK(after["apps"][0]["prestarted"] == true);
    CHECK_FALSE(in_pool(after, standby));

    // Its window is the app's (by pid), with the app's own app_id, and the
    // page colour fills the work area.
    const json w = window_of(c, "green", standby, "page green", kPageTimeout);
    CHECK(w["app_id"] == "green");
    CHECK(w["focused"] == true);
    const bool painted = wait_until([&] { return page_on_screen(c); }, kPageTimeout);
    CHECK_MESSAGE(painted, "the page colour never filled the work area\n" << c.log_tail(4000));
    // Its web process sees only the app's own font cache, not the phone's.
    const pid_t web = webapp_test::web_process_of(standby);
    REQUIRE_MESSAGE(web > 0, "no WebKitWebProcess under the host " << standby);
    const std::filesystem::path own_fonts = xdg / "cache" / "cirrus" / "app-data" / "green" / "fontconfig";
    bool own_fonts_writable = false;
    for (const webapp_test::Mount& mount : webapp_test::mounts_of(web)) {
        if (!mount.point.ends_with("/fontconfig")) continue;
        CHECK(mount.point != shared_fonts.string());
        if (mount.writable) CHECK(mount.point == own_fonts.string());
        own_fonts_writable = own_fonts_writable || (mount.point == own_fonts.string() && mount.writable);
    }
    CHECK(own_fonts_writable);
    CHECK_FALSE(std::filesystem::exists(std::filesystem::path("/proc/" + std::to_string(web) + "/root") /
                                        shared_fonts.relative_path()));
    // It reached cirrus_app_v1 as the app's host (only hosts with an app
    // see it): its first frame was reported.
    const bool reported = wait_until([&] { return apps_reply(c)["apps"][0].contains("first_frame_ms"); }, kPageTimeout);
    CHECK_MESSAGE(reported, apps_reply(c).dump());

    // A second launch of the running app focuses it: no standby host is used.
    const json again = c.request({{"cmd", "launch"}, {"app", "green"}});
    CHECK(again["action"] == "focused");
    CHECK(again["pid"] == standby);

    // A replacement standby host follows once the launch has settled; it is
    // not an app either.
    const pid_t replacement = ready_standby(c, standby);
    CHECK(replacement != standby);
    const json later = apps_reply(c);
    CHECK(later["apps"].size() == 1);
    CHECK_FALSE(listed_as_app(later, replacement));
    CHECK(later["standby"].size() == 1);

    // The app's data went to its own folders, as with --app.
    CHECK(std::filesystem::is_directory(xdg / "data" / "cirrus" / "app-data" / "green"));
    CHECK(std::filesystem::is_directory(xdg / "cache" / "cirrus" / "app-data" / "green"));

    // The host ends: the app is closed, the standby host stays in the pool.
    stop_host(c, host.pid);
    host.pid = -1;
    const json closed = apps_reply(c);
    CHECK(closed["apps"].empty());
    CHECK(in_pool(closed, replacement));
}

TEST_CASE("a killed standby host is replaced, and prestart 0 keeps none") {
    {
        PackagedApps apps;
        Compositor c(pool_options(1));
        const pid_t first = ready_standby(c);
        REQUIRE(kill(first, SIGKILL) == 0);
        const pid_t second = ready_standby(c, first);
        CHECK(second != first);
        const json now = apps_reply(c);
        CHECK_FALSE(in_pool(now, first));
        CHECK(now["standby"].size() == 1);
        CHECK(now["apps"].empty());
        CHECK(c.log_tail(20000).find("before it was given an app") != std::string::npos);
    }
    {
        PackagedApps apps;
        apps.install("green");
        Compositor c(pool_options(0));
        sleep_ms(2500);  // past the first standby host's start time
        CHECK(apps_reply(c)["standby"].empty());
        HostGuard host{c, launch(c, "green")};  // a host started for the launch
        const json now = apps_reply(c);
        REQUIRE(now["apps"].size() == 1);
        CHECK(now["apps"][0]["prestarted"] == false);
        window_of(c, "green", host.pid, "page green", kPageTimeout);
        CHECK(apps_reply(c)["standby"].empty());
    }
}

// --- storage: two hosted apps from ONE loopback origin ---------------------

namespace {

// Reads localStorage 'secret' and document.cookie, (app one only) writes
// both, and reports in its title.
const char* kStoragePage = R"(<!doctype html>
<html style="background:#00ff00"><head><meta charset="utf-8"><title>loading</title>
<link rel="manifest" href="manifest.webmanifest"></head>
<body style="margin:0;min-height:100vh;background:#00ff00"><script>
const before = localStorage.getItem('secret');
const cookieBefore = document.cookie;
if (WRITE) {
  localStorage.setItem('secret', 'from-one');
  document.cookie = 'secret=from-one; path=/; max-age=3600; SameSite=Lax';
}
document.title = 'storage NAME: before=' + before + ' cookie=' + (cookieBefore || 'none');
</script></body></html>
)";

void add_app(std::map<std::string, HttpTestServer::Handler>& routes, const std::string& name, bool writes) {
    const std::string page = replace_all(replace_all(kStoragePage, "NAME", name), "WRITE", writes ? "true" : "false");
    const std::string manifest = R"({"name":"Storage )" + name + R"(","start_url":"/)" + name + R"(/","scope":"/)" +
                                 name + R"(/","display":"standalone","background_color":"#00ff00"})";
    routes["/" + name + "/"] = respond("text/html", page);
    routes["/" + name + "/manifest.webmanifest"] = respond("application/manifest+json", manifest);
}

// Launches `id`, which a ready standby host must serve; returns its title
// once the page reported.
std::string run_through_pool(Compositor& c, const std::string& id, const std::string& name, pid_t& standby) {
    standby = ready_standby(c, standby);
    const pid_t pid = launch(c, id);
    CHECK_MESSAGE(pid == standby, id << " was not served by the standby host " << standby);
    const std::string title = window_of(c, id, pid, "storage " + name + ":", kPageTimeout)["title"].get<std::string>();
    if (name == "one") std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // WebKit writes in batches
    stop_host(c, pid);
    return title;
}

}  // namespace

TEST_CASE("apps served by standby hosts keep their storage apart, as hosts started for them do") {
    std::map<std::string, HttpTestServer::Handler> routes;
    add_app(routes, "one", true);
    add_app(routes, "two", false);
    HttpTestServer server(std::move(routes));
    REQUIRE(server.url("/").starts_with("http://127.0.0.1:"));  // loopback only

    TempDir tmp;
    const std::filesystem::path db = tmp.path() / "registry.db";
    std::string one;
    std::string two;
    {
        cirrus::launcher::Registry registry = cirrus::launcher::Registry::open(db);
        cirrus::launcher::Installer installer(registry, tmp.path() / "apps");
        one = installer.install(server.url("/one/")).app.id;
        two = installer.install(server.url("/two/")).app.id;
        REQUIRE(one != two);
    }
    setenv("CIRRUS_REGISTRY", db.c_str(), 1);
    Compositor c(pool_options(1));
    unsetenv("CIRRUS_REGISTRY");

    pid_t standby = -1;
    const std::string first = run_through_pool(c, one, "one", standby);
    MESSAGE("one, first run: " << first);
    CHECK(first.find("before=null") != std::string::npos);

    // Two, same origin, in the next standby host: sees none of one's data.
    const std::string second = run_through_pool(c, two, "two", standby);
    MESSAGE("two: " << second);
    CHECK(second.find("before=null") != std::string::npos);
    CHECK(second.find("cookie=none") != std::string::npos);
    CHECK(second.find("from-one") == std::string::npos);

    // One again, in yet another standby host: its own data is there.
    const std::string third = run_through_pool(c, one, "one", standby);
    MESSAGE("one, second run: " << third);
    CHECK(third.find("before=from-one") != std::string::npos);
    CHECK(third.find("cookie=secret=from-one") != std::string::npos);

    const std::filesystem::path app_data = std::filesystem::path(c.runtime_dir()) / "data" / "cirrus" / "app-data";
    CHECK(std::filesystem::is_directory(app_data / one));
    CHECK(std::filesystem::is_directory(app_data / two));
}
