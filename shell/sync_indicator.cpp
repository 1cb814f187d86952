#include "sync_indicator.hpp"

#include <nlohmann/json.hpp>

#include "common/sync_paths.hpp"

namespace cirrus::shell {

SyncIndicator sync_indicator(std::string_view status_json) {
    if (status_json.empty() || status_json.size() > kMaxSyncStatusBytes) return {};
    const nlohmann::json status = nlohmann::json::parse(status_json, nullptr, false);
    if (!status.is_object()) return {};
    SyncIndicator indicator;
    const auto active = status.find("active");
    indicator.shown = active != status.end() && active->is_boolean() && active->get<bool>();
    // "needs_user": an error only the user can fix (sync_policy.hpp's Hold).
    const auto hold = status.find("hold");
    if (hold != status.end() && hold->is_string() && hold->get_ref<const std::string&>() == "needs_user") {
        indicator.shown = true;
        indicator.error = true;
    }
    return indicator;
}

std::filesystem::path sync_status_path() { return sync::default_status_path(); }

}  // namespace cirrus::shell
