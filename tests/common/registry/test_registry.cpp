// The app registry on real SQLite files: install, update, remove, positions,
// cascades, permissions, migrations, damaged files and crashes mid-write.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include "helpers.hpp"
#include "common/registry.hpp"

using namespace cirrus::launcher;
using cirrus::launcher::testing::read_bytes;
using cirrus::launcher::testing::TempDir;
using cirrus::launcher::testing::write_text;

namespace {

// A clock the test moves by hand.
struct FakeClock {
    std::shared_ptr<std::int64_t> time = std::make_shared<std::int64_t>(1'700'000'000'000);
    Registry::Clock clock() const {
        return [time = time] { return *time; };
    }
    void advance(std::int64_t ms) { *time += ms; }
};

Registry open_registry(const std::filesystem::path& path, const FakeClock& clock) {
    Registry::Options options;
    options.clock = clock.clock();
    return Registry::open(path, options);
}

AppRecord make_app(const std::string& id, const std::string& name = "") {
    AppRecord app;
    app.id = id;
    app.name = name.empty() ? "App " + id : name;
    app.short_name = app.name.substr(0, 4);
    app.start_url = "https://" + id + ".example/";
    app.scope = "https://" + id + ".example/";
    app.display = "standalone";
    app.theme_color = "#112233";
    app.manifest_json = R"({"name":")" + app.name + R"("})";
    app.source_kind = SourceKind::manifest_url;
    app.source = "https://" + id + ".example/manifest.json";
    app.package_dir = "/apps/" + id;
    return app;
}

std::vector<IconImage> make_icons(std::uint8_t marker) {
    std::vector<IconImage> icons;
    for (int size : kShellIconSizes)
        icons.push_back({size, IconPurpose::any, std::vector<std::uint8_t>(static_cast<std::size_t>(size), marker)});
    icons.push_back({192, IconPurpose::maskable, {marker, 1, 2, 3}});
    return icons;
}

std::int64_t count(const Registry& registry, const std::string& sql) {
    Statement statement = registry.database().prepare(sql);
    REQUIRE(statement.step());
    return statement.column_int64(0);
}

std::vector<std::string> ids_in_order(const Registry& registry) {
    std::vector<std::string> ids;
    for (const AppRecord& app : registry.list()) ids.push_back(app.id);
    return ids;
}

std::int64_t position_of(const Registry& registry, const std::string& id) {
    auto app = registry.get(id);
    REQUIRE(app.has_value());
    REQUIRE(app->home_position.has_value());
    return *app->home_position;
}

// Sets an environment variable for one scope.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        value ? setenv(name, value, 1) : unsetenv(name);
    }
    ~ScopedEnv() { old_ ? setenv(name_, old_->c_str(), 1) : unsetenv(name_); }

private:
    const char* name_;
    std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("the default path follows XDG_DATA_HOME, else HOME") {
    ScopedEnv home("HOME", "/home/tester");
    {
        ScopedEnv xdg("XDG_DATA_HOME", "/data");
        CHECK(default_registry_path() == "/data/cirrus/registry.db");
    }
    {
        ScopedEnv xdg("XDG_DATA_HOME", nullptr);
        CHECK(default_registry_path() == "/home/tester/.local/share/cirrus/registry.db");
    }
    {
        ScopedEnv xdg("XDG_DATA_HOME", "relative/is/ignored");
        CHECK(default_registry_path() == "/home/tester/.local/share/cirrus/registry.db");
    }
}

TEST_CASE("open creates the folder and the schema at the latest version") {
    TempDir dir;
    Registry registry = Registry::open(dir / "deep/er/registry.db");
    CHECK(std::filesystem::exists(dir / "deep/er/registry.db"));
    CHECK(registry.database().user_version() == registry_migrations().back().version);
    CHECK(registry.list().empty());
    CHECK_FALSE(registry.recovery().has_value());
    for (const char* table : {"apps", "icons", "permissions"})
        CHECK(count(registry, std::string("SELECT count(*) FROM sqlite_schema WHERE name = '") + table + "'") == 1);
}

