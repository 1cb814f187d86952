// A link an app may not show goes somewhere instead of nowhere: to the app
// whose scope holds it, or, for a web link no app holds, to the system
// browser app (the bundled one here) — the real compositor, real hosts,
// a loopback origin. The app that followed the link keeps its own page.
// The user follows the link with a tap on the app in front: only then may
// the other app come to the front (a link nobody followed waits as a
// banner: tests/shell-integration/test_handoff_focus.cpp).
#include <doctest/doctest.h>

#include <csignal>
#include <cstdlib>
#include <map>

#include "../integration/harness.hpp"
#include "../launcher/install/http_test_server.hpp"
#include "host_session.hpp"
#include "install.hpp"
#include "common/registry.hpp"
#include "test_support.hpp"

using namespace cirrus_it;
using cirrus::test::HttpTestServer;
using webapp_test::stop_host;
using webapp_test::TempDir;
using webapp_test::title_of_app;
using webapp_test::window_with_title;
using webapp_test::write_file;

namespace {

constexpr double kHandoffTimeout = 30;

HttpTestServer::Handler page(const std::string& title) {
    const std::string body = "<!doctype html><html><head><meta charset=utf-8><title>" + title +
                             "</title></head><body style='background:#00ff00'></body></html>";
    return [body](SoupServerMessage* message) {
        soup_server_message_set_status(message, 200, nullptr);
        soup_server_message_set_response(message, "text/html", SOUP_MEMORY_COPY, body.data(), body.size());
    };
}

struct Handoff {
    HttpTestServer server{{{"/outside/page", page("outside page")},
                           {"/target/", page("target home")},
                           {"/target/deep", page("target deep")}}};
    TempDir tmp;
    std::filesystem::path db = tmp.path() / "registry.db";
    std::unique_ptr<Compositor> c;

    // `linker` follows the origin's `path` when its page is touched.
    Handoff(const std::string& path, bool with_browser) {
        REQUIRE(server.url("/").starts_with("http://127.0.0.1:"));
        const std::string url = server.url(path);
        cirrus::launcher::Registry registry = cirrus::launcher::Registry::open(db);
        const auto dir = tmp.path() / "packages" / "linker";
        write_file(dir / "index.html",
                   "<!doctype html><html><head><meta charset=utf-8><title>linker</title></head>"
                   "<body style='margin:0;min-height:100vh'><script>"
                   "addEventListener('touchstart', () => { location.href = '" +
                       url + "'; });</script></body></html>");
        registry.install(webapp_test::packaged_app("linker", dir), {});
        // An app whose scope is the origin's /target/ (hosted, as installed
        // from a manifest there).
        registry.install(webapp_test::hosted_app("target", server.url("/target/"), server.url("/target/")), {});
        if (with_browser) {
            cirrus::launcher::Installer installer(registry, tmp.path() / "apps");
            installer.install_bundled(CIRRUS_SOURCE_MANIFESTS);
            REQUIRE(registry.get("browser").has_value());
        }
        setenv("CIRRUS_REGISTRY", db.c_str(), 1);
        Compositor::Options o;
        o.extra_args = {"--app-host", program("CIRRUS_WEBAPP_HOST")};
        c = std::make_unique<Compositor>(o);
        unsetenv("CIRRUS_REGISTRY");
        REQUIRE(c->request({{"cmd", "launch"}, {"app", "linker"}})["ok"] == true);
    }

    // The user taps the linker's page once it shows, and again while the
    // page has not followed the link yet (a tap that comes before the new
    // web view handles touch is lost, as a user's would be).
    void tap_link() {
        REQUIRE_MESSAGE(wait_until([&] { return title_of_app(*c, "linker") == "linker"; }, kHandoffTimeout),
                        c->windows().dump() << c->log_tail(4000));
        const json out = c->outputs()[0];
        // Each follow of the link is one "handed" or "refused" line in the
        // host's log: this tap's is the one after those already there.
        const auto follows = [&] {
            const std::string log = c->log_tail(1 << 22);
            std::size_t count = 0;
            for (const char* mark : {"handed http", "refused http"}) {
                for (auto at = log.find(mark); at != std::string::npos; at = log.find(mark, at + 1)) ++count;
            }
            return count;
        };
        const std::size_t before = follows();
        const auto followed = [&] { return follows() > before; };
        for (int attempt = 0; attempt < 4 && !followed(); ++attempt) {
            REQUIRE(c->request({{"cmd", "tap"},
                                {"x", out["width"].get<int>() / 2},
                                {"y", out["height"].get<int>() / 2}})["ok"] == true);
            wait_until(followed, 5);
        }
    }
};

// launch_count as the real `cirrus info ID --json` shows it.
std::int64_t launch_count(const Handoff& h, const std::string& id) {
    const RunResult info = run_program({program("CIRRUS_CLI"), "--registry", h.db.string(), "info", id, "--json"}, {});
    REQUIRE_MESSAGE(info.exited_ok(), info.err);
    return json::parse(info.out)["launch_count"].get<std::int64_t>();
}

}  // namespace

