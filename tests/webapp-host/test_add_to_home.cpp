// Add to Home Screen through the runtime (issue 20): the Browser's menu asks,
// the compositor asks the shell, the shell's sheet shows the app, and the
// installer does the work -- the real compositor, shell, installer and
// Browser host, a loopback origin. What must hold: nothing is installed
// without a tap on the shell's Add; an added app is on the home screen and
// offline-ready, and opens with its origin gone; an app already installed
// is offered as Open.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>

#include "../integration/harness.hpp"
#include "../launcher/install/http_test_server.hpp"
#include "host_session.hpp"
#include "install.hpp"
#include "permission_model.hpp"
#include "common/registry.hpp"
#include "test_support.hpp"

using namespace cirrus_it;
using cirrus::test::HttpTestServer;
using webapp_test::respond;
using webapp_test::TempDir;
using webapp_test::title_of_app;

namespace {

constexpr double kAddTimeout = 40;

const char* kNewsIcon =
    R"(<svg xmlns="http://www.w3.org/2000/svg" width="192" height="192"><rect width="192" height="192" fill="#d03030"/></svg>)";

std::map<std::string, HttpTestServer::Handler> news_site() {
    return {
        {"/news/index.html",
         respond("text/html",
                 "<!doctype html><html><head><meta charset=utf-8><title>News home</title>"
                 "<link rel=manifest href=manifest.webmanifest><link rel=stylesheet href=style.css></head>"
                 "<body style='margin:0;background:#00ff00;min-height:100vh'></body></html>",
                 "max-age=60")},
        {"/news/manifest.webmanifest",
         respond("application/manifest+json",
                 R"({"name":"News","start_url":"./index.html","display":"standalone","background_color":"#ffffff",)"
                 R"("icons":[{"src":"icon.svg","sizes":"any","type":"image/svg+xml"}]})",
                 "max-age=60")},
        {"/news/icon.svg", respond("image/svg+xml", kNewsIcon, "max-age=60")},
        {"/news/style.css", respond("text/css", "body{color:#000}", "max-age=60")},
        {"/plain/index.html", respond("text/html",
                                      "<!doctype html><html><head><meta charset=utf-8><title>Plain site</title>"
                                      "<link rel=icon href=icon.svg></head>"
                                      "<body style='margin:0;background:#00ff00;min-height:100vh'></body></html>",
                                      "max-age=60")},
        {"/plain/icon.svg", respond("image/svg+xml", kNewsIcon, "max-age=60")},
        // The phone maker's catalogue: News (新闻快讯), a weather app, and an
        // entry no runtime may act on.
        {"/catalogue.json",
         respond("application/json",
                 R"({"categories":{"news":{"en":"News","zh":"新闻"}},"apps":[)"
                 R"({"name":"News","manifest_url":"/news/manifest.webmanifest","icon":"/news/icon.svg",)"
                 R"("category":"news","description":"Headlines","size":20000,)"
                 R"("translations":{"zh":{"name":"新闻快讯","description":"头条"}}},)"
                 R"({"name":"Sky","manifest_url":"https://sky.example/manifest.json","category":"weather",)"
                 R"("translations":{"zh":{"name":"天气"}}},)"
                 R"({"name":"Evil","manifest_url":"javascript:void0"}]})",
                 "no-store")},
    };
}

struct AddToHome {
    std::unique_ptr<HttpTestServer> server = std::make_unique<HttpTestServer>(news_site());
    TempDir tmp;
    std::filesystem::path db = tmp.path() / "registry.db";
    std::unique_ptr<Compositor> c;
    const cirrus::shell::PromptGeometry sheet = cirrus::shell::compute_prompt_geometry(480, 800);

