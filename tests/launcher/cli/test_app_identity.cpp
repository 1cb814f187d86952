// App identity follows the manifest's `id`, not the name of a folder, a zip
// or a host: on real registry files, with the real `cirrus` binary where the
// attack goes through it, and loopback origins for hosted apps.
//
// The attack: an app's local id names its app:// origin and its website data
// folders. When the id came from the package's name alone, a zip named
// browser.zip holding another app replaced the bundled browser, inherited its
// origin, localStorage and IndexedDB, and was handed the next out-of-scope
// link (the browser role goes by id); two hosted apps on two ports of one
// host were one app, the second replacing the first.

#include <doctest/doctest.h>

#include <array>
#include <cstdio>
#include <sys/wait.h>
#include <zip.h>

#include <nlohmann/json.hpp>

#include "app_identity.hpp"
#include "common/app_id.hpp"
#include "common/url_routing.hpp"
#include "fixtures.hpp"
#include "install.hpp"

// Named (not anonymous), tests and all: the test files are built as one
// unity source, beside others' Run and Setup.
namespace app_identity_tests {

using namespace cirrus::launcher;
using namespace cirrus::test;
using cirrus::kMaxAppIdLength;
using cirrus::valid_app_id;

// A phone's data folders in a temporary folder, where the real programs put
// them ($XDG_DATA_HOME/cirrus/...), and `cirrus` run on them.
struct Phone {
    TempDir dir;
    std::filesystem::path data = dir.path() / "data";
    std::filesystem::path registry = data / "cirrus" / "registry.db";

    Run cirrus(const std::vector<std::string>& args) const {
        const auto err_path = dir.path() / "stderr.txt";
        std::string command =
            "XDG_DATA_HOME='" + data.string() + "' XDG_CACHE_HOME='" + (dir.path() / "cache").string() +
            "' CIRRUS_BUNDLED_DIR='" + std::string(CIRRUS_SOURCE_MANIFESTS) +
            "' CIRRUS_REGISTRY= CIRRUS_APPS_DIR= CIRRUS_OFFLINE_STORE= '" + std::string(CIRRUS_CLI) + "'";
        for (const auto& a : args) command += " '" + a + "'";
        return run_shell(command, err_path);
    }

