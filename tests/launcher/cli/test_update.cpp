// `cirrus update` (issue 20 item 5) against a real loopback origin whose
// manifest and page change between runs: a content-only change is installed
// without asking and its new page is what the offline store serves; a new
// name waits for the user (nothing changes), a decline keeps the app as it
// is and is not asked again, a confirmed one takes it; an origin that is
// down or serves a broken manifest changes nothing and the offline copy
// stays whole.
#include <doctest/doctest.h>

#include <memory>
#include <mutex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/offline_store.hpp"
#include "common/registry.hpp"
#include "common/request_policy.hpp"
#include "fixtures.hpp"
#include "update_policy.hpp"

using namespace cirrus::test;
using nlohmann::json;

namespace {

// What the origin serves now; the handlers read it on the server's thread.
struct UpdatingOrigin {
    std::mutex lock;
    std::string name = "Daily Paper";
    std::string page_text = "edition one";
    std::string icon_colour = "#204080";
    std::string version = "1";
    bool broken_manifest = false;

    template <typename F>
    auto read(F f) {
        std::lock_guard<std::mutex> hold(lock);
        return f();
    }
};

std::map<std::string, HttpTestServer::Handler> updating_routes(std::shared_ptr<UpdatingOrigin> state) {
    return {
        {"/paper/",
         [state](SoupServerMessage* m) {
             const std::string text = state->read([&] { return state->page_text; });
             respond(m, "text/html",
                     "<!doctype html><title>Paper</title><link rel=manifest href=app.webmanifest>"
                     "<body>" +
                         text + "</body>");
         }},
        {"/paper/app.webmanifest",
         [state](SoupServerMessage* m) {
             const std::string body = state->read([&] {
                 if (state->broken_manifest) return std::string(R"({"name": "Paper", "start_url": )");
                 return R"J({"name": ")J" + state->name + R"J(", "start_url": "/paper/", "display": "standalone",)J" +
                        R"J( "description": "version )J" + state->version +
                        R"J(", "icons": [{"src": "icon.svg", "sizes": "any", "type": "image/svg+xml"}]})J";
             });
             respond(m, "application/manifest+json", body);
         }},
        {"/paper/icon.svg",
         [state](SoupServerMessage* m) {
             respond(m, "image/svg+xml", svg_icon(state->read([&] { return state->icon_colour; })));
         }},
    };
}

std::string update_cli(const TempDir& dir, const std::vector<std::string>& args) {
    std::string command = "CIRRUS_OFFLINE_STORE='" + (dir.path() / "offline.sqlite").string() + "' '" +
                          std::string(CIRRUS_CLI) + "' --registry '" + (dir.path() / "registry.db").string() + "'";
    for (const auto& a : args) command += " '" + a + "'";
    return command;
}

std::vector<json> lines_of(const std::string& out) {
    std::vector<json> lines;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
    return lines;
}

json info(const TempDir& dir, const std::string& id) {
    const Run run = run_shell(update_cli(dir, {"info", id, "--json"}), dir.path() / "err.txt");
    REQUIRE_MESSAGE(run.status == 0, run.err);
    return json::parse(run.out);
}

// The registry's row: the install stored the whole offline copy (`cirrus
// info` adds what the app's first run learns, which no run here makes).
bool row_offline_ready(const TempDir& dir, const std::string& id) {
    const auto app = cirrus::launcher::Registry::open(dir.path() / "registry.db").get(id);
    return app && app->offline_ready;
}

// The start page as the web-app host finds it in the offline store.
std::string offline_page(const TempDir& dir, const std::string& id, const std::string& url) {
    auto store = cirrus::offline::OfflineStore::open(dir.path() / "offline.sqlite");
    const auto page = store.get(id, {"GET", url, {{"Accept", std::string(cirrus::offline::kDocumentAccept)}}});
    return page ? std::string(page->body.begin(), page->body.end()) : "";
}

json check_one(const TempDir& dir, int expected_status = 0) {
    const Run run = run_shell(update_cli(dir, {"update", "--json"}), dir.path() / "err.txt");
    CHECK_MESSAGE(run.status == expected_status, run.out << run.err);
    const auto lines = lines_of(run.out);
    REQUIRE(lines.size() == 1);
    return lines[0]["update"];
}

struct Installed {
    std::shared_ptr<UpdatingOrigin> state = std::make_shared<UpdatingOrigin>();
    std::unique_ptr<HttpTestServer> origin = std::make_unique<HttpTestServer>(updating_routes(state));
    TempDir dir;
    std::string url = origin->url("/paper/");
    std::string id;

