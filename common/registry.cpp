#include "registry.hpp"

#include "registry_copies.hpp"
#include "manifest.hpp"

#include <nlohmann/json.hpp>
#include <fcntl.h>
#include <pwd.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include <array>
#include <chrono>
#include <cstdlib>
#include <utility>

namespace cirrus::launcher {
namespace {

// v1: the first schema. Append new versions below it; never edit a shipped one.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE apps (
    id               TEXT PRIMARY KEY NOT NULL,
    name             TEXT NOT NULL,
    short_name       TEXT,
    start_url        TEXT NOT NULL,
    scope            TEXT NOT NULL,
    display          TEXT NOT NULL,
    theme_color      TEXT,
    background_color TEXT,
    manifest_json    TEXT NOT NULL,
    source_kind      TEXT NOT NULL
                     CHECK (source_kind IN ('bundled', 'folder', 'zip', 'manifest-url', 'site')),
    source           TEXT NOT NULL,
    package_dir      TEXT NOT NULL,
    installed_at     INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    launch_count     INTEGER NOT NULL DEFAULT 0,
    last_launched_at INTEGER,
    home_position    INTEGER UNIQUE CHECK (home_position >= 0),
    offline_ready    INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE icons (
    app_id  TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    size    INTEGER NOT NULL CHECK (size > 0),
    purpose TEXT NOT NULL CHECK (purpose IN ('any', 'maskable', 'monochrome')),
    png     BLOB NOT NULL,
    PRIMARY KEY (app_id, size, purpose)
);
CREATE TABLE permissions (
    app_id     TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    permission TEXT NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('granted', 'denied', 'ask')),
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (app_id, permission)
) WITHOUT ROWID;
)sql";

constexpr std::array<Migration, 1> kMigrations{{
    {1, kSchemaV1},
}};

// Shifting positions goes through values above every real one, so that the
// UNIQUE constraint (checked row by row) never sees two apps in one slot.
constexpr std::int64_t kPositionParkingOffset = std::int64_t{1} << 40;
constexpr std::int64_t kMaxPosition = kPositionParkingOffset - 1;

constexpr const char* kAppColumns =
    "id, name, short_name, start_url, scope, display, theme_color, background_color, "
    "manifest_json, source_kind, source, package_dir, installed_at, updated_at, "
    "launch_count, last_launched_at, home_position, offline_ready";

AppRecord read_app(const Statement& row, const std::filesystem::path& database) {
    AppRecord app;
    app.id = row.column_text(0);
    app.name = row.column_text(1);
    app.short_name = row.column_optional_text(2);
    app.start_url = row.column_text(3);
    app.scope = row.column_text(4);
    app.display = row.column_text(5);
    app.theme_color = row.column_optional_text(6);
    app.background_color = row.column_optional_text(7);
    app.manifest_json = row.column_text(8);
    std::string kind = row.column_text(9);
    auto parsed_kind = source_kind_from_string(kind);
    if (!parsed_kind)  // the CHECK constraint makes this a damaged row
        throw RegistryError(database.string() + ": app " + app.id + " has unknown source kind " + kind);
    app.source_kind = *parsed_kind;
    app.source = row.column_text(10);
    app.package_dir = row.column_text(11);
    app.installed_at = row.column_int64(12);
    app.updated_at = row.column_int64(13);
    app.launch_count = row.column_int64(14);
    app.last_launched_at = row.column_optional_int64(15);
    app.home_position = row.column_optional_int64(16);
    app.offline_ready = row.column_int64(17) != 0;
    return app;
}

std::int64_t system_clock_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::filesystem::path home_directory() {
    if (const char* home = std::getenv("HOME"); home && *home) return home;
    if (const passwd* entry = getpwuid(getuid()); entry && entry->pw_dir) return entry->pw_dir;
    throw RegistryError("no home directory: set HOME or XDG_DATA_HOME");
}

[[noreturn]] void unknown_app(std::string_view id) {
    throw std::out_of_range("no installed app has the id " + std::string(id));
}

}  // namespace