    std::filesystem::path website_data(const std::string& id) const { return data / "cirrus" / "app-data" / id; }
};

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

// What `cirrus install` says first (a hosted install goes on with its offline copy).
std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

void zip_package(const std::filesystem::path& folder, const std::filesystem::path& zip_path) {
    std::filesystem::create_directories(zip_path.parent_path());
    int error = 0;
    zip_t* archive = zip_open(zip_path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    REQUIRE(archive != nullptr);
    for (const auto& entry : std::filesystem::recursive_directory_iterator(folder)) {
        if (!entry.is_regular_file()) continue;
        const std::string name = std::filesystem::relative(entry.path(), folder).string();
        zip_source_t* source = zip_source_file(archive, entry.path().c_str(), 0, -1);
        REQUIRE(zip_file_add(archive, name.c_str(), source, ZIP_FL_ENC_UTF_8) >= 0);
    }
    REQUIRE(zip_close(archive) == 0);
}

struct Setup {
    TempDir dir;
    Registry registry = Registry::open(dir.path() / "registry.db");
    Installer installer{registry, dir.path() / "apps"};
};

bool mentions(const std::vector<std::string>& warnings, const std::string& text) {
    for (const auto& w : warnings)
        if (w.find(text) != std::string::npos) return true;
    return false;
}

TEST_CASE(
    "a zip named browser.zip holding another app installs beside the bundled browser, which keeps its row, "
    "its data and the links") {
    // The other app says it is another app (its own id), claims the
    // browser's own id, or says nothing: none of them may become "browser".
    std::string extra;
    SUBCASE("with its own manifest id") { extra = R"(, "id": "/evil/")"; }
    SUBCASE("claiming the bundled browser's manifest id") { extra = R"(, "id": "/browser/")"; }
    SUBCASE("without a manifest id") { extra = ""; }
    CAPTURE(extra);

    Phone phone;
    Run run = phone.cirrus({"install-bundled"});
    REQUIRE_MESSAGE(run.status == 0, run.err);
    const auto browser_data = phone.website_data("browser") / "localstorage" / "app_browser_0.localstorage";
    write_file(browser_data, "the browser's history");
    const AppRecord browser_before = *Registry::open(phone.registry).get("browser");

    const auto evil = make_package(phone.dir.path() / "evil" / "browser", "Browser", extra);
    write_file(evil / "index.html", "<!doctype html><title>Browser</title><script>steal()</script>");
    const auto zip = phone.dir.path() / "Downloads" / "browser.zip";
    zip_package(evil, zip);

    run = phone.cirrus({"install", zip.string()});
    REQUIRE_MESSAGE(run.status == 0, run.err);
    CHECK(run.out == "installed browser-2 (Browser)\n");
    CHECK(run.err.find("'browser' (Browser) is installed and is another app") != std::string::npos);
    CHECK(run.err.find("beside it as 'browser-2'") != std::string::npos);

    {
        Registry registry = Registry::open(phone.registry);
        // The browser's row is the bundled browser's, to the last field.
        const auto browser = registry.get("browser");
        REQUIRE(browser.has_value());
        CHECK(*browser == browser_before);
        CHECK(browser->source_kind == SourceKind::bundled);
        // The other app has its own origin, and no data it did not make.
        const auto other = registry.get("browser-2");
        REQUIRE(other.has_value());
        CHECK(other->start_url == "app://browser-2/index.html");
        CHECK(other->scope == "app://browser-2/");
        CHECK(other->source == zip.string());
        CHECK(read_text(std::filesystem::path(other->package_dir) / "index.html").find("steal") != std::string::npos);
        CHECK(read_text(browser_data) == "the browser's history");
        CHECK_FALSE(std::filesystem::exists(phone.website_data("browser-2")));
        // An out-of-scope web link still goes to the real browser.
        const std::vector<AppRecord> apps = registry.list();
        const UrlRoute route = route_url(apps, "https://example.org/news", "browser-2", "browser");
        CHECK(route.target == UrlRoute::Target::browser);
        CHECK(route.app == "browser");
    }

    // The same zip again is an update of the app it installed, not another.
    run = phone.cirrus({"install", zip.string()});
    REQUIRE_MESSAGE(run.status == 0, run.err);
    CHECK(run.out == "updated browser-2 (Browser)\n");
    // And the compositor's start leaves the bundled browser as it was.
    run = phone.cirrus({"install-bundled"});
    REQUIRE_MESSAGE(run.status == 0, run.err);
    CHECK(run.out.empty());
    Registry registry = Registry::open(phone.registry);
    CHECK(*registry.get("browser") == browser_before);
    // Every bundled app (each folder of manifests/ with a manifest), and browser-2.
    std::size_t bundled = 0;
    for (const auto& folder : std::filesystem::directory_iterator(CIRRUS_SOURCE_MANIFESTS))
        bundled += std::filesystem::exists(folder.path() / "manifest.webmanifest") ? 1 : 0;
    CHECK(bundled >= 5);
    CHECK(registry.list().size() == bundled + 1);
}

TEST_CASE("two hosted apps on two ports of 127.0.0.1 are two apps, and each reinstall updates its own") {
    // Attack: a second origin on the same host (another port) took the first
    // app's id, its registry row and its website data.
    HttpTestServer first(hosted_routes());
    HttpTestServer second(hosted_routes());
    Phone phone;
    Run run = phone.cirrus({"install", first.url("/app/")});
    REQUIRE_MESSAGE(run.status == 0, run.err);
    CHECK(first_line(run.out) == "installed 127.0.0.1-app (Hosted News)");
    write_file(phone.website_data("127.0.0.1-app") / "localstorage" / "first", "the first origin's data");

    const std::string second_id = "http-127.0.0.1-" + std::to_string(second.port()) + "-app";
    run = phone.cirrus({"install", second.url("/app/")});
    REQUIRE_MESSAGE(run.status == 0, run.err);
    CHECK(first_line(run.out) == "installed " + second_id + " (Hosted News)");
    CHECK(run.err.find("beside it as '" + second_id + "'") != std::string::npos);

    CHECK(first_line(phone.cirrus({"install", first.url("/app/")}).out) == "updated 127.0.0.1-app (Hosted News)");
    CHECK(first_line(phone.cirrus({"install", second.url("/app/")}).out) == "updated " + second_id + " (Hosted News)");

    Registry registry = Registry::open(phone.registry);
    CHECK(registry.list().size() == 2);
    CHECK(registry.get("127.0.0.1-app")->start_url == first.url("/app/?from=home"));
    CHECK(registry.get(second_id)->start_url == second.url("/app/?from=home"));
    CHECK(read_text(phone.website_data("127.0.0.1-app") / "localstorage" / "first") == "the first origin's data");
    CHECK_FALSE(std::filesystem::exists(phone.website_data(second_id)));
}

TEST_CASE("two packages of one folder name and different manifest ids are two apps; the same id is an update") {
    Setup s;
    const auto a = make_package(s.dir.path() / "a" / "todo", "Todo", R"(, "id": "/todo-a/")");
    const auto b = make_package(s.dir.path() / "b" / "todo", "Todo", R"(, "id": "/todo-b/")");
    const InstallResult first = s.installer.install(a.string());
    CHECK(first.app.id == "todo");
    const InstallResult second = s.installer.install(b.string());
    CHECK(second.app.id == "todo-2");
    CHECK_FALSE(second.updated);
    CHECK(second.app.start_url == "app://todo-2/index.html");
    CHECK(mentions(second.warnings,
                   "'todo' (Todo) is installed and is another app (its manifest id is '/todo-a/', "
                   "this one's '/todo-b/')"));
    CHECK(s.registry.get("todo")->package_dir == first.app.package_dir);  // untouched

    // Each again: an update of its own.
    const InstallResult again_b = s.installer.install(b.string());
    CHECK(again_b.app.id == "todo-2");
    CHECK(again_b.updated);
    const InstallResult again_a = s.installer.install(a.string());
    CHECK(again_a.app.id == "todo");
    CHECK(again_a.updated);
    // The same manifest id from another place is the same app.
    const auto moved = make_package(s.dir.path() / "c" / "todo", "Todo", R"(, "id": "/todo-a/")");
    CHECK(s.installer.install(moved.string()).app.id == "todo");
    CHECK(s.registry.list().size() == 2);
}

TEST_CASE("a package without a manifest id: the same name from the same place is an update, anything else beside") {
    Setup s;
    const auto package = make_package(s.dir.path() / "src" / "notes", "Notes");
    CHECK(s.installer.install(package.string()).app.id == "notes");
    // A new version of the folder: same name, same place.
    write_file(package / "index.html", "<!doctype html><title>v2</title>");
    const InstallResult update = s.installer.install(package.string());
    CHECK(update.app.id == "notes");
    CHECK(update.updated);
    // The same from a zip, rebuilt at the same path: an update too.
    zip_package(package, s.dir.path() / "zips" / "pad.zip");
    CHECK(s.installer.install((s.dir.path() / "zips" / "pad.zip").string()).app.id == "pad");
    write_file(package / "index.html", "<!doctype html><title>v3</title>");
    zip_package(package, s.dir.path() / "zips" / "pad.zip");
    const InstallResult zip_update = s.installer.install((s.dir.path() / "zips" / "pad.zip").string());
    CHECK(zip_update.app.id == "pad");
    CHECK(zip_update.updated);

    // Same folder name and app name, another place: another app.
    const auto copy = make_package(s.dir.path() / "elsewhere" / "notes", "Notes");
    const InstallResult beside = s.installer.install(copy.string());
    CHECK(beside.app.id == "notes-2");
    CHECK(mentions(beside.warnings, "it was installed from " + package.string()));
    // Same place, another name: another app.
    make_package(package, "Notes Pro");
    const InstallResult renamed = s.installer.install(package.string());
    CHECK(renamed.app.id == "notes-3");
    CHECK(mentions(renamed.warnings, "it is named 'Notes', this one 'Notes Pro'"));
    CHECK(s.registry.get("notes")->package_dir == update.app.package_dir);
}

TEST_CASE("an id given beside another app skips ids whose website data an earlier app left behind") {
    Setup s;
    setenv("XDG_DATA_HOME", (s.dir.path() / "data").c_str(), 1);
    setenv("XDG_CACHE_HOME", (s.dir.path() / "cache").c_str(), 1);
    write_file(app_data_dirs("todo-2").data / "localstorage" / "left", "someone else's");
    write_file(app_data_dirs("todo-3").cache / "http" / "left", "someone else's");
    std::filesystem::create_directories(s.dir.path() / "apps" / "todo-4-1764000000000");
    CHECK(s.installer.install(make_package(s.dir.path() / "a" / "todo", "Todo", R"(, "id": "/a/")").string()).app.id ==
          "todo");
    CHECK(s.installer.install(make_package(s.dir.path() / "b" / "todo", "Todo", R"(, "id": "/b/")").string()).app.id ==
          "todo-5");
    unsetenv("XDG_DATA_HOME");
    unsetenv("XDG_CACHE_HOME");
}

TEST_CASE("the bundled apps keep their ids and update in place; a package claiming a bundled app's id goes beside") {
    Setup s;
    const auto bundled = s.dir.path() / "bundled";
    std::filesystem::copy(CIRRUS_SOURCE_MANIFESTS, bundled, std::filesystem::copy_options::recursive);
    s.installer.install_bundled(bundled);
    for (const char* id : {"notes", "calculator", "weather", "browser", "apps"}) {
        CAPTURE(id);
        REQUIRE(s.registry.get(id).has_value());
        CHECK(s.registry.get(id)->source_kind == SourceKind::bundled);
    }
    // A new version of the system's notes: updated in place.
    write_file(bundled / "notes" / "index.html", read_text(bundled / "notes" / "index.html") + "<!-- v2 -->");
    const auto results = s.installer.install_bundled(bundled);
    REQUIRE(results.size() == 1);
    CHECK(results[0].app.id == "notes");
    CHECK(results[0].updated);

    const auto claim = make_package(s.dir.path() / "src" / "notes", "Notes", R"(, "id": "/notes/")");
    const InstallResult beside = s.installer.install(claim.string());
    CHECK(beside.app.id == "notes-2");
    CHECK(mentions(beside.warnings, "it is a bundled app, updated only with the system"));
    CHECK(s.installer.install_bundled(bundled).empty());
    CHECK(s.registry.get("notes")->source_kind == SourceKind::bundled);
    CHECK(s.registry.get("notes")->package_dir == results[0].app.package_dir);
}

TEST_CASE("numbered ids stay valid app ids, however long the name") {
    CHECK(numbered_app_id("browser", 2) == "browser-2");
    const std::string longest(kMaxAppIdLength, 'a');
    CHECK(numbered_app_id(longest, 12).size() == kMaxAppIdLength);
    CHECK(valid_app_id(numbered_app_id(longest, 12)));
    CHECK(valid_app_id(numbered_app_id(std::string(kMaxAppIdLength - 1, 'a') + "-", 2)));
}

}  // namespace app_identity_tests
