// A backup snapshot put back on a phone (issue 19 item 3): the restore step
// of a new phone, and `cirrus backup restore SNAPSHOT`.
//
// Each app of the snapshot is installed again through the installer, as a
// new install would be: a packaged app from its package folder in the
// backup (written to a staging folder, then installed as a folder), a
// hosted app from its manifest URL (record.source; fetched, precached). A
// bundled app the phone has already is kept. Then its website data folder
// (localStorage, IndexedDB, cookies) is put back whole: written beside the
// app's folder and renamed into place, so a restore cut short leaves the
// app's folder as it was. Last the permissions and the home screen's order,
// through the registry's API. An app that cannot be installed (its site is
// down) is reported and the others go on.
//
// Its unsent offline writes go back into the write queue with their keys.
//
// Every chunk is checked against its id after it is opened (backup_store),
// every path was checked when the manifest was read (backup_manifest), and
// a file is written only at the size the manifest says.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "common/backup_store.hpp"
#include "install.hpp"

namespace cirrus::launcher {

struct RestoreReport {
    std::vector<std::string> installed;  // app ids, as installed
    std::vector<std::string> kept;       // bundled apps the phone had
    std::vector<std::string> failed;     // "id: why"
    std::size_t files = 0;
    std::uint64_t file_bytes = 0;
    std::size_t chunks_fetched = 0;
    std::size_t writes = 0;            // unsent writes queued again
    std::uint64_t bytes_received = 0;  // over the parallel connections
};

// `write_queue`: the write queue's file, where the apps' unsent writes go
// back (with their idempotency keys).
RestoreReport restore_snapshot(backup::BackupStore& store, const backup::Snapshot& snapshot, Registry& registry,
                               const backup::Keys& keys, Installer& installer, const std::filesystem::path& staging,
                               const std::filesystem::path& write_queue,
                               const std::function<void(const std::string&)>& progress = {});

}  // namespace cirrus::launcher