TEST_CASE("install stores every field, its icons, and takes the first free position") {
    TempDir dir;
    FakeClock clock;
    Registry registry = open_registry(dir / "registry.db", clock);

    AppRecord app = make_app("notes");
    app.background_color = "#ffffff";
    app.offline_ready = true;
    app.launch_count = 99;  // ignored: the registry keeps these
    app.home_position = 42;
    AppRecord stored = registry.install(app, make_icons(7));

    CHECK(stored.home_position == 0);
    CHECK(stored.installed_at == 1'700'000'000'000);
    CHECK(stored.updated_at == stored.installed_at);
    CHECK(stored.launch_count == 0);
    CHECK_FALSE(stored.last_launched_at.has_value());
    AppRecord expected = app;
    expected.installed_at = expected.updated_at = stored.installed_at;
    expected.launch_count = 0;
    expected.home_position = 0;
    CHECK(stored == expected);
    CHECK(registry.get("notes") == stored);
    CHECK(registry.icon("notes", 96, IconPurpose::any) == std::vector<std::uint8_t>(96, 7));
    CHECK(registry.icon("notes", 192, IconPurpose::maskable) == std::vector<std::uint8_t>{7, 1, 2, 3});
    CHECK_FALSE(registry.icon("notes", 96, IconPurpose::maskable).has_value());
    CHECK_FALSE(registry.icon("nobody", 96, IconPurpose::any).has_value());

    CHECK(registry.install(make_app("maps"), {}).home_position == 1);
    CHECK(registry.install(make_app("mail"), {}).home_position == 2);
    CHECK(ids_in_order(registry) == std::vector<std::string>{"notes", "maps", "mail"});
    CHECK_FALSE(registry.get("nobody").has_value());
}

TEST_CASE("optional fields round-trip as NULL") {
    TempDir dir;
    Registry registry = Registry::open(dir / "registry.db");
    AppRecord app = make_app("bare");
    app.short_name.reset();
    app.theme_color.reset();
    app.background_color.reset();
    app.source_kind = SourceKind::site;
    AppRecord stored = registry.install(app, {});
    CHECK_FALSE(stored.short_name.has_value());
    CHECK_FALSE(stored.theme_color.has_value());
    CHECK(stored.source_kind == SourceKind::site);
    CHECK(count(registry, "SELECT count(*) FROM apps WHERE theme_color IS NULL AND short_name IS NULL") == 1);
}

TEST_CASE("an update keeps position, launches, install time and permissions, and replaces the icons") {
    TempDir dir;
    FakeClock clock;
    Registry registry = open_registry(dir / "registry.db", clock);
    registry.install(make_app("a"), {});
    registry.install(make_app("b"), make_icons(1));
    clock.advance(1000);
    registry.record_launch("b");
    registry.set_permission("b", "geolocation", PermissionState::granted);
    registry.set_position("b", 5);
    clock.advance(1000);

    AppRecord changed = make_app("b", "Bee");
    changed.manifest_json = R"({"name":"Bee"})";
    std::vector<IconImage> new_icons{{48, IconPurpose::any, {9, 9}}};
    AppRecord stored = registry.install(changed, new_icons);

    CHECK(stored.name == "Bee");
    CHECK(stored.manifest_json == R"({"name":"Bee"})");
    CHECK(stored.home_position == 5);
    CHECK(stored.launch_count == 1);
    CHECK(stored.last_launched_at == 1'700'000'001'000);
    CHECK(stored.installed_at == 1'700'000'000'000);
    CHECK(stored.updated_at == 1'700'000'002'000);
    CHECK(registry.permission("b", "geolocation") == PermissionState::granted);
    CHECK(registry.icon("b", 48, IconPurpose::any) == std::vector<std::uint8_t>{9, 9});
    CHECK_FALSE(registry.icon("b", 96, IconPurpose::any).has_value());
    CHECK(count(registry, "SELECT count(*) FROM icons WHERE app_id = 'b'") == 1);
    CHECK(registry.list().size() == 2);
}

