// See backup_index.hpp.
#include "backup_index.hpp"

#include <glib.h>

namespace cirrus::backup {

ChunkIndex::ChunkIndex(const std::filesystem::path& file, const std::string& owner)
    : database_([&] {
          std::filesystem::create_directories(file.parent_path());
          return launcher::Database::open_or_recover(file).database;
      }()) {
    database_.exec(
        "CREATE TABLE IF NOT EXISTS chunks (id TEXT PRIMARY KEY, sealed_size INTEGER NOT NULL);"
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);");
    auto statement = database_.prepare("SELECT value FROM meta WHERE key = 'owner'");
    const bool same = statement.step() && statement.column_text(0) == owner;
    if (!same) {
        launcher::Transaction transaction(database_);
        database_.exec("DELETE FROM chunks; DELETE FROM meta;");
        database_.prepare("INSERT INTO meta (key, value) VALUES ('owner', ?1)").bind(1, owner).run();
        transaction.commit();
    }
}

bool ChunkIndex::has(const std::string& id) const {
    auto statement = database_.prepare("SELECT 1 FROM chunks WHERE id = ?1");
    statement.bind(1, id);
    return statement.step();
}

void ChunkIndex::record(const std::string& id, std::uint64_t sealed_size) {
    database_.prepare("INSERT OR REPLACE INTO chunks (id, sealed_size) VALUES (?1, ?2)")
        .bind(1, id)
        .bind(2, static_cast<std::int64_t>(sealed_size))
        .run();
}

std::size_t ChunkIndex::count() const {
    auto statement = database_.prepare("SELECT COUNT(*) FROM chunks");
    statement.step();
    return static_cast<std::size_t>(statement.column_int64(0));
}

std::optional<std::int64_t> ChunkIndex::last_backup() const {
    auto statement = database_.prepare("SELECT value FROM meta WHERE key = 'last_backup'");
    if (!statement.step()) return std::nullopt;
    return std::stoll(statement.column_text(0));
}

void ChunkIndex::set_last_backup(std::int64_t unix_seconds) {
    database_.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('last_backup', ?1)")
        .bind(1, std::to_string(unix_seconds))
        .run();
}

std::filesystem::path default_backup_state_dir() {
    return std::filesystem::path(g_get_user_data_dir()) / "cirrus" / "sync";
}

}  // namespace cirrus::backup