TEST_CASE("a web link no app holds opens in the system browser, and the app keeps its page") {
    Handoff h("/outside/page", true);
    h.tap_link();
    const bool shown = wait_until([&] { return title_of_app(*h.c, "browser") == "outside page"; }, kHandoffTimeout);
    CHECK_MESSAGE(shown, h.c->windows().dump() << h.c->log_tail(4000));
    CHECK(title_of_app(*h.c, "linker") == "linker");
    // The browser is in front now.
    CHECK(wait_until([&] {
        for (const json& w : h.c->windows()) {
            if (w["app"] == "browser") return w["focused"] == true && w["visible"] == true;
        }
        return false;
    }));
    CHECK(h.c->log_tail(20000).find("handed " + h.server.url("/outside/page") + " over") != std::string::npos);
}

TEST_CASE("a link inside another app's scope opens in that app, at that link") {
    Handoff h("/target/deep", false);
    h.tap_link();
    const bool shown = wait_until([&] { return title_of_app(*h.c, "target") == "target deep"; }, kHandoffTimeout);
    CHECK_MESSAGE(shown, h.c->windows().dump() << h.c->log_tail(4000));
    CHECK(title_of_app(*h.c, "linker") == "linker");
    // The hand-off launched the target, and the compositor counted it, as it
    // counted the control socket's launch of the linker: once each.
    CHECK(launch_count(h, "target") == 1);
    CHECK(launch_count(h, "linker") == 1);

    // Followed again while the target runs, the link brings the target to
    // the front: that is a launch too.
    stop_host(*h.c, window_with_title(*h.c, "linker", "linker", kHandoffTimeout)["pid"].get<pid_t>());
    REQUIRE(wait_until([&] { return h.c->request({{"cmd", "apps"}})["apps"].size() == 1; }));
    REQUIRE(h.c->request({{"cmd", "launch"}, {"app", "linker"}})["ok"] == true);
    h.tap_link();  // a user's tap: without one the link would wait as a banner
    const bool counted = wait_until([&] { return launch_count(h, "target") == 2; }, kHandoffTimeout);
    CHECK_MESSAGE(counted, h.c->log_tail(4000));
    CHECK(wait_until([&] {
        for (const json& w : h.c->windows()) {
            if (w["app"] == "target") return w["focused"] == true;
        }
        return false;
    }));
    CHECK(launch_count(h, "linker") == 2);
}

TEST_CASE("without a browser a web link no app holds is refused, and the app says so") {
    Handoff h("/outside/page", false);
    h.tap_link();
    const bool refused = wait_until(
        [&] { return h.c->log_tail(20000).find("refused " + h.server.url("/outside/page")) != std::string::npos; },
        kHandoffTimeout);
    CHECK_MESSAGE(refused, h.c->log_tail(4000));
    CHECK(title_of_app(*h.c, "linker") == "linker");
    for (const json& w : h.c->windows()) CHECK(w["app"] == "linker");
}

TEST_CASE("the control socket's launch opens an app at a URL: started there, or moved there while it runs") {
    Handoff h("/outside/page", true);
    const auto launch_at = [&](const std::string& app, const std::string& url) {
        return h.c->request({{"cmd", "launch"}, {"app", app}, {"url", url}});
    };
    // Not running: it starts at the URL, not at its start page.
    const json started = launch_at("target", h.server.url("/target/deep"));
    REQUIRE_MESSAGE(started["ok"] == true, started.dump());
    CHECK(started["action"] == "spawned");
    CHECK_MESSAGE(wait_until([&] { return title_of_app(*h.c, "target") == "target deep"; }, kHandoffTimeout),
                  h.c->windows().dump() << h.c->log_tail(4000));
    // Running: it shows the URL and comes to the front.
    REQUIRE(h.c->request({{"cmd", "home"}})["ok"] == true);
    const json moved = launch_at("target", h.server.url("/target/"));
    REQUIRE_MESSAGE(moved["ok"] == true, moved.dump());
    CHECK(moved["action"] == "focused");
    CHECK_MESSAGE(wait_until([&] { return title_of_app(*h.c, "target") == "target home"; }, kHandoffTimeout),
                  h.c->log_tail(4000));
    // The system browser opens any web page.
    REQUIRE(launch_at("browser", h.server.url("/outside/page"))["ok"] == true);
    CHECK_MESSAGE(wait_until([&] { return title_of_app(*h.c, "browser") == "outside page"; }, kHandoffTimeout),
                  h.c->log_tail(4000));

    // What must not happen: another app's scope, an uninstalled app, a page
    // that is not a web URL. Each is refused before anything is launched,
    // and the target keeps its page.
    const json outside = launch_at("target", h.server.url("/outside/page"));
    CHECK(outside["ok"] == false);
    CHECK(outside["error"].get<std::string>().find("is outside the scope of 'target' (" + h.server.url("/target/") +
                                                   "): open it in 'browser'") != std::string::npos);
    const json unknown = launch_at("nothere", h.server.url("/target/"));
    CHECK(unknown["ok"] == false);
    CHECK(unknown["error"] == "no app 'nothere' is installed (see cirrus list)");
    CHECK(launch_at("target", "file:///etc/passwd")["error"] == "'url' must be an http://, https:// or app:// URL");
    CHECK(title_of_app(*h.c, "target") == "target home");
    const json apps = h.c->request({{"cmd", "apps"}})["apps"];
    CHECK(apps.size() == 3);  // linker, target, browser: nothing else started
}