TEST_CASE("a failed install changes nothing") {
    TempDir dir;
    Registry registry = Registry::open(dir / "registry.db");
    AppRecord first = registry.install(make_app("x"), make_icons(3));

    AppRecord update = make_app("x", "Changed");
    std::vector<IconImage> duplicate{{48, IconPurpose::any, {1}}, {48, IconPurpose::any, {2}}};
    CHECK_THROWS_AS(registry.install(update, duplicate), SqliteError);
    CHECK(registry.get("x") == first);
    CHECK(registry.icon("x", 48, IconPurpose::any) == std::vector<std::uint8_t>(48, 3));

    CHECK_THROWS_AS(registry.install(make_app("y"), duplicate), SqliteError);
    CHECK_FALSE(registry.get("y").has_value());
    CHECK_THROWS_AS(registry.install(AppRecord{}, {}), RegistryError);
}

TEST_CASE("remove returns the record and cascades to icons and permissions") {
    TempDir dir;
    Registry registry = Registry::open(dir / "registry.db");
    registry.install(make_app("keep"), make_icons(1));
    AppRecord gone = registry.install(make_app("gone"), make_icons(2));
    registry.set_permission("gone", "notifications", PermissionState::denied);
    registry.set_permission("keep", "notifications", PermissionState::granted);

    std::optional<AppRecord> removed = registry.remove("gone");
    REQUIRE(removed.has_value());
    CHECK(*removed == gone);
    CHECK(removed->package_dir == "/apps/gone");
    CHECK_FALSE(registry.get("gone").has_value());
    CHECK(count(registry, "SELECT count(*) FROM icons WHERE app_id = 'gone'") == 0);
    CHECK(count(registry, "SELECT count(*) FROM permissions WHERE app_id = 'gone'") == 0);
    CHECK(count(registry, "SELECT count(*) FROM icons WHERE app_id = 'keep'") == 6);
    CHECK(registry.permission("keep", "notifications") == PermissionState::granted);
    CHECK_FALSE(registry.remove("gone").has_value());

    // Its slot is free again and the next app takes it.
    CHECK(registry.install(make_app("next"), {}).home_position == 1);
}

TEST_CASE("positions: moves shift the apps between, and stay unique") {
    TempDir dir;
    Registry registry = Registry::open(dir / "registry.db");
    for (const char* id : {"a", "b", "c", "d", "e"}) registry.install(make_app(id), {});

    SUBCASE("forward: the apps after it move back by one") {
        registry.set_position("a", 3);
        CHECK(ids_in_order(registry) == std::vector<std::string>{"b", "c", "d", "a", "e"});
        CHECK(position_of(registry, "b") == 0);
        CHECK(position_of(registry, "a") == 3);
    }
    SUBCASE("backward: the apps before it move on by one") {
        registry.set_position("e", 1);
        CHECK(ids_in_order(registry) == std::vector<std::string>{"a", "e", "b", "c", "d"});
        CHECK(position_of(registry, "d") == 4);
    }
    SUBCASE("to a free slot: nothing else moves") {
        registry.set_position("b", 10);
        CHECK(position_of(registry, "b") == 10);
        CHECK(position_of(registry, "c") == 2);
        // And the gap it left is the next new app's.
        CHECK(registry.install(make_app("f"), {}).home_position == 1);
    }
    SUBCASE("to its own slot: nothing changes") {
        registry.set_position("c", 2);
        CHECK(ids_in_order(registry) == std::vector<std::string>{"a", "b", "c", "d", "e"});
    }
    SUBCASE("an app off the home screen pushes the run it lands in up to the next gap") {
        registry.set_position("e", 7);
        registry.database().exec("UPDATE apps SET home_position = NULL WHERE id = 'c'");
        registry.set_position("c", 0);
        CHECK(position_of(registry, "c") == 0);
        CHECK(position_of(registry, "a") == 1);
        CHECK(position_of(registry, "b") == 2);
        CHECK(position_of(registry, "d") == 3);  // a and b filled c's old slot; d did not move
        CHECK(position_of(registry, "e") == 7);
    }
    SUBCASE("bad moves are refused") {
        CHECK_THROWS_AS(registry.set_position("nobody", 0), std::out_of_range);
        CHECK_THROWS_AS(registry.set_position("a", -1), RegistryError);
        CHECK(ids_in_order(registry) == std::vector<std::string>{"a", "b", "c", "d", "e"});
    }

    std::set<std::int64_t> positions;
    const std::vector<AppRecord> apps = registry.list();
    for (const AppRecord& app : apps) {
        REQUIRE(app.home_position.has_value());
        positions.insert(*app.home_position);
    }
    CHECK(positions.size() == apps.size());
}

