// A backup snapshot's manifest (issue 19 item 3): versioned JSON, sealed
// before upload (backup_crypto.hpp), naming everything a restore needs:
//
//   {"format": "cirrus-backup-snapshot", "version": 1,
//    "created": 1765135290, "name": "20261207T192130Z",
//    "apps": [{"record": {"id": "notes", "name": "Notes", "source_kind":
//               "folder", "source": "...", "start_url": "app://notes/",
//               "home_position": 0, ...},
//              "permissions": {"geolocation": "granted"},
//              "package": [FILE...],   // packaged apps: their package folder
//              "data": [FILE...],      // localStorage, IndexedDB, cookies
//              "writes": [{"method": "POST", "url": "...", "headers":
//                [["Content-Type", "..."]], "body": "BASE64", "key": "...",
//                "created": 1765135000000}]}],   // its unsent offline writes
//    "home": ["notes", "calc"]}        // the home screen, in order
//   FILE: {"path": "LocalStorage/app_notes_0.localstorage", "mode": 420,
//          "size": 8192, "chunks": ["32 hex digits", ...]}
//
// A hosted app has no "package": a restore installs it again from its
// manifest URL (record.source). Read from the server, a manifest is hostile
// even once it opened with the key (an older Cirrus, a bug): every path is
// checked (relative, no "..", no empty or dot segments), every number
// bounded, unknown members ignored, a newer version refused in words.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "registry.hpp"

namespace cirrus::backup {

inline constexpr int kManifestVersion = 1;
inline constexpr std::size_t kMaxManifestBytes = 64u << 20;
inline constexpr std::uint64_t kMaxFileBytes = 4ull << 30;

struct FileEntry {
    std::string path;  // relative, '/'-separated
    std::uint32_t mode = 0600;
    std::uint64_t size = 0;
    std::vector<std::string> chunks;  // ids, in order
};

// One write the app made offline and the host has not delivered yet (the
// write queue, common/write_queue.hpp): the user's unsent work, which
// nothing else can fetch again. It keeps its idempotency key, so a write
// delivered by the old phone after the backup is dropped by the origin when
// the new phone sends it again.
struct QueuedWrite {
    std::string method;
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string idempotency_key;
    std::int64_t created_at = 0;
};
inline constexpr std::size_t kMaxQueuedBodyBytes = 16u << 20;

struct AppEntry {
    launcher::AppRecord record;
    std::map<std::string, launcher::PermissionState> permissions;
    bool has_package = false;
    std::vector<FileEntry> package;
    std::vector<FileEntry> data;
    std::vector<QueuedWrite> writes;  // oldest first
};

struct Snapshot {
    std::string name;  // its name on the server, a UTC time: 20261207T192130Z
    std::int64_t created = 0;
    std::vector<AppEntry> apps;
    std::vector<std::string> home;  // app ids by home position
};

// A path a manifest may name: relative, '/'-separated, no "." or "..", no
// empty segment, no NUL, at most 1024 bytes.
bool safe_relative_path(const std::string& path);
// A snapshot name: 16 characters, YYYYMMDDTHHMMSSZ.
bool valid_snapshot_name(const std::string& name);
std::string snapshot_name_at(std::int64_t unix_seconds);

nlohmann::json to_json(const Snapshot& snapshot);
std::string serialize(const Snapshot& snapshot);
// Throws std::runtime_error naming the snapshot, the field and what is wrong.
Snapshot parse_snapshot(std::string_view text, const std::string& name);

// What is sealed on the server: the JSON deflated (zlib). Chunk ids are
// random hex, which deflate halves: a 5 MB file's 640 ids are 11 KB, not 22.
std::string compress_manifest(const std::string& json);
// Inflated to at most kMaxManifestBytes; throws naming the snapshot.
std::string decompress_manifest(std::string_view deflated, const std::string& name);

// Every chunk id the snapshot names, each once, in first-use order.
std::vector<std::string> all_chunk_ids(const Snapshot& snapshot);

}  // namespace cirrus::backup
