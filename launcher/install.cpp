#include "install.hpp"

#include <nlohmann/json.hpp>
#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>

#include "app_identity.hpp"
#include "fetch.hpp"
#include "common/app_id.hpp"
#include "common/icons.hpp"
#include "common/offline_store.hpp"
#include "common/store_path.hpp"
#include "common/write_queue.hpp"
#include "package.hpp"
#include "site.hpp"
#include "common/url.hpp"

namespace cirrus::launcher {

namespace {

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

bool is_http_url(std::string_view text) { return text.starts_with("http://") || text.starts_with("https://"); }

std::optional<std::uint32_t> rgb_of(const std::optional<Rgba>& colour) {
    if (!colour) return std::nullopt;
    return (std::uint32_t{colour->r} << 16) | (std::uint32_t{colour->g} << 8) | colour->b;
}

std::vector<std::uint8_t> bytes_of(const std::string& text) { return {text.begin(), text.end()}; }

// Every purpose an icon declares becomes its own source: a "any maskable"
// icon feeds both the plain and the masked rendering.
void add_icon_sources(const ImageResource& icon, const std::vector<std::uint8_t>& bytes,
                      std::vector<IconSource>& sources) {
    for (IconPurpose purpose : icon.purpose.members()) {
        sources.push_back({bytes, icon.type, purpose, icon.src});
    }
}

std::vector<IconImage> rasterise_or_fallback(const Manifest& manifest, const std::vector<IconSource>& sources,
                                             std::vector<std::string>& warnings) {
    RasterisedIcons icons = rasterise_icons(sources);
    for (auto& problem : icons.problems) warnings.push_back("icon: " + problem);
    if (!icons.images.empty()) return std::move(icons.images);
    warnings.push_back("no usable icon: the home screen draws the app's initial instead");
    return fallback_icons(home_screen_label(manifest), rgb_of(manifest.background_color));
}

FetchOptions fetch_options(const ProgressFn& progress, const std::string& label) {
    FetchOptions options;
    if (progress) {
        options.on_progress = [progress, label](std::uint64_t received, std::optional<std::uint64_t> total) {
            progress({label, static_cast<long long>(received), total ? static_cast<long long>(*total) : -1});
        };
    }
    return options;
}

// Bundled apps are small: comparing their bytes is cheaper and surer than
// trusting modification times.
bool same_files(const std::filesystem::path& a, const std::filesystem::path& b) {
    try {
        const Package left = open_package(a);
        const Package right = open_package(b);
        if (left.files().size() != right.files().size()) return false;
        for (std::size_t i = 0; i < left.files().size(); ++i) {
            const PackageFile& file = left.files()[i];
            if (file.path != right.files()[i].path || file.size != right.files()[i].size) return false;
            if (left.read(file.path) != right.read(file.path)) return false;
        }
        return true;
    } catch (const PackageError&) {
        return false;  // an unreadable installed copy is reinstalled
    }
}

bool looks_like_manifest(const FetchResult& result) {
    const std::string& type = result.content_type;
    return type == "application/manifest+json" || type == "application/json" ||
           result.final_url.ends_with(".webmanifest") || result.final_url.ends_with(".json");
}

bool is_html(const FetchResult& result) {
    return result.content_type == "text/html" || result.content_type == "application/xhtml+xml";
}

// A folder run in place (install_in_place): the developer's own files.
bool is_in_place(const AppRecord& app) { return !app.package_dir.empty() && app.package_dir == app.source; }

// What a browser's "add to home screen" takes from a page without a
// manifest, built as a manifest so that the rest is one path.
nlohmann::json site_manifest(const SiteInfo& site, const std::string& start_url) {
    nlohmann::json synthesised = {{"start_url", start_url}, {"display", "minimal-ui"}};
    const std::string name = site.application_name.value_or(site.title);
    if (!name.empty()) synthesised["name"] = name;
    if (site.theme_color) synthesised["theme_color"] = *site.theme_color;
    if (site.lang) synthesised["lang"] = *site.lang;
    nlohmann::json icons = nlohmann::json::array();
    for (const SiteIcon& icon : site.icons) {
        nlohmann::json entry = {{"src", icon.url}};
        if (!icon.sizes.empty()) entry["sizes"] = icon.sizes;
        if (!icon.type.empty()) entry["type"] = icon.type;
        icons.push_back(entry);
    }
    synthesised["icons"] = icons;
    return synthesised;
}

}  // namespace

namespace {

// A manifest's diagnostic naming the package's file, as the developer has it.
std::string manifest_diagnostic_text(const InstallablePackage& installable, ManifestDiagnostic diagnostic) {
    diagnostic.file = (installable.package.source() / installable.manifest_path).string();
    return diagnostic.text();
}

}  // namespace

InstallablePackage open_installable(const std::filesystem::path& path, SourceKind kind, bool in_place) {
    Package package = [&] {
        try {
            return open_package(path);
        } catch (const PackageError& e) {
            throw InstallError(e.what());
        }
    }();
    std::optional<std::string> manifest_path = package.find_manifest();
    // A folder in place without a manifest: a site, its manifest made from its index.html.
    const bool site = in_place && !manifest_path && package.contains("index.html");
    if (site) manifest_path = "index.html";
    if (!manifest_path) {
        throw InstallError(package.name() +
                           ": no manifest.webmanifest or manifest.json at the package root "
                           "(add one; manifests/notes is an example)");
    }
    std::string stem = path.filename().string();
    if (kind == SourceKind::zip && stem.ends_with(".zip")) stem.resize(stem.size() - 4);
    if (path.filename().empty()) stem = path.parent_path().filename().string();  // "dir/"
    return {std::move(package), *manifest_path, site, app_id_from_name(stem), std::filesystem::absolute(path).string()};
}

ProcessedManifest process_package_manifest(const InstallablePackage& installable, const std::string& id) {
    const Package& package = installable.package;
    const std::string base = package_base_url(id);
    const std::string document = base + (package.contains("index.html") ? "index.html" : "");
    if (installable.site) {
        ProcessedManifest processed = process_manifest(
            site_manifest(parse_site(package.read("index.html"), document), document).dump(), document, document);
        if (processed && !processed.manifest->name) processed.manifest->name = installable.name_id;
        return processed;
    }
    return process_manifest(package.read(installable.manifest_path), base + installable.manifest_path, document);
}

CheckedPackage check_package(const InstallablePackage& installable, const std::string& id, const ProgressFn& progress) {
    const Package& package = installable.package;
    ProcessedManifest processed = process_package_manifest(installable, id);
    if (!processed) throw InstallError(manifest_diagnostic_text(installable, *processed.error));
    const std::string base = package_base_url(id);
    CheckedPackage checked;
    std::vector<std::string>& warnings = checked.warnings;
    for (const auto& w : processed.warnings) warnings.push_back(manifest_diagnostic_text(installable, w));
    checked.manifest = std::move(*processed.manifest);
    const Manifest& manifest = checked.manifest;

    // The start page must be a file of the package (a directory URL means its index.html).
    std::string start_path = manifest.start_url.starts_with(base) ? manifest.start_url.substr(base.size()) : "";
    start_path = start_path.substr(0, start_path.find_first_of("?#"));
    if (start_path.empty() || start_path.ends_with("/")) start_path += "index.html";
    if (!manifest.start_url.starts_with(base) || !package.contains(start_path)) {
        throw InstallError(manifest_diagnostic_text(
            installable,
            {"", 0, 0, "start_url",
             "'" + manifest.start_url + "' is not a page of the package (" + start_path + " is missing)"}));
    }

    if (progress) progress({"rasterising icons"});
    std::vector<IconSource> sources;
    std::vector<std::vector<std::uint8_t>> icon_bytes;  // owns what the sources point at
    icon_bytes.reserve(manifest.icons.size());
    for (const ImageResource& icon : manifest.icons) {
        const std::string relative = icon.src.starts_with(base) ? icon.src.substr(base.size()) : "";
        if (relative.empty() || !package.contains(relative)) {
            warnings.push_back("icon " + icon.src + " is not in the package; skipped");
            continue;
        }
        icon_bytes.push_back(bytes_of(package.read(relative)));
        add_icon_sources(icon, icon_bytes.back(), sources);
    }
    checked.icons = rasterise_or_fallback(manifest, sources, warnings);
    return checked;
}

std::filesystem::path default_apps_dir() { return default_registry_path().parent_path() / "apps"; }

Installer::Installer(Registry& registry, std::filesystem::path apps_dir, ProgressFn progress,
                     std::optional<std::filesystem::path> offline_store)
    : registry_(registry),
      apps_dir_(std::move(apps_dir)),
      progress_(std::move(progress)),
      offline_store_(std::move(offline_store)) {}

void Installer::say(const std::string& step, long long done, long long total) const {
    if (progress_) progress_({step, done, total});
}

bool Installer::leaves_nothing_behind(const std::string& id) const {
    std::error_code ec;
    const AppDataDirs data = app_data_dirs(id);
    if (std::filesystem::exists(data.data, ec) || std::filesystem::exists(data.cache, ec)) return false;
    for (const auto& entry : std::filesystem::directory_iterator(apps_dir_, ec)) {
        if (package_folder_app_id(entry.path().filename().string()) == id) return false;
    }
    return true;
}

InstallResult Installer::install(const std::string& source) {
    if (is_http_url(source)) return install_from_url(source);
    const std::filesystem::path path(source);
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) return install_package(path, SourceKind::folder);
    if (std::filesystem::is_regular_file(path, ec)) return install_package(path, SourceKind::zip);
    throw InstallError(source + ": not a folder, a .zip file or an http(s) URL (nothing there?)");
}

