// Storage isolation for real: two hosted apps from ONE loopback origin
// (http://127.0.0.1:PORT/one/ and /two/), installed with the Installer into a
// temporary registry and run by the real cirrus-webapp-host under the real
// headless compositor. Each host has its own website data manager, so what
// one app writes (localStorage, cookies) the other never sees, and it is kept
// in the app's own folder for its next run.
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
using namespace webapp_test;

namespace {

constexpr double kReportTimeout = 20;  // launch request to the page's title report

// The page of app NAME: reads localStorage 'secret' and document.cookie,
// (app one only) writes both, and reports in its title.
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
const after = localStorage.getItem('secret');
document.title = 'storage NAME: before=' + before + ' after=' + after +
                 ' cookie=' + (cookieBefore || 'none') + ' cookie-after=' + (document.cookie || 'none');
</script></body></html>
)";

// The routes of app `name` under /name/.
void add_app(std::map<std::string, HttpTestServer::Handler>& routes, const std::string& name, bool writes) {
    const std::string page = replace_all(replace_all(kStoragePage, "NAME", name), "WRITE", writes ? "true" : "false");
    const std::string manifest = R"({"name":"Storage )" + name + R"(","start_url":"/)" + name + R"(/","scope":"/)" +
                                 name + R"(/","display":"standalone","background_color":"#00ff00"})";
    routes["/" + name + "/"] = respond("text/html", page);
    routes["/" + name + "/manifest.webmanifest"] = respond("application/manifest+json", manifest);
}

// A localStorage database for the test origin under the app's data folder.
bool has_origin_localstorage(const std::filesystem::path& data_dir, int port) {
    std::error_code ec;
    const std::string origin_part = "127.0.0.1_" + std::to_string(port);
    for (auto it = std::filesystem::recursive_directory_iterator(data_dir, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.find(origin_part) != std::string::npos && name.ends_with(".localstorage")) return true;
    }
    return false;
}

std::string listing(const std::filesystem::path& dir) {
    std::string out;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        out += "  " + std::filesystem::relative(it->path(), dir).string() + "\n";
    }
    return out;
}

}  // namespace

TEST_CASE("two apps from the same origin do not see each other's storage") {
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
        const auto first = installer.install(server.url("/one/"));
        const auto second = installer.install(server.url("/two/"));
        one = first.app.id;
        two = second.app.id;
        MESSAGE("installed " << one << " (" << first.app.start_url << ", scope " << first.app.scope << ") and " << two
                             << " (" << second.app.start_url << ", scope " << second.app.scope << ")");
        REQUIRE(one != two);
        CHECK(first.app.start_url == server.url("/one/"));
        CHECK(first.app.scope == server.url("/one/"));
        CHECK(second.app.start_url == server.url("/two/"));
        CHECK(second.app.scope == server.url("/two/"));
    }

    setenv("CIRRUS_REGISTRY", db.c_str(), 1);  // the compositor passes CIRRUS_* on to hosts
    Compositor::Options options;
    options.extra_args = {"--app-host", program("CIRRUS_WEBAPP_HOST")};
    Compositor c(options);
    unsetenv("CIRRUS_REGISTRY");
    const std::filesystem::path app_data = std::filesystem::path(c.runtime_dir()) / "data" / "cirrus" / "app-data";

    // One: nothing yet; it writes its secret.
    {
        HostGuard host{c, launch(c, one)};
        const std::string title = title_of(window_with_title(c, one, "storage one:", kReportTimeout, host.pid));
        MESSAGE("first run of one: " << title);
        CHECK(title.find("before=null") != std::string::npos);
        CHECK(title.find("after=from-one") != std::string::npos);
        CHECK(title.find("cookie=none") != std::string::npos);
        CHECK(title.find("cookie-after=secret=from-one") != std::string::npos);
        // Written to its own folder before the host goes.
        const bool stored =
            wait_until([&] { return has_origin_localstorage(app_data / one, server.port()); }, kReportTimeout);
        CHECK_MESSAGE(stored, "no localStorage database in " << (app_data / one).string() << ":\n"
                                                             << listing(app_data / one));
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // WebKit writes it in batches
    }

    // Two, same origin: sees neither the secret nor the cookie.
    {
        HostGuard host{c, launch(c, two)};
        const std::string title = title_of(window_with_title(c, two, "storage two:", kReportTimeout, host.pid));
        MESSAGE("two: " << title);
        CHECK(title.find("before=null") != std::string::npos);
        CHECK(title.find("after=null") != std::string::npos);
        CHECK(title.find("cookie=none") != std::string::npos);
        CHECK(title.find("from-one") == std::string::npos);
    }

    // One again: its own secret and its cookie are still there (kept in its
    // own folder).
    HostGuard again{c, launch(c, one)};
    const std::string title = title_of(window_with_title(c, one, "storage one:", kReportTimeout, again.pid));
    MESSAGE("second run of one: " << title);
    CHECK(title.find("before=from-one") != std::string::npos);
    CHECK(title.find("after=from-one") != std::string::npos);
    CHECK(title.find("cookie=secret=from-one") != std::string::npos);
    CHECK(title.find("cookie-after=secret=from-one") != std::string::npos);

    // Two again, while one runs with its cookie set: still nothing of one's.
    {
        HostGuard host{c, launch(c, two)};
        const std::string title = title_of(window_with_title(c, two, "storage two:", kReportTimeout, host.pid));
        MESSAGE("two beside one: " << title);
        CHECK(title.find("before=null") != std::string::npos);
        CHECK(title.find("cookie=none") != std::string::npos);
        CHECK(title.find("from-one") == std::string::npos);
        CHECK(kill(again.pid, 0) == 0);  // one is still running
    }

    // Separate data folders under the compositor's XDG_DATA_HOME.
    CHECK(std::filesystem::is_directory(app_data / one));
    CHECK(std::filesystem::is_directory(app_data / two));
    CHECK(
        std::filesystem::is_directory(std::filesystem::path(c.runtime_dir()) / "cache" / "cirrus" / "app-data" / one));
    CHECK(
        std::filesystem::is_directory(std::filesystem::path(c.runtime_dir()) / "cache" / "cirrus" / "app-data" / two));
    CHECK(has_origin_localstorage(app_data / one, server.port()));
}
