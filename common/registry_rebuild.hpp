// Rebuilding the app registry from what is on disk, for when registry.db was
// damaged or emptied: the registry must be recovered, not reset, or every
// installed app would vanish from the home screen (and the next orphan sweep
// would delete their packages).
//
// What is on disk, best first:
//  1. the registry's own copy of every row (registry_copies.hpp): the whole
//     record and its rasterised icons, written with each install;
//  2. the installed packages (the apps/ folder beside the registry): each
//     keeps its manifest, from which the record and icons are made again;
//  3. the offline store's precache lists (hosted apps): the app's id and its
//     start URL (the first URL of its list); name, icon and manifest members
//     are lost, and a reinstall restores them.
// Launch counts and permission decisions live only in registry.db: they are
// not recovered (permissions fall back to "ask"/denied).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace cirrus::launcher {

class Registry;

struct RebuildSources {
    std::filesystem::path copies_dir;     // registry_copies_dir(registry path)
    std::filesystem::path apps_dir;       // where packages are installed
    std::filesystem::path offline_store;  // the hosted apps' offline store (read only)
    // Where the apps' website data lives (app_data_dirs()' parent), when it
    // belongs with this registry: data left without an app is named.
    std::filesystem::path app_data_dir;
};

// Where a registry at `registry_path` finds its sources: its copies, the
// apps/ folder beside it (or $CIRRUS_APPS_DIR) and the offline store
// ($CIRRUS_OFFLINE_STORE, else beside the registry).
RebuildSources default_rebuild_sources(const std::filesystem::path& registry_path);

// True if any source has something in it: an empty registry file is then a
// damaged one, not a first start.
bool has_rebuild_material(const RebuildSources& sources);

struct RebuildReport {
    std::vector<std::string> recovered;      // app ids, in home-screen order
    std::vector<std::string> partly;         // "id: what is missing" (recovered, but not whole)
    std::vector<std::string> not_recovered;  // "what: why" (apps and data left without an app)
};

// Installs into `registry` (a fresh, empty one) every app the sources hold.
// Never throws for one bad source: it goes into not_recovered.
RebuildReport rebuild_registry(Registry& registry, const RebuildSources& sources);

// The app id a package folder belongs to: its name without the "-<install
// time>" suffix ("notes-1764000000000" -> "notes"); empty when the name has
// no such suffix (not a folder the installer made).
std::string package_folder_app_id(const std::string& folder_name);

}  // namespace cirrus::launcher
