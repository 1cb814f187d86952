// See note_store.hpp.
#include "note_store.hpp"

#include <fstream>
#include <span>
#include <stdexcept>
#include <system_error>

#include "content_hash.hpp"
#include "conflict_log.hpp"

namespace cirrus::sync {

std::string text_hash(const std::string& text) {
    return cirrus::offline::to_hex(cirrus::offline::sha256(
        std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()), text.size())));
}

bool acceptable_note_name(const std::string& name) {
    if (name.empty() || name.size() > 200 || name.front() == '.') return false;
    for (const char c : name)
        if (c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
    return true;
}

NoteStore::NoteStore(std::filesystem::path folder, const std::filesystem::path& journal)
    : folder_(std::move(folder)), database_([&] {
          std::filesystem::create_directories(journal.parent_path());
          return cirrus::launcher::Database::open_or_recover(journal).database;
      }()) {
    std::filesystem::create_directories(folder_);
    database_.exec(
        "CREATE TABLE IF NOT EXISTS notes ("
        " name TEXT PRIMARY KEY,"
        " href TEXT NOT NULL,"
        " etag TEXT NOT NULL,"
        " hash TEXT NOT NULL)");
    create_conflict_log(database_);
}

std::vector<LocalItem> NoteStore::local_items(std::vector<std::string>* skipped) const {
    std::vector<LocalItem> items;
    std::error_code error;
    std::size_t seen = 0;
    for (const auto& entry : std::filesystem::directory_iterator(folder_, error)) {
        const std::string name = entry.path().filename().string();
        if (!acceptable_note_name(name) || !entry.is_regular_file(error)) continue;
        if (++seen > kMaxNotes || entry.file_size(error) > kMaxNoteBytes) {
            if (skipped) skipped->push_back(name);
            continue;
        }
        LocalItem item{name, "", "", true, false};
        if (const auto known = record(name)) {
            item.href = known->href;
            item.etag = known->etag;
            item.changed = text_hash(read(name)) != known->hash;
        }
        items.push_back(std::move(item));
    }
    // Journal entries whose file is gone: deleted on the phone.
    auto row = database_.prepare("SELECT name, href, etag FROM notes ORDER BY name");
    while (row.step()) {
        const std::string name = row.column_text(0);
        if (!exists(name)) items.push_back({name, row.column_text(1), row.column_text(2), true, true});
    }
    return items;
}

bool NoteStore::exists(const std::string& name) const {
    std::error_code error;
    return std::filesystem::is_regular_file(folder_ / name, error);
}

std::string NoteStore::read(const std::string& name) const {
    std::ifstream in(folder_ / name, std::ios::binary);
    if (!in) throw std::runtime_error((folder_ / name).string() + ": cannot read the note");
    std::string text;
    char buffer[16384];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        text.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (text.size() > kMaxNoteBytes)
            throw std::runtime_error((folder_ / name).string() + ": the note is over 1 MiB");
    }
    return text;
}

void NoteStore::write(const std::string& name, const std::string& text) const {
    const std::filesystem::path temp = folder_ / ("." + name + ".cirrus-new");
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        out << text;
        out.flush();
        if (!out) throw std::runtime_error(temp.string() + ": cannot write the note (is the disk full?)");
    }
    std::filesystem::rename(temp, folder_ / name);
}

void NoteStore::remove(const std::string& name) const {
    std::error_code error;
    std::filesystem::remove(folder_ / name, error);
}

std::optional<NoteRecord> NoteStore::record(const std::string& name) const {
    auto row = database_.prepare("SELECT href, etag, hash FROM notes WHERE name = ?1");
    row.bind(1, name);
    if (!row.step()) return std::nullopt;
    return NoteRecord{name, row.column_text(0), row.column_text(1), row.column_text(2)};
}

std::optional<NoteRecord> NoteStore::record_by_href(const std::string& href) const {
    auto row = database_.prepare("SELECT name, etag, hash FROM notes WHERE href = ?1");
    row.bind(1, href);
    if (!row.step()) return std::nullopt;
    return NoteRecord{row.column_text(0), href, row.column_text(1), row.column_text(2)};
}

void NoteStore::save_record(const NoteRecord& record) {
    database_.prepare("INSERT OR REPLACE INTO notes (name, href, etag, hash) VALUES (?1, ?2, ?3, ?4)")
        .bind(1, record.name)
        .bind(2, record.href)
        .bind(3, record.etag)
        .bind(4, record.hash)
        .run();
}

void NoteStore::forget(const std::string& name) {
    database_.prepare("DELETE FROM notes WHERE name = ?1").bind(1, name).run();
}

void NoteStore::add_conflict(const std::string& text) { sync::add_conflict(database_, text); }

std::vector<std::string> NoteStore::conflicts() const { return read_conflicts(database_); }

}  // namespace cirrus::sync
