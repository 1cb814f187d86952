// The app registry: one SQLite file listing the installed apps, their
// rasterised icons, home-screen positions and permission decisions. The
// processed manifest is kept whole as JSON text (its owner, manifest.hpp,
// reads it); the fields the shell needs to draw the home screen are copied
// into columns so that listing apps never parses JSON.
//
// Every write is one transaction: a crash at any moment leaves the previous
// state whole. Should the file be damaged (or emptied) anyway, open() sets it
// aside and rebuilds the registry from what is on disk: its copies of every
// row, the installed packages, the offline store (registry_rebuild.hpp);
// recovery() and rebuilt() say so, recovery_message() in words.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "icons.hpp"
#include "registry_rebuild.hpp"
#include "sqlite.hpp"

namespace cirrus::launcher {

enum class SourceKind { bundled, folder, zip, manifest_url, site };
std::string_view to_string(SourceKind kind);  // "bundled", "folder", "zip", "manifest-url", "site"
std::optional<SourceKind> source_kind_from_string(std::string_view text);

enum class PermissionState { granted, denied, ask };
std::string_view to_string(PermissionState state);
std::optional<PermissionState> permission_state_from_string(std::string_view text);

// One row of `apps`. Times are Unix milliseconds.
struct AppRecord {
    std::string id;
    std::string name;
    std::optional<std::string> short_name;
    std::string start_url;
    std::string scope;
    std::string display;
    std::optional<std::string> theme_color;
    std::optional<std::string> background_color;
    std::string manifest_json;  // the processed manifest, opaque here
    SourceKind source_kind = SourceKind::bundled;
    std::string source;          // where it came from: a path or URL
    std::string package_dir;     // where its files live
    bool offline_ready = false;  // its files are all in the offline cache
    // Kept by the registry (install() ignores what the caller passes):
    std::int64_t installed_at = 0;
    std::int64_t updated_at = 0;
    std::int64_t launch_count = 0;
    std::optional<std::int64_t> last_launched_at;
    std::optional<std::int64_t> home_position;  // 0-based slot; none: not on the home screen

    bool operator==(const AppRecord&) const = default;
};

struct Manifest;
// The record of app `id` as its processed manifest describes it (name, start
// page, scope, display, colours, the manifest itself); where it came from,
// its package and its place on the home screen are the caller's.
AppRecord record_from_manifest(const std::string& id, const Manifest& manifest);

// A registry that cannot be used as it is and is not damaged either (a
// schema newer than this program knows, a bad argument).
class RegistryError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct PermissionEntry {
    std::string permission;
    PermissionState state = PermissionState::ask;
    std::int64_t updated_at = 0;
};

// Schema changes, applied in order. Each runs in its own transaction with
// the user_version bump, so a file is always at exactly one version.
struct Migration {
    int version;  // the user_version after it: 1, 2, ...
    const char* sql;
};
std::span<const Migration> registry_migrations();
// Brings `database` up to the last migration. A file newer than the last
// known version is refused (an older Cirrus must not guess at its schema).
void apply_migrations(Database& database, std::span<const Migration> migrations);

// The registry every Cirrus program uses: $CIRRUS_REGISTRY when set (tests,
// developers), else $XDG_DATA_HOME/cirrus/registry.db or
// ~/.local/share/cirrus/registry.db.
std::filesystem::path default_registry_path();

// Where a running app keeps its website data (cookies, localStorage,
// IndexedDB) and its HTTP cache: <data>/cirrus/app-data/<id> and
// <cache>/cirrus/app-data/<id>, from XDG_DATA_HOME and XDG_CACHE_HOME or
// their ~/.local/share and ~/.cache defaults. The host writes there; removing
// the app deletes both.
struct AppDataDirs {
    std::filesystem::path data;
    std::filesystem::path cache;
};
AppDataDirs app_data_dirs(std::string_view id);
// The cache home app_data_dirs builds on: XDG_CACHE_HOME, or ~/.cache.
std::filesystem::path cache_home();

class Registry {
public:
    using Clock = std::function<std::int64_t()>;  // Unix ms
    struct Options {
        // Checked on open: the tables list() reads, not the icon blobs that
        // make up most of the file (see bench/registry_bench.cpp).
        OpenCheck check = OpenCheck::quick;
        std::vector<std::string> check_tables{"apps", "permissions"};
        Clock clock;  // default: the system clock
        std::span<const Migration> migrations = registry_migrations();
        // What a damaged registry is rebuilt from; none: default_rebuild_sources().
        std::optional<RebuildSources> rebuild_sources;
        // Keep a copy of each app's row beside the file (registry_copies.hpp).
        bool keep_copies = true;
    };