TEST_CASE("apps off the home screen are listed last, by name") {
    TempDir dir;
    Registry registry = Registry::open(dir / "registry.db");
    registry.install(make_app("z", "Zed"), {});
    registry.install(make_app("y", "Why"), {});
    registry.install(make_app("x", "Ex"), {});
    registry.database().exec("UPDATE apps SET home_position = NULL WHERE id IN ('z', 'y')");
    CHECK(ids_in_order(registry) == std::vector<std::string>{"x", "y", "z"});
}

TEST_CASE("launches are counted") {
    TempDir dir;
    FakeClock clock;
    Registry registry = open_registry(dir / "registry.db", clock);
    registry.install(make_app("app"), {});
    clock.advance(5);
    CHECK(registry.record_launch("app"));
    clock.advance(5);
    CHECK(registry.record_launch("app"));
    CHECK(registry.get("app")->launch_count == 2);
    CHECK(registry.get("app")->last_launched_at == 1'700'000'000'010);
    CHECK_FALSE(registry.record_launch("nobody"));
    registry.set_offline_ready("app", true);
    CHECK(registry.get("app")->offline_ready);
    CHECK_THROWS_AS(registry.set_offline_ready("nobody", true), std::out_of_range);
}

TEST_CASE("permissions are set, changed, listed, and only for installed apps") {
    TempDir dir;
    FakeClock clock;
    Registry registry = open_registry(dir / "registry.db", clock);
    registry.install(make_app("app"), {});
    CHECK_FALSE(registry.permission("app", "camera").has_value());
    registry.set_permission("app", "camera", PermissionState::ask);
    registry.set_permission("app", "geolocation", PermissionState::denied);
    clock.advance(100);
    registry.set_permission("app", "camera", PermissionState::granted);
    CHECK(registry.permission("app", "camera") == PermissionState::granted);

    std::vector<PermissionEntry> entries = registry.permissions("app");
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].permission == "camera");
    CHECK(entries[0].state == PermissionState::granted);
    CHECK(entries[0].updated_at == 1'700'000'000'100);
    CHECK(entries[1].permission == "geolocation");
    CHECK(entries[1].state == PermissionState::denied);

    CHECK_THROWS_AS(registry.set_permission("nobody", "camera", PermissionState::granted), std::out_of_range);
    CHECK_THROWS_AS(registry.database().exec("INSERT INTO permissions VALUES ('app', 'mic', 'maybe', 0)"),
                    SqliteError);  // the CHECK constraint
    CHECK(registry.permissions("nobody").empty());
}

