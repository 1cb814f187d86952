// cirrus-webapp-host for real: the headless compositor (pixman) launches
// the built host on a packaged app installed in a temporary registry; the
// tests read the screen and the window list.
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <thread>

#include "../integration/harness.hpp"
#include "host_session.hpp"
#include "common/contact_store.hpp"
#include "common/registry.hpp"
#include "test_support.hpp"

using namespace cirrus_it;
using webapp_test::comm_of;
using webapp_test::descendants;
using webapp_test::kPageColour;
using webapp_test::replace_all;
using webapp_test::TempDir;
using webapp_test::title_of;
using webapp_test::window_with_title;
using webapp_test::write_file;

namespace {

constexpr double kWindowTimeout = 25;  // WebKit under pixman is slow to start
constexpr double kPaintTimeout = 25;
constexpr uint32_t kThemeColour = 0x0000ff;

// The page reports what its probes found in document.title, which the
// compositor's windows query shows.
const char* kIndexHtml = R"(<!doctype html>
<html style="background:#00ff00"><head><meta charset="utf-8"><title>loading</title>
<link rel="stylesheet" href="style.css"></head>
<body><script src="probe.js"></script></body></html>
)";

const char* kProbeJs = R"JS(
async function probe(url) {
  try {
    const r = await fetch(url);
    const text = await r.text();
    return (text.includes('root:') || text.includes('outside-secret')) ? 'LEAK' : String(r.status);
  } catch (e) {
    return 'err';
  }
}
(async () => {
  const loads = Number(localStorage.getItem('loads') || 0) + 1;
  localStorage.setItem('loads', String(loads));
  const parts = ['loads=' + loads];
  parts.push('dotdot=' + await probe('app://APP/../../../../etc/passwd'));
  parts.push('encdot=' + await probe('app://APP/%2e%2e/%2e%2e/%2e%2e/etc/passwd'));
  parts.push('encslash=' + await probe('app://APP/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd'));
  parts.push('link=' + await probe('app://APP/leak.txt'));
  parts.push('other=' + await probe('app://other-app/index.html'));
  parts.push('missing=' + await probe('app://APP/missing.js'));
  const css = await fetch('style.css');
  parts.push('css=' + css.status + ':' + (css.headers.get('content-type') || '').split(';')[0]);
  parts.push('secure=' + (window.isSecureContext ? 1 : 0));
  document.title = 'probe ' + parts.join(' ');
  console.log('probe done', {loads: loads});
})();
)JS";

// A temporary registry with packaged apps, exported (CIRRUS_REGISTRY)
// before the compositor starts so that it hands it to the hosts. (The
// harness gives the compositor, and so the hosts, private XDG folders.)
struct Apps {
    TempDir tmp;
    std::filesystem::path db = tmp.path() / "registry.db";

    Apps() {
        setenv("CIRRUS_REGISTRY", db.c_str(), 1);
        write_file(tmp.path() / "outside.txt", "outside-secret\n");
    }
    ~Apps() { unsetenv("CIRRUS_REGISTRY"); }

    void install(const std::string& id, const std::string& members) {
        const auto dir = tmp.path() / "packages" / id;
        write_file(dir / "index.html", kIndexHtml);
        write_file(dir / "probe.js", replace_all(kProbeJs, "APP", id));
        write_file(dir / "style.css", "body { margin: 0; min-height: 100vh; background: #00ff00; }\n");
        std::filesystem::create_symlink(tmp.path() / "outside.txt", dir / "leak.txt");
        cirrus::launcher::Registry registry = cirrus::launcher::Registry::open(db);
        registry.install(webapp_test::packaged_app(id, dir, members), {});
    }

    // An app whose files are `files` (name -> text).
    void install_files(const std::string& id, const std::string& members,
                       const std::map<std::string, std::string>& files) {
        const auto dir = tmp.path() / "packages" / id;
        for (const auto& [name, text] : files) write_file(dir / name, text);
        cirrus::launcher::Registry registry = cirrus::launcher::Registry::open(db);
        registry.install(webapp_test::packaged_app(id, dir, members), {});
    }
};

Compositor::Options host_options() {
    Compositor::Options o;
    o.extra_args = {"--app-host", program("CIRRUS_WEBAPP_HOST")};
    return o;
}

json window_of_app(Compositor& c, const std::string& app, const Predicate& extra, const std::string& what,
                   double timeout_s) {
    json found;
    json last;
    const bool ok = wait_until(
        [&] {
            last = c.windows();
            for (const json& w : last) {
                if (w["app"] == app && (!extra || extra(w))) {
                    found = w;
                    return true;
                }
            }
            return false;
        },
        timeout_s);
    if (!ok) {
        throw std::runtime_error("no window of " + app + " with " + what + ": " + last.dump() + "\n" +
                                 c.log_tail(4000));
    }
    return found;
}

json work_area(Compositor& c) { return c.outputs()[0]["work_area"]; }

Image screenshot(Compositor& c, const std::string& name) {
    const std::string path = c.new_path(name);
    const json r = c.request({{"cmd", "screenshot"}, {"path", path}});
    if (r["ok"] != true) throw std::runtime_error("screenshot failed: " + r.dump());
    return read_png(path);
}

