// See upload_journal.hpp.
#include "upload_journal.hpp"

namespace cirrus::sync {

UploadJournal::UploadJournal(const std::filesystem::path& file)
    : database_([&] {
          std::filesystem::create_directories(file.parent_path());
          return cirrus::launcher::Database::open_or_recover(file).database;
      }()) {
    database_.exec(
        "CREATE TABLE IF NOT EXISTS uploads ("
        " path TEXT PRIMARY KEY,"
        " size INTEGER NOT NULL,"
        " mtime_ns INTEGER NOT NULL,"
        " remote_name TEXT NOT NULL,"
        " confirmed INTEGER NOT NULL DEFAULT 0,"
        " done INTEGER NOT NULL DEFAULT 0)");
}

std::optional<JournalEntry> UploadJournal::find(const std::string& path) const {
    auto statement =
        database_.prepare("SELECT size, mtime_ns, remote_name, confirmed, done FROM uploads WHERE path = ?1");
    statement.bind(1, path);
    if (!statement.step()) return std::nullopt;
    JournalEntry entry;
    entry.path = path;
    entry.size = static_cast<std::uint64_t>(statement.column_int64(0));
    entry.mtime_ns = statement.column_int64(1);
    entry.remote_name = statement.column_text(2);
    entry.confirmed = static_cast<std::uint64_t>(statement.column_int64(3));
    entry.done = statement.column_int64(4) != 0;
    return entry;
}

void UploadJournal::record(const JournalEntry& entry) {
    database_
        .prepare(
            "INSERT OR REPLACE INTO uploads (path, size, mtime_ns, remote_name, confirmed, done)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        .bind(1, entry.path)
        .bind(2, static_cast<std::int64_t>(entry.size))
        .bind(3, entry.mtime_ns)
        .bind(4, entry.remote_name)
        .bind(5, static_cast<std::int64_t>(entry.confirmed))
        .bind(6, entry.done ? 1 : 0)
        .run();
}

std::size_t UploadJournal::done_count() const {
    auto statement = database_.prepare("SELECT COUNT(*) FROM uploads WHERE done = 1");
    statement.step();
    return static_cast<std::size_t>(statement.column_int64(0));
}

}  // namespace cirrus::sync
