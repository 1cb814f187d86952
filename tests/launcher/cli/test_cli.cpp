// The `cirrus` command end to end: the real binary on a real registry file.

#include <doctest/doctest.h>

#include <array>
#include <cstdio>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "fixtures.hpp"
#include "common/offline_store.hpp"

using namespace cirrus::test;

namespace {

// Runs `cirrus` with the test's registry; stdout and stderr kept apart.
Run run_cli(const TempDir& dir, const std::vector<std::string>& args, const std::string& extra_env = "") {
    const auto err_path = dir.path() / "stderr.txt";
    // The offline store too is the test's own (else $XDG_DATA_HOME's).
    std::string command = "CIRRUS_OFFLINE_STORE='" + (dir.path() / "offline.sqlite").string() + "' " + extra_env +
                          " '" + std::string(CIRRUS_CLI) + "' --registry '" + (dir.path() / "registry.db").string() +
                          "'";
    for (const auto& a : args) command += " '" + a + "'";
    return run_shell(command, err_path);
}

}  // namespace

TEST_CASE("install, list, info and remove on a real registry file") {
    TempDir dir;
    const auto package = make_package(dir.path() / "src" / "notes", "Notes");

    Run run = run_cli(dir, {"install", package.string()});
    REQUIRE_MESSAGE(run.status == 0, run.err);
    CHECK(run.out == "installed notes (Notes)\n");
    CHECK(run.err.find("rasterising icons") != std::string::npos);  // progress on the terminal

    run = run_cli(dir, {"list", "--json"});
    REQUIRE(run.status == 0);
    const auto list = nlohmann::json::parse(run.out);
    REQUIRE(list.size() == 1);
    CHECK(list[0]["id"] == "notes");
    CHECK(list[0]["start_url"] == "app://notes/index.html");
    CHECK(list[0]["home_position"] == 0);

    run = run_cli(dir, {"info", "notes"});
    CHECK(run.status == 0);
    CHECK(run.out.find("offline:          packaged (always available)\n") != std::string::npos);
    CHECK(run.out.find("id:               notes\n") != std::string::npos);
    run = run_cli(dir, {"info", "notes", "--json"});
    CHECK(nlohmann::json::parse(run.out)["manifest"]["name"] == "Notes");

    run = run_cli(dir, {"install", package.string()});
    CHECK(run.out == "updated notes (Notes)\n");

    run = run_cli(dir, {"remove", "notes"});
    CHECK(run.status == 0);
    CHECK(run.out == "removed notes\n");
    CHECK(nlohmann::json::parse(run_cli(dir, {"list", "--json"}).out).empty());
    CHECK(std::filesystem::is_empty(dir.path() / "apps"));
}

TEST_CASE("errors name what is wrong and exit non-zero") {
    TempDir dir;
    Run run = run_cli(dir, {"info", "nope"});
    CHECK(run.status == 1);
    CHECK(run.err.find("no app 'nope' is installed") != std::string::npos);
    run = run_cli(dir, {"remove", "nope"});
    CHECK(run.status == 1);
    run = run_cli(dir, {"frobnicate"});
    CHECK(run.status == 2);
    CHECK(run.err.find("unknown command 'frobnicate'") != std::string::npos);
    run = run_cli(dir, {"install"});
    CHECK(run.status == 2);
    run = run_cli(dir, {"install", (dir.path() / "missing").string()});
    CHECK(run.status == 1);
    CHECK(run.err.find("missing") != std::string::npos);

    make_package(dir.path() / "src" / "notes", "Notes");
    run_cli(dir, {"install", (dir.path() / "src" / "notes").string()});
    run = run_cli(dir, {"launch", "notes"}, "CIRRUS_CONTROL=" + (dir.path() / "no-compositor.sock").string());
    CHECK(run.status == 1);
    CHECK(run.err.find("cannot reach the compositor") != std::string::npos);
    // Without XDG_RUNTIME_DIR there is no socket to guess (not /tmp): the
    // error names what to set.
    run = run_cli(dir, {"launch", "notes"}, "CIRRUS_CONTROL= XDG_RUNTIME_DIR=");
    CHECK(run.status == 1);
    CHECK(run.err.find("XDG_RUNTIME_DIR is not set") != std::string::npos);
    CHECK(run.err.find("CIRRUS_CONTROL") != std::string::npos);
}

TEST_CASE("a damaged registry is set aside, said, and a new one works") {
    TempDir dir;
    write_file(dir.path() / "registry.db", std::string(8192, 'x'));
    Run run = run_cli(dir, {"list"});
    CHECK(run.status == 0);
    CHECK(run.err.find("damaged") != std::string::npos);
    bool kept = false;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
        kept = kept || entry.path().filename().string().starts_with("registry.db.corrupt-");
    }
    CHECK(kept);
}