TEST_CASE("the enums convert to and from their stored text") {
    for (SourceKind kind :
         {SourceKind::bundled, SourceKind::folder, SourceKind::zip, SourceKind::manifest_url, SourceKind::site})
        CHECK(source_kind_from_string(to_string(kind)) == kind);
    CHECK(to_string(SourceKind::manifest_url) == "manifest-url");
    CHECK_FALSE(source_kind_from_string("ftp").has_value());
    CHECK(permission_state_from_string("granted") == PermissionState::granted);
    CHECK_FALSE(permission_state_from_string("yes").has_value());
}

// --- Migrations ----------------------------------------------------------------

namespace {

// What a registry written by an older Cirrus (schema v1) holds: made with
// plain SQL here, not through Registry, as that file would have been.
void write_v1_file(const std::filesystem::path& path) {
    Database database = Database::open(path);
    database.exec(registry_migrations()[0].sql);
    database.exec(
        "INSERT INTO apps (id, name, start_url, scope, display, manifest_json, source_kind, source, "
        "package_dir, installed_at, updated_at, home_position) VALUES ('old', 'Old App', 'https://old/', "
        "'https://old/', 'standalone', '{}', 'zip', '/tmp/old.zip', '/apps/old', 1, 2, 0);"
        "INSERT INTO icons VALUES ('old', 48, 'any', x'89504e47');"
        "INSERT INTO permissions VALUES ('old', 'camera', 'denied', 3)");
    database.set_user_version(1);
}

constexpr Migration kTestV2{2,
                            "ALTER TABLE apps ADD COLUMN category TEXT;"
                            "CREATE INDEX apps_by_last_launch ON apps(last_launched_at)"};

}  // namespace

TEST_CASE("a v1 file migrates to a newer schema with its data kept") {
    TempDir dir;
    const auto path = dir / "registry.db";
    write_v1_file(path);

    std::vector<Migration> steps(registry_migrations().begin(), registry_migrations().end());
    steps.push_back(kTestV2);
    Registry::Options options;
    options.migrations = steps;
    Registry registry = Registry::open(path, options);

    CHECK(registry.database().user_version() == 2);
    CHECK(count(registry, "SELECT count(*) FROM pragma_table_info('apps') WHERE name = 'category'") == 1);
    CHECK(count(registry, "SELECT count(*) FROM sqlite_schema WHERE name = 'apps_by_last_launch'") == 1);
    auto old = registry.get("old");
    REQUIRE(old.has_value());
    CHECK(old->name == "Old App");
    CHECK(old->source_kind == SourceKind::zip);
    CHECK(registry.icon("old", 48, IconPurpose::any) == std::vector<std::uint8_t>{0x89, 0x50, 0x4e, 0x47});
    CHECK(registry.permission("old", "camera") == PermissionState::denied);
    // And the current code still writes to it.
    CHECK(registry.install(make_app("new"), {}).home_position == 1);
}

TEST_CASE("the real migrations open a v1 file as it is") {
    TempDir dir;
    write_v1_file(dir / "registry.db");
    Registry registry = Registry::open(dir / "registry.db");
    CHECK(registry.get("old").has_value());
    CHECK(registry.database().user_version() == registry_migrations().back().version);
}

TEST_CASE("a migration that fails leaves the file at the old version, unchanged") {
    TempDir dir;
    const auto path = dir / "registry.db";
    write_v1_file(path);
    std::vector<Migration> steps(registry_migrations().begin(), registry_migrations().end());
    steps.push_back({2, "CREATE TABLE half_done (x); THIS IS NOT SQL"});
    Registry::Options options;
    options.migrations = steps;
    CHECK_THROWS_AS(Registry::open(path, options), SqliteError);

    Registry registry = Registry::open(path);
    CHECK(registry.database().user_version() == 1);
    CHECK(count(registry, "SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'") == 0);
    CHECK(registry.get("old").has_value());
}