    // Creates the file (and its folder) if missing, migrates it, and sets a
    // damaged or emptied file aside for one rebuilt from what is on disk
    // (see recovery()). A file that cannot be written (a read-only or full
    // data folder) is opened read-only instead (see read_only()).
    static Registry open(const std::filesystem::path& path);
    static Registry open(const std::filesystem::path& path, const Options& options);

    // Set if open() found the file damaged and set it aside.
    const std::optional<Recovery>& recovery() const { return recovery_; }
    // What the rebuild that followed recovered, and what not.
    const std::optional<RebuildReport>& rebuilt() const { return rebuilt_; }
    // "registry.db was damaged (...); set aside as ...; recovered 5 apps (a,
    // b, ...); could not recover: ..."; empty when nothing happened.
    std::string recovery_message() const;
    // Opened read-only: the file or its folder cannot be written (why says
    // what SQLite said). Every write throws; reads work.
    bool read_only() const { return read_only_.has_value(); }
    const std::optional<std::string>& read_only_reason() const { return read_only_; }

    // Inserts or updates the app and replaces all its icons, together. A new
    // app takes the first free home position; an update keeps its position,
    // launch count, last launch, install time and permissions. Returns the
    // stored record.
    AppRecord install(const AppRecord& app, std::span<const IconImage> icons);
    // Deletes the app, its icons and permissions; returns what it was (for
    // the caller to delete its files), or nothing if it was not installed.
    std::optional<AppRecord> remove(std::string_view id);

    std::optional<AppRecord> get(std::string_view id) const;
    // Apps on the home screen by position, then the others by name.
    std::vector<AppRecord> list() const;

    // Counts a launch; false if no such app.
    bool record_launch(std::string_view id);
    // Moves the app to `position` (>= 0). The apps between its old and new
    // slot shift by one toward the old one (like dragging an icon); an app
    // coming from off the home screen pushes the ones at and after `position`
    // up to the next free slot. Throws std::out_of_range for an unknown app.
    void set_position(std::string_view id, std::int64_t position);
    void set_offline_ready(std::string_view id, bool ready);

    std::optional<std::vector<std::uint8_t>> icon(std::string_view id, int size, IconPurpose purpose) const;

    std::optional<PermissionState> permission(std::string_view id, std::string_view permission) const;
    // Throws std::out_of_range for an unknown app.
    void set_permission(std::string_view id, std::string_view permission, PermissionState state);
    std::vector<PermissionEntry> permissions(std::string_view id) const;

    Database& database() { return database_; }
    const Database& database() const { return database_; }

private:
    Registry(Database database, std::optional<Recovery> recovery, Clock clock);
    static Registry rebuild(const std::filesystem::path& path, const Options& options, const OpenOptions& open_options,
                            const RebuildSources& sources, Recovery recovery);
    std::int64_t now() const;
    bool exists(std::string_view id) const;
    std::int64_t first_free_position() const;
    void shift_positions(std::int64_t from, std::int64_t to, std::int64_t delta);
    void replace_icons(std::string_view id, std::span<const IconImage> icons);

    Database database_;
    std::optional<Recovery> recovery_;
    std::optional<RebuildReport> rebuilt_;
    std::optional<std::string> read_only_;
    std::filesystem::path copies_dir_;  // empty: no copies kept
    Clock clock_;
};

}  // namespace cirrus::launcher