TEST_CASE("a hosted app installs from a loopback origin by URL") {
    TempDir dir;
    HttpTestServer origin(hosted_routes());
    Run run = run_cli(dir, {"install", origin.url("/app/")});
    REQUIRE_MESSAGE(run.status == 0, run.err);
    CHECK(run.out.find("installed 127.0.0.1") == 0);
    CHECK(run.err.find("warning: icon") != std::string::npos);
}

TEST_CASE("install of a manifest URL without start_url fails, asking for the page's URL") {
    TempDir dir;
    HttpTestServer origin({{"/bare.webmanifest", [](SoupServerMessage* m) {
                                respond(m, "application/manifest+json", R"({"name": "B"})");
                            }}});
    Run run = run_cli(dir, {"install", origin.url("/bare.webmanifest")});
    CHECK(run.status != 0);
    CHECK(run.err.find(origin.url("/bare.webmanifest") + ": start_url: start_url is missing") != std::string::npos);
    CHECK(run.err.find("install the URL of the app's page") != std::string::npos);
    CHECK(nlohmann::json::parse(run_cli(dir, {"list", "--json"}).out).empty());
}

TEST_CASE("install precaches a hosted app, shows its progress, and info and remove follow the offline store") {
    TempDir dir;
    HttpTestServer origin(offline_app_routes());
    Run run = run_cli(dir, {"install", origin.url("/news/")});
    REQUIRE_MESSAGE(run.status == 0, run.err);
    CHECK(run.out.find("installed 127.0.0.1") == 0);
    // What install found is stored; what the page's scripts load is not known.
    CHECK_MESSAGE(run.out.ends_with("precached (8/8 stored); offline-ready after its first online run, which learns "
                                    "what its scripts load\n"),
                  run.out);
    // In a pipe: a line per file.
    for (int i = 1; i <= 8; ++i)
        CHECK_MESSAGE(run.err.find("cirrus: precaching " + std::to_string(i) + "/") != std::string::npos, run.err);
    CHECK(run.err.find("precaching 8/8 /news/") != std::string::npos);
    const std::string id = run.out.substr(10, run.out.find(' ', 10) - 10);

    run = run_cli(dir, {"info", id});
    CHECK(run.status == 0);
    CHECK_MESSAGE(
        run.out.find("offline:          not ready (8/8 stored; not run online yet, so what its scripts load is not "
                     "known)\n") != std::string::npos,
        run.out);
    auto info = nlohmann::json::parse(run_cli(dir, {"info", id, "--json"}).out);
    CHECK(info["offline_ready"] == false);
    CHECK(info["offline"]["state"] == "not-ready");
    CHECK(info["offline"]["total"] == 8);
    CHECK(info["offline"]["online_runs"] == 0);

    // What a host records on an online run (webapp-host/offline_cache.cpp):
    // the run, and seven images its script added, two of them stored.
    std::vector<std::string> images;
    {
        auto store = cirrus::offline::OfflineStore::open(dir.path() / "offline.sqlite");
        store.note_online_run(id, 1000);
        for (int i = 0; i < 7; ++i) {
            images.push_back(origin.url("/news/img/" + std::to_string(i) + ".png"));
            store.note_needed(id, images.back(), 1000 + i);
        }
        for (int i : {0, 3})
            store.put(id, {"GET", images[i], {}}, {200, {{"Content-Type", "image/png"}}, {1, 2, 3}}, 1000);
    }
    run = run_cli(dir, {"info", id});
    CHECK_MESSAGE(run.out.find("offline:          not ready (10/15 stored; missing: " + images[1] + ", " + images[2] +
                               ", " + images[4] + ", " + images[5] + ", " + images[6] + ")\n") != std::string::npos,
                  run.out);
    {  // A sixth missing one: five are named, the rest counted.
        auto store = cirrus::offline::OfflineStore::open(dir.path() / "offline.sqlite");
        store.note_needed(id, origin.url("/news/late.png"), 2000);
    }
    run = run_cli(dir, {"info", id});
    CHECK_MESSAGE(
        run.out.find("offline:          not ready (10/16 stored; missing: " + images[1] + ", " + images[2] + ", " +
                     images[4] + ", " + images[5] + ", " + images[6] + " and 1 more)\n") != std::string::npos,
        run.out);
    info = nlohmann::json::parse(run_cli(dir, {"info", id, "--json"}).out);
    CHECK(info["offline"]["missing"].size() == 5);
    CHECK(info["offline"]["missing_count"] == 6);
    {  // All stored: ready.
        auto store = cirrus::offline::OfflineStore::open(dir.path() / "offline.sqlite");
        for (const std::string& url :
             {images[1], images[2], images[4], images[5], images[6], origin.url("/news/late.png")})
            store.put(id, {"GET", url, {}}, {200, {{"Content-Type", "image/png"}}, {1, 2, 3}}, 1000);
    }
    run = run_cli(dir, {"info", id});
    CHECK_MESSAGE(run.out.find("offline:          ready (16/16 stored)\n") != std::string::npos, run.out);
    info = nlohmann::json::parse(run_cli(dir, {"info", id, "--json"}).out);
    CHECK(info["offline_ready"] == true);
    CHECK(info["offline"]["state"] == "ready");
    CHECK(info["offline"]["online_runs"] == 1);
    // A second install (an update) keeps what runs learned: offline-ready at once.
    run = run_cli(dir, {"install", origin.url("/news/")});
    CHECK_MESSAGE(run.out.ends_with("offline-ready (8/8 stored)\n"), run.out);

    // With its store gone, info says nothing is stored, and how to fix it.
    run = run_cli(dir, {"info", id}, "CIRRUS_OFFLINE_STORE='" + (dir.path() / "elsewhere.sqlite").string() + "'");
    CHECK(run.out.find("offline:          not ready (nothing of it is stored in ") != std::string::npos);
    CHECK(run.out.find("cirrus install " + origin.url("/news/")) != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir.path() / "elsewhere.sqlite"));  // not made just to be read

    run = run_cli(dir, {"remove", id});
    CHECK(run.status == 0);
    auto store = cirrus::offline::OfflineStore::open(dir.path() / "offline.sqlite");
    CHECK(store.precache_progress(id).total == 0);
    CHECK_FALSE(store.get(id, {"GET", origin.url("/news/"), {}}).has_value());
}

