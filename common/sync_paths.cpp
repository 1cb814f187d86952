// See sync_paths.hpp.
#include "sync_paths.hpp"

#include <cstdlib>

#include <glib.h>

namespace cirrus::sync {

std::filesystem::path default_status_path() {
    const char* runtime = std::getenv("XDG_RUNTIME_DIR");
    return std::filesystem::path(runtime && *runtime ? runtime : "/tmp") / "cirrus-sync.json";
}

std::filesystem::path default_state_dir() { return std::filesystem::path(g_get_user_data_dir()) / "cirrus" / "sync"; }

std::filesystem::path backup_request_path(const std::filesystem::path& state_dir) {
    return state_dir / "backup.request";
}

std::filesystem::path changes_request_path(const std::filesystem::path& state_dir) {
    return state_dir / "changes.request";
}

}  // namespace cirrus::sync