// Every one of a grid of points inside `area` has `rgb`.
bool area_has_colour(const Image& image, int x, int y, int w, int h, uint32_t rgb) {
    for (int i = 1; i < 8; ++i) {
        for (int j = 1; j < 8; ++j) {
            if (!same_rgb(image.at(x + w * i / 8, y + h * j / 8), rgb, 8)) return false;
        }
    }
    return true;
}

// Keeps screenshots until the work area shows the page colour (from `top`
// px below the work area's top); the last one is copied to `keep_as`.
bool wait_for_page(Compositor& c, int top, const std::string& keep_as, double timeout_s = kPaintTimeout) {
    const json wa = work_area(c);
    const int x = wa["x"], y = wa["y"], w = wa["width"], h = wa["height"];
    int shot = 0;
    std::string last;
    const bool ok = wait_until(
        [&] {
            last = c.new_path("page-" + std::to_string(shot++) + ".png");
            if (c.request({{"cmd", "screenshot"}, {"path", last}})["ok"] != true) return false;
            return area_has_colour(read_png(last), x, y + top, w, h - top, kPageColour);
        },
        timeout_s);
    if (!keep_as.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(std::filesystem::path(keep_as).parent_path(), ec);
        std::filesystem::copy_file(last, keep_as, std::filesystem::copy_options::overwrite_existing, ec);
    }
    return ok;
}

std::string screenshot_dir() {
    const char* dir = std::getenv("CIRRUS_SCREENSHOT_DIR");
    return dir && *dir ? dir : "/tmp";
}

// Pss (KiB) of one process.
long pss_kib(pid_t pid) {
    std::ifstream file("/proc/" + std::to_string(pid) + "/smaps_rollup");
    std::string line;
    long total = 0;
    while (std::getline(file, line)) {
        if (line.starts_with("Pss:")) total += std::stol(line.substr(4));
    }
    return total;
}

// Stops the host (the compositor does not take its apps down with it),
// without waiting for its window to go as webapp_test::stop_host does.
void stop_host_process(pid_t pid) {
    if (pid <= 0) return;
    kill(pid, SIGTERM);
    wait_until([&] { return kill(pid, 0) != 0; }, 5);
    if (kill(pid, 0) == 0) kill(pid, SIGKILL);
}

struct HostProcessGuard {
    pid_t pid = -1;
    ~HostProcessGuard() { stop_host_process(pid); }
};

}  // namespace

TEST_CASE("a packaged app shows its page in a window named after the app, and app:// leaks nothing") {
    Apps apps;
    apps.install("green", R"({"display":"standalone","name":"Green"})");
    Compositor c(host_options());

    const auto started = std::chrono::steady_clock::now();
    const json launched = c.request({{"cmd", "launch"}, {"app", "green"}});
    REQUIRE_MESSAGE(launched["ok"] == true, launched.dump());
    HostProcessGuard host{launched["pid"].get<pid_t>()};

    const json w = window_of_app(
        c, "green", [](const json& w) { return w["app_id"] == "green"; }, "app_id green", kWindowTimeout);
    CHECK(w["pid"] == host.pid);
    CHECK(w["focused"] == true);
    const json wa = work_area(c);
    CHECK(w["width"] == wa["width"]);
    CHECK(w["height"] == wa["height"]);

    const std::string shot = screenshot_dir() + "/webapp-host-green.png";
    const bool painted = wait_for_page(c, 0, shot);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    REQUIRE_MESSAGE(painted, "the page colour never filled the work area; last screenshot " << shot << "\n"
                                                                                            << c.log_tail(4000));
    MESSAGE("launch request to page on screen: " << seconds << " s; screenshot " << shot);

    // The page's probes, reported through its title.
    const json probed = window_of_app(
        c, "green", [](const json& w) { return w["title"].get<std::string>().starts_with("probe "); },
        "the probe title", kPaintTimeout);
    const std::string title = probed["title"];
    MESSAGE("probe title: " << title);
    CHECK(title.find("LEAK") == std::string::npos);
    CHECK(title.find("dotdot=404") != std::string::npos);  // the URL parser drops the dots: /etc/passwd in the package
    CHECK(title.find("encdot=404") != std::string::npos);
    CHECK(title.find("encslash=403") != std::string::npos);  // decoded "..": refused
    CHECK(title.find("link=403") != std::string::npos);      // a symlink out of the package
    CHECK(title.find("other=") != std::string::npos);
    CHECK(title.find("other=200") == std::string::npos);  // another app's origin: 403 or a CORS error
    CHECK(title.find("missing=404") != std::string::npos);
    CHECK(title.find("css=200:text/css") != std::string::npos);
    CHECK(title.find("secure=1") != std::string::npos);  // app:// is a secure context
    CHECK(title.find("loads=1") != std::string::npos);   // localStorage works

    // Its storage is its own, under the XDG folders it was given.
    const std::filesystem::path xdg = c.runtime_dir();
    CHECK(std::filesystem::is_directory(xdg / "data" / "cirrus" / "app-data" / "green"));
    CHECK(std::filesystem::is_directory(xdg / "cache" / "cirrus" / "app-data" / "green"));
    CHECK(wait_until(
        [&] {
            return std::filesystem::exists(xdg / "data" / "cirrus" / "app-data" / "green" / "localstorage" /
                                           "app_green_0.localstorage");
        },
        kPaintTimeout));

    // Memory of the host and the processes it started (DESIGN's M2 sums them).
    long total = pss_kib(host.pid);
    std::ostringstream parts;
    parts << "host " << total / 1024 << " MiB";
    for (pid_t pid : descendants(host.pid)) {
        const long pss = pss_kib(pid);
        total += pss;
        parts << ", " << comm_of(pid) << " " << pss / 1024 << " MiB";
    }
    MESSAGE("PSS of the host and its processes: " << total / 1024 << " MiB (" << parts.str() << ")");
}