std::string_view to_string(SourceKind kind) {
    switch (kind) {
    case SourceKind::bundled:
        return "bundled";
    case SourceKind::folder:
        return "folder";
    case SourceKind::zip:
        return "zip";
    case SourceKind::manifest_url:
        return "manifest-url";
    case SourceKind::site:
        return "site";
    }
    return "bundled";
}

std::optional<SourceKind> source_kind_from_string(std::string_view text) {
    for (SourceKind kind :
         {SourceKind::bundled, SourceKind::folder, SourceKind::zip, SourceKind::manifest_url, SourceKind::site}) {
        if (to_string(kind) == text) return kind;
    }
    return std::nullopt;
}

std::string_view to_string(PermissionState state) {
    switch (state) {
    case PermissionState::granted:
        return "granted";
    case PermissionState::denied:
        return "denied";
    case PermissionState::ask:
        return "ask";
    }
    return "ask";
}

std::optional<PermissionState> permission_state_from_string(std::string_view text) {
    for (PermissionState state : {PermissionState::granted, PermissionState::denied, PermissionState::ask}) {
        if (to_string(state) == text) return state;
    }
    return std::nullopt;
}

std::span<const Migration> registry_migrations() { return kMigrations; }

void apply_migrations(Database& database, std::span<const Migration> steps) {
    const int latest = steps.empty() ? 0 : steps.back().version;
    const int found = database.user_version();
    if (found > latest) {
        throw RegistryError(database.path().string() + " has registry schema version " + std::to_string(found) +
                            ", newer than this Cirrus knows (" + std::to_string(latest) +
                            "); use a newer Cirrus or move the file away");
    }
    for (const Migration& step : steps) {
        if (step.version <= found) continue;
        Transaction transaction(database);
        // Another process may have migrated between our read and our lock.
        if (database.user_version() >= step.version) continue;
        database.exec(step.sql);
        database.set_user_version(step.version);
        transaction.commit();
    }
}

namespace {

// The XDG spec says a relative XDG_* value is invalid and to be ignored.
std::filesystem::path xdg_dir(const char* variable, const char* fallback_under_home) {
    if (const char* xdg = std::getenv(variable); xdg && *xdg == '/') return xdg;
    return home_directory() / fallback_under_home;
}

}  // namespace

std::filesystem::path default_registry_path() {
    if (const char* path = std::getenv("CIRRUS_REGISTRY"); path && *path) return path;
    return xdg_dir("XDG_DATA_HOME", ".local/share") / "cirrus" / "registry.db";
}

AppDataDirs app_data_dirs(std::string_view id) {
    return {xdg_dir("XDG_DATA_HOME", ".local/share") / "cirrus" / "app-data" / std::string(id),
            cache_home() / "cirrus" / "app-data" / std::string(id)};
}

std::filesystem::path cache_home() { return xdg_dir("XDG_CACHE_HOME", ".cache"); }

// --- Registry ----------------------------------------------------------------

Registry::Registry(Database database, std::optional<Recovery> recovery, Clock clock)
    : database_(std::move(database)), recovery_(std::move(recovery)), clock_(std::move(clock)) {}

namespace {

// flock() on the registry's folder while a damaged file is set aside and the
// registry rebuilt, so that two programs starting together (the shell and
// `cirrus install-bundled`) do it once: the second waits, then opens the
// rebuilt file. Without the lock (a folder we cannot open) we go on.
class FolderLock {
public:
    explicit FolderLock(const std::filesystem::path& folder)
        : fd_(::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
        if (fd_ < 0) return;
        while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {}
    }
    ~FolderLock() {
        if (fd_ >= 0) ::close(fd_);
    }
    FolderLock(const FolderLock&) = delete;
    FolderLock& operator=(const FolderLock&) = delete;

private:
    int fd_;
};

std::optional<std::pair<dev_t, ino_t>> file_identity(const std::filesystem::path& path) {
    struct stat status {};
    if (::stat(path.c_str(), &status) != 0) return std::nullopt;
    return std::pair(status.st_dev, status.st_ino);
}

// A registry file emptied to 0 bytes (and no -wal holding its pages): SQLite
// would take it for a new database, and every app would be gone.
bool emptied(const std::filesystem::path& path) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error) || std::filesystem::file_size(path, error) != 0 || error)
        return false;
    const std::filesystem::path wal = path.string() + "-wal";
    return !std::filesystem::exists(wal, error) || std::filesystem::file_size(wal, error) == 0;
}

