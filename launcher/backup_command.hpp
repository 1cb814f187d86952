// `cirrus backup now|list|restore SNAPSHOT` (issue 19 item 3): the phone
// backed up to the account's WebDAV server, encrypted on the phone
// (common/backup_*), and put back on a new phone (backup_restore.hpp).
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/registry.hpp"

namespace cirrus::launcher {

struct BackupUsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// `args` follow "backup". Returns the exit status: 0 done, 1 an error (its
// message on stderr, with the fix).
int run_backup_command(Registry& registry, const std::filesystem::path& apps_dir, const std::vector<std::string>& args);

inline constexpr const char* kBackupUsage =
    R"(  backup now [--passphrase-stdin]
                         back up every app (its package or URL, its place
                         on the home screen, its permissions and its stored
                         data) to the account's server, encrypted on the
                         phone; only what the server lacks is sent. The
                         first time (and on a new phone) the backup
                         passphrase is one line on stdin; the key it makes
                         is kept for this user only (0600), so cirrus-sync's
                         daily backup needs none
  backup list [--passphrase-stdin]
                         the snapshots on the server, oldest first
  backup restore SNAPSHOT [--passphrase-stdin]
                         install the snapshot's apps with their data, home
                         screen and permissions (on a new phone; an app's
                         stored data is replaced by the snapshot's)
)";

}  // namespace cirrus::launcher
