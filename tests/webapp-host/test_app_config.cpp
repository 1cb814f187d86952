// The host's command line, reading its app from the registry, its data
// folders; and the real binary's exit codes for an unknown app or a broken
// registry row.
#include <doctest/doctest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/wait.h>

#include "app_config.hpp"
#include "test_support.hpp"

using namespace cirrus::webapp;
using cirrus::launcher::Registry;
using webapp_test::TempDir;

namespace {

struct Run {
    int exit_code = -1;
    std::string output;  // stdout and stderr
};

// Runs the built host with `env_prefix` (shell assignments) and `args`.
Run run_host(const std::string& env_prefix, const std::string& args) {
    const char* host = std::getenv("CIRRUS_WEBAPP_HOST");
    REQUIRE_MESSAGE(host, "CIRRUS_WEBAPP_HOST is not set (meson sets it)");
    const std::string command = "env -i PATH=/usr/bin:/bin " + env_prefix + " '" + host + "' " + args + " 2>&1";
    Run run;
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe);
    std::array<char, 512> buffer;
    while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) run.output.append(buffer.data(), n);
    const int status = pclose(pipe);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

}  // namespace

TEST_CASE("the command line") {
    unsetenv("CIRRUS_WEBAPP_INSPECTOR");
    unsetenv("CIRRUS_WEBAPP_NO_JIT");
    auto p = parse_options({"--app", "notes"});
    CHECK_FALSE(p.error);
    CHECK(p.options.app_id == "notes");
    CHECK_FALSE(p.options.inspector);
    CHECK_FALSE(p.options.no_jit);
    p = parse_options({"--app=notes", "--inspector", "--no-jit"});
    CHECK(p.options.app_id == "notes");
    CHECK(p.options.inspector);
    CHECK(p.options.no_jit);
    CHECK(parse_options({}).error);
    CHECK(parse_options({"--app"}).error);
    CHECK(parse_options({"--app", "notes", "--bogus"}).error->find("--bogus") != std::string::npos);
    CHECK(parse_options({"--help"}).options.help);
    CHECK_FALSE(parse_options({"--help"}).error);

    setenv("CIRRUS_WEBAPP_INSPECTOR", "1", 1);
    CHECK(parse_options({"--app", "notes"}).options.inspector);
    unsetenv("CIRRUS_WEBAPP_INSPECTOR");
}