InstallResult Installer::install_package(const std::filesystem::path& path, SourceKind kind) {
    return install_package(path, kind, false, nullptr);
}

Installer::InPlace Installer::install_in_place(const std::filesystem::path& folder) {
    std::error_code ec;
    const std::filesystem::path canonical = std::filesystem::canonical(folder, ec);
    if (ec || !std::filesystem::is_directory(canonical, ec))
        throw InstallError(folder.string() + ": not a folder (cirrus dev runs an app from its folder, or a URL)");
    InPlace in_place;
    in_place.result = install_package(canonical, SourceKind::folder, true, &in_place.site);
    return in_place;
}

InstallResult Installer::install_package(const std::filesystem::path& path, SourceKind kind, bool in_place,
                                         bool* as_site) {
    say("reading " + path.string());
    const InstallablePackage installable = open_installable(path, kind, in_place);
    if (as_site) *as_site = installable.site;
    const Package& package = installable.package;
    const std::string& name_id = installable.name_id;
    const std::string& source = installable.source;
    // A package's pages are served from app://<id>/, which makes the app its
    // own origin: it shares storage with nobody. The manifest is processed
    // against the id the name gives, then again should the app turn out to
    // be another than the one installed under that id (app_identity.hpp).
    const ProcessedManifest processed = process_package_manifest(installable, name_id);
    if (!processed) throw InstallError(manifest_diagnostic_text(installable, *processed.error));
    const PackagedIdentity identity{processed.manifest->name.value_or(home_screen_label(*processed.manifest)), source,
                                    kind, declared_package_id(*processed.manifest, name_id)};
    const IdChoice choice = [&] {
        // A folder run in place is its folder: a renamed app is still the same one.
        if (in_place) {
            for (const AppRecord& app : registry_.list()) {
                if (is_in_place(app) && app.source == source) return IdChoice{app.id, true, std::nullopt};
            }
        }
        try {
            return choose_package_id(registry_.list(), name_id, identity,
                                     [this](const std::string& id) { return leaves_nothing_behind(id); });
        } catch (const std::runtime_error& e) {
            throw InstallError(package.name() + ": " + e.what());
        }
    }();
    const std::string& id = choice.id;
    CheckedPackage checked = check_package(installable, id, progress_);
    const Manifest& manifest = checked.manifest;
    const std::vector<IconImage>& icons = checked.icons;
    std::vector<std::string> warnings;
    if (choice.beside) warnings.push_back(*choice.beside);
    warnings.insert(warnings.end(), checked.warnings.begin(), checked.warnings.end());

    if (in_place) return record(id, manifest, SourceKind::folder, source, source, icons, std::move(warnings));
    // A new folder for every install, so the previous one stays whole until
    // the registry points elsewhere.
    const std::filesystem::path package_dir = apps_dir_ / (id + "-" + std::to_string(now_ms()));
    say("copying files");
    try {
        std::filesystem::create_directories(apps_dir_);
        package.extract_to(package_dir);
    } catch (const PackageError& e) {
        throw InstallError(e.what());
    } catch (const std::filesystem::filesystem_error& e) {
        std::string fix;
        if (e.code() == std::errc::no_space_on_device || e.code() == std::errc::read_only_file_system)
            fix =
                " (the disk is full or read-only: free space on it or make it writable, then install again; "
                "the installed apps are untouched)";
        std::error_code ignored;
        std::filesystem::remove_all(package_dir, ignored);  // what was copied before the disk filled up
        throw InstallError(apps_dir_.string() + ": " + e.what() + fix);
    }
    return record(id, manifest, kind, source, package_dir, icons, std::move(warnings));
}