    // `catalogue_path`: the origin's catalogue document the catalogue app
    // lists ([apps] catalogue_url); empty: its bundled sample.
    explicit AddToHome(const std::string& catalogue_path = "") {
        cirrus::launcher::Registry registry = cirrus::launcher::Registry::open(db);
        cirrus::launcher::Installer installer(registry, tmp.path() / "apps");
        installer.install_bundled(CIRRUS_SOURCE_MANIFESTS);
        setenv("CIRRUS_REGISTRY", db.c_str(), 1);
        Compositor::Options o;
        o.extra_args = {"--app-host", program("CIRRUS_WEBAPP_HOST")};
        o.shell = program("CIRRUS_SHELL");
        if (!catalogue_path.empty()) {
            const auto config = tmp.path() / "cirrus.conf";
            webapp_test::write_file(config, "[apps]\ncatalogue_url = " + server->url(catalogue_path) + "\n");
            o.extra_args.insert(o.extra_args.end(), {"--config", config.string()});
        }
        // The pages' console in the compositor's log (the catalogue says what it lists).
        setenv("CIRRUS_WEBAPP_CONSOLE", "1", 1);
        c = std::make_unique<Compositor>(o);
        unsetenv("CIRRUS_WEBAPP_CONSOLE");
        unsetenv("CIRRUS_REGISTRY");
        REQUIRE(wait_until([&] { return layer_mapped("cirrus-home"); }, kAddTimeout));
    }

    bool layer_mapped(const std::string& name_space) {
        for (const json& l : c->layers()) {
            if (l["namespace"] == name_space && l.value("mapped", false)) return true;
        }
        return false;
    }

    // The installed app that starts at `start_url` (the manifest's, resolved).
    std::optional<cirrus::launcher::AppRecord> installed_from(const std::string& start_url) {
        for (const auto& app : cirrus::launcher::Registry::open(db).list()) {
            if (app.start_url == start_url) return app;
        }
        return std::nullopt;
    }

    json window() { return webapp_test::window_with_title(*c, "browser", "", 5); }
    void tap(int x, int y) { REQUIRE(c->request({{"cmd", "tap"}, {"x", x}, {"y", y}})["ok"] == true); }
    Image screenshot() {
        const std::string path = c->new_path("add-to-home") + ".png";
        REQUIRE(c->request({{"cmd", "screenshot"}, {"path", path}})["ok"] == true);
        return read_png(path);
    }

    // The Browser at `url`, then its menu's Add to Home Screen (the last
    // entry, under Open in the installed app, Reload and Copy link): the
    // shell's sheet comes up.
    void ask_to_add(const std::string& url, const std::string& title) {
        REQUIRE(c->request({{"cmd", "launch"}, {"app", "browser"}, {"url", url}})["ok"] == true);
        REQUIRE_MESSAGE(wait_until([&] { return title_of_app(*c, "browser") == title; }, kAddTimeout),
                        c->log_tail(4000));
        // The launch's splash is down (the host reported its first frame).
        REQUIRE(wait_until(
            [&] {
                const json apps = c->request({{"cmd", "apps"}})["apps"];
                for (const json& app : apps) {
                    if (app["app"] == "browser") return app["splash"] == false;
                }
                return false;
            },
            kAddTimeout));
        const json w = window();
        const int right = w["x"].get<int>() + w["width"].get<int>() - 12;
        const int bar_middle = w["y"].get<int>() + 21;
        const int add_entry = w["y"].get<int>() + 42 + 23 + 46 * 3;
        // The page has painted (green) where the menu's entry will be; the
        // menu is up when that point turns white.
        REQUIRE(wait_until([&] { return same_rgb(screenshot().at(right, add_entry), 0x00ff00); }, kAddTimeout));
        tap(w["x"].get<int>() + w["width"].get<int>() - 22, bar_middle);
        REQUIRE(wait_until([&] { return same_rgb(screenshot().at(right, add_entry), 0xffffff); }, 5));
        tap(right, add_entry);
        REQUIRE_MESSAGE(wait_until([&] { return layer_mapped("cirrus-install"); }, kAddTimeout), c->log_tail(4000));
    }

    void tap_sheet_add() { tap(sheet.allow.x + sheet.allow.width / 2, sheet.allow.y + sheet.allow.height / 2); }
    void tap_sheet_cancel() { tap(sheet.deny.x + sheet.deny.width / 2, sheet.deny.y + sheet.deny.height / 2); }
};

}  // namespace