TEST_CASE("with CIRRUS_WEBAPP_INSPECTOR=1 the page's console messages are printed with the app id") {
    Apps apps;
    apps.install("green", R"({"display":"standalone"})");
    setenv("CIRRUS_WEBAPP_INSPECTOR", "1", 1);  // the compositor passes CIRRUS_* on
    Compositor c(host_options());
    unsetenv("CIRRUS_WEBAPP_INSPECTOR");
    HostProcessGuard host{c.request({{"cmd", "launch"}, {"app", "green"}})["pid"].get<pid_t>()};
    const bool printed = wait_until(
        [&] { return c.log_tail(20000).find("[green] console.log: probe done {\"loads\":1}") != std::string::npos; },
        kWindowTimeout + kPaintTimeout);
    CHECK_MESSAGE(printed, c.log_tail(4000));
}

TEST_CASE("a crashed web process is reloaded in the same window") {
    Apps apps;
    apps.install("green", R"({"display":"standalone"})");
    Compositor c(host_options());
    HostProcessGuard host{c.request({{"cmd", "launch"}, {"app", "green"}})["pid"].get<pid_t>()};
    window_of_app(
        c, "green", [](const json& w) { return w["title"].get<std::string>().find("loads=1") != std::string::npos; },
        "the first load's title", kWindowTimeout + kPaintTimeout);

    pid_t web = -1;
    for (pid_t pid : descendants(host.pid)) {
        if (comm_of(pid).starts_with("WebKitWebProces")) web = pid;
    }
    REQUIRE_MESSAGE(web > 0, "no WebKitWebProcess under the host " << host.pid);
    REQUIRE(kill(web, SIGKILL) == 0);

    // The same window (same host) shows the page again: a second load.
    const json w = window_of_app(
        c, "green", [](const json& w) { return w["title"].get<std::string>().find("loads=2") != std::string::npos; },
        "the reloaded page's title", kWindowTimeout + kPaintTimeout);
    CHECK(w["pid"] == host.pid);
    CHECK(wait_for_page(c, 0, ""));
    CHECK(c.log_tail(20000).find("reloading app://green/index.html") != std::string::npos);
}

// The attack: WebKit's network process (which holds the app's IndexedDB,
// caches and cookies) is killed under a running page, as the kernel's OOM
// killer or a crash does. WebKit starts a new one by itself, but the page
// keeps its dead storage connections: every IndexedDB transaction throws
// until the user restarts the app. What must survive: the host reloads the
// page (and says so), and an IndexedDB read and write after that succeed.
TEST_CASE("a killed network process: the page is reloaded and its IndexedDB works again") {
    const char* page = R"(<!doctype html>
<html style="background:#00ff00"><head><meta charset="utf-8"><title>loading</title></head>
<body style="margin:0;min-height:100vh;background:#00ff00"><script>
const open = indexedDB.open('cirrus-test', 1);
open.onupgradeneeded = () => open.result.createObjectStore('runs');
open.onerror = () => { document.title = 'idb open failed ' + open.error; };
open.onsuccess = () => {
  try {
    const tx = open.result.transaction('runs', 'readwrite');
    const store = tx.objectStore('runs');
    const read = store.get('loads');
    read.onsuccess = () => {
      const loads = (read.result || 0) + 1;
      store.put(loads, 'loads');
      tx.oncomplete = () => { document.title = 'idb loads=' + loads; };
    };
    tx.onerror = () => { document.title = 'idb failed ' + tx.error; };
  } catch (e) {
    document.title = 'idb threw ' + e;
  }
};
</script></body></html>
)";
    Apps apps;
    apps.install_files("stored", R"({"display":"standalone"})", {{"index.html", page}});
    Compositor c(host_options());
    HostProcessGuard host{c.request({{"cmd", "launch"}, {"app", "stored"}})["pid"].get<pid_t>()};
    window_of_app(
        c, "stored", [](const json& w) { return w["title"] == "idb loads=1"; }, "the first load's IndexedDB write",
        kWindowTimeout + kPaintTimeout);

    pid_t network = -1;
    for (pid_t pid : descendants(host.pid)) {
        if (comm_of(pid).starts_with("WebKitNetworkPr")) network = pid;
    }
    REQUIRE_MESSAGE(network > 0, "no WebKitNetworkProcess under the host " << host.pid);
    REQUIRE(kill(network, SIGKILL) == 0);

    // The same host reloads the page, whose IndexedDB reads the first run's
    // count and writes the next.
    const json w = window_of_app(
        c, "stored", [](const json& w) { return w["title"] == "idb loads=2"; }, "the reloaded page's IndexedDB write",
        kWindowTimeout + kPaintTimeout);
    CHECK(w["pid"] == host.pid);
    CHECK(c.log_tail(20000).find("the network process (pid " + std::to_string(network) + ") stopped; reloading") !=
          std::string::npos);
    CHECK(wait_for_page(c, 0, ""));
}

