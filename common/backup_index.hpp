// The phone's index of backup chunks it has uploaded (backup_plan.hpp): one
// SQLite file in the sync service's state folder (WAL; one row per chunk,
// written after the server answered its PUT, so a kill between the two costs
// one listing, never a lost chunk). It belongs to one account and one key:
// opened for another, it starts empty. It also keeps when the last backup
// finished, for the daily schedule.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "sqlite.hpp"

namespace cirrus::backup {

class ChunkIndex {
public:
    // `owner`: the account URL and a fingerprint of the key; an index kept
    // for another owner is emptied.
    ChunkIndex(const std::filesystem::path& file, const std::string& owner);

    bool has(const std::string& id) const;
    void record(const std::string& id, std::uint64_t sealed_size);
    std::size_t count() const;

    std::optional<std::int64_t> last_backup() const;  // Unix seconds
    void set_last_backup(std::int64_t unix_seconds);

private:
    launcher::Database database_;
};

// $XDG_DATA_HOME/cirrus/sync (cirrus-sync's --state default): the index and
// the files a backup stages there.
std::filesystem::path default_backup_state_dir();

}  // namespace cirrus::backup