TEST_CASE(
    "Add to Home Screen from the Browser: the shell's sheet, then the app installed, offline-ready, opening offline") {
    AddToHome h;
    const std::string news_start = h.server->url("/news/index.html");
    h.ask_to_add(h.server->url("/news/index.html"), "News home");
    // Nothing is installed while the sheet waits for the user.
    sleep_ms(500);
    CHECK_FALSE(h.installed_from(news_start).has_value());

    const auto added = std::chrono::steady_clock::now();
    h.tap_sheet_add();
    REQUIRE_MESSAGE(wait_until([&] { return h.installed_from(news_start).has_value(); }, kAddTimeout),
                    h.c->log_tail(6000));
    CHECK(wait_until([&] { return !h.layer_mapped("cirrus-install"); }, 5));
    REQUIRE_MESSAGE(wait_until([&] { return h.installed_from(news_start)->offline_ready; }, kAddTimeout),
                    h.c->log_tail(6000));
    MESSAGE("tap on Add -> offline-ready: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - added).count()
            << " ms");
    const auto app = *h.installed_from(news_start);
    CHECK(app.name == "News");
    CHECK(app.home_position.has_value());

    // The origin gone, the app opens from its offline copy.
    h.server.reset();
    REQUIRE(h.c->request({{"cmd", "launch"}, {"app", app.id}})["ok"] == true);
    CHECK_MESSAGE(wait_until([&] { return title_of_app(*h.c, app.id) == "News home"; }, kAddTimeout),
                  h.c->log_tail(4000));
}

TEST_CASE("Add to Home Screen: Cancel installs nothing; an app already installed is offered as Open") {
    AddToHome h;
    const std::string news_start = h.server->url("/news/index.html");
    const auto before = cirrus::launcher::Registry::open(h.db).list().size();
    h.ask_to_add(h.server->url("/news/index.html"), "News home");
    h.tap_sheet_cancel();
    CHECK(wait_until([&] { return !h.layer_mapped("cirrus-install"); }, 5));
    sleep_ms(1000);
    CHECK(cirrus::launcher::Registry::open(h.db).list().size() == before);
    CHECK_FALSE(h.installed_from(news_start).has_value());

    // Installed (with the real CLI, as `cirrus install` would), the sheet's
    // confirm button opens the app instead.
    const RunResult install = run_program(
        {program("CIRRUS_CLI"), "--registry", h.db.string(), "install", h.server->url("/news/index.html")}, {}, 60);
    REQUIRE_MESSAGE(install.exited_ok(), install.out << install.err);
    const auto app = h.installed_from(news_start);
    REQUIRE(app.has_value());
    h.ask_to_add(h.server->url("/news/index.html"), "News home");
    h.tap_sheet_add();  // "Open"
    CHECK_MESSAGE(wait_until([&] { return title_of_app(*h.c, app->id) == "News home"; }, kAddTimeout),
                  h.c->log_tail(4000));
    CHECK(cirrus::launcher::Registry::open(h.db).list().size() == before + 1);
}

TEST_CASE("Add to Home Screen of a site without a manifest: its title and icon") {
    AddToHome h;
    h.ask_to_add(h.server->url("/plain/index.html"), "Plain site");
    h.tap_sheet_add();
    std::optional<cirrus::launcher::AppRecord> app;
    REQUIRE_MESSAGE(wait_until(
                        [&] {
                            for (const auto& a : cirrus::launcher::Registry::open(h.db).list()) {
                                if (a.name == "Plain site") app = a;
                            }
                            return app.has_value();
                        },
                        kAddTimeout),
                    h.c->log_tail(6000));
    CHECK(app->start_url == h.server->url("/plain/index.html"));
}

