// Where the sync service (sync/) and its readers meet: the status file it
// replaces after every change (the status bar's icon and the Settings app
// read it) and its state folder, where a file asks it for a backup at once
// (`cirrus backup now` runs one itself; the Settings app's "Back up now"
// only asks), and another for contacts and notes an app changed. One
// definition, so that writer and readers cannot drift.
#pragma once

#include <filesystem>

namespace cirrus::sync {

// $XDG_RUNTIME_DIR/cirrus-sync.json (/tmp when unset).
std::filesystem::path default_status_path();

// $XDG_DATA_HOME/cirrus/sync: the upload journal, the backup index.
std::filesystem::path default_state_dir();

// STATE/backup.request: while it exists, the service backs up at its next
// look (bulk work: on a good link), then removes it.
std::filesystem::path backup_request_path(const std::filesystem::path& state_dir);

// STATE/changes.request: an app changed a contact or a note (the host's
// window.cirrus calls write it); the service, watching its state folder,
// syncs them at once rather than at its next poll, and removes it first.
std::filesystem::path changes_request_path(const std::filesystem::path& state_dir);

}  // namespace cirrus::sync
