#include "recoverable_database.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace cirrus::offline {
namespace {

// flock() on the folder that holds the file, for as long as it lives: every
// process opening, setting aside or recreating the file takes it, so that
// none of them sees (or sets aside) a file another is still making. Without
// the lock (a folder we cannot open) we go on: the race it closes is narrow.
class DirectoryLock {
public:
    explicit DirectoryLock(const std::filesystem::path& directory)
        : fd_(::open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
        if (fd_ < 0) return;
        while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {}
    }
    ~DirectoryLock() {
        if (fd_ >= 0) ::close(fd_);  // releases the lock
    }
    DirectoryLock(const DirectoryLock&) = delete;
    DirectoryLock& operator=(const DirectoryLock&) = delete;

private:
    int fd_;
};

}  // namespace

RecoverableDatabase::RecoverableDatabase(std::filesystem::path path, DatabaseSpec spec)
    : path_(std::move(path)), spec_(std::move(spec)) {
    std::error_code error;
    if (path_.has_parent_path()) std::filesystem::create_directories(path_.parent_path(), error);
    if (error) throw StoreError("cannot create " + path_.parent_path().string() + ": " + error.message());
    open_or_recover(std::nullopt);
}

std::optional<RecoverableDatabase::FileIdentity> RecoverableDatabase::identity_of(const std::filesystem::path& path) {
    struct stat status {};
    if (::stat(path.c_str(), &status) != 0) return std::nullopt;
    return FileIdentity{status.st_dev, status.st_ino};
}

void RecoverableDatabase::open_connection() {
    launcher::OpenOptions options;
    options.check = launcher::OpenCheck::quick;
    options.check_tables = spec_.check_tables;
    auto database = std::make_unique<launcher::Database>(launcher::Database::open(path_, options));
    try {
        const int latest = spec_.migrations.empty() ? 0 : spec_.migrations.back().version;
        const int found = database->user_version();
        if (found > latest) {
            std::string problem = "schema version " + std::to_string(found) + " is newer than this Cirrus knows (" +
                                  std::to_string(latest) + ")";
            if (!spec_.set_aside_newer_schema)
                throw StoreError(path_.string() + ": " + problem + "; use a newer Cirrus or move the file away");
            // Treated as damage: set aside and start again.
            throw launcher::SqliteError(path_, "open", {}, SQLITE_NOTADB, problem);
        }
        launcher::apply_migrations(*database, spec_.migrations);
        if (spec_.configure) spec_.configure(*database);
    } catch (...) {
        // Closing must not fold the -wal into a file we may set aside.
        sqlite3_db_config(database->handle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
        throw;
    }
    database_ = std::move(database);
    identity_ = identity_of(path_);
}

void RecoverableDatabase::close_connection() noexcept {
    if (!database_) return;
    // The file is damaged or no longer ours: leave it exactly as it is.
    sqlite3_db_config(database_->handle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    database_.reset();
}

void RecoverableDatabase::open_or_recover(std::optional<std::string> known_problem) {
    DirectoryLock lock(path_.parent_path());
    std::optional<std::string> problem = std::move(known_problem);
    if (!problem) {
        const std::optional<FileIdentity> tried = identity_of(path_);
        try {
            open_connection();
            return;
        } catch (const launcher::SqliteError& error) {
            if (!error.is_corruption()) throw StoreError(error.what());
            problem = error.what();
            identity_ = tried;
        } catch (const launcher::RegistryError& error) {  // from apply_migrations
            throw StoreError(error.what());
        }
    }

    Recovery recovery;
    recovery.problem = *problem;
    try {
        // Only the file we found damaged: if the path names another file
        // now, another process has set ours aside and made that one.
        if (identity_ && identity_of(path_) == identity_) recovery.moved_to = launcher::move_database_aside(path_);
        open_connection();
    } catch (const launcher::SqliteError& error) {
        throw StoreError(std::string("after setting a damaged file aside: ") + error.what());
    } catch (const launcher::RegistryError& error) {
        throw StoreError(error.what());
    } catch (const std::filesystem::filesystem_error& error) {
        throw StoreError(std::string("cannot set a damaged database aside: ") + error.what());
    }
    recoveries_.push_back(recovery);
    if (spec_.on_set_aside && !recovery.moved_to.empty()) spec_.on_set_aside(recovery);
    if (spec_.salvage && !recovery.moved_to.empty()) {
        try {
            spec_.salvage(recovery.moved_to, *database_);
        } catch (const std::exception&) {
            // Best effort by definition: the fresh file is usable either way.
        }
    }
}

void RecoverableDatabase::ensure_open() {
    if (!database_) open_or_recover(std::nullopt);
}

void RecoverableDatabase::recover(const std::string& problem) {
    if (drop_state_) drop_state_();
    close_connection();
    open_or_recover(problem);
}

void RecoverableDatabase::follow_replaced_file() {
    if (!database_) {
        ensure_open();
        return;
    }
    if (identity_ && identity_of(path_) == identity_) return;
    if (drop_state_) drop_state_();
    close_connection();
    open_or_recover(std::nullopt);
}

}  // namespace cirrus::offline