// A file or folder that cannot be written: opened read-only instead.
bool is_unwritable(const SqliteError& error) {
    const int code = error.code();
    return code == SQLITE_READONLY || code == SQLITE_CANTOPEN || code == SQLITE_FULL || code == SQLITE_IOERR ||
           code == SQLITE_PERM;
}

void remove_database_files(const std::filesystem::path& path) {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix, ignored);
}

}  // namespace

Registry Registry::open(const std::filesystem::path& path) { return open(path, Options{}); }

Registry Registry::open(const std::filesystem::path& path, const Options& options) {
    std::error_code folder_error;  // a read-only folder that exists is fine
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), folder_error);
    OpenOptions open_options;
    open_options.check = options.check;
    open_options.check_tables = options.check_tables;
    const RebuildSources sources = options.rebuild_sources.value_or(default_rebuild_sources(path));
    const std::filesystem::path copies_dir = options.keep_copies ? sources.copies_dir : std::filesystem::path();

    const auto tried = file_identity(path);
    std::string problem;
    if (emptied(path) && has_rebuild_material(sources)) {
        problem = "the file is empty (0 bytes)";
    } else {
        try {
            Database database = Database::open(path, open_options);
            apply_migrations(database, options.migrations);
            Registry registry(std::move(database), std::nullopt, options.clock);
            registry.copies_dir_ = copies_dir;
            return registry;
        } catch (const SqliteError& error) {
            if (!error.is_corruption()) {
                if (!is_unwritable(error)) throw;
                if (!tried) {
                    // No registry, and none can be made: no app is installed,
                    // and the shell still draws an (empty) home screen.
                    Database database = Database::open(":memory:", open_options);
                    apply_migrations(database, options.migrations);
                    Registry registry(std::move(database), std::nullopt, options.clock);
                    registry.read_only_ = error.what();
                    return registry;
                }
                // The data folder is read-only or full: the apps stay
                // readable (the home screen is drawn); writes will throw.
                OpenOptions read_only = open_options;
                read_only.mode = OpenMode::read_only;
                std::optional<Database> database;
                try {
                    database.emplace(Database::open(path, read_only));
                } catch (const SqliteError&) {
                    // A WAL file whose -shm cannot be made: no writer can
                    // exist on a read-only disk, so nothing needs locking.
                    read_only.immutable = true;
                    database.emplace(Database::open(path, read_only));
                }
                Registry registry(std::move(*database), std::nullopt, options.clock);
                registry.read_only_ = error.what();
                return registry;
            }
            problem = error.what();
        }
    }

    FolderLock lock(path.parent_path());
    if (file_identity(path) != tried) {
        // Another program set the file aside and rebuilt it while we waited.
        Database database = Database::open(path, open_options);
        apply_migrations(database, options.migrations);
        Registry registry(std::move(database), std::nullopt, options.clock);
        registry.copies_dir_ = copies_dir;
        return registry;
    }
    Recovery recovery{move_database_aside(path), problem};
    return rebuild(path, options, open_options, sources, std::move(recovery));
}

