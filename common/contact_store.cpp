// See contact_store.hpp.
#include "contact_store.hpp"

#include <stdexcept>

#include <glib.h>

#include "conflict_log.hpp"
#include "vcard.hpp"

namespace cirrus::sync {

namespace {

constexpr const char* kColumns = "id, uid, vcard, href, etag, changed, deleted, revision";

Contact read_contact(const cirrus::launcher::Statement& row) {
    Contact contact;
    contact.id = row.column_int64(0);
    contact.uid = row.column_text(1);
    contact.vcard = row.column_text(2);
    contact.href = row.column_text(3);
    contact.etag = row.column_text(4);
    contact.changed = row.column_int64(5) != 0;
    contact.deleted = row.column_int64(6) != 0;
    contact.revision = row.column_int64(7);
    return contact;
}

void check_card(const std::string& vcard) {
    if (const std::string problem = vcard_problem(vcard); !problem.empty())
        throw std::invalid_argument("not a contact: " + problem);
}

}  // namespace

std::string new_uid() {
    gchar* uuid = g_uuid_string_random();
    std::string uid(uuid);
    g_free(uuid);
    return uid;
}

ContactStore::ContactStore(const std::filesystem::path& file)
    : database_([&] {
          std::filesystem::create_directories(file.parent_path());
          return cirrus::launcher::Database::open_or_recover(file).database;
      }()) {
    database_.exec(
        "CREATE TABLE IF NOT EXISTS contacts ("
        " id INTEGER PRIMARY KEY,"
        " uid TEXT NOT NULL,"
        " vcard TEXT NOT NULL,"
        " href TEXT NOT NULL DEFAULT '',"
        " etag TEXT NOT NULL DEFAULT '',"
        " changed INTEGER NOT NULL DEFAULT 0,"
        " deleted INTEGER NOT NULL DEFAULT 0,"
        " revision INTEGER NOT NULL DEFAULT 0);"
        "CREATE INDEX IF NOT EXISTS contacts_href ON contacts(href);"
        "CREATE TABLE IF NOT EXISTS sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    create_conflict_log(database_);
}

std::int64_t ContactStore::add(const std::string& vcard) {
    check_card(vcard);
    std::string uid = vcard_property(vcard, "UID");
    std::string card = vcard;
    if (uid.empty()) {
        uid = new_uid();
        card = vcard_with_property(vcard, "UID", uid);
    }
    database_.prepare("INSERT INTO contacts (uid, vcard, changed, revision) VALUES (?1, ?2, 1, 1)")
        .bind(1, uid)
        .bind(2, card)
        .run();
    return database_.last_insert_rowid();
}

void ContactStore::edit(std::int64_t id, const std::string& vcard) {
    check_card(vcard);
    const auto contact = find(id);
    if (!contact || contact->deleted) throw std::invalid_argument("no contact " + std::to_string(id));
    // The UID names the contact on every device: an edit keeps it.
    const std::string card = vcard_with_property(vcard, "UID", contact->uid);
    database_.prepare("UPDATE contacts SET vcard = ?2, changed = 1, revision = revision + 1 WHERE id = ?1")
        .bind(1, id)
        .bind(2, card)
        .run();
}

void ContactStore::remove(std::int64_t id) {
    const auto contact = find(id);
    if (!contact) return;
    if (contact->href.empty()) {
        erase(id);
        return;
    }
    database_.prepare("UPDATE contacts SET deleted = 1, changed = 1, revision = revision + 1 WHERE id = ?1")
        .bind(1, id)
        .run();
}

std::optional<Contact> ContactStore::find(std::int64_t id) const {
    auto row = database_.prepare(std::string("SELECT ") + kColumns + " FROM contacts WHERE id = ?1");
    row.bind(1, id);
    if (!row.step()) return std::nullopt;
    return read_contact(row);
}

std::optional<Contact> ContactStore::find_by_href(const std::string& href) const {
    auto row = database_.prepare(std::string("SELECT ") + kColumns + " FROM contacts WHERE href = ?1 LIMIT 1");
    row.bind(1, href);
    if (!row.step()) return std::nullopt;
    return read_contact(row);
}

std::vector<Contact> ContactStore::contacts(bool with_deleted) const {
    auto row = database_.prepare(std::string("SELECT ") + kColumns + " FROM contacts" +
                                 (with_deleted ? "" : " WHERE deleted = 0") + " ORDER BY id");
    std::vector<Contact> all;
    while (row.step()) all.push_back(read_contact(row));
    return all;
}

std::int64_t ContactStore::store_from_server(std::int64_t id, const std::string& href, const std::string& etag,
                                             const std::string& vcard) {
    std::string uid = vcard_property(vcard, "UID");
    if (uid.empty()) uid = href;
    if (id == 0) {
        database_.prepare("INSERT INTO contacts (uid, vcard, href, etag) VALUES (?1, ?2, ?3, ?4)")
            .bind(1, uid)
            .bind(2, vcard)
            .bind(3, href)
            .bind(4, etag)
            .run();
        return database_.last_insert_rowid();
    }
    database_
        .prepare(
            "UPDATE contacts SET uid = ?2, vcard = ?3, href = ?4, etag = ?5, changed = 0, deleted = 0,"
            " revision = revision + 1 WHERE id = ?1")
        .bind(1, id)
        .bind(2, uid)
        .bind(3, vcard)
        .bind(4, href)
        .bind(5, etag)
        .run();
    return id;
}

void ContactStore::mark_synced(std::int64_t id, std::int64_t revision, const std::string& href,
                               const std::string& etag) {
    database_
        .prepare(
            "UPDATE contacts SET href = ?2, etag = ?3, changed = CASE WHEN revision = ?4 THEN 0 ELSE changed END"
            " WHERE id = ?1")
        .bind(1, id)
        .bind(2, href)
        .bind(3, etag)
        .bind(4, revision)
        .run();
}

void ContactStore::erase(std::int64_t id) { database_.prepare("DELETE FROM contacts WHERE id = ?1").bind(1, id).run(); }

std::string ContactStore::state(const std::string& key) const {
    auto row = database_.prepare("SELECT value FROM sync_state WHERE key = ?1");
    row.bind(1, key);
    return row.step() ? row.column_text(0) : "";
}

void ContactStore::set_state(const std::string& key, const std::string& value) {
    database_.prepare("INSERT OR REPLACE INTO sync_state (key, value) VALUES (?1, ?2)")
        .bind(1, key)
        .bind(2, value)
        .run();
}

void ContactStore::add_conflict(const std::string& text) { sync::add_conflict(database_, text); }

std::vector<std::string> ContactStore::conflicts() const { return read_conflicts(database_); }

}  // namespace cirrus::sync
