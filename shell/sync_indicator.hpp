// The status bar's sync icon: what cirrus-sync's status file
// ($XDG_RUNTIME_DIR/cirrus-sync.json, sync/status_file.hpp) makes of it. The
// icon shows while the service moves data (active); an error the user must
// fix (a refused password, a full server) shows it marked, so that the user
// looks in Settings. Plain C++: the file's text is anything a process of the
// user could write, so it is bounded and checked, and anything unexpected
// shows nothing.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string_view>

namespace cirrus::shell {

struct SyncIndicator {
    bool shown = false;  // the icon
    bool error = false;  // marked: the service waits on the user
    friend bool operator==(const SyncIndicator&, const SyncIndicator&) = default;
};

// Larger status files are not read (the service writes a few hundred bytes).
inline constexpr std::size_t kMaxSyncStatusBytes = 16 * 1024;

SyncIndicator sync_indicator(std::string_view status_json);

// Where cirrus-sync writes its status: $XDG_RUNTIME_DIR/cirrus-sync.json
// (common/sync_paths.hpp, where cirrus-sync writes it).
std::filesystem::path sync_status_path();

}  // namespace cirrus::shell
