// One SQLite file that the offline cache engine may lose but must never crash
// on: opened with the launcher's wrapper (sqlite.hpp), migrated, and, when it
// turns out to be damaged (SQLITE_CORRUPT, SQLITE_NOTADB) at open or in the
// middle of any later call, set aside as `<file>.corrupt-<UTC time>` and
// replaced by a fresh, empty file.
//
// Several processes (one web-app host per running app) open the same file.
// When one of them sets it aside, the others still hold the old file open by
// inode; a directory lock around every set-aside and the file's identity
// (device, inode) make sure a process never sets aside a file another one
// has just created, and let run_write() follow a file that was replaced.
//
// Errors: damage is never thrown to the caller (see run()). Everything else
// SQLite reports (a full disk, an I/O error, a lock held past the busy
// timeout), and damage found again in the fresh file, is thrown as
// StoreError. A connection belongs to one thread.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "registry.hpp"  // Migration, apply_migrations
#include "sqlite.hpp"

namespace cirrus::offline {

class StoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A damaged file that was set aside (its -wal and -shm beside it): where it
// went (empty if another process had set it aside already) and why.
using Recovery = launcher::Recovery;

struct DatabaseSpec {
    std::span<const launcher::Migration> migrations;
    // Checked with PRAGMA quick_check at open; empty: the whole file.
    std::vector<std::string> check_tables;
    // A file whose schema is newer than `migrations` (a downgrade): a cache
    // may set it aside; a file holding the user's data refuses (StoreError).
    bool set_aside_newer_schema = false;
    // Connection settings beyond the wrapper's (WAL, NORMAL, foreign keys),
    // applied after every open.
    std::function<void(launcher::Database&)> configure;
    // Called with the set-aside file and the fresh one, to copy what can
    // still be read (best effort: it must catch its own errors).
    std::function<void(const std::filesystem::path& damaged, launcher::Database& fresh)> salvage;
    // Called after a damaged file was set aside (by this process), to tell
    // whoever must know; it must not throw.
    std::function<void(const launcher::Recovery&)> on_set_aside;
};

class RecoverableDatabase {
public:
    // Creates the folder and file if missing. Throws StoreError when the file
    // cannot be opened or created for a reason other than damage.
    RecoverableDatabase(std::filesystem::path path, DatabaseSpec spec);
    RecoverableDatabase(const RecoverableDatabase&) = delete;
    RecoverableDatabase& operator=(const RecoverableDatabase&) = delete;
    ~RecoverableDatabase() = default;

    // The open connection, for use inside run(). It is replaced after a
    // recovery: prepare statements through it again after on_replace() ran.
    launcher::Database& database() { return *database_; }
    const launcher::Database& database() const { return *database_; }
    const std::filesystem::path& path() const { return path_; }

    // Called just before the connection is closed to be replaced, so that
    // the owner drops its prepared statements and anything it keeps about
    // rows of the old file.
    void on_replace(std::function<void()> drop_state) { drop_state_ = std::move(drop_state); }

    // Runs `operation` (which uses database()). If SQLite finds damage, the
    // file is set aside, a fresh one created, and `operation` runs once more
    // on it: a read then finds nothing, a write lands in the new file.
    template <typename Operation>
    auto run(Operation&& operation) -> decltype(operation()) {
        for (int attempt = 0;; ++attempt) {
            try {
                ensure_open();
                return operation();
            } catch (const launcher::SqliteError& error) {
                if (!error.is_corruption() || attempt > 0) throw StoreError(error.what());
                recover(error.what());
            }
        }
    }

    // As run(), after making sure the path still names the file this
    // connection has open (another process may have set it aside): a write
    // must not land in a file nobody will read again. One stat() call.
    template <typename Operation>
    auto run_write(Operation&& operation) -> decltype(operation()) {
        follow_replaced_file();
        return run(std::forward<Operation>(operation));
    }

    // Every set-aside since this object was made, the one at open included.
    const std::vector<Recovery>& recoveries() const { return recoveries_; }

private:
    struct FileIdentity {
        dev_t device;
        ino_t inode;
        bool operator==(const FileIdentity&) const = default;
    };
    static std::optional<FileIdentity> identity_of(const std::filesystem::path& path);

    void open_connection();
    // Under the directory lock: opens the file, or (when it is damaged, or
    // `known_problem` says the open one was) sets it aside and opens a fresh one.
    void open_or_recover(std::optional<std::string> known_problem);
    void ensure_open();  // after a recovery that failed half-way
    void close_connection() noexcept;
    void recover(const std::string& problem);
    void follow_replaced_file();

    std::filesystem::path path_;
    DatabaseSpec spec_;
    std::unique_ptr<launcher::Database> database_;
    std::optional<FileIdentity> identity_;  // of the file database_ has open
    std::function<void()> drop_state_;
    std::vector<Recovery> recoveries_;
};

}  // namespace cirrus::offline