    Installed() {
        const Run run = run_shell(update_cli(dir, {"install", url}), dir.path() / "err.txt");
        REQUIRE_MESSAGE(run.status == 0, run.err);
        const Run list = run_shell(update_cli(dir, {"list", "--json"}), dir.path() / "err.txt");
        id = json::parse(list.out)[0]["id"];
        REQUIRE(row_offline_ready(dir, id));
        REQUIRE(offline_page(dir, id, url).find("edition one") != std::string::npos);
    }
};

}  // namespace

TEST_CASE("cirrus update: a content-only change is installed without asking and served offline") {
    Installed app;
    app.state->read([&] {
        app.state->page_text = "edition two";
        app.state->version = "2";
        return 0;
    });
    const json result = check_one(app.dir);
    CHECK(result["id"] == app.id);
    CHECK(result["result"] == "updated");
    CHECK(result["offline_ready"] == true);
    CHECK(offline_page(app.dir, app.id, app.url).find("edition two") != std::string::npos);
    const json now = info(app.dir, app.id);
    CHECK(now["name"] == "Daily Paper");
    CHECK(now["manifest"]["description"] == "version 2");

    // Nothing new: checked again, still the same app, still offline-ready.
    CHECK(check_one(app.dir)["result"] == "updated");
    CHECK(row_offline_ready(app.dir, app.id));
}

TEST_CASE("cirrus update: a new name waits for the user; declined stays old and is not asked again") {
    Installed app;
    app.state->read([&] {
        app.state->name = "Evening Paper";
        app.state->page_text = "edition two";
        return 0;
    });
    json result = check_one(app.dir);
    CHECK(result["result"] == "needs_confirmation");
    CHECK(result["new_name"] == "Evening Paper");
    CHECK(result["name_changed"] == true);
    CHECK(result["icon_changed"] == false);
    // Nothing changed: the name, the manifest and the offline copy.
    CHECK(info(app.dir, app.id)["name"] == "Daily Paper");
    CHECK(offline_page(app.dir, app.id, app.url).find("edition one") != std::string::npos);

    // The user declines through the confirmation the compositor runs.
    const auto icon = app.dir.path() / "sheet-icon.png";
    Run run = run_shell("echo decline | " + update_cli(app.dir, {"update", app.id, "--progress=json", "--confirm",
                                                                 "--icon-out", icon.string()}),
                        app.dir.path() / "err.txt");
    REQUIRE_MESSAGE(run.status == 0, run.err);
    auto lines = lines_of(run.out);
    REQUIRE(lines.size() >= 2);
    CHECK(lines.front()["update_plan"]["name"] == "Evening Paper");
    CHECK(lines.front()["update_plan"]["old_name"] == "Daily Paper");
    CHECK(lines.back().contains("declined"));
    CHECK(std::filesystem::file_size(icon) > 0);
    CHECK(info(app.dir, app.id)["name"] == "Daily Paper");
    // Not asked again for the same manifest.
    CHECK(check_one(app.dir)["result"] == "declined");
    CHECK(info(app.dir, app.id)["name"] == "Daily Paper");

    // Another change (a new icon too) is asked about; confirmed, it is taken.
    app.state->read([&] {
        app.state->icon_colour = "#c02020";
        return 0;
    });
    result = check_one(app.dir);
    CHECK(result["result"] == "needs_confirmation");
    CHECK(result["icon_changed"] == true);
    run = run_shell("echo install | " + update_cli(app.dir, {"update", app.id, "--progress=json", "--confirm"}),
                    app.dir.path() / "err.txt");
    REQUIRE_MESSAGE(run.status == 0, run.err);
    lines = lines_of(run.out);
    CHECK(lines.back()["installed"]["name"] == "Evening Paper");
    CHECK(lines.back()["installed"]["offline_ready"] == true);
    CHECK(info(app.dir, app.id)["name"] == "Evening Paper");
    CHECK(offline_page(app.dir, app.id, app.url).find("edition two") != std::string::npos);
    CHECK(check_one(app.dir)["result"] == "updated");
}

TEST_CASE("cirrus update: a cancelled confirmation changes nothing and asks again") {
    Installed app;
    app.state->read([&] {
        app.state->name = "Evening Paper";
        return 0;
    });
    const Run run = run_shell("true | " + update_cli(app.dir, {"update", app.id, "--progress=json", "--confirm"}),
                              app.dir.path() / "err.txt");
    CHECK(lines_of(run.out).back() == json{{"cancelled", true}});
    CHECK(info(app.dir, app.id)["name"] == "Daily Paper");
    CHECK(check_one(app.dir)["result"] == "needs_confirmation");
}