// The attack: a page's web process reads or writes what is under the cache
// folder of the phone: every other app's HTTP cache, CacheStorage and HSTS
// store (WebKit bound the folder of GStreamer's registry, by default the
// whole $XDG_CACHE_HOME, read-write), or the font cache every app and the
// shell read ($XDG_CACHE_HOME/fontconfig, which WebKit binds read-write
// when it exists). What must hold: the web process of one app (seen from
// outside, through /proc/PID/root and its mountinfo) has no path to another
// app's cache or data folders, nor to the cache home they sit in, nor to its
// font cache: the only font cache it may write is its app's own; and both
// apps' own storage still works.
TEST_CASE("an app's web process sees neither another app's cache and data folders nor the cache home") {
    Apps apps;
    apps.install("alpha", R"({"display":"standalone"})");
    apps.install("beta", R"({"display":"standalone"})");
    Compositor c(host_options());
    const std::filesystem::path xdg = c.runtime_dir();
    const std::filesystem::path beta_cache = xdg / "cache" / "cirrus" / "app-data" / "beta";
    const std::filesystem::path beta_data = xdg / "data" / "cirrus" / "app-data" / "beta";

    write_file(xdg / "cache" / "left-in-the-cache-home.txt", "not for any app\n");
    // The phone's own font cache, as the shell's fontconfig keeps it.
    const std::filesystem::path shared_fonts = xdg / "cache" / "fontconfig";
    write_file(shared_fonts / "CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n");
    HostProcessGuard beta{c.request({{"cmd", "launch"}, {"app", "beta"}})["pid"].get<pid_t>()};
    window_of_app(
        c, "beta", [](const json& w) { return w["title"].get<std::string>().find("loads=1") != std::string::npos; },
        "beta's probe title", kWindowTimeout + kPaintTimeout);
    write_file(beta_cache / "secret.txt", "beta's cache\n");
    HostProcessGuard alpha{c.request({{"cmd", "launch"}, {"app", "alpha"}})["pid"].get<pid_t>()};
    window_of_app(
        c, "alpha", [](const json& w) { return w["title"].get<std::string>().find("loads=1") != std::string::npos; },
        "alpha's probe title", kWindowTimeout + kPaintTimeout);

    const pid_t web = webapp_test::web_process_of(alpha.pid);
    REQUIRE_MESSAGE(web > 0, "no WebKitWebProcess under alpha's host " << alpha.pid);
    const std::filesystem::path root = "/proc/" + std::to_string(web) + "/root";
    REQUIRE(std::filesystem::exists(root / "usr"));  // the sandbox's view can be read at all
    std::ifstream mounts("/proc/" + std::to_string(web) + "/mountinfo");
    const std::string mountinfo((std::istreambuf_iterator<char>(mounts)), std::istreambuf_iterator<char>());
    CHECK_MESSAGE(!std::filesystem::exists(root / beta_cache.relative_path()), mountinfo);
    CHECK_FALSE(std::filesystem::exists(root / beta_cache.relative_path() / "secret.txt"));
    CHECK_FALSE(std::filesystem::exists(root / beta_data.relative_path()));
    CHECK_FALSE(std::filesystem::exists(root / (xdg / "cache" / "left-in-the-cache-home.txt").relative_path()));
    // No font cache of the cache home; of the writable ones, only alpha's own.
    CHECK_FALSE(std::filesystem::exists(root / shared_fonts.relative_path()));
    const std::filesystem::path alpha_fonts = xdg / "cache" / "cirrus" / "app-data" / "alpha" / "fontconfig";
    bool own_fonts_writable = false;
    for (const webapp_test::Mount& mount : webapp_test::mounts_of(web)) {
        if (!mount.point.ends_with("/fontconfig")) continue;
        CHECK_MESSAGE(mount.point != shared_fonts.string(), mountinfo);
        if (mount.writable) CHECK_MESSAGE(mount.point == alpha_fonts.string(), mountinfo);
        own_fonts_writable = own_fonts_writable || (mount.point == alpha_fonts.string() && mount.writable);
    }
    CHECK_MESSAGE(own_fonts_writable, "alpha's own font cache is not bound writable: " << mountinfo);
    // Of the apps' cache folders, at most its own is there.
    std::error_code ec;
    for (const auto& entry :
         std::filesystem::directory_iterator(root / (xdg / "cache" / "cirrus" / "app-data").relative_path(), ec)) {
        CHECK(entry.path().filename() == "alpha");
    }
    // Beta's file is untouched, and both apps kept their own storage.
    std::ifstream secret(beta_cache / "secret.txt");
    std::string line;
    std::getline(secret, line);
    CHECK(line == "beta's cache");
    CHECK(wait_until([&] {
        return std::filesystem::exists(xdg / "data" / "cirrus" / "app-data" / "alpha" / "localstorage" /
                                       "app_alpha_0.localstorage");
    }));
    CHECK(std::filesystem::exists(beta_data / "localstorage" / "app_beta_0.localstorage"));
}