InstallResult Installer::install_from_url(const std::string& url) { return install_plan(plan_from_url(url)); }

InstallPlan Installer::plan_from_url(const std::string& url) {
    say("fetching " + url);
    FetchResult page;
    try {
        page = fetch(url, fetch_options(progress_, "downloading " + url));
    } catch (const FetchError& e) {
        throw InstallError(e.what());
    }

    std::vector<std::string> warnings;
    std::optional<Manifest> manifest;
    SourceKind kind = SourceKind::manifest_url;
    if (looks_like_manifest(page)) {
        // A manifest URL on its own: there is no document, so its start_url
        // must say where the app starts (the manifest is no page to start at).
        ProcessedManifest processed = process_manifest(page.body, page.final_url, "");
        if (!processed) throw InstallError(processed.error->text());
        for (const auto& w : processed.warnings) warnings.push_back(w.text());
        manifest = std::move(processed.manifest);
    } else {
        const SiteInfo site = parse_site(page.body, page.final_url, {.encoding = page.charset});
        if (site.manifest_url) {
            say("fetching " + *site.manifest_url);
            FetchResult fetched;
            try {
                fetched = fetch(*site.manifest_url, fetch_options(progress_, "downloading manifest"));
            } catch (const FetchError& e) {
                throw InstallError(std::string(e.what()) + " (linked from " + page.final_url + ")");
            }
            ProcessedManifest processed = process_manifest(fetched.body, fetched.final_url, page.final_url);
            if (!processed) throw InstallError(processed.error->text());
            for (const auto& w : processed.warnings) warnings.push_back(w.text());
            manifest = std::move(processed.manifest);
        } else {
            // No manifest: what the page itself says (site_manifest).
            kind = SourceKind::site;
            ProcessedManifest processed =
                process_manifest(site_manifest(site, page.final_url).dump(), page.final_url, page.final_url);
            if (!processed) throw InstallError(processed.error->text());
            for (const auto& w : processed.warnings) warnings.push_back(w.text());
            manifest = std::move(processed.manifest);
            if (!manifest->name) manifest->name = url_origin(page.final_url).value_or(page.final_url);
        }
    }

    std::vector<IconSource> sources;
    std::vector<std::vector<std::uint8_t>> icon_bytes;
    icon_bytes.reserve(manifest->icons.size());
    std::map<std::string, FetchResult> prefetched;  // the icons, which the offline copy keeps too
    for (const ImageResource& icon : manifest->icons) {
        try {
            FetchResult fetched = fetch(icon.src, fetch_options(progress_, "downloading icon"));
            icon_bytes.push_back(bytes_of(fetched.body));
            add_icon_sources(icon, icon_bytes.back(), sources);
            if (auto key = request_url(icon.src)) prefetched.emplace(*key, std::move(fetched));
        } catch (const FetchError& e) {
            warnings.push_back(std::string("icon: ") + e.what());
        }
    }
    say("rasterising icons");
    const std::vector<IconImage> icons = rasterise_or_fallback(*manifest, sources, warnings);

    // The id is made from the host and path (as it always was), and spelled
    // with the scheme and port when another app holds that one: the same
    // host on two ports or two schemes is two origins, so two apps.
    const auto parts = parse_url(manifest->id);
    const std::string name_id = app_id_from_name(parts ? parts->host + parts->path : manifest->id);
    const std::string origin_id =
        parts ? app_id_from_name(parts->scheme + "-" + parts->host +
                                 (parts->port > 0 ? "-" + std::to_string(parts->port) : "") + parts->path)
              : name_id + "-origin";
    const IdChoice choice = [&] {
        try {
            return choose_hosted_id(registry_.list(), name_id, origin_id, manifest->id, manifest->start_url,
                                    [this](const std::string& id) { return leaves_nothing_behind(id); });
        } catch (const std::runtime_error& e) {
            throw InstallError(url + ": " + e.what());
        }
    }();
    if (choice.beside) warnings.insert(warnings.begin(), *choice.beside);

    InstallPlan plan;
    plan.source = url;
    plan.page_url = page.final_url;
    plan.kind = kind;
    plan.id = choice.id;
    plan.already_installed = choice.update;
    plan.origin = url_origin(manifest->start_url).value_or(manifest->start_url);
    plan.offline_bytes_known = page.body.size();
    plan.offline_files = 1;
    for (const auto& [key, icon] : prefetched) {
        plan.offline_bytes_known += icon.body.size();
        ++plan.offline_files;
    }
    if (is_html(page)) {
        // What the start page loads from its own origin: fetched by the
        // precache, counted here.
        for (const std::string& sub : page_subresources(page.body, page.final_url, {.encoding = page.charset})) {
            if (url_origin(sub) == url_origin(page.final_url) && !prefetched.count(sub)) ++plan.offline_files;
        }
    }
    plan.manifest = std::move(*manifest);
    plan.icons = icons;
    plan.prefetched = std::move(prefetched);
    plan.warnings = std::move(warnings);
    return plan;
}