TEST_CASE("cirrus update: a broken manifest or an origin that is down changes nothing; the app stays offline-ready") {
    Installed app;
    app.state->read([&] {
        app.state->broken_manifest = true;
        app.state->page_text = "edition two";
        return 0;
    });
    json result = check_one(app.dir, 1);
    CHECK(result["result"] == "failed");
    CHECK(result["message"].get<std::string>().find("nothing changed") != std::string::npos);
    CHECK(info(app.dir, app.id)["name"] == "Daily Paper");
    CHECK(row_offline_ready(app.dir, app.id));
    CHECK(offline_page(app.dir, app.id, app.url).find("edition one") != std::string::npos);

    app.origin.reset();  // down
    result = check_one(app.dir, 1);
    CHECK(result["result"] == "failed");
    CHECK(info(app.dir, app.id)["name"] == "Daily Paper");
    CHECK(row_offline_ready(app.dir, app.id));
    CHECK(offline_page(app.dir, app.id, app.url).find("edition one") != std::string::npos);

    // The confirmation path says the error as JSON and changes nothing either.
    const Run run =
        run_shell("echo install | " + update_cli(app.dir, {"update", app.id, "--progress=json", "--confirm"}),
                  app.dir.path() / "err.txt");
    CHECK(run.status == 1);
    CHECK(lines_of(run.out).back().contains("error"));
    CHECK(info(app.dir, app.id)["name"] == "Daily Paper");
}

TEST_CASE("update policy: name, short name and icon pixels are the identity; the rest is content") {
    using namespace cirrus::launcher;
    AppRecord installed;
    installed.id = "paper";
    installed.name = "Paper";
    const std::vector<IconImage> icons{{96, IconPurpose::any, {1, 2, 3}}};
    const InstalledIcon same = [&](int size, IconPurpose purpose) -> std::optional<std::vector<std::uint8_t>> {
        if (size == 96 && purpose == IconPurpose::any) return std::vector<std::uint8_t>{1, 2, 3};
        return std::nullopt;
    };
    AppRecord fresh = installed;
    fresh.theme_color = "#ff0000";
    fresh.manifest_json = R"({"description":"new"})";
    UpdateDecision d = classify_update(installed, same, fresh, icons);
    CHECK(d.kind == UpdateKind::content);

    fresh.short_name = "P";
    d = classify_update(installed, same, fresh, icons);
    CHECK(d.kind == UpdateKind::identity);
    CHECK(d.name_changed);
    CHECK_FALSE(d.icon_changed);

    const std::vector<IconImage> redrawn{{96, IconPurpose::any, {9, 9, 9}}};
    const UpdateDecision icon_only = classify_update(installed, same, installed, redrawn);
    CHECK(icon_only.kind == UpdateKind::identity);
    CHECK(icon_only.icon_changed);
    CHECK_FALSE(icon_only.name_changed);
    // A new size or purpose the installed app lacks is a new icon too.
    const std::vector<IconImage> maskable{{96, IconPurpose::any, {1, 2, 3}}, {96, IconPurpose::maskable, {1, 2, 3}}};
    CHECK(classify_update(installed, same, installed, maskable).icon_changed);
    // The fingerprint names exactly what is asked about.
    CHECK(identity_fingerprint(fresh, icons) != identity_fingerprint(installed, icons));
    CHECK(identity_fingerprint(installed, icons) == identity_fingerprint(installed, icons));
    CHECK(identity_fingerprint(installed, icons) != identity_fingerprint(installed, redrawn));

    // Plans that must not be acted on.
    installed.source = "http://127.0.0.1:1/paper/";
    installed.source_kind = SourceKind::manifest_url;
    CHECK(update_refusal(installed, "paper", SourceKind::manifest_url, {}) == std::nullopt);
    CHECK(update_refusal(installed, "other", SourceKind::manifest_url, {}).has_value());
    CHECK(update_refusal(installed, "paper", SourceKind::site, {}).has_value());
    const std::vector<std::string> icon_lost{"icon: http://127.0.0.1:1/paper/icon.svg: connection refused"};
    CHECK(update_refusal(installed, "paper", SourceKind::manifest_url, icon_lost).has_value());
    CHECK(updatable(installed));
    installed.source_kind = SourceKind::folder;
    CHECK_FALSE(updatable(installed));
}

TEST_CASE("update declines are kept per app, survive a reopen, and a damaged file reads as none") {
    using cirrus::launcher::UpdateDeclines;
    TempDir dir;
    const auto path = dir.path() / "update-declines.json";
    {
        UpdateDeclines declines(path);
        CHECK_FALSE(declines.declined("paper", "abc"));
        declines.decline("paper", "abc");
        declines.decline("news", "def");
    }
    UpdateDeclines reopened(path);
    CHECK(reopened.declined("paper", "abc"));
    CHECK_FALSE(reopened.declined("paper", "abd"));
    reopened.forget("paper");
    CHECK_FALSE(UpdateDeclines(path).declined("paper", "abc"));
    CHECK(UpdateDeclines(path).declined("news", "def"));
    write_file(path, "{not json");
    CHECK_FALSE(UpdateDeclines(path).declined("news", "def"));
}
