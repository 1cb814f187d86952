// The backup's place on the user's WebDAV server (issue 19 item 3), under
// the account's folder:
//   Backup/key.json              salt and limits (backup_keys.hpp), no secret
//   Backup/chunks/ID             one sealed chunk, ID = keyed BLAKE2b-128
//   Backup/snapshots/NAME        one sealed manifest (backup_manifest.hpp)
//   Backup/snapshots/.NAME.part  a manifest on its way: PUT there, then MOVEd
// Chunks go first and the manifest last, renamed into place by MOVE: a
// backup cut anywhere (the phone killed, the link gone, the server full)
// leaves every earlier snapshot whole, and a snapshot that is listed has all
// its chunks. Nothing is ever deleted by a backup.
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "backup_crypto.hpp"
#include "backup_manifest.hpp"
#include "dav_client.hpp"

namespace cirrus::backup {

inline constexpr std::string_view kBackupFolder = "Backup/";
inline constexpr std::string_view kChunksFolder = "Backup/chunks/";
inline constexpr std::string_view kSnapshotsFolder = "Backup/snapshots/";
// The longest listing of Backup/chunks/ read: Apache answers about 400
// bytes per member, so 64 MiB is some 160,000 chunks (1.3 GB of data at 8
// KiB each). A longer one fails the backup, in words.
inline constexpr std::size_t kMaxChunkListingBytes = 64u << 20;

// A server answer that stops the backup; `needs_user` when only the user
// can fix it (a full server, a refused password), as the sync policy holds.
class BackupError : public std::runtime_error {
public:
    BackupError(const std::string& message, bool needs_user) : std::runtime_error(message), needs_user_(needs_user) {}
    bool needs_user() const { return needs_user_; }

private:
    bool needs_user_;
};

// Throws BackupError for any status but 2xx, in words with the fix: 507 the
// server is full, 413 too large, 401/403 the password, others the status.
void check_response(const dav::Client& client, const dav::Response& response, std::string_view method,
                    const std::string& path);

class BackupStore {
public:
    BackupStore(dav::Client& client, const Keys& keys) : client_(client), keys_(keys) {}

    // MKCOL Backup/, its chunks/ and snapshots/ (existing ones are fine).
    void prepare();
    // The server's chunks and their sizes (one PROPFIND, on a connection of
    // its own allowed kMaxChunkListingBytes).
    std::map<std::string, std::uint64_t> list_chunks();
    // Seals and PUTs one chunk; returns the sealed bytes sent.
    std::uint64_t put_chunk(const std::string& id, std::string_view plaintext);
    // Seals the manifest, PUTs it as .NAME.part, MOVEs it to NAME (never
    // over another: a name taken in the same second moves the snapshot to
    // the next, renaming it); returns the sealed bytes sent.
    std::uint64_t put_snapshot(Snapshot& snapshot);

    // Snapshot names on the server, oldest first (parts and strays ignored).
    std::vector<std::string> list_snapshots();
    // Fetched, opened and parsed; throws naming the snapshot.
    Snapshot get_snapshot(const std::string& name);
    // Fetched, opened and checked against its id.
    std::string get_chunk(const std::string& id);

    dav::Client& client() { return client_; }
    std::string chunk_id(std::string_view plaintext) const { return keys_.chunk_id(plaintext); }

private:
    dav::Client& client_;
    const Keys& keys_;
};

}  // namespace cirrus::backup
