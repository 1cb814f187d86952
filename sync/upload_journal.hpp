// What the phone has uploaded: one SQLite file in the sync service's state
// folder (WAL: each chunk's record is atomic; a kill between a chunk and its
// record costs nothing, since a resume asks the server, photo_plan.hpp).
// A photo is keyed by its path in the picture folder; a photo whose size or
// modification time changed is a new photo (its upload starts again).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "common/sqlite.hpp"

namespace cirrus::sync {

struct JournalEntry {
    std::string path;  // relative to the picture folder
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;
    std::string remote_name;      // the name on the server (a conflict may rename it)
    std::uint64_t confirmed = 0;  // bytes the server had at the last chunk
    bool done = false;
};

class UploadJournal {
public:
    explicit UploadJournal(const std::filesystem::path& file);

    std::optional<JournalEntry> find(const std::string& path) const;
    // Inserts or replaces the entry for entry.path.
    void record(const JournalEntry& entry);
    std::size_t done_count() const;

private:
    cirrus::launcher::Database database_;
};

}  // namespace cirrus::sync
