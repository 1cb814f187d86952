// See status_file.hpp.
#include "status_file.hpp"

#include "common/file_text.hpp"

namespace cirrus::sync {

nlohmann::json status_json(const SyncStatus& status, const Conditions& conditions, SyncTime now) {
    nlohmann::json json = {
        {"active", status.active},
        {"activity", status.activity},
        {"hold", to_string(status.hold)},
        {"held_kind", status.held_kind ? nlohmann::json(to_string(*status.held_kind)) : nlohmann::json()},
        {"link", to_string(conditions.link)},
        {"last_success", status.last_success ? nlohmann::json(*status.last_success) : nlohmann::json()},
        {"last_error", status.last_error},
        {"retry_in_s", nlohmann::json()},
    };
    if (status.retry_at)
        json["retry_in_s"] = std::chrono::duration_cast<std::chrono::seconds>(*status.retry_at - now).count();
    return json;
}

void write_status_file(const std::filesystem::path& path, const nlohmann::json& status) {
    // A full runtime folder must not stop the uploads: a failed write is
    // only a stale status.
    write_file_replacing(path, status.dump() + "\n");
}

}  // namespace cirrus::sync