TEST_CASE("a file from a newer Cirrus is refused and left alone") {
    TempDir dir;
    const auto path = dir / "registry.db";
    write_v1_file(path);
    {
        Database database = Database::open(path);
        database.set_user_version(99);
    }
    CHECK_THROWS_WITH_AS(Registry::open(path), doctest::Contains("newer than this Cirrus knows"), RegistryError);
    CHECK(std::filesystem::exists(path));
    Database database = Database::open(path);
    CHECK(database.user_version() == 99);
}

// --- Damage and crashes --------------------------------------------------------

TEST_CASE("a damaged registry is set aside, kept, and rebuilt from the registry's copies") {
    TempDir dir;
    const auto path = dir / "registry.db";
    std::size_t installed = 0;  // what the copies beside the file hold

    SUBCASE("garbage, nothing ever installed: a new, empty one") { write_text(path, std::string(3000, '\x7f')); }
    SUBCASE("a real registry, truncated: every app comes back from its copy") {
        {
            Registry registry = Registry::open(path);
            for (int i = 0; i < 40; ++i) {
                AppRecord app = make_app("app" + std::to_string(i));
                app.package_dir.clear();  // hosted: no package folder that would have to exist
                registry.install(app, make_icons(static_cast<std::uint8_t>(i)));
            }
        }
        installed = 40;
        std::filesystem::resize_file(path, std::filesystem::file_size(path) / 3);
    }
    const std::vector<std::uint8_t> damaged = read_bytes(path);

    Registry registry = Registry::open(path);
    REQUIRE(registry.recovery().has_value());
    CHECK(read_bytes(registry.recovery()->moved_to) == damaged);
    CHECK_FALSE(registry.recovery()->problem.empty());
    REQUIRE(registry.rebuilt().has_value());
    CHECK(registry.rebuilt()->recovered.size() == installed);
    CHECK(registry.list().size() == installed);
    if (installed > 0) {
        CHECK(registry.get("app7")->name == make_app("app7").name);
        CHECK(registry.icon("app7", 48, IconPurpose::any) == std::vector<std::uint8_t>(48, 7));
        CHECK(registry.recovery_message().find("recovered 40 apps (app0, app1,") != std::string::npos);
    }
    CHECK(registry.install(make_app("fresh"), {}).home_position == static_cast<std::int64_t>(installed));
    CHECK(registry.database().integrity_check() == "ok");
}

TEST_CASE("a process killed in the middle of an install leaves the registry as it was") {
    TempDir dir;
    const auto path = dir / "registry.db";
    std::vector<AppRecord> before;
    {
        Registry registry = Registry::open(path);
        registry.install(make_app("a"), make_icons(1));
        registry.install(make_app("b"), make_icons(2));
        before = registry.list();
    }

    int ready[2];
    REQUIRE(pipe(ready) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        // What install() does, slowed down: an update and many icon rows in
        // one transaction that is never committed.
        close(ready[0]);
        Registry registry = Registry::open(path);
        Database& database = registry.database();
        Transaction transaction(database);
        database.exec("UPDATE apps SET name = 'half', home_position = 9 WHERE id = 'a'");
        database.exec("DELETE FROM icons");
        Statement insert = database.prepare("INSERT INTO icons VALUES ('b', ?1, 'any', zeroblob(4096))");
        for (int size = 1;; ++size) {
            insert.bind(1, size).run();
            insert.reset();
            if (size == 3000 && write(ready[1], "r", 1) != 1) _exit(2);
        }
    }
    close(ready[1]);
    char byte = 0;
    REQUIRE(read(ready[0], &byte, 1) == 1);
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    close(ready[0]);
    CHECK(WIFSIGNALED(status));

    Registry registry = Registry::open(path);
    CHECK_FALSE(registry.recovery().has_value());
    CHECK(registry.list() == before);
    CHECK(registry.icon("a", 48, IconPurpose::any) == std::vector<std::uint8_t>(48, 1));
    CHECK(count(registry, "SELECT count(*) FROM icons") == 12);
    CHECK(registry.database().integrity_check() == "ok");
}