TEST_CASE("minimal-ui draws a back/reload bar in the theme colour above the page") {
    Apps apps;
    apps.install("barred", R"({"display":"minimal-ui","theme_color":"#0000ff"})");
    Compositor c(host_options());
    HostProcessGuard host{c.request({{"cmd", "launch"}, {"app", "barred"}})["pid"].get<pid_t>()};
    window_of_app(
        c, "barred", [](const json& w) { return w["app_id"] == "barred"; }, "app_id barred", kWindowTimeout);

    const std::string shot = screenshot_dir() + "/webapp-host-minimal-ui.png";
    REQUIRE_MESSAGE(wait_for_page(c, 48, shot), "no page below the bar; last screenshot " << shot);
    const Image image = screenshot(c, "bar.png");
    const json wa = work_area(c);
    const int x = wa["x"], y = wa["y"], width = wa["width"];
    // The bar's right side (away from the buttons) is the theme colour.
    CHECK(same_rgb(image.at(x + width - 20, y + 4), kThemeColour, 8));
    CHECK(same_rgb(image.at(x + width / 2, y + 20), kThemeColour, 8));
    MESSAGE("screenshot " << shot);
}

TEST_CASE("cirrus launch opens a bundled app in the real host, and a second launch focuses it") {
    webapp_test::TempDir tmp;
    const std::string registry = (tmp.path() / "registry.db").string();
    const RunResult installed = run_program({program("CIRRUS_CLI"), "--registry", registry, "install",
                                             std::string(CIRRUS_SOURCE_MANIFESTS) + "/calculator"},
                                            {});
    REQUIRE_MESSAGE(installed.exited_ok(), installed.err);
    setenv("CIRRUS_REGISTRY", registry.c_str(), 1);  // the compositor passes CIRRUS_* on to hosts
    Compositor c(host_options());
    unsetenv("CIRRUS_REGISTRY");
    const std::map<std::string, std::string> env = {{"CIRRUS_CONTROL", c.control_path()}};

    const RunResult first = run_program({program("CIRRUS_CLI"), "--registry", registry, "launch", "calculator"}, env);
    REQUIRE_MESSAGE(first.exited_ok(), first.err);
    CHECK(first.out.starts_with("spawned calculator"));
    const json w = window_of_app(
        c, "calculator", [](const json& w) { return w["app_id"] == "calculator"; }, "app_id calculator",
        kWindowTimeout);
    HostProcessGuard host{w["pid"].get<pid_t>()};
    CHECK(w["focused"] == true);

    const RunResult second = run_program({program("CIRRUS_CLI"), "--registry", registry, "launch", "calculator"}, env);
    REQUIRE_MESSAGE(second.exited_ok(), second.err);
    CHECK(second.out == "focused calculator (pid " + std::to_string(host.pid) + ")\n");
    CHECK(c.request({{"cmd", "apps"}})["apps"].size() == 1);
    std::size_t windows = 0;
    for (const json& window : c.windows()) windows += window["app"] == "calculator" ? 1 : 0;
    CHECK(windows == 1);

    const RunResult info =
        run_program({program("CIRRUS_CLI"), "--registry", registry, "info", "calculator", "--json"}, {});
    CHECK(json::parse(info.out)["launch_count"] == 2);
}

// --- scope, file access, permissions, a hung page -------------------------

namespace {

// The refusal message: a dark band (#303030) across the bottom of the work area.
bool notice_visible(Compositor& c, std::string& last) {
    last = c.new_path("notice.png");
    if (c.request({{"cmd", "screenshot"}, {"path", last}})["ok"] != true) return false;
    const Image image = read_png(last);
    const json wa = work_area(c);
    const int x = wa["x"], y = wa["y"], w = wa["width"], h = wa["height"];
    return same_rgb(image.at(x + w / 2, y + h - 6), 0x303030, 10) &&
           same_rgb(image.at(x + w - 4, y + h - 6), 0x303030, 10) &&
           same_rgb(image.at(x + w / 2, y + h / 2), kPageColour, 8);
}

const char* kScopePage = R"(<!doctype html>
<html style="background:#00ff00"><head><meta charset="utf-8"><title>loading</title></head>
<body style="margin:0;min-height:100vh;background:#00ff00"><script>
function probeXhr(url) {
  return new Promise((resolve) => {
    try {
      const x = new XMLHttpRequest();
      x.open('GET', url);
      x.onload = () => resolve(x.responseText.includes('root:') ? 'LEAK' : 'status' + x.status);
      x.onerror = () => resolve('err');
      x.send();
    } catch (e) { resolve('err'); }
  });
}
async function probeFetch(url) {
  try {
    const r = await fetch(url);
    const t = await r.text();
    return t.includes('root:') ? 'LEAK' : 'status' + r.status;
  } catch (e) { return 'err'; }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
(async () => {
  const parts = [];
  parts.push('fetchfile=' + await probeFetch('file:///etc/passwd'));
  parts.push('xhrfile=' + await probeXhr('file:///etc/passwd'));
  // An iframe out of scope is the page's business: allowed, the page stays.
  const frame = document.createElement('iframe');
  frame.src = 'http://127.0.0.1:59999/frame.html';
  frame.style.display = 'none';
  document.body.appendChild(frame);
  document.title = 'scope ' + parts.join(' ');
  await sleep(300);
  location.href = 'http://127.0.0.1:59999/outside.html';   // refused: the page stays
  await sleep(1000);
  location.href = 'file:///etc/passwd';                // refused too (WebKit itself stops it)
  await sleep(1000);
  parts.push('still-here');
  document.title = 'scope ' + parts.join(' ');
  await sleep(6000);                                   // the message has gone
  const w = window.open('http://127.0.0.1:59999/popup.html');
  parts.push('popup=' + (w === null ? 'null' : 'window'));
  document.title = 'scope ' + parts.join(' ') + ' opened';
  await sleep(1500);
  window.open('second.html', '_blank');                // in scope: this window
})();
</script></body></html>
)";

}  // namespace

TEST_CASE("out-of-scope navigations are refused with a message; file:// reads fail; window.open stays in scope") {
    Apps apps;
    apps.install_files("scoped", R"({"display":"standalone","name":"Scoped"})",
                       {{"index.html", kScopePage},
                        {"second.html",
                         "<!doctype html><title>second page</title>"
                         "<body style='background:#00ff00'>second</body>"}});
    Compositor c(host_options());
    HostProcessGuard host{c.request({{"cmd", "launch"}, {"app", "scoped"}})["pid"].get<pid_t>()};

    // Probes done; then two refused navigations; the page is still there.
    const json here = window_with_title(c, "scoped", "still-here", kWindowTimeout + kPaintTimeout);
    const std::string title = title_of(here);
    MESSAGE("title: " << title);
    CHECK(title.find("LEAK") == std::string::npos);
    CHECK(title.find("fetchfile=err") != std::string::npos);
    CHECK(title.find("xhrfile=err") != std::string::npos);
    CHECK(here["pid"] == host.pid);
    // The refusal message is on screen for a few seconds.
    const std::string shot = screenshot_dir() + "/webapp-host-refused.png";
    std::string last;
    const bool shown = wait_until([&] { return notice_visible(c, last); }, 3);
    std::error_code ec;
    std::filesystem::create_directories(screenshot_dir(), ec);
    std::filesystem::copy_file(last, shot, std::filesystem::copy_options::overwrite_existing, ec);
    CHECK_MESSAGE(shown, "no refusal message at the bottom; screenshot " << shot);
    const std::string log = c.log_tail(40000);
    CHECK(log.find("cirrus-webapp-host[scoped]: refused http://127.0.0.1:59999/outside.html") != std::string::npos);
    CHECK(log.find("refused http://127.0.0.1:59999/frame.html") == std::string::npos);  // subframes are allowed

    // window.open out of scope: refused (null); in scope: the same window.
    const json opened = window_with_title(c, "scoped", " opened", 20);
    CHECK(title_of(opened).find("popup=null") != std::string::npos);
    const json second = window_with_title(c, "scoped", "second page", 15);
    CHECK(second["pid"] == host.pid);
    std::size_t windows = 0;
    for (const json& w : c.windows()) windows += w["app"] == "scoped" ? 1 : 0;
    CHECK(windows == 1);
    CHECK(c.log_tail(40000).find("refused http://127.0.0.1:59999/popup.html") != std::string::npos);
}

// Geolocation: WebKit asks the host (permission-request) for it without a
// user gesture. Granted, the position itself is unavailable here (no GeoClue
// on the bus), so "granted" shows as an error other than PERMISSION_DENIED (1).
const char* kAskerPage = R"(<!doctype html><title>asking</title><body style="background:#00ff00"><script>
navigator.geolocation.getCurrentPosition(
  () => { document.title = 'geo=position'; },
  (e) => { document.title = 'geo=' + (e.code === 1 ? 'denied' : 'allowed-error' + e.code); },
  {timeout: 4000});
</script></body>)";