InstallResult Installer::install_plan(InstallPlan plan) {
    // Hosted apps keep no files here; what they need offline goes into the
    // offline store, which the host reads.
    InstallResult result =
        record(plan.id, plan.manifest, plan.kind, plan.source, {}, plan.icons, std::move(plan.warnings));
    precache(result, plan.manifest, std::move(plan.prefetched));
    return result;
}

void Installer::precache(InstallResult& result, const Manifest& manifest,
                         std::map<std::string, FetchResult> prefetched) {
    if (!offline_store_ || !is_http_url(manifest.start_url)) return;
    PrecacheOptions options;
    options.store_path = *offline_store_;
    options.prefetched = std::move(prefetched);
    const std::string origin = url_origin(manifest.start_url).value_or("");
    options.progress = [this, &origin](const PrecacheStep& step) {
        // The app's own files: the path says enough.
        const std::string shown = step.url.starts_with(origin) ? step.url.substr(origin.size()) : step.url;
        if (progress_)
            progress_({"precaching " + std::to_string(step.done) + "/" + std::to_string(step.total) + " " + shown +
                           (step.stored ? "" : " (not stored)"),
                       static_cast<long long>(step.done), static_cast<long long>(step.total), true});
    };
    say("precaching " + manifest.start_url + " for offline use");
    try {
        result.precache = precache_app(result.app.id, manifest, options);
    } catch (const std::exception& e) {
        // The app is installed all the same: it works online, and the host
        // keeps what it loads.
        result.warnings.push_back("offline store " + offline_store_->string() + ": " + e.what() +
                                  "; the app is installed but not offline-ready (fix the store, then install again)");
        return;
    }
    for (const std::string& note : result.precache->notes) result.warnings.push_back("offline copy: " + note);
    const bool ready = result.precache->ready();
    registry_.set_offline_ready(result.app.id, ready);
    result.app.offline_ready = ready;
}

