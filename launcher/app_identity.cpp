#include "app_identity.hpp"

#include <algorithm>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "common/app_id.hpp"
#include "common/url.hpp"

namespace cirrus::launcher {
namespace {

// More apps of one name than anyone installs; past it the install is refused
// rather than searching on.
constexpr int kMaxNumberedIds = 1000;

bool is_packaged(SourceKind kind) {
    return kind == SourceKind::bundled || kind == SourceKind::folder || kind == SourceKind::zip;
}

struct StoredIds {
    std::string id;
    std::string start_url;
};

// The manifest id and start URL an installed app was recorded with (empty
// when its stored manifest is unreadable).
StoredIds stored_ids(const AppRecord& app) {
    try {
        const nlohmann::json stored = nlohmann::json::parse(app.manifest_json);
        if (!stored.is_object()) return {};
        return {stored.value("id", std::string()), stored.value("start_url", std::string())};
    } catch (const nlohmann::json::exception&) {
        return {};
    }
}

std::optional<std::string> declared_below_base(const std::string& id, const std::string& start_url,
                                               std::string_view local_id) {
    // The id defaults to start_url: equal to it, the manifest declared nothing
    // that tells this app from another.
    if (id.empty() || id == strip_fragment(start_url)) return std::nullopt;
    const std::string base = package_base_url(local_id);
    if (!id.starts_with(base)) return std::nullopt;
    return "/" + id.substr(base.size());
}

std::string single_quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

std::string folder_name(const std::string& path) {
    std::filesystem::path p(path);
    if (p.filename().empty()) p = p.parent_path();
    return p.filename().string();
}

// `id` is `name_id` itself (0) or numbered_app_id(name_id, n) (n); -1 otherwise.
int number_in_family(const std::string& id, const std::string& name_id) {
    if (id == name_id) return 0;
    const auto dash = id.rfind('-');
    if (dash == std::string::npos || dash + 1 == id.size() || id.size() - dash > 5) return -1;
    int n = 0;
    for (std::size_t i = dash + 1; i < id.size(); ++i) {
        if (id[i] < '0' || id[i] > '9') return -1;
        n = n * 10 + (id[i] - '0');
    }
    return n >= 2 && numbered_app_id(name_id, n) == id ? n : -1;
}

std::string beside_sentence(const AppRecord& holder, const std::string& difference, const std::string& id) {
    return single_quoted(holder.id) + " (" + holder.name + ") is installed and is another app (" + difference +
           "): this one is installed beside it as " + single_quoted(id) + ", with its own origin and data";
}

// The first of `first` (when no app has it) and then `numbered`-2, -3, ...
// that no app has and nothing is left under.
std::string first_free_id(std::span<const AppRecord> apps, const std::string& first, bool check_first,
                          const std::string& numbered, const LeavesNothingBehind& unused) {
    auto taken = [&](const std::string& id) {
        return std::any_of(apps.begin(), apps.end(), [&](const AppRecord& app) { return app.id == id; });
    };
    if (!taken(first) && (!check_first || unused(first))) return first;
    for (int n = 2; n < kMaxNumberedIds; ++n) {
        const std::string id = numbered_app_id(numbered, n);
        if (!taken(id) && unused(id)) return id;
    }
    throw std::runtime_error("no free app id for another app named " + single_quoted(numbered) +
                             " (remove some of the apps installed as " + single_quoted(numbered + "-<n>") + ")");
}

}  // namespace

std::optional<std::string> declared_package_id(const Manifest& manifest, std::string_view local_id) {
    return declared_below_base(manifest.id, manifest.start_url, local_id);
}

std::optional<std::string> declared_package_id(const AppRecord& app) {
    const StoredIds ids = stored_ids(app);
    return declared_below_base(ids.id, ids.start_url, app.id);
}

std::string packaged_difference(const AppRecord& installed, const PackagedIdentity& incoming) {
    if (!is_packaged(installed.source_kind)) return "it is a hosted app, from " + installed.source;
    if (incoming.kind == SourceKind::bundled || installed.source_kind == SourceKind::bundled) {
        // A bundled app is its folder among the bundled apps, updated by
        // install-bundled only.
        if (incoming.kind != installed.source_kind)
            return installed.source_kind == SourceKind::bundled ? "it is a bundled app, updated only with the system"
                                                                : "it was installed by the user";
        if (folder_name(installed.source) != folder_name(incoming.source))
            return "it is the bundled app " + single_quoted(folder_name(installed.source));
        return {};
    }
    const std::optional<std::string> declared = declared_package_id(installed);
    if (declared && incoming.declared_id) {
        if (*declared == *incoming.declared_id) return {};
        return "its manifest id is " + single_quoted(*declared) + ", this one's " +
               single_quoted(*incoming.declared_id);
    }
    // No declared id on one side: the same name from the same place is the
    // same app (a new version of a folder or zip being developed).
    if (installed.name != incoming.name)
        return "it is named " + single_quoted(installed.name) + ", this one " + single_quoted(incoming.name);
    // A record a registry rebuild made from the package folder itself no
    // longer knows where the app came from (registry_rebuild.cpp): its name
    // has to do.
    const bool source_unknown = installed.source == installed.package_dir;
    if (installed.source != incoming.source && !source_unknown)
        return "it was installed from " + installed.source + ", this one from " + incoming.source;
    return {};
}

std::string hosted_difference(const AppRecord& installed, std::string_view manifest_id, std::string_view start_url) {
    if (is_packaged(installed.source_kind)) return "it is a packaged app, from " + installed.source;
    const StoredIds ids = stored_ids(installed);
    if (!ids.id.empty() && ids.id == manifest_id) return {};
    // A registry rebuild makes a hosted app from its start URL only (the
    // offline store keeps no manifest): the start URL has to do.
    const bool rebuilt = installed.source_kind == SourceKind::site && installed.source == installed.start_url;
    if (rebuilt && installed.start_url == start_url) return {};
    return "its manifest id is " + single_quoted(ids.id) + ", this one's " + single_quoted(manifest_id);
}

IdChoice choose_package_id(std::span<const AppRecord> apps, const std::string& name_id,
                           const PackagedIdentity& incoming, const LeavesNothingBehind& unused) {
    // The apps whose id the name gives, the name's own first.
    std::vector<std::pair<int, const AppRecord*>> family;
    for (const AppRecord& app : apps) {
        const int n = number_in_family(app.id, name_id);
        if (n >= 0) family.emplace_back(n, &app);
    }
    std::sort(family.begin(), family.end());
    for (const auto& [n, app] : family) {
        if (packaged_difference(*app, incoming).empty()) return {app->id, true, std::nullopt};
    }
    IdChoice choice;
    choice.id = first_free_id(apps, name_id, false, name_id, unused);
    if (!family.empty() && family.front().first == 0) {
        const AppRecord& holder = *family.front().second;
        choice.beside = beside_sentence(holder, packaged_difference(holder, incoming), choice.id);
    }
    return choice;
}

IdChoice choose_hosted_id(std::span<const AppRecord> apps, const std::string& name_id, const std::string& origin_id,
                          std::string_view manifest_id, std::string_view start_url, const LeavesNothingBehind& unused) {
    // The same manifest id is the same app wherever it is: the name's id
    // first, should a damaged registry have left two.
    const AppRecord* same = nullptr;
    const AppRecord* holder = nullptr;
    for (const AppRecord& app : apps) {
        if (app.id == name_id) holder = &app;
        if (hosted_difference(app, manifest_id, start_url).empty() && (!same || app.id == name_id)) same = &app;
    }
    if (same) return {same->id, true, std::nullopt};
    IdChoice choice;
    if (!holder) {
        choice.id = name_id;
        return choice;
    }
    choice.id = first_free_id(apps, origin_id, true, origin_id, unused);
    choice.beside = beside_sentence(*holder, hosted_difference(*holder, manifest_id, start_url), choice.id);
    return choice;
}

std::string numbered_app_id(const std::string& id, int n) {
    const std::string suffix = "-" + std::to_string(n);
    std::string stem = id.substr(0, std::min(id.size(), kMaxAppIdLength - suffix.size()));
    while (!stem.empty() && (stem.back() == '-' || stem.back() == '.')) stem.pop_back();
    return (stem.empty() ? std::string("app") : stem) + suffix;
}

}  // namespace cirrus::launcher
