#include "registry_rebuild.hpp"
#include "file_text.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <system_error>

#include <nlohmann/json.hpp>

#include "manifest.hpp"
#include "registry.hpp"
#include "registry_copies.hpp"
#include "sqlite.hpp"
#include "url.hpp"

namespace cirrus::launcher {
namespace {

constexpr std::string_view kPackagedScheme = "app://";

std::string read_text(const std::filesystem::path& path) { return read_file_text(path).value_or(std::string()); }

std::optional<std::uint32_t> rgb_of(const std::optional<Rgba>& colour) {
    if (!colour) return std::nullopt;
    return (std::uint32_t{colour->r} << 16) | (std::uint32_t{colour->g} << 8) | colour->b;
}

// The newest installed folder of each app under apps_dir (the install time
// is the folder name's suffix); older ones are left alone.
std::map<std::string, std::filesystem::path> newest_package_folders(const std::filesystem::path& apps_dir) {
    std::map<std::string, std::pair<long long, std::filesystem::path>> newest;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(apps_dir, error)) {
        if (!entry.is_directory(error)) continue;
        const std::string name = entry.path().filename().string();
        const std::string id = package_folder_app_id(name);
        if (id.empty()) continue;
        const long long stamp = std::atoll(name.c_str() + id.size() + 1);
        auto [it, added] = newest.try_emplace(id, stamp, entry.path());
        if (!added && stamp > it->second.first) it->second = {stamp, entry.path()};
    }
    std::map<std::string, std::filesystem::path> folders;
    for (auto& [id, found] : newest) folders.emplace(id, std::move(found.second));
    return folders;
}

// An app record made again from a package folder's own manifest, as the
// installer made it (its start page, its icons rasterised again).
struct Remade {
    AppRecord app;
    std::vector<IconImage> icons;
};

std::optional<Remade> remake_from_package(const std::string& id, const std::filesystem::path& folder,
                                          std::string& problem) {
    std::string manifest_name;
    for (const char* candidate : {"manifest.webmanifest", "manifest.json"}) {
        if (std::filesystem::is_regular_file(folder / candidate)) {
            manifest_name = candidate;
            break;
        }
    }
    if (manifest_name.empty()) {
        problem = "no manifest.webmanifest or manifest.json in it";
        return std::nullopt;
    }
    const std::string base = std::string(kPackagedScheme) + id + "/";
    const std::string document = base + (std::filesystem::exists(folder / "index.html") ? "index.html" : "");
    ProcessedManifest processed = process_manifest(read_text(folder / manifest_name), base + manifest_name, document);
    if (!processed) {
        problem = processed.error->text();
        return std::nullopt;
    }
    const Manifest& manifest = *processed.manifest;
    std::vector<std::vector<std::uint8_t>> bytes;
    bytes.reserve(manifest.icons.size());
    std::vector<IconSource> sources;
    for (const ImageResource& icon : manifest.icons) {
        const std::string relative = icon.src.starts_with(base) ? icon.src.substr(base.size()) : "";
        if (relative.empty() || relative.find("..") != std::string::npos ||
            !std::filesystem::is_regular_file(folder / relative))
            continue;
        const std::string text = read_text(folder / relative);
        bytes.emplace_back(text.begin(), text.end());
        for (IconPurpose purpose : icon.purpose.members())
            sources.push_back({bytes.back(), icon.type, purpose, icon.src});
    }
    Remade remade;
    remade.icons = rasterise_icons(sources).images;
    if (remade.icons.empty())
        remade.icons = fallback_icons(home_screen_label(manifest), rgb_of(manifest.background_color));
    remade.app = record_from_manifest(id, manifest);
    AppRecord& app = remade.app;
    // Where it was installed from is not in the folder: the folder itself
    // stands for it (an update from the original source replaces it).
    app.source_kind = SourceKind::folder;
    app.source = folder.string();
    app.package_dir = folder.string();
    app.offline_ready = true;
    return remade;
}

// A hosted app as far as the offline store knows it: its id and its precache
// list, whose first URL is the start page.
std::map<std::string, std::string> offline_store_start_urls(const std::filesystem::path& store, std::string& problem) {
    std::map<std::string, std::string> start_urls;
    std::error_code error;
    if (store.empty() || !std::filesystem::exists(store, error)) return start_urls;
    try {
        OpenOptions options;
        options.mode = OpenMode::read_only;
        options.check = OpenCheck::header;
        Database database = Database::open(store, options);
        Statement query = database.prepare(
            "SELECT app_id, url FROM precache p WHERE position = "
            "(SELECT min(position) FROM precache WHERE app_id = p.app_id)");
        while (query.step()) start_urls.emplace(query.column_text(0), query.column_text(1));
    } catch (const std::exception& e) {
        problem = e.what();
    }
    return start_urls;
}

std::optional<Remade> remake_from_start_url(const std::string& id, const std::string& start_url) {
    const std::string name = url_origin(start_url).value_or(start_url);
    const nlohmann::json synthesised = {{"name", name}, {"start_url", start_url}, {"display", "standalone"}};
    ProcessedManifest processed = process_manifest(synthesised.dump(), start_url, start_url);
    if (!processed) return std::nullopt;
    const Manifest& manifest = *processed.manifest;
    Remade remade;
    remade.icons = fallback_icons(home_screen_label(manifest), std::nullopt);
    AppRecord& app = remade.app;
    app.id = id;
    app.name = name;
    app.start_url = manifest.start_url;
    app.scope = manifest.scope;
    app.display = std::string(to_string(manifest.display));
    app.manifest_json = to_json(manifest).dump();
    app.source_kind = SourceKind::site;
    app.source = start_url;
    app.offline_ready = false;  // `cirrus info` asks the store
    return remade;
}

}  // namespace