InstallResult Installer::record(const std::string& id, const Manifest& manifest, SourceKind kind,
                                const std::string& source, const std::filesystem::path& package_dir,
                                const std::vector<IconImage>& icons, std::vector<std::string> warnings) {
    const std::optional<AppRecord> previous = registry_.get(id);
    AppRecord app = record_from_manifest(id, manifest);
    app.source_kind = kind;
    app.source = source;
    app.package_dir = package_dir.string();
    // A package holds every file the app has: it works offline from the start.
    // Hosted apps become offline-ready when the offline cache has stored them.
    app.offline_ready = !package_dir.empty();

    say("recording " + id);
    InstallResult result;
    try {
        result.app = registry_.install(app, icons);
    } catch (const std::exception& e) {
        std::error_code ec;
        if (!package_dir.empty()) std::filesystem::remove_all(package_dir, ec);
        throw InstallError(std::string("cannot record ") + id + " in the registry: " + e.what());
    }
    // Only now that the registry points at the new files may the old ones go.
    if (previous && !previous->package_dir.empty() && previous->package_dir != app.package_dir &&
        !is_in_place(*previous)) {
        std::error_code ec;
        std::filesystem::remove_all(previous->package_dir, ec);
    }
    result.updated = previous.has_value();
    result.warnings = std::move(warnings);
    return result;
}

