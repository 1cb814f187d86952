#include "update_policy.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <system_error>

#include <nlohmann/json.hpp>

#include "common/content_hash.hpp"

namespace cirrus::launcher {

namespace {

bool is_http(const std::string& url) { return url.starts_with("http://") || url.starts_with("https://"); }

void append_field(std::vector<std::uint8_t>& bytes, std::string_view text) {
    // Length-prefixed, so that no two different sets of fields hash alike.
    const std::string length = std::to_string(text.size()) + ":";
    bytes.insert(bytes.end(), length.begin(), length.end());
    bytes.insert(bytes.end(), text.begin(), text.end());
}

}  // namespace

std::string identity_fingerprint(const AppRecord& fresh, std::span<const IconImage> fresh_icons) {
    std::vector<std::uint8_t> bytes;
    append_field(bytes, fresh.name);
    append_field(bytes, fresh.short_name.value_or(""));
    for (const IconImage& icon : fresh_icons) {
        append_field(bytes, std::to_string(icon.size) + " " + std::to_string(static_cast<int>(icon.purpose)));
        append_field(bytes, std::string_view(reinterpret_cast<const char*>(icon.png.data()), icon.png.size()));
    }
    return offline::to_hex(offline::sha256(bytes));
}

UpdateDecision classify_update(const AppRecord& installed, const InstalledIcon& installed_icon, const AppRecord& fresh,
                               std::span<const IconImage> fresh_icons) {
    UpdateDecision decision;
    decision.name_changed = installed.name != fresh.name || installed.short_name != fresh.short_name;
    for (const IconImage& icon : fresh_icons) {
        const auto old = installed_icon(icon.size, icon.purpose);
        if (!old || *old != icon.png) {
            decision.icon_changed = true;
            break;
        }
    }
    decision.kind = decision.name_changed || decision.icon_changed ? UpdateKind::identity : UpdateKind::content;
    decision.fingerprint = identity_fingerprint(fresh, fresh_icons);
    return decision;
}

std::optional<std::string> update_refusal(const AppRecord& installed, const std::string& plan_id, SourceKind plan_kind,
                                          std::span<const std::string> warnings) {
    if (plan_id != installed.id)
        return installed.source + " now describes another app (" + plan_id + "), not " + installed.id +
               ": nothing changed";
    if (plan_kind != installed.source_kind)
        return installed.source +
               (installed.source_kind == SourceKind::manifest_url
                    ? " no longer links a manifest"
                    : " now links a manifest (install it again to take it)") +
               ": nothing changed";
    for (const std::string& warning : warnings) {
        // A missing icon would be replaced by a drawn one: that is the
        // link's fault, not a new icon.
        if (warning.starts_with("icon: ")) return warning + ": nothing changed (checked again later)";
    }
    return std::nullopt;
}

bool updatable(const AppRecord& app) {
    return (app.source_kind == SourceKind::manifest_url || app.source_kind == SourceKind::site) && is_http(app.source);
}

UpdateDeclines::UpdateDeclines(std::filesystem::path path) : path_(std::move(path)) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path_, ec);
    if (ec || size > kMaxFileBytes) return;
    std::ifstream in(path_, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    const nlohmann::json doc = nlohmann::json::parse(text.str(), nullptr, false);
    if (!doc.is_object()) return;
    for (const auto& [id, fingerprint] : doc.items()) {
        if (fingerprint.is_string()) declined_[id] = fingerprint.get<std::string>();
    }
}

std::filesystem::path UpdateDeclines::beside(const std::filesystem::path& registry_path) {
    return registry_path.parent_path() / "update-declines.json";
}

bool UpdateDeclines::declined(const std::string& app_id, const std::string& fingerprint) const {
    const auto it = declined_.find(app_id);
    return it != declined_.end() && it->second == fingerprint;
}

void UpdateDeclines::decline(const std::string& app_id, const std::string& fingerprint) {
    declined_[app_id] = fingerprint;
    save();
}

void UpdateDeclines::forget(const std::string& app_id) {
    if (declined_.erase(app_id)) save();
}

void UpdateDeclines::save() const {
    // Written whole and renamed: a crash leaves the old file or the new one.
    const std::filesystem::path partial = path_.string() + ".partial";
    {
        std::ofstream out(partial, std::ios::binary | std::ios::trunc);
        out << nlohmann::json(declined_).dump() << "\n";
        if (!out.flush()) throw std::runtime_error(partial.string() + ": cannot write the declined updates");
    }
    std::filesystem::rename(partial, path_);
}

}  // namespace cirrus::launcher
