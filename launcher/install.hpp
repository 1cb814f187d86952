// Installing, updating and removing apps: a package (folder or zip), a hosted
// manifest URL, or a plain site. It puts the pieces together: the package
// reader or the fetcher gets the bytes, manifest processing makes sense of
// them, icons are rasterised, and the registry records the result.
//
// Atomicity: a package's files go into a fresh folder of their own, the
// registry row (one transaction) then points at it, and only after that is
// the previous folder removed. A crash at any point leaves the previous app
// whole; the worst it leaves is an unreferenced folder, which
// collect_orphans() removes.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/manifest.hpp"
#include "package.hpp"
#include "precache.hpp"
#include "common/registry.hpp"

namespace cirrus::launcher {

class InstallError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// What the terminal shows while an install runs: a step and, for downloads,
// bytes so far and the total when known (-1 otherwise); while precaching,
// files done and files found so far ("precaching 3/12 /news/style.css").
struct InstallProgress {
    std::string step;
    long long done = 0;
    long long total = -1;
    bool counts_files = false;  // done/total are files (precaching), not bytes
};
using ProgressFn = std::function<void(const InstallProgress&)>;

struct InstallResult {
    AppRecord app;
    bool updated = false;               // it was installed before
    std::vector<std::string> warnings;  // manifest members dropped, icons refused, ...
    // A hosted app's offline copy, when the installer has an offline store:
    // app.offline_ready says whether it is whole, this what is missing.
    std::optional<PrecacheReport> precache;
};

// What installing a URL would do, found before anything is written: what
// the confirmation sheet of "Add to Home Screen" shows (the app's name,
// icon, origin and the id it gets; whether it is installed already; what it
// stores for offline use, as far as the plan can know), and what
// Installer::install_plan then records and precaches without fetching the
// page, manifest and icons again.
struct InstallPlan {
    std::string source;    // the URL asked for
    std::string page_url;  // where it led (after redirects)
    SourceKind kind = SourceKind::manifest_url;
    Manifest manifest;
    std::vector<IconImage> icons;
    std::map<std::string, FetchResult> prefetched;  // the icons, which the offline copy keeps too
    std::vector<std::string> warnings;
    std::string id;                  // the local id the app gets (app_identity.hpp)
    bool already_installed = false;  // `id` is this very app, installed before
    std::string origin;              // scheme://host[:port] of its start URL
    // What the offline copy will hold at least: the start page, the manifest
    // and the icons, in bytes, and the files found so far (those plus what
    // the start page loads, not yet fetched).
    std::uint64_t offline_bytes_known = 0;
    std::size_t offline_files = 0;
};

// The plan's largest icon (of the plain purpose if any) as PNG at `path`, for
// the install and update sheets: written beside it and renamed into place.
void write_plan_icon(const InstallPlan& plan, const std::filesystem::path& path);

// A package as installing it reads it, before an id is chosen: opened and
// checked against the package rules (package.hpp), its manifest found. A
// folder run in place (`cirrus dev`) without a manifest is taken as a site,
// its index.html making one. Throws InstallError with install's messages:
// `cirrus pack` refuses with these very words.
struct InstallablePackage {
    Package package;
    std::string manifest_path;  // relative; "index.html" for a site
    bool site = false;
    std::string name_id;  // the id its folder's or zip's name gives
    std::string source;   // its absolute path, as the registry records it
};
InstallablePackage open_installable(const std::filesystem::path& path, SourceKind kind, bool in_place = false);

// Its manifest processed as installed under `id` (app://<id>/ is its base).
ProcessedManifest process_package_manifest(const InstallablePackage& installable, const std::string& id);

// Everything else installing it under `id` checks, once the id is chosen:
// the manifest (an error refuses it), the start page is a file of the
// package, the icons are in it and can be drawn (else warnings and the
// initial as the icon). `progress` hears the steps.
struct CheckedPackage {
    Manifest manifest;
    std::vector<std::string> warnings;  // the manifest's (file:line:column), then the icons'
    std::vector<IconImage> icons;
};
CheckedPackage check_package(const InstallablePackage& installable, const std::string& id,
                             const ProgressFn& progress = {});

// Where installed packages live: $XDG_DATA_HOME/cirrus/apps (beside the registry).
std::filesystem::path default_apps_dir();

class Installer {
public:
    // With `offline_store` (the CLI passes offline::default_store_path(),
    // the file the web-app hosts open), hosted installs precache the app
    // into it (precache.hpp) and removals drop what it holds for the app.
    // Without one, a hosted app is installed without an offline copy (the
    // host keeps what it loads as it runs) and is not offline-ready.
    Installer(Registry& registry, std::filesystem::path apps_dir, ProgressFn progress = {},
              std::optional<std::filesystem::path> offline_store = std::nullopt);

    // A folder, a .zip, a manifest URL or a site URL (http/https).
    InstallResult install(const std::string& source);
    InstallResult install_package(const std::filesystem::path& path, SourceKind kind);
    // `cirrus dev`: a folder recorded where it is (no copy: the host serves
    // the developer's files, so an edit shows on the next load). Its
    // package_dir is its own source path, which marks it as not the
    // installer's: neither an update nor remove() deletes it. A folder
    // without a manifest is taken as a site: its index.html's title, icon
    // links and theme colour make one (`site` is then true).
    struct InPlace {
        InstallResult result;
        bool site = false;
    };
    InPlace install_in_place(const std::filesystem::path& folder);
    InstallResult install_from_url(const std::string& url);
    // install_from_url in two steps: the plan fetches and decides (nothing
    // written); install_plan records and precaches it.
    InstallPlan plan_from_url(const std::string& url);
    InstallResult install_plan(InstallPlan plan);

    // Installs every package folder under `dir` (the bundled apps) that is not
    // installed, or whose manifest changed; returns what it installed.
    std::vector<InstallResult> install_bundled(const std::filesystem::path& dir);

    // Removes the app's row, then its files, its website data and its
    // offline copy. Nothing when it was not installed.
    std::optional<AppRecord> remove(const std::string& id);

    // Removes folders under apps_dir that no registry row points at and that
    // belong to an installed app (an older copy left by a crash during an
    // update). Never while the registry was just rebuilt, and never a folder
    // of an app the registry does not know: that may be an app a damaged
    // registry lost, which a rebuild recovers.
    std::vector<std::filesystem::path> collect_orphans();

private:
    InstallResult install_package(const std::filesystem::path& path, SourceKind kind, bool in_place, bool* as_site);
    InstallResult record(const std::string& id, const Manifest& manifest, SourceKind kind, const std::string& source,
                         const std::filesystem::path& package_dir, const std::vector<IconImage>& icons,
                         std::vector<std::string> warnings);
    void say(const std::string& step, long long done = 0, long long total = -1) const;
    // No website data and no package folder is left under `id` (an app
    // given it would inherit them).
    bool leaves_nothing_behind(const std::string& id) const;
    // Precaches a hosted app just recorded, and records whether it is offline-ready.
    void precache(InstallResult& result, const Manifest& manifest, std::map<std::string, FetchResult> prefetched);

    Registry& registry_;
    std::filesystem::path apps_dir_;
    ProgressFn progress_;
    std::optional<std::filesystem::path> offline_store_;
};

}  // namespace cirrus::launcher
