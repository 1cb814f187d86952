// The phone's notes (issue 19 item 4): plain files in one folder (the data
// folder's Notes/, which the Notes app writes), and a journal of what the
// server had at the last sync (notes.sqlite beside the folder): each note's
// href, ETag and the SHA-256 of its text then. A note is changed on the
// phone when its hash differs from the journal's, deleted when its file is
// gone but its journal entry is not, new when it has no entry.
//
// Only regular files directly in the folder whose names do not start with
// '.' are notes (a temp file being written is hidden), at most kMaxNotes of
// them and kMaxNoteBytes each.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sqlite.hpp"
#include "two_way_merge.hpp"

namespace cirrus::sync {

inline constexpr std::size_t kMaxNoteBytes = 1u << 20;
inline constexpr std::size_t kMaxNotes = 5000;

struct NoteRecord {
    std::string name;
    std::string href;
    std::string etag;
    std::string hash;  // of the text at the last sync, hex SHA-256
};

class NoteStore {
public:
    NoteStore(std::filesystem::path folder, const std::filesystem::path& journal);

    const std::filesystem::path& folder() const { return folder_; }
    // Every note's state for plan_merge (key: the file name). Notes too
    // large are left out (and named in `skipped`).
    std::vector<LocalItem> local_items(std::vector<std::string>* skipped = nullptr) const;

    bool exists(const std::string& name) const;
    std::string read(const std::string& name) const;
    // Written beside it as a hidden temp file, then renamed.
    void write(const std::string& name, const std::string& text) const;
    void remove(const std::string& name) const;

    std::optional<NoteRecord> record(const std::string& name) const;
    std::optional<NoteRecord> record_by_href(const std::string& href) const;
    void save_record(const NoteRecord& record);
    void forget(const std::string& name);

    void add_conflict(const std::string& text);
    std::vector<std::string> conflicts() const;

private:
    std::filesystem::path folder_;
    cirrus::launcher::Database database_;
};

// Hex SHA-256 of a text.
std::string text_hash(const std::string& text);

// A name the server sent as a note's file name on the phone: no '/', no
// leading '.', no control characters, at most 200 bytes. False otherwise.
bool acceptable_note_name(const std::string& name);

}  // namespace cirrus::sync