TEST_CASE("a permission is denied by default and granted after cirrus permission ... grant") {
    Apps apps;
    apps.install_files("asker", R"({"display":"standalone"})", {{"index.html", kAskerPage}});
    const std::string db = apps.db.string();
    Compositor c(host_options());
    {
        HostProcessGuard host{c.request({{"cmd", "launch"}, {"app", "asker"}})["pid"].get<pid_t>()};
        window_with_title(c, "asker", "geo=denied", kWindowTimeout + kPaintTimeout);
        CHECK(c.log_tail(40000).find("cirrus-webapp-host[asker]: permission geolocation denied (no decision in "
                                     "the registry; denied by default)") != std::string::npos);
    }
    const RunResult granted =
        run_program({program("CIRRUS_CLI"), "--registry", db, "permission", "asker", "geolocation", "grant"}, {});
    REQUIRE_MESSAGE(granted.exited_ok(), granted.err);
    const RunResult listed = run_program({program("CIRRUS_CLI"), "--registry", db, "permission", "asker"}, {});
    CHECK(listed.out.find("geolocation") != std::string::npos);
    CHECK(listed.out.find("granted") != std::string::npos);
    // An unknown name is refused.
    CHECK_FALSE(run_program({program("CIRRUS_CLI"), "--registry", db, "permission", "asker", "telepathy", "grant"}, {})
                    .exited_ok());

    // Launched again (the first host is gone), the request is granted.
    wait_until([&] { return c.windows().empty(); }, 5);
    HostProcessGuard host{c.request({{"cmd", "launch"}, {"app", "asker"}})["pid"].get<pid_t>()};
    const json w = window_of_app(
        c, "asker",
        [](const json& w) {
            const std::string t = title_of(w);
            return t.starts_with("geo=") && t != "geo=denied";
        },
        "a geolocation answer", kWindowTimeout + kPaintTimeout);
    MESSAGE("granted geolocation gives: " << title_of(w));
    CHECK(c.log_tail(40000).find("cirrus-webapp-host[asker]: permission geolocation granted (granted in the "
                                 "registry)") != std::string::npos);

    // Revoked again: denied.
    REQUIRE(run_program({program("CIRRUS_CLI"), "--registry", db, "permission", "asker", "geolocation", "reset"}, {})
                .exited_ok());
    CHECK(run_program({program("CIRRUS_CLI"), "--registry", db, "permission", "asker"}, {}).out.find("granted") ==
          std::string::npos);
}