TEST_CASE("the Apps catalogue: the maker's list, a search in Chinese, Install through the sheet, then Open") {
    AddToHome h("/catalogue.json");
    const std::string catalogue = h.server->url("/catalogue.json");
    const std::string news_start = h.server->url("/news/index.html");
    // Opened at a search for a Chinese word: only News is listed; the entry
    // with a javascript: manifest is dropped, and says why.
    const json launched =
        h.c->request({{"cmd", "launch"}, {"app", "apps"}, {"url", "app://apps/index.html?q=%E6%96%B0%E9%97%BB"}});
    REQUIRE_MESSAGE(launched["ok"] == true, launched.dump());
    const std::string listed = "catalogue: listed 1 of 2 from " + catalogue + " for \"新闻\": News";
    REQUIRE_MESSAGE(wait_until([&] { return h.c->log_tail(1 << 20).find(listed) != std::string::npos; }, kAddTimeout),
                    h.c->log_tail(6000));
    CHECK(h.c->log_tail(1 << 20).find("apps[2] (Evil): \"manifest_url\" is not an http(s) URL") != std::string::npos);

    // Its Install button: the teal at the right of the list's first row.
    const auto button_row = [&](std::uint32_t rgb) {
        const json w = webapp_test::window_with_title(*h.c, "apps", "", 5);
        const Image shot = h.screenshot();
        const int x = w["x"].get<int>() + w["width"].get<int>() - 30;
        for (int y = w["y"].get<int>() + 60; y < w["y"].get<int>() + w["height"].get<int>(); ++y) {
            if (same_rgb(shot.at(x, y), rgb, 6)) return std::optional<std::pair<int, int>>({x, y + 6});
        }
        return std::optional<std::pair<int, int>>();
    };
    std::optional<std::pair<int, int>> install;
    REQUIRE(wait_until([&] { return (install = button_row(0x00897b)).has_value(); }, kAddTimeout));
    h.tap(install->first, install->second);
    REQUIRE_MESSAGE(wait_until([&] { return h.layer_mapped("cirrus-install"); }, kAddTimeout), h.c->log_tail(4000));
    // The page asked; nothing is installed until the user taps Add.
    sleep_ms(800);
    CHECK_FALSE(h.installed_from(news_start).has_value());
    h.tap_sheet_add();
    REQUIRE_MESSAGE(wait_until([&] { return h.installed_from(news_start).has_value(); }, kAddTimeout),
                    h.c->log_tail(6000));
    CHECK(wait_until(
        [&] {
            return h.c->log_tail(1 << 20).find("catalogue: install " + h.server->url("/news/manifest.webmanifest") +
                                               ": added") != std::string::npos;
        },
        kAddTimeout));
    // Back in the catalogue, the row says Open; a tap opens the app.
    REQUIRE(h.c->request({{"cmd", "launch"}, {"app", "apps"}})["ok"] == true);
    std::optional<std::pair<int, int>> open;
    REQUIRE(wait_until([&] { return (open = button_row(0xe0f2f1)).has_value(); }, kAddTimeout));
    h.tap(open->first, open->second);
    const auto app = h.installed_from(news_start);
    CHECK_MESSAGE(wait_until([&] { return title_of_app(*h.c, app->id) == "News home"; }, kAddTimeout),
                  h.c->log_tail(4000));
}

TEST_CASE("the Apps catalogue without a maker's list: its bundled sample, searched in Chinese") {
    // No [apps] catalogue_url: the page has no window.cirrus and lists the
    // sample bundled with it, drawn with its own icons and no network.
    AddToHome h;
    const json launched = h.c->request(
        {{"cmd", "launch"}, {"app", "apps"}, {"url", "app://apps/index.html?q=%E7%99%BD%E6%9D%BF"}});  // 白板
    REQUIRE_MESSAGE(launched["ok"] == true, launched.dump());
    const std::string listed = "catalogue: listed 1 of 3 from the bundled sample for \"白板\": Excalidraw";
    CHECK_MESSAGE(wait_until([&] { return h.c->log_tail(1 << 20).find(listed) != std::string::npos; }, kAddTimeout),
                  h.c->log_tail(6000));
}

