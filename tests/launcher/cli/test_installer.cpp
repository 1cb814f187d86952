// Installing, updating and removing apps through the Installer, on real
// SQLite files and a real loopback origin.

#include <nlohmann/json.hpp>
#include <doctest/doctest.h>

#include <csignal>
#include <sys/wait.h>
#include <unistd.h>
#include <zip.h>

#include "fixtures.hpp"
#include "install.hpp"
#include "common/offline_store.hpp"
#include "common/store_path.hpp"
#include "common/write_queue.hpp"

using namespace cirrus::launcher;
using namespace cirrus::test;

namespace {

struct Setup {
    TempDir dir;
    Registry registry = Registry::open(dir.path() / "registry.db");
    Installer installer{registry, dir.path() / "apps"};
};

void zip_folder(const std::filesystem::path& folder, const std::filesystem::path& zip_path) {
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

}  // namespace

TEST_CASE("a packaged folder installs with its manifest, icons and files") {
    Setup s;
    const auto package = make_package(s.dir.path() / "src" / "My Notes", "My Notes");
    const InstallResult result = s.installer.install(package.string());
    CHECK_FALSE(result.updated);
    CHECK(result.app.id == "my-notes");
    CHECK(result.app.name == "My Notes");
    CHECK(result.app.start_url == "app://my-notes/index.html");
    CHECK(result.app.scope == "app://my-notes/");
    CHECK(result.app.display == "standalone");
    CHECK(result.app.theme_color == "#336699");
    CHECK(result.app.background_color == "#ffffff");
    CHECK(result.app.offline_ready);
    CHECK(result.app.home_position == 0);
    CHECK(std::filesystem::exists(std::filesystem::path(result.app.package_dir) / "index.html"));
    for (int size : kShellIconSizes) CHECK(s.registry.icon("my-notes", size, IconPurpose::any).has_value());

    const auto manifest = manifest_from_json(nlohmann::json::parse(s.registry.get("my-notes")->manifest_json));
    REQUIRE(manifest.has_value());
    CHECK(manifest->name == "My Notes");
}

TEST_CASE("an update keeps the home position and swaps the files only after the registry points at them") {
    Setup s;
    const auto package = make_package(s.dir.path() / "src" / "notes", "Notes");
    make_package(s.dir.path() / "src" / "other", "Other");
    const InstallResult first = s.installer.install(package.string());
    s.installer.install((s.dir.path() / "src" / "other").string());
    s.registry.record_launch("notes");

    write_file(package / "index.html", "<!doctype html><title>v2</title>");
    const InstallResult second = s.installer.install(package.string());
    CHECK(second.updated);
    CHECK(second.app.home_position == first.app.home_position);
    CHECK(second.app.launch_count == 1);
    CHECK(second.app.package_dir != first.app.package_dir);
    CHECK_FALSE(std::filesystem::exists(first.app.package_dir));
    std::ifstream page(std::filesystem::path(second.app.package_dir) / "index.html");
    std::string text((std::istreambuf_iterator<char>(page)), {});
    CHECK(text.find("v2") != std::string::npos);
}

TEST_CASE("a zip installs like a folder, and a zip-slip entry is refused with nothing installed") {
    Setup s;
    const auto package = make_package(s.dir.path() / "src" / "calc", "Calc");
    zip_folder(package, s.dir.path() / "calc.zip");
    CHECK(s.installer.install((s.dir.path() / "calc.zip").string()).app.id == "calc");

    write_file(s.dir.path() / "evil" / "x", "x");
    int error = 0;
    zip_t* archive = zip_open((s.dir.path() / "evil.zip").c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    const std::string manifest = R"({"name":"Evil","start_url":"index.html"})";
    zip_file_add(archive, "manifest.webmanifest", zip_source_buffer(archive, manifest.data(), manifest.size(), 0), 0);
    zip_file_add(archive, "../../escape.txt", zip_source_buffer(archive, "x", 1, 0), 0);
    REQUIRE(zip_close(archive) == 0);
    CHECK_THROWS_WITH_AS(s.installer.install((s.dir.path() / "evil.zip").string()), doctest::Contains("zip-slip"),
                         InstallError);
    CHECK_FALSE(s.registry.get("evil").has_value());
    CHECK_FALSE(std::filesystem::exists(s.dir.path() / "escape.txt"));
}

TEST_CASE("a broken manifest is refused with the file, the line and the member") {
    Setup s;
    const auto dir = s.dir.path() / "src" / "broken";
    write_file(dir / "index.html", "<title>x</title>");
    write_file(dir / "manifest.webmanifest",
               "{\n  \"name\": \"Broken\",\n  \"start_url\": \"index.html\",\n  \"icons\": [\n");
    try {
        s.installer.install(dir.string());
        FAIL("installed a truncated manifest");
    } catch (const InstallError& e) {
        const std::string message = e.what();
        CHECK(message.find((dir / "manifest.webmanifest").string()) != std::string::npos);
        CHECK(message.find(":5:") != std::string::npos);
    }
    write_file(dir / "manifest.webmanifest", R"({"name": "Broken", "start_url": "missing.html"})");
    CHECK_THROWS_WITH_AS(s.installer.install(dir.string()), doctest::Contains("start_url"), InstallError);
    CHECK(s.registry.list().empty());
    CHECK_THROWS_WITH_AS(s.installer.install((s.dir.path() / "nothing-here").string()),
                         doctest::Contains("not a folder"), InstallError);
}

TEST_CASE("a hosted app installs from its manifest link, with fetched icons") {
    Setup s;
    HttpTestServer origin(hosted_routes());
    std::vector<std::string> steps;
    Installer installer(s.registry, s.dir.path() / "apps", [&](const InstallProgress& p) { steps.push_back(p.step); });
    const InstallResult result = installer.install(origin.url("/app/"));
    CHECK(result.app.name == "Hosted News");
    CHECK(result.app.short_name == "News");
    CHECK(result.app.source_kind == SourceKind::manifest_url);
    CHECK(result.app.start_url == origin.url("/app/?from=home"));
    CHECK(result.app.theme_color == "#008000");
    CHECK_FALSE(result.app.offline_ready);
    CHECK(result.app.package_dir.empty());
    CHECK(s.registry.icon(result.app.id, 96, IconPurpose::maskable).has_value());
    // The missing icon is a warning, not a failure.
    bool warned = false;
    for (const auto& w : result.warnings) warned = warned || w.find("missing.png") != std::string::npos;
    CHECK(warned);
    CHECK(std::find(steps.begin(), steps.end(), "rasterising icons") != steps.end());
}

TEST_CASE("with an offline store, a hosted install precaches the app and records it offline-ready") {
    Setup s;
    HttpTestServer origin(offline_app_routes());
    const auto store_path = s.dir.path() / "offline.sqlite";
    std::vector<InstallProgress> steps;
    Installer installer(
        s.registry, s.dir.path() / "apps", [&](const InstallProgress& p) { steps.push_back(p); }, store_path);
    const InstallResult result = installer.install(origin.url("/news/"));
    REQUIRE(result.precache.has_value());
    // The page, its stylesheet, the stylesheet's image, script, image,
    // manifest link, the manifest's icon and its cirrus_offline asset.
    CHECK(result.precache->urls.size() == 8);
    CHECK(result.precache->ready());
    CHECK(result.app.offline_ready);
    CHECK(s.registry.get(result.app.id)->offline_ready);
    std::vector<std::string> precaching;
    for (const auto& p : steps)
        if (p.counts_files) precaching.push_back(p.step);
    REQUIRE(precaching.size() == 8);
    CHECK(precaching.front().starts_with("precaching 1/"));
    CHECK(precaching.back().starts_with("precaching 8/8 /news/"));

    auto store = cirrus::offline::OfflineStore::open(store_path);
    CHECK(store.offline_ready(result.app.id));
    CHECK(store.get(result.app.id, {"GET", origin.url("/news/bg.svg"), {}}).has_value());

    // A write the app queued while offline, beside the store.
    {
        auto queue = cirrus::offline::WriteQueue::open(cirrus::offline::write_queue_path(store_path));
        queue.enqueue(result.app.id, {"POST", origin.url("/news/api/notes"), {}, {}, ""}, 1);
        REQUIRE(queue.pending_count(result.app.id) == 1);
    }

    // Removing the app drops its offline copy and its unsent writes.
    CHECK(installer.remove(result.app.id).has_value());
    CHECK(store.precache_progress(result.app.id).total == 0);
    CHECK_FALSE(store.get(result.app.id, {"GET", origin.url("/news/bg.svg"), {}}).has_value());
    CHECK(
        cirrus::offline::WriteQueue::open(cirrus::offline::write_queue_path(store_path)).pending_count(result.app.id) ==
        0);
}

TEST_CASE("a hosted app whose stylesheet fails is installed, but not offline-ready, and the stylesheet is named") {
    Setup s;
    HttpTestServer origin(offline_app_routes(500));
    Installer installer(s.registry, s.dir.path() / "apps", {}, s.dir.path() / "offline.sqlite");
    const InstallResult result = installer.install(origin.url("/news/"));
    CHECK(s.registry.get(result.app.id).has_value());
    CHECK_FALSE(result.app.offline_ready);
    CHECK_FALSE(s.registry.get(result.app.id)->offline_ready);
    REQUIRE(result.precache.has_value());
    REQUIRE(result.precache->missing.size() == 1);
    CHECK(result.precache->missing[0].url == origin.url("/news/style.css"));
    CHECK(result.precache->missing[0].reason.find("HTTP 500") != std::string::npos);
    // Its image was never seen: the stylesheet that names it never came.
    CHECK(result.precache->urls.size() == 7);
}

TEST_CASE("an offline store that cannot be opened leaves a hosted app installed, not offline-ready, with a warning") {
    Setup s;
    HttpTestServer origin(offline_app_routes());
    write_file(s.dir.path() / "not-a-dir", "x");
    Installer installer(s.registry, s.dir.path() / "apps", {}, s.dir.path() / "not-a-dir" / "offline.sqlite");
    const InstallResult result = installer.install(origin.url("/news/"));
    CHECK(s.registry.get(result.app.id).has_value());
    CHECK_FALSE(result.app.offline_ready);
    CHECK_FALSE(result.precache.has_value());
    bool warned = false;
    for (const auto& w : result.warnings)
        warned =
            warned || (w.find("not-a-dir") != std::string::npos && w.find("not offline-ready") != std::string::npos);
    CHECK(warned);
}

namespace {
// A manifest served on its own at /bare/app.webmanifest; `start_url` is the
// member's JSON (or empty for none). A page at /bare/ is there to start at.
std::map<std::string, HttpTestServer::Handler> bare_manifest_routes(const std::string& start_url) {
    const std::string manifest = R"J({"name": "Bare", "display": "standalone")J" +
                                 (start_url.empty() ? std::string() : ", \"start_url\": " + start_url) + "}";
    return {
        {"/bare/app.webmanifest",
         [manifest](SoupServerMessage* m) { respond(m, "application/manifest+json", manifest); }},
        {"/bare/", [](SoupServerMessage* m) { respond(m, "text/html", "<!doctype html><title>Bare</title>"); }},
    };
}
}  // namespace

TEST_CASE("a manifest URL without a usable start_url is refused, asking for the page's URL; with one it installs") {
    Setup s;
    const auto store_path = s.dir.path() / "offline.sqlite";
    Installer installer(s.registry, s.dir.path() / "apps", {}, store_path);
    for (const std::string& start_url :
         {std::string(), std::string(R"("")"), std::string("42"), std::string(R"("http://other.example/")")}) {
        CAPTURE(start_url);
        HttpTestServer origin(bare_manifest_routes(start_url));
        const std::string manifest_url = origin.url("/bare/app.webmanifest");
        try {
            installer.install(manifest_url);
            FAIL("installed a manifest with no page to start at");
        } catch (const InstallError& e) {
            const std::string message = e.what();
            CAPTURE(message);
            // The file, the member, and the fix: the page's URL.
            CHECK(message.starts_with(manifest_url + ":"));
            CHECK(message.find("start_url") != std::string::npos);
            CHECK(message.find("install the URL of the app's page") != std::string::npos);
            CHECK(message.find("<link rel=\"manifest\">") != std::string::npos);
            if (start_url.empty()) CHECK(message.find("start_url is missing") != std::string::npos);
            if (start_url == "42") CHECK(message.find("expected string, got number") != std::string::npos);
            if (start_url.starts_with("\"http")) CHECK(message.find("not same origin") != std::string::npos);
        }
        // Nothing installed, nothing stored offline, nothing called ready.
        CHECK(s.registry.list().empty());
        if (std::filesystem::exists(store_path))
            CHECK(cirrus::offline::OfflineStore::open(store_path).total_usage() == 0);
    }

    // With a start_url, the manifest URL on its own installs that page.
    HttpTestServer origin(bare_manifest_routes(R"("./")"));
    const InstallResult result = installer.install(origin.url("/bare/app.webmanifest"));
    CHECK(result.app.source_kind == SourceKind::manifest_url);
    CHECK(result.app.start_url == origin.url("/bare/"));
    CHECK(result.app.name == "Bare");
}

TEST_CASE("a site without a manifest installs as a browser's add-to-home-screen does") {
    Setup s;
    HttpTestServer origin(hosted_routes());
    const InstallResult result = s.installer.install(origin.url("/site/"));
    CHECK(result.app.source_kind == SourceKind::site);
    CHECK(result.app.name == "Plain Site");
    CHECK(result.app.start_url == origin.url("/site/"));
    CHECK(result.app.display == "minimal-ui");
    CHECK(result.app.theme_color == "#aa0000");
    CHECK(s.registry.icon(result.app.id, 192, IconPurpose::any).has_value());
}

TEST_CASE("an unreachable origin is a clear error and installs nothing") {
    Setup s;
    const std::string url = "http://127.0.0.1:" + std::to_string(closed_local_port()) + "/app/";
    CHECK_THROWS_WITH_AS(s.installer.install(url), doctest::Contains("127.0.0.1"), InstallError);
    CHECK(s.registry.list().empty());
}

TEST_CASE("remove deletes the row, the files and the website data; orphans of a crash are collected") {
    Setup s;
    const auto package = make_package(s.dir.path() / "src" / "notes", "Notes");
    const InstallResult result = s.installer.install(package.string());
    std::filesystem::create_directories(s.dir.path() / "apps" / "notes-123");  // what a crash leaves
    const auto orphans = s.installer.collect_orphans();
    REQUIRE(orphans.size() == 1);
    CHECK(orphans[0].filename() == "notes-123");
    CHECK(std::filesystem::exists(result.app.package_dir));

    // What the host stored for the app (cookies, localStorage, cache).
    setenv("XDG_DATA_HOME", (s.dir.path() / "data").c_str(), 1);
    setenv("XDG_CACHE_HOME", (s.dir.path() / "cache").c_str(), 1);
    const AppDataDirs data = app_data_dirs("notes");
    write_file(data.data / "localstorage" / "app_notes_0.localstorage", "x");
    write_file(data.cache / "http" / "entry", "x");
    const AppDataDirs other = app_data_dirs("other");
    write_file(other.data / "keep", "x");

    CHECK(s.installer.remove("notes").has_value());
    CHECK_FALSE(std::filesystem::exists(result.app.package_dir));
    CHECK_FALSE(std::filesystem::exists(data.data));
    CHECK_FALSE(std::filesystem::exists(data.cache));
    CHECK(std::filesystem::exists(other.data / "keep"));  // another app's data stays
    unsetenv("XDG_DATA_HOME");
    unsetenv("XDG_CACHE_HOME");
    CHECK_FALSE(s.registry.get("notes").has_value());
    CHECK_FALSE(s.installer.remove("notes").has_value());
}

TEST_CASE("an install killed at any moment leaves the previous app whole") {
    TempDir dir;
    const auto package = make_package(dir.path() / "src" / "notes", "Notes");
    std::string first_dir;
    {
        Registry registry = Registry::open(dir.path() / "registry.db");
        Installer installer(registry, dir.path() / "apps");
        first_dir = installer.install(package.string()).app.package_dir;
    }
    write_file(package / "index.html", "<title>v2</title>");
    // Kill an updating child after a growing delay, so that the kill lands in
    // every phase at some point: reading, rasterising, copying, recording.
    for (int delay_us : {0, 2000, 5000, 10000, 20000, 40000, 80000}) {
        const pid_t child = fork();
        if (child == 0) {
            Registry registry = Registry::open(dir.path() / "registry.db");
            Installer installer(registry, dir.path() / "apps");
            installer.install(package.string());
            _exit(0);
        }
        usleep(static_cast<useconds_t>(delay_us));
        kill(child, SIGKILL);
        int status = 0;
        waitpid(child, &status, 0);

        Registry registry = Registry::open(dir.path() / "registry.db");
        const auto app = registry.get("notes");
        REQUIRE(app.has_value());
        CHECK(registry.database().integrity_check() == "ok");
        // Whichever version the registry names, its files are all there.
        CHECK(std::filesystem::exists(std::filesystem::path(app->package_dir) / "index.html"));
        CHECK(std::filesystem::exists(std::filesystem::path(app->package_dir) / "manifest.webmanifest"));
        Installer installer(registry, dir.path() / "apps");
        installer.collect_orphans();
        CHECK(std::distance(std::filesystem::directory_iterator(dir.path() / "apps"),
                            std::filesystem::directory_iterator()) == 1);
    }
}

TEST_CASE("the bundled apps install once and are not reinstalled while unchanged") {
    Setup s;
    const auto results = s.installer.install_bundled(CIRRUS_SOURCE_MANIFESTS);
    REQUIRE(results.size() >= 3);
    for (const char* id : {"notes", "calculator", "weather"}) {
        const auto app = s.registry.get(id);
        REQUIRE(app.has_value());
        CHECK(app->source_kind == SourceKind::bundled);
    }
    CHECK(s.installer.install_bundled(CIRRUS_SOURCE_MANIFESTS).empty());
}