// window.cirrus.contacts and .notes (webapp-host/personal_data_bridge): the
// page saves a contact and a note, then tries what a hostile page would; the
// title reports each call's outcome (ok, or the error's name).
const char* kPersonalDataPage = R"(<!doctype html><title>asking</title><body style="background:#00ff00"><script>
const parts = [];
async function attempt(label, f) {
  try { await f(); parts.push(label + '=ok'); } catch (e) { parts.push(label + '=' + e.name); console.log(label, e.message); }
}
(async () => {
  if (!(window.cirrus && window.cirrus.contacts)) { document.title = 'done no-api'; return; }
  await attempt('save', () => window.cirrus.contacts.save({name: 'Grace Hopper', phones: [{value: '+1 555 0100', type: 'cell'}]}));
  await attempt('note', () => window.cirrus.notes.write('hello.txt', 'first line\nsecond'));
  await attempt('dotdot', () => window.cirrus.notes.write('../x', 'escape'));
  await attempt('big', () => window.cirrus.notes.write('hello.txt', 'a'.repeat(10 * 1024 * 1024)));
  await attempt('ctl', () => window.cirrus.notes.write('hello.txt', 'bell\u0007'));
  await attempt('cname', () => window.cirrus.contacts.save({name: 'a\u0000b'}));
  await attempt('list', async () => { const l = await window.cirrus.contacts.list(); if (l.length !== 1) throw new Error('count'); });
  document.title = 'done ' + parts.join(' ');
})();
</script></body>)";

TEST_CASE(
    "window.cirrus.contacts and .notes: refused until the permission is granted, then kept in the phone's stores") {
    Apps apps;
    apps.install_files("people", R"({"display":"standalone"})", {{"index.html", kPersonalDataPage}});
    const std::string db = apps.db.string();
    const auto data = apps.tmp.path();  // the data folder beside the registry
    Compositor c(host_options());
    {
        // No decision and no shell to ask: refused, and the registry notes
        // that the app asked (the shell's prompt asks next time).
        HostProcessGuard host{c.request({{"cmd", "launch"}, {"app", "people"}})["pid"].get<pid_t>()};
        const json w = window_with_title(c, "people", "done", kWindowTimeout + kPaintTimeout);
        CHECK(title_of(w).find("save=NotAllowedError note=NotAllowedError") != std::string::npos);
        CHECK(c.log_tail(40000).find("cirrus-webapp-host[people]: permission contacts denied") != std::string::npos);
    }
    CHECK(cirrus::launcher::Registry::open(apps.db).permission("people", "contacts") ==
          cirrus::launcher::PermissionState::ask);
    CHECK(cirrus::sync::ContactStore(data / "contacts.sqlite").contacts(true).empty());
    CHECK_FALSE(std::filesystem::exists(data / "Notes" / "hello.txt"));
    // Nothing changed, so cirrus-sync was not asked to look (its state
    // folder: the compositor's XDG_DATA_HOME/cirrus/sync).
    const auto sync_request = std::filesystem::path(c.runtime_dir()) / "data/cirrus/sync/changes.request";
    CHECK_FALSE(std::filesystem::exists(sync_request));

    // Denied on purpose: still refused, nothing written.
    REQUIRE(run_program({program("CIRRUS_CLI"), "--registry", db, "permission", "people", "contacts", "deny"}, {})
                .exited_ok());
    wait_until([&] { return c.windows().empty(); }, 5);
    {
        HostProcessGuard host{c.request({{"cmd", "launch"}, {"app", "people"}})["pid"].get<pid_t>()};
        const json w = window_with_title(c, "people", "done", kWindowTimeout + kPaintTimeout);
        CHECK(title_of(w).find("save=NotAllowedError") != std::string::npos);
    }
    CHECK(cirrus::sync::ContactStore(data / "contacts.sqlite").contacts(true).empty());

    // Granted: the contact is in contacts.sqlite, marked for cirrus-sync; the
    // note is a file in DATA/Notes; the hostile calls are refused.
    for (const char* name : {"contacts", "notes"})
        REQUIRE(run_program({program("CIRRUS_CLI"), "--registry", db, "permission", "people", name, "grant"}, {})
                    .exited_ok());
    wait_until([&] { return c.windows().empty(); }, 5);
    HostProcessGuard host{c.request({{"cmd", "launch"}, {"app", "people"}})["pid"].get<pid_t>()};
    const json w = window_with_title(c, "people", "done", kWindowTimeout + kPaintTimeout);
    CHECK(title_of(w) == "done save=ok note=ok dotdot=Error big=Error ctl=Error cname=Error list=ok");
    const auto contacts = cirrus::sync::ContactStore(data / "contacts.sqlite").contacts(true);
    REQUIRE(contacts.size() == 1);
    CHECK(contacts[0].changed);
    CHECK(contacts[0].href.empty());  // not yet on the server: cirrus-sync sends it
    CHECK(contacts[0].vcard.find("FN:Grace Hopper\r\n") != std::string::npos);
    CHECK(contacts[0].vcard.find("TEL;TYPE=cell:+1 555 0100\r\n") != std::string::npos);
    std::ifstream note(data / "Notes" / "hello.txt", std::ios::binary);
    CHECK(std::string(std::istreambuf_iterator<char>(note), {}) == "first line\nsecond");
    CHECK_FALSE(std::filesystem::exists(data / "x"));
    CHECK_FALSE(std::filesystem::exists(data / "Notes" / ".." / "x"));
    // And cirrus-sync is asked to send them now (it watches its state folder).
    CHECK(std::filesystem::exists(sync_request));
}

