// The sync service's status as a small JSON file, replaced atomically after
// every change: what the status bar's icon (active) and Settings' line read
// (issue 19 item 2). Default: $XDG_RUNTIME_DIR/cirrus-sync.json.
//   {"active": true, "activity": "uploading IMG_1.jpg: 3.0 of 5.0 MB",
//    "hold": "none", "held_kind": null, "link": "good",
//    "last_success": 1700000000, "last_error": "", "retry_in_s": null,
//    "photos_pending": 2, "photos_uploaded": 17, "message": "",
//    "contacts": 40, "notes": 3, "conflicts": 0}  (the last five: sync/main.cpp)
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "common/sync_paths.hpp"  // default_status_path
#include "sync_policy.hpp"

namespace cirrus::sync {

nlohmann::json status_json(const SyncStatus& status, const Conditions& conditions, SyncTime now);

// Written to a temp file beside it, then renamed: a reader never sees half.
void write_status_file(const std::filesystem::path& path, const nlohmann::json& status);

}  // namespace cirrus::sync
