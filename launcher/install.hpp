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
#include <string>
#include <vector>

#include "manifest.hpp"
#include "registry.hpp"

namespace cirrus::launcher {

class InstallError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// What the terminal shows while an install runs: a step and, for downloads,
// bytes so far and the total when known (-1 otherwise).
struct InstallProgress {
    std::string step;
    long long done = 0;
    long long total = -1;
};
using ProgressFn = std::function<void(const InstallProgress&)>;

struct InstallResult {
    AppRecord app;
    bool updated = false;               // it was installed before
    std::vector<std::string> warnings;  // manifest members dropped, icons refused, ...
};

// Where installed packages live: $XDG_DATA_HOME/cirrus/apps (beside the registry).
std::filesystem::path default_apps_dir();

// The registry id of an app installed from `name` (a folder or zip name, or a
// host and path): lowercase letters, digits, '.', '_' and '-'.
std::string app_id_from_name(std::string_view name);

class Installer {
public:
    Installer(Registry& registry, std::filesystem::path apps_dir, ProgressFn progress = {});

    // A folder, a .zip, a manifest URL or a site URL (http/https).
    InstallResult install(const std::string& source);
    InstallResult install_package(const std::filesystem::path& path, SourceKind kind);
    InstallResult install_from_url(const std::string& url);

    // Installs every package folder under `dir` (the bundled apps) that is not
    // installed, or whose manifest changed; returns what it installed.
    std::vector<InstallResult> install_bundled(const std::filesystem::path& dir);

    // Removes the app's row, then its files and its website data. Nothing
    // when it was not installed.
    std::optional<AppRecord> remove(const std::string& id);

    // Removes folders under apps_dir that no registry row points at (what a
    // crash between the two steps of an install or removal leaves behind).
    std::vector<std::filesystem::path> collect_orphans();

private:
    InstallResult record(const std::string& id, const Manifest& manifest, SourceKind kind,
                         const std::string& source, const std::filesystem::path& package_dir,
                         const std::vector<IconImage>& icons, std::vector<std::string> warnings);
    void say(const std::string& step, long long done = 0, long long total = -1) const;

    Registry& registry_;
    std::filesystem::path apps_dir_;
    ProgressFn progress_;
};

}  // namespace cirrus::launcher
