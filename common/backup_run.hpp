// One backup of the phone (issue 19 item 3): what a snapshot holds, read
// from the phone, chunked (backup_chunker), sent where the index and the
// server lack it (backup_plan), then the manifest last (backup_store).
//
// What it holds, per installed app (the registry's own API: rows, home
// positions, permissions; never a raw copy of registry.db):
//  - its registry row and permissions, and the home screen's order;
//  - a packaged app's package folder (hosted apps come back from their
//    manifest URL, record.source);
//  - its unsent offline writes, read from the write queue's own API;
//  - its website data folder (app_data_dirs(id).data: localStorage,
//    IndexedDB, cookies; the host keeps them there). A SQLite file in it
//    (WebKit's localStorage and IndexedDB files) is copied with SQLite's
//    online backup API into the state folder first, so a host writing it
//    meanwhile cannot give the backup half a transaction; its -wal, -shm and
//    -journal files are then not taken (the copy holds what they held).
// The HTTP cache (app_data_dirs(id).cache) and the offline store are not
// taken: both refill from the network.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "backup_chunker.hpp"
#include "backup_index.hpp"
#include "backup_store.hpp"
#include "registry.hpp"

namespace cirrus::backup {

struct BackupOptions {
    std::filesystem::path staging;  // where SQLite copies are made (the state folder)
    ChunkerParams chunker;
    std::uint64_t max_file_bytes = 1ull << 30;  // larger files are left out, with a warning
    std::int64_t now = 0;                       // Unix seconds: the snapshot's name
    // The write queue's file (offline::write_queue_path); none or missing:
    // no queued writes are taken.
    std::filesystem::path write_queue;
};

struct BackupReport {
    std::string snapshot;  // its name; "" when cut short
    std::size_t apps = 0;
    std::size_t files = 0;
    std::uint64_t file_bytes = 0;  // plaintext read
    std::size_t chunks = 0;        // distinct chunks in the snapshot
    std::size_t chunks_sent = 0;
    std::uint64_t chunk_bytes_sent = 0;  // sealed bytes
    std::uint64_t manifest_bytes = 0;
    bool listed_server = false;
    std::vector<std::string> warnings;
};

// The backup was stopped between two chunks because keep_going said so
// (the link turned weak, a signal): nothing is lost, the chunks sent are
// recorded, and no manifest was written.
class BackupPaused : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Runs one backup. `progress` hears a line per file. Throws BackupError,
// BackupPaused, std::runtime_error; the previous snapshots stay whole.
BackupReport run_backup(BackupStore& store, ChunkIndex& index, launcher::Registry& registry,
                        const BackupOptions& options, const std::function<bool()>& keep_going = {},
                        const std::function<void(const std::string&)>& progress = {});

// A consistent copy of the SQLite file `source` at `target` (the online
// backup API; the source is only read). Throws naming the file.
void copy_sqlite(const std::filesystem::path& source, const std::filesystem::path& target);
bool is_sqlite_file(const std::filesystem::path& path);

}  // namespace cirrus::backup