TEST_CASE("a stylesheet that fails at install leaves the app not offline-ready, and install and info name it") {
    TempDir dir;
    HttpTestServer origin(offline_app_routes(500));
    Run run = run_cli(dir, {"install", origin.url("/news/")});
    REQUIRE_MESSAGE(run.status == 0, run.err);
    const std::string css = origin.url("/news/style.css");
    CHECK_MESSAGE(
        run.out.find("not offline-ready (6/7 stored); missing:\n  " + css + ": HTTP 500") != std::string::npos,
        run.out);
    const std::string id = run.out.substr(10, run.out.find(' ', 10) - 10);
    run = run_cli(dir, {"info", id});
    CHECK_MESSAGE(run.out.find("offline:          not ready (6/7 stored; missing: " + css +
                               "; not run online yet, so what its scripts load is not known)\n") != std::string::npos,
                  run.out);
    run = run_cli(dir, {"info", id, "--json"});
    const auto info = nlohmann::json::parse(run.out);
    CHECK(info["offline_ready"] == false);
    CHECK(info["offline"]["missing"] == nlohmann::json::array({css}));
}

TEST_CASE("a name with escape sequences and newlines is printed escaped: no colour, no forged line") {
    // The attack: a manifest name that recolours the terminal, clears it,
    // reverses the line's direction and forges a second app in `cirrus list`.
    TempDir dir;
    const std::string hostile =
        R"(Evil\u001b[31m\u001b[2J\u202e\nforged                   Forged App                   app://forged/)";
    const auto package = make_package(dir.path() / "src" / "evil", hostile);
    Run run = run_cli(dir, {"install", package.string()});
    REQUIRE_MESSAGE(run.status == 0, run.err);
    CHECK(run.out.find('\x1b') == std::string::npos);
    CHECK(run.out.find("Evil\\x1b[31m\\x1b[2J\\u202e\\nforged") != std::string::npos);

    run = run_cli(dir, {"list"});
    REQUIRE(run.status == 0);
    CHECK(run.out.find('\x1b') == std::string::npos);
    CHECK(run.out.find("\xe2\x80\xae") == std::string::npos);
    CHECK(std::count(run.out.begin(), run.out.end(), '\n') == 1);  // one app, one line
    CHECK(run.out.starts_with("evil "));

    run = run_cli(dir, {"info", "evil"});
    CHECK(run.out.find('\x1b') == std::string::npos);
    CHECK(run.out.find("name:             Evil\\x1b[31m") != std::string::npos);
    // What the JSON form gives is JSON's own escaping, exact.
    CHECK(nlohmann::json::parse(run_cli(dir, {"info", "evil", "--json"}).out)["name"] ==
          "Evil\x1b[31m\x1b[2J\xe2\x80\xae\nforged                   Forged App                   app://forged/");
}