Registry Registry::rebuild(const std::filesystem::path& path, const Options& options, const OpenOptions& open_options,
                           const RebuildSources& sources, Recovery recovery) {
    // Built aside and renamed into place whole: nobody opens a half-rebuilt
    // registry (which install-bundled would take for the truth).
    const std::filesystem::path building = path.string() + ".rebuilding";
    remove_database_files(building);
    RebuildReport report;
    {
        Database database = Database::open(building, open_options);
        apply_migrations(database, options.migrations);
        Registry fresh(std::move(database), std::nullopt, options.clock);
        fresh.copies_dir_ = options.keep_copies ? sources.copies_dir : std::filesystem::path();
        report = rebuild_registry(fresh, sources);
        fresh.database_.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    std::error_code ignored;
    std::filesystem::remove(building.string() + "-wal", ignored);
    std::filesystem::remove(building.string() + "-shm", ignored);
    std::filesystem::rename(building, path);
    Database database = Database::open(path, open_options);
    apply_migrations(database, options.migrations);
    Registry registry(std::move(database), std::move(recovery), options.clock);
    registry.copies_dir_ = options.keep_copies ? sources.copies_dir : std::filesystem::path();
    registry.rebuilt_ = std::move(report);
    return registry;
}

std::string Registry::recovery_message() const {
    if (!recovery_) return {};
    const std::string name = database_.path().filename().string();
    std::string text = database_.path().string() + " was damaged (" + recovery_->problem + "); set aside as " +
                       recovery_->moved_to.string();
    if (!rebuilt_) return text + "; a new, empty registry was started";
    const auto join = [](const std::vector<std::string>& items, const char* separator) {
        std::string joined;
        for (const std::string& item : items) joined += (joined.empty() ? "" : separator) + item;
        return joined;
    };
    text += "; rebuilt from the apps on disk: recovered " + std::to_string(rebuilt_->recovered.size()) +
            (rebuilt_->recovered.size() == 1 ? " app" : " apps");
    if (!rebuilt_->recovered.empty()) text += " (" + join(rebuilt_->recovered, ", ") + ")";
    if (!rebuilt_->partly.empty()) text += "; partly: " + join(rebuilt_->partly, "; ");
    text += "; could not recover: " +
            (rebuilt_->not_recovered.empty() ? std::string("nothing") : join(rebuilt_->not_recovered, "; "));
    text += "; launch counts and permission decisions were not recovered (" + name + " alone held them)";
    return text;
}

std::int64_t Registry::now() const { return clock_ ? clock_() : system_clock_ms(); }

bool Registry::exists(std::string_view id) const {
    Statement query = database_.prepare("SELECT 1 FROM apps WHERE id = ?1");
    query.bind(1, id);
    return query.step();
}

std::int64_t Registry::first_free_position() const {
    // The lowest slot that is 0 or just after a taken one, and not taken.
    Statement query = database_.prepare(
        "SELECT min(slot) FROM (SELECT 0 AS slot UNION ALL "
        "  SELECT home_position + 1 FROM apps WHERE home_position IS NOT NULL) "
        "WHERE slot NOT IN (SELECT home_position FROM apps WHERE home_position IS NOT NULL)");
    query.step();
    return query.column_int64(0);
}

AppRecord Registry::install(const AppRecord& app, std::span<const IconImage> icons) {
    if (app.id.empty()) throw RegistryError("an app needs an id to be installed");
    const std::int64_t time = now();
    Transaction transaction(database_);
    const bool update = exists(app.id);
    Statement write =
        database_.prepare(update ? "UPDATE apps SET name = :name, short_name = :short_name, start_url = :start_url, "
                                   "scope = :scope, display = :display, theme_color = :theme_color, "
                                   "background_color = :background_color, manifest_json = :manifest_json, "
                                   "source_kind = :source_kind, source = :source, package_dir = :package_dir, "
                                   "offline_ready = :offline_ready, updated_at = :now WHERE id = :id"
                                 : "INSERT INTO apps (id, name, short_name, start_url, scope, display, theme_color, "
                                   "background_color, manifest_json, source_kind, source, package_dir, offline_ready, "
                                   "installed_at, updated_at, home_position) VALUES (:id, :name, :short_name, "
                                   ":start_url, :scope, :display, :theme_color, :background_color, :manifest_json, "
                                   ":source_kind, :source, :package_dir, :offline_ready, :now, :now, :position)");
    write.bind(":id", app.id)
        .bind(":name", app.name)
        .bind(":short_name", app.short_name)
        .bind(":start_url", app.start_url)
        .bind(":scope", app.scope)
        .bind(":display", app.display)
        .bind(":theme_color", app.theme_color)
        .bind(":background_color", app.background_color)
        .bind(":manifest_json", app.manifest_json)
        .bind(":source_kind", to_string(app.source_kind))
        .bind(":source", app.source)
        .bind(":package_dir", app.package_dir)
        .bind(":offline_ready", app.offline_ready ? 1 : 0)
        .bind(":now", time);
    if (!update) write.bind(":position", first_free_position());
    write.run();
    replace_icons(app.id, icons);
    AppRecord stored = *get(app.id);
    // The copy goes with the row: an install that cannot write it fails
    // whole (the transaction rolls back), so every row has one.
    if (!copies_dir_.empty()) write_registry_copy(copies_dir_, stored, icons);
    transaction.commit();
    return stored;
}

void Registry::replace_icons(std::string_view id, std::span<const IconImage> icons) {
    Statement erase = database_.prepare("DELETE FROM icons WHERE app_id = ?1");
    erase.bind(1, id).run();
    Statement insert = database_.prepare("INSERT INTO icons (app_id, size, purpose, png) VALUES (?1, ?2, ?3, ?4)");
    for (const IconImage& icon : icons) {
        insert.bind(1, id).bind(2, icon.size).bind(3, to_string(icon.purpose)).bind_blob(4, icon.png);
        insert.run();
        insert.reset();
    }
}

std::optional<AppRecord> Registry::remove(std::string_view id) {
    Transaction transaction(database_);
    std::optional<AppRecord> removed = get(id);
    if (!removed) return std::nullopt;
    // Icons and permissions go with it (ON DELETE CASCADE).
    Statement erase = database_.prepare("DELETE FROM apps WHERE id = ?1");
    erase.bind(1, id).run();
    transaction.commit();
    if (!copies_dir_.empty()) remove_registry_copy(copies_dir_, removed->id);
    return removed;
}

std::optional<AppRecord> Registry::get(std::string_view id) const {
    Statement query = database_.prepare(std::string("SELECT ") + kAppColumns + " FROM apps WHERE id = ?1");
    query.bind(1, id);
    if (!query.step()) return std::nullopt;
    return read_app(query, database_.path());
}

std::vector<AppRecord> Registry::list() const {
    Statement query = database_.prepare(std::string("SELECT ") + kAppColumns +
                                        " FROM apps ORDER BY home_position IS NULL, home_position, name, id");
    std::vector<AppRecord> apps;
    while (query.step()) apps.push_back(read_app(query, database_.path()));
    return apps;
}

bool Registry::record_launch(std::string_view id) {
    Statement update =
        database_.prepare("UPDATE apps SET launch_count = launch_count + 1, last_launched_at = ?2 WHERE id = ?1");
    update.bind(1, id).bind(2, now()).run();
    return database_.changes() > 0;
}

void Registry::shift_positions(std::int64_t from, std::int64_t to, std::int64_t delta) {
    Statement park = database_.prepare(
        "UPDATE apps SET home_position = home_position + ?3 + ?4 WHERE home_position BETWEEN ?1 AND ?2");
    park.bind(1, from).bind(2, to).bind(3, delta).bind(4, kPositionParkingOffset).run();
    Statement land = database_.prepare("UPDATE apps SET home_position = home_position - ?1 WHERE home_position >= ?1");
    land.bind(1, kPositionParkingOffset).run();
}

void Registry::set_position(std::string_view id, std::int64_t position) {
    if (position < 0 || position > kMaxPosition)
        throw RegistryError("home position " + std::to_string(position) + " is out of range");
    Transaction transaction(database_);
    std::optional<AppRecord> app = get(id);
    if (!app) unknown_app(id);
    const std::optional<std::int64_t> old = app->home_position;
    if (old == position) return;  // nothing written: the transaction just ends

    Statement taken = database_.prepare("SELECT 1 FROM apps WHERE home_position = ?1");
    taken.bind(1, position);
    const bool occupied = taken.step();

    Statement place = database_.prepare("UPDATE apps SET home_position = ?2 WHERE id = ?1");
    place.bind(1, id).bind_null(2).run();  // vacate the old slot first
    if (occupied) {
        if (!old) {
            // Push the run of apps starting at `position` up into the next gap.
            Statement gap = database_.prepare(
                "SELECT min(slot) FROM (SELECT home_position + 1 AS slot FROM apps "
                "  WHERE home_position >= ?1) "
                "WHERE slot NOT IN (SELECT home_position FROM apps WHERE home_position IS NOT NULL)");
            gap.bind(1, position).step();
            shift_positions(position, gap.column_int64(0) - 1, +1);
        } else if (*old < position) {
            shift_positions(*old + 1, position, -1);
        } else {
            shift_positions(position, *old - 1, +1);
        }
    }
    place.reset();
    place.bind(1, id).bind(2, position).run();
    transaction.commit();
}

void Registry::set_offline_ready(std::string_view id, bool ready) {
    Statement update = database_.prepare("UPDATE apps SET offline_ready = ?2 WHERE id = ?1");
    update.bind(1, id).bind(2, ready ? 1 : 0).run();
    if (database_.changes() == 0) unknown_app(id);
}

std::optional<std::vector<std::uint8_t>> Registry::icon(std::string_view id, int size, IconPurpose purpose) const {
    Statement query = database_.prepare("SELECT png FROM icons WHERE app_id = ?1 AND size = ?2 AND purpose = ?3");
    query.bind(1, id).bind(2, size).bind(3, to_string(purpose));
    if (!query.step()) return std::nullopt;
    return query.column_blob(0);
}

std::optional<PermissionState> Registry::permission(std::string_view id, std::string_view permission) const {
    Statement query = database_.prepare("SELECT state FROM permissions WHERE app_id = ?1 AND permission = ?2");
    query.bind(1, id).bind(2, permission);
    if (!query.step()) return std::nullopt;
    return permission_state_from_string(query.column_text(0));
}

void Registry::set_permission(std::string_view id, std::string_view permission, PermissionState state) {
    // Checked here rather than left to the foreign key so that the error
    // names the app instead of "FOREIGN KEY constraint failed".
    Transaction transaction(database_);
    if (!exists(id)) unknown_app(id);
    Statement upsert = database_.prepare(
        "INSERT INTO permissions (app_id, permission, state, updated_at) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (app_id, permission) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at");
    upsert.bind(1, id).bind(2, permission).bind(3, to_string(state)).bind(4, now()).run();
    transaction.commit();
}

std::vector<PermissionEntry> Registry::permissions(std::string_view id) const {
    Statement query = database_.prepare(
        "SELECT permission, state, updated_at FROM permissions WHERE app_id = ?1 ORDER BY permission");
    query.bind(1, id);
    std::vector<PermissionEntry> entries;
    while (query.step()) {
        entries.push_back({query.column_text(0),
                           permission_state_from_string(query.column_text(1)).value_or(PermissionState::ask),
                           query.column_int64(2)});
    }
    return entries;
}

AppRecord record_from_manifest(const std::string& id, const Manifest& manifest) {
    AppRecord app;
    app.id = id;
    app.name = manifest.name.value_or(home_screen_label(manifest));
    app.short_name = manifest.short_name;
    app.start_url = manifest.start_url;
    app.scope = manifest.scope;
    app.display = std::string(to_string(manifest.display));
    if (manifest.theme_color) app.theme_color = to_hex(*manifest.theme_color);
    if (manifest.background_color) app.background_color = to_hex(*manifest.background_color);
    app.manifest_json = to_json(manifest).dump();
    return app;
}

}  // namespace cirrus::launcher