TEST_CASE("the app comes from the registry, with its display mode") {
    TempDir tmp;
    const auto db = tmp.path() / "registry.db";
    {
        Registry registry = Registry::open(db);
        registry.install(webapp_test::packaged_app("notes", tmp.path() / "pkg",
                                                   R"({"display":"minimal-ui","theme_color":"#336699"})"),
                         {});
        registry.install(webapp_test::packaged_app("full", tmp.path() / "pkg", R"({"display":"fullscreen"})"), {});
    }
    LoadResult r = load_app(db, "notes");
    REQUIRE(r.app);
    CHECK(r.app->record.start_url == "app://notes/index.html");
    CHECK(r.app->display == DisplayMode::minimal_ui);
    CHECK(r.app->record.theme_color == "#336699");
    CHECK(load_app(db, "full").app->display == DisplayMode::fullscreen);

    r = load_app(db, "nope");
    CHECK_FALSE(r.app);
    CHECK(r.exit_code == kExitUnknownApp);
    CHECK(r.message.find("'nope'") != std::string::npos);
    CHECK(r.message.find(db.string()) != std::string::npos);

    // A missing registry is not created by looking into it.
    r = load_app(tmp.path() / "none.db", "notes");
    CHECK(r.exit_code == kExitUnknownApp);
    CHECK_FALSE(std::filesystem::exists(tmp.path() / "none.db"));
}

TEST_CASE("a registry row with an unreadable manifest is refused") {
    TempDir tmp;
    const auto db = tmp.path() / "registry.db";
    {
        Registry registry = Registry::open(db);
        auto app = webapp_test::packaged_app("broken", tmp.path() / "pkg");
        app.manifest_json = "{not json";
        registry.install(app, {});
        app.id = "empty";
        app.manifest_json = R"({"name":"no start url"})";
        registry.install(app, {});
    }
    for (const char* id : {"broken", "empty"}) {
        const LoadResult r = load_app(db, id);
        CHECK_FALSE(r.app);
        CHECK(r.exit_code == kExitBadManifest);
        CHECK(r.message.find(id) != std::string::npos);
        CHECK(r.message.find("manifest") != std::string::npos);
    }
}

TEST_CASE("each app's data and cache live in their own folders") {
    setenv("XDG_DATA_HOME", "/d", 1);
    setenv("XDG_CACHE_HOME", "/c", 1);
    auto dirs = app_data_dirs("notes");
    CHECK(dirs.data == "/d/cirrus/app-data/notes");
    CHECK(dirs.cache == "/c/cirrus/app-data/notes");
    CHECK(app_data_dirs("other").data != dirs.data);
    setenv("XDG_DATA_HOME", "relative", 1);  // invalid per the XDG spec: ignored
    unsetenv("XDG_CACHE_HOME");
    setenv("HOME", "/home/u", 1);
    dirs = app_data_dirs("notes");
    CHECK(dirs.data == "/home/u/.local/share/cirrus/app-data/notes");
    CHECK(dirs.cache == "/home/u/.cache/cirrus/app-data/notes");
    unsetenv("XDG_DATA_HOME");
}

TEST_CASE("theme colours") {
    CHECK(parse_hex_colour("#336699") == 0x336699u);
    CHECK(parse_hex_colour("#336699ff") == 0x336699u);
    CHECK_FALSE(parse_hex_colour("336699"));
    CHECK_FALSE(parse_hex_colour("#3369"));
    CHECK_FALSE(parse_hex_colour("#33669g"));
    CHECK(contrasting_text_colour(0xffffff) == 0x000000u);
    CHECK(contrasting_text_colour(0x003366) == 0xffffffu);
}

TEST_CASE("the host binary exits 3 for an unknown app and 4 for a broken row, naming both") {
    TempDir tmp;
    const auto db = tmp.path() / "registry.db";
    {
        Registry registry = Registry::open(db);
        auto app = webapp_test::packaged_app("broken", tmp.path() / "pkg");
        app.manifest_json = "[]";
        registry.install(app, {});
    }
    const std::string env = "CIRRUS_REGISTRY='" + db.string() + "'";
    Run r = run_host(env, "--app ghost");
    CHECK(r.exit_code == kExitUnknownApp);
    CHECK(r.output.find("ghost") != std::string::npos);
    CHECK(r.output.find(db.string()) != std::string::npos);

    r = run_host(env, "--app broken");
    CHECK(r.exit_code == kExitBadManifest);
    CHECK(r.output.find("broken") != std::string::npos);
    CHECK(r.output.find(db.string()) != std::string::npos);

    r = run_host(env, "");
    CHECK(r.exit_code == kExitUsage);
    CHECK(r.output.find("--app") != std::string::npos);
    CHECK(run_host(env, "--help").exit_code == 0);

    // Without CIRRUS_REGISTRY: the default under XDG_DATA_HOME.
    r = run_host("XDG_DATA_HOME='" + tmp.path().string() + "/xdg'", "--app ghost");
    CHECK(r.exit_code == kExitUnknownApp);
    CHECK(r.output.find(tmp.path().string() + "/xdg/cirrus/registry.db") != std::string::npos);
}

TEST_CASE("CIRRUS_WEBAPP_PROXY: an http://HOST:PORT proxy, or refused") {
    using cirrus::webapp::proxy_uri;
    CHECK(proxy_uri("http://127.0.0.1:41234") == "http://127.0.0.1:41234");
    CHECK(proxy_uri("http://localhost:8080/") == "http://localhost:8080");
    CHECK(proxy_uri("http://[::1]:8080") == "http://[::1]:8080");
    CHECK_FALSE(proxy_uri("socks5://127.0.0.1:1080"));
    CHECK_FALSE(proxy_uri("http://127.0.0.1"));        // no port
    CHECK_FALSE(proxy_uri("http://127.0.0.1:0"));      // no port either
    CHECK_FALSE(proxy_uri("http://127.0.0.1:99999"));  // not a port
    CHECK_FALSE(proxy_uri("http://user@host:80"));     // credentials stay out
    CHECK_FALSE(proxy_uri("http://host:80/path"));     // a proxy has no path
    CHECK_FALSE(proxy_uri("http://:80"));
}