TEST_CASE("a hung page is offered a reload and reloaded after 10 s; the window stays") {
    Apps apps;
    // The first load hangs when tapped; the reload (a second load) does not.
    apps.install_files("hang", R"({"display":"standalone"})", {{"index.html", R"(<!doctype html><title>loading</title>
<body style="margin:0;min-height:100vh;background:#00ff00"><script>
const loads = Number(localStorage.getItem('loads') || 0) + 1;
localStorage.setItem('loads', String(loads));
if (loads === 1) {
  document.title = 'armed loads=1';
  document.addEventListener('pointerdown', () => { document.title = 'hanging'; while (true) {} });
  document.addEventListener('touchstart', () => { while (true) {} });
  document.addEventListener('mousedown', () => { while (true) {} });
} else {
  document.title = 'alive loads=' + loads;
}
</script></body>)"}});
    Compositor c(host_options());
    HostProcessGuard host{c.request({{"cmd", "launch"}, {"app", "hang"}})["pid"].get<pid_t>()};
    window_with_title(c, "hang", "armed loads=1", kWindowTimeout + kPaintTimeout);
    REQUIRE(wait_for_page(c, 0, ""));
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // localStorage reaches its process

    const json wa = work_area(c);
    const auto started = std::chrono::steady_clock::now();
    // Input is what makes WebKit notice a hung page; tap until it does.
    const bool noticed = wait_until(
        [&] {
            c.request({{"cmd", "tap"}, {"x", wa["x"].get<int>() + 100}, {"y", wa["y"].get<int>() + 100}});
            std::this_thread::sleep_for(std::chrono::milliseconds(500));
            return c.log_tail(40000).find("the page is not responding") != std::string::npos;
        },
        15);
    REQUIRE_MESSAGE(noticed, c.log_tail(4000));
    // The "not responding" bar (Reload, Wait) covers the bottom of the work area.
    std::string last;
    const bool bar = wait_until(
        [&] {
            last = c.new_path("hung.png");
            if (c.request({{"cmd", "screenshot"}, {"path", last}})["ok"] != true) return false;
            const Image image = read_png(last);
            const int x = wa["x"], y = wa["y"], w = wa["width"], h = wa["height"];
            return !same_rgb(image.at(x + w / 2, y + h - 8), kPageColour, 8) &&
                   same_rgb(image.at(x + w / 2, y + h / 3), kPageColour, 8);
        },
        5);
    std::error_code ec;
    std::filesystem::create_directories(screenshot_dir(), ec);
    std::filesystem::copy_file(last, screenshot_dir() + "/webapp-host-hung.png",
                               std::filesystem::copy_options::overwrite_existing, ec);
    CHECK_MESSAGE(bar, "no bar offering a reload; screenshot " << screenshot_dir() << "/webapp-host-hung.png");
    const json alive = window_with_title(c, "hang", "alive loads=2", 25);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    MESSAGE("tap to reloaded page: " << seconds << " s");
    CHECK(alive["pid"] == host.pid);
    CHECK(c.log_tail(40000).find("has not responded for 10 s; reloading app://hang/index.html") != std::string::npos);
}