std::string package_folder_app_id(const std::string& folder_name) {
    const auto dash = folder_name.rfind('-');
    if (dash == std::string::npos || dash == 0 || dash + 1 == folder_name.size()) return {};
    for (std::size_t i = dash + 1; i < folder_name.size(); ++i) {
        if (folder_name[i] < '0' || folder_name[i] > '9') return {};
    }
    return folder_name.substr(0, dash);
}

RebuildSources default_rebuild_sources(const std::filesystem::path& registry_path) {
    RebuildSources sources;
    sources.copies_dir = registry_copies_dir(registry_path);
    const std::filesystem::path beside = registry_path.parent_path();
    const char* apps = std::getenv("CIRRUS_APPS_DIR");
    sources.apps_dir = apps && *apps ? std::filesystem::path(apps) : beside / "apps";
    const char* store = std::getenv("CIRRUS_OFFLINE_STORE");
    sources.offline_store = store && *store ? std::filesystem::path(store) : beside / "offline.sqlite";
    try {
        const std::filesystem::path data = app_data_dirs("x").data.parent_path();
        if (data == beside / "app-data") sources.app_data_dir = data;
    } catch (const std::exception&) {}
    return sources;
}

bool has_rebuild_material(const RebuildSources& sources) {
    std::error_code error;
    for (const auto& dir : {sources.copies_dir, sources.apps_dir}) {
        if (std::filesystem::is_directory(dir, error) && !std::filesystem::is_empty(dir, error)) return true;
    }
    return false;
}

RebuildReport rebuild_registry(Registry& registry, const RebuildSources& sources) {
    RebuildReport report;
    std::set<std::string> done;
    const auto folders = newest_package_folders(sources.apps_dir);

    // 1. The registry's own copies, in their home-screen order.
    std::vector<RegistryCopy> copies;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(sources.copies_dir, error)) {
        const std::string name = entry.path().filename().string();
        if (!entry.is_directory(error) || name.ends_with(".new") || name.ends_with(".old")) continue;
        std::string problem;
        if (auto copy = read_registry_copy(entry.path(), problem)) copies.push_back(std::move(*copy));
        else report.not_recovered.push_back(name + ": its copy is unreadable (" + problem + ")");
    }
    std::sort(copies.begin(), copies.end(), [](const RegistryCopy& a, const RegistryCopy& b) {
        return std::pair(!a.app.home_position, a.app.home_position.value_or(0)) <
               std::pair(!b.app.home_position, b.app.home_position.value_or(0));
    });
    for (RegistryCopy& copy : copies) {
        AppRecord& app = copy.app;
        if (!app.package_dir.empty() && !std::filesystem::is_directory(app.package_dir, error)) {
            const auto newest = folders.find(app.id);
            if (newest == folders.end()) {
                report.not_recovered.push_back(app.id + ": its package folder " + app.package_dir + " is gone");
                continue;
            }
            app.package_dir = newest->second.string();
        }
        try {
            registry.install(app, copy.icons);
            done.insert(app.id);
        } catch (const std::exception& e) {
            report.not_recovered.push_back(app.id + ": " + e.what());
        }
    }

    // 2. Package folders no copy named (installed before copies were kept).
    for (const auto& [id, folder] : folders) {
        if (done.count(id)) continue;
        std::string problem;
        auto remade = remake_from_package(id, folder, problem);
        if (!remade) {
            report.not_recovered.push_back("package " + folder.string() + ": " + problem + " (left as it is)");
            continue;
        }
        try {
            registry.install(remade->app, remade->icons);
            done.insert(id);
            report.partly.push_back(id +
                                    ": made again from its package's manifest (where it was installed "
                                    "from is not known)");
        } catch (const std::exception& e) {
            report.not_recovered.push_back(id + ": " + e.what());
        }
    }

    // 3. Hosted apps the offline store still holds.
    std::string store_problem;
    for (const auto& [id, start_url] : offline_store_start_urls(sources.offline_store, store_problem)) {
        if (done.count(id)) continue;
        auto remade = remake_from_start_url(id, start_url);
        if (!remade) {
            report.not_recovered.push_back(id + ": the offline store's start URL " + start_url + " is not usable");
            continue;
        }
        try {
            registry.install(remade->app, remade->icons);
            done.insert(id);
            report.partly.push_back(id +
                                    ": from the offline store only (its name, icon and manifest are lost; "
                                    "`cirrus install " +
                                    start_url + "` restores them)");
        } catch (const std::exception& e) {
            report.not_recovered.push_back(id + ": " + e.what());
        }
    }
    if (!store_problem.empty())
        report.not_recovered.push_back("hosted apps without a copy: the offline store is unreadable (" + store_problem +
                                       ")");

    for (const AppRecord& app : registry.list()) report.recovered.push_back(app.id);
    // Website data whose app is gone: kept (never deleted here), and named.
    for (const auto& entry : std::filesystem::directory_iterator(sources.app_data_dir, error)) {
        const std::string id = entry.path().filename().string();
        if (!done.count(id))
            report.not_recovered.push_back(id + ": no app found, its website data is kept in " + entry.path().string());
    }
    return report;
}

}  // namespace cirrus::launcher