namespace {

// An origin whose app changes between checks (issue 20 item 5).
struct ChangingPaper {
    std::mutex lock;
    std::string name = "Daily Paper";
    std::string colour = "#2040a0";
    std::string get(const std::string& what) {
        std::lock_guard<std::mutex> hold(lock);
        return what == "name" ? name : colour;
    }
    void set(std::string& field, const std::string& value) {
        std::lock_guard<std::mutex> hold(lock);
        field = value;
    }
};

std::map<std::string, HttpTestServer::Handler> paper_site(std::shared_ptr<ChangingPaper> paper) {
    return {
        {"/paper/index.html", respond("text/html",
                                      "<!doctype html><html><head><meta charset=utf-8><title>Paper</title>"
                                      "<link rel=manifest href=manifest.webmanifest></head><body>paper</body></html>",
                                      "max-age=60")},
        {"/paper/manifest.webmanifest",
         [paper](SoupServerMessage* m) {
             const std::string body = R"({"name":")" + paper->get("name") +
                                      R"(","start_url":"./index.html","display":"standalone",)"
                                      R"("icons":[{"src":"icon.svg","sizes":"any","type":"image/svg+xml"}]})";
             respond("application/manifest+json", body, "no-cache")(m);
         }},
        {"/paper/icon.svg",
         [paper](SoupServerMessage* m) {
             respond("image/svg+xml",
                     R"(<svg xmlns="http://www.w3.org/2000/svg" width="192" height="192"><rect width="192" )"
                     R"(height="192" fill=")" +
                         paper->get("colour") + R"("/></svg>)",
                     "no-cache")(m);
         }},
    };
}

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("Updates: a new name asks on the shell's sheet; nothing changes until Update; Keep is not asked again") {
    auto paper = std::make_shared<ChangingPaper>();
    HttpTestServer origin(paper_site(paper));
    // The compositor's info lines say when a check is done.
    setenv("CIRRUS_LOG", "info", 1);
    AddToHome h;
    unsetenv("CIRRUS_LOG");
    const std::string start = origin.url("/paper/index.html");
    const RunResult install =
        run_program({program("CIRRUS_CLI"), "--registry", h.db.string(), "install", start}, {}, 60);
    REQUIRE_MESSAGE(install.exited_ok(), install.out << install.err);
    const std::string id = h.installed_from(start)->id;
    const auto checks_done = [&] { return count_of(h.c->log_tail(1 << 22), "update check done"); };
    const auto check_now = [&] {
        const std::size_t before = checks_done();
        REQUIRE(h.c->request({{"cmd", "check_updates"}})["started"] == true);
        REQUIRE_MESSAGE(wait_until([&] { return checks_done() > before; }, kAddTimeout), h.c->log_tail(4000));
    };

    // Content only (nothing changed but what it serves): no sheet.
    check_now();
    sleep_ms(800);
    CHECK_FALSE(h.layer_mapped("cirrus-install"));

    // A new name: the sheet asks, and nothing changes meanwhile.
    paper->set(paper->name, "Evening Paper");
    check_now();
    REQUIRE_MESSAGE(wait_until([&] { return h.layer_mapped("cirrus-install"); }, kAddTimeout), h.c->log_tail(4000));
    sleep_ms(500);
    CHECK(h.installed_from(start)->name == "Daily Paper");
    // Keep: the old name stays, and the same change is not asked again.
    h.tap_sheet_cancel();
    CHECK(wait_until([&] { return !h.layer_mapped("cirrus-install"); }, 5));
    check_now();
    sleep_ms(1000);
    CHECK_FALSE(h.layer_mapped("cirrus-install"));
    CHECK(h.installed_from(start)->name == "Daily Paper");

    // A newer change (its icon too) is asked about; Update takes it.
    paper->set(paper->colour, "#c02020");
    check_now();
    REQUIRE_MESSAGE(wait_until([&] { return h.layer_mapped("cirrus-install"); }, kAddTimeout), h.c->log_tail(4000));
    CHECK(h.installed_from(start)->name == "Daily Paper");
    h.tap_sheet_add();
    CHECK_MESSAGE(wait_until([&] { return h.installed_from(start)->name == "Evening Paper"; }, kAddTimeout),
                  h.c->log_tail(6000));
    CHECK(h.installed_from(start)->id == id);
    CHECK(h.installed_from(start)->home_position.has_value());
}