std::vector<InstallResult> Installer::install_bundled(const std::filesystem::path& dir) {
    std::vector<InstallResult> installed;
    std::error_code ec;
    std::vector<std::filesystem::path> folders;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        if (entry.is_directory()) folders.push_back(entry.path());
    }
    if (ec) throw InstallError(dir.string() + ": cannot list the bundled apps: " + ec.message());
    std::sort(folders.begin(), folders.end());  // a stable first-start order on the home screen
    for (const auto& folder : folders) {
        const std::string id = app_id_from_name(folder.filename().string());
        const std::optional<AppRecord> existing = registry_.get(id);
        if (existing && existing->source_kind != SourceKind::bundled) continue;  // the user's own install wins
        // Unchanged bundled apps are not reinstalled at every start.
        if (existing && same_files(folder, existing->package_dir)) continue;
        InstallResult result = install_package(folder, SourceKind::bundled);
        installed.push_back(std::move(result));
    }
    return installed;
}

std::optional<AppRecord> Installer::remove(const std::string& id) {
    std::optional<AppRecord> removed = registry_.remove(id);
    if (!removed) return removed;
    // Everything the app left on the phone goes with it: its files and what
    // its pages stored (cookies, localStorage, IndexedDB, HTTP cache).
    const AppDataDirs data = app_data_dirs(id);
    std::error_code ec;
    const std::filesystem::path package_dir = is_in_place(*removed) ? "" : removed->package_dir;
    for (const std::filesystem::path& dir : {package_dir, data.data, data.cache}) {
        if (!dir.empty()) std::filesystem::remove_all(dir, ec);
    }
    // And its offline copy (not creating a store just to empty it). Should
    // the store fail, its entries stay until evicted; the app is gone anyway.
    if (offline_store_ && std::filesystem::exists(*offline_store_, ec)) {
        try {
            offline::OfflineStore::open(*offline_store_).remove_app(id);
        } catch (const std::exception&) {}
    }
    // Its writes still waiting for a link go too: nothing is left to hear
    // their outcome.
    const std::filesystem::path queue =
        offline::write_queue_path(offline_store_.value_or(offline::default_store_path()));
    if (offline_store_ && std::filesystem::exists(queue, ec)) {
        try {
            offline::WriteQueue::open(queue).remove_app(id);
        } catch (const std::exception&) {}
    }
    return removed;
}

std::vector<std::filesystem::path> Installer::collect_orphans() {
    // A registry rebuilt just now may lack an app whose package is still
    // here (it is named in the recovery message): nothing is swept then.
    if (registry_.recovery()) return {};
    std::set<std::string> referenced;
    std::set<std::string> installed_ids;
    for (const AppRecord& app : registry_.list()) {
        installed_ids.insert(app.id);
        if (!app.package_dir.empty()) referenced.insert(std::filesystem::path(app.package_dir).filename().string());
    }
    std::vector<std::filesystem::path> removed;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(apps_dir_, ec)) {
        const std::string name = entry.path().filename().string();
        if (referenced.count(name)) continue;
        // An extraction cut short (package.cpp stages into a hidden folder
        // and renames it when whole) is never anyone's package.
        const bool cut_short_extraction = name.starts_with(".") && name.find(".extracting-") != std::string::npos;
        if (cut_short_extraction) {
            std::filesystem::remove_all(entry.path(), ec);
            removed.push_back(entry.path());
            continue;
        }
        // Only a folder an installed app has provably left behind (an older
        // copy of it, from an update cut short) goes. A folder of an app the
        // registry does not know is kept: the registry may have lost it, and
        // the next rebuild recovers it from there.
        if (!installed_ids.count(package_folder_app_id(name))) continue;
        std::filesystem::remove_all(entry.path(), ec);
        removed.push_back(entry.path());
    }
    return removed;
}

void write_plan_icon(const InstallPlan& plan, const std::filesystem::path& path) {
    const IconImage* best = nullptr;
    for (const IconImage& icon : plan.icons) {
        const bool better_purpose = best && best->purpose != IconPurpose::any && icon.purpose == IconPurpose::any;
        if (!best || better_purpose || (icon.purpose == best->purpose && icon.size > best->size)) best = &icon;
    }
    if (!best) return;
    const std::filesystem::path partial = path.string() + ".partial";
    std::FILE* file = std::fopen(partial.c_str(), "wb");
    if (!file) throw std::runtime_error(path.string() + ": cannot write the icon: " + std::strerror(errno));
    const bool written = std::fwrite(best->png.data(), 1, best->png.size(), file) == best->png.size();
    if (std::fclose(file) != 0 || !written)
        throw std::runtime_error(path.string() + ": cannot write the icon (disk full?)");
    std::filesystem::rename(partial, path);
}

}  // namespace cirrus::launcher
