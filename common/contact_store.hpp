// The phone's contacts (issue 19 item 4): one SQLite file in the data folder
// beside the registry (contacts.sqlite). Each contact is its vCard text as
// written (by an app, or by the server), with where it lives on the server
// (href), the ETag it had at the last sync, and whether the phone changed or
// deleted it since. A deleted contact that was on the server stays as a
// tombstone until the server's copy is deleted too.
//
// The same file keeps the sync's state (the address book's URL, its
// sync-token) and the conflicts the user has not yet been told of.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sqlite.hpp"

namespace cirrus::sync {

struct Contact {
    std::int64_t id = 0;
    std::string uid;
    std::string vcard;
    std::string href;  // "" until it is on the server
    std::string etag;  // as last synced
    bool changed = false;
    bool deleted = false;
    std::int64_t revision = 0;  // counts the phone's edits: a sync clears `changed` only for the one it sent
};

class ContactStore {
public:
    explicit ContactStore(const std::filesystem::path& file);

    // The phone's edits (apps, tests). Throw std::invalid_argument with what
    // is wrong when the text is not one vCard. A card without a UID gets one.
    std::int64_t add(const std::string& vcard);
    void edit(std::int64_t id, const std::string& vcard);
    void remove(std::int64_t id);

    std::optional<Contact> find(std::int64_t id) const;
    std::optional<Contact> find_by_href(const std::string& href) const;
    // Live contacts (no tombstones) unless `with_deleted`.
    std::vector<Contact> contacts(bool with_deleted = false) const;

    // The sync's side. The server's version, clean: replaces contact `id`,
    // or is new when id is 0. Returns its id.
    std::int64_t store_from_server(std::int64_t id, const std::string& href, const std::string& etag,
                                   const std::string& vcard);
    // The server took revision `revision` of it: clean unless edited since.
    void mark_synced(std::int64_t id, std::int64_t revision, const std::string& href, const std::string& etag);
    void erase(std::int64_t id);

    std::string state(const std::string& key) const;  // "" when unset
    void set_state(const std::string& key, const std::string& value);

    // Conflicts kept for the user to see (the status file's message).
    void add_conflict(const std::string& text);
    std::vector<std::string> conflicts() const;

private:
    cirrus::launcher::Database database_;
};

// A fresh random UID (a UUID).
std::string new_uid();

}  // namespace cirrus::sync
