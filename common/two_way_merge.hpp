// Two-way sync of small items (contacts, notes) between the phone and the
// user's server, as plain C++ with no I/O (tests/sync/test_two_way_merge.cpp).
// The glue (carddav_sync, note_sync) lists both sides, asks plan_merge() what
// to do with each item, and does it.
//
// The rule: nothing the user wrote is lost. Server changes come in, phone
// changes go out, a deletion on either side is done on the other — unless
// the other side edited the item since the last sync: then the edit wins
// (an edit is the user's newest intent for it; a deletion of an edited item
// would lose work). An item edited on both sides is kept twice: the server's
// version stays as it is (and becomes the phone's item), the phone's goes up
// as a new item named "... (conflict on this phone)", and the user is told.
//
// The server's version is known by its ETag (RFC 7232): the phone keeps the
// ETag it last synced, and a different one on the server is a server edit.
// Apache marks an ETag weak ("W/") in the second a file changed and strong
// later, so weakness is ignored when comparing.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace cirrus::sync {

// What the phone knows of one item.
struct LocalItem {
    std::string key;       // the phone's name for it: a contact's row id, a note's file name
    std::string href;      // where it is on the server; "" when it never was
    std::string etag;      // the ETag it had at the last sync
    bool changed = false;  // added or edited on the phone since the last sync
    bool deleted = false;  // deleted on the phone since the last sync (its href kept to delete it)
};

// One item the server has now.
struct RemoteItem {
    std::string href;
    std::string etag;
};

enum class MergeStep {
    pull,           // the server's version replaces the phone's (or is new on the phone)
    push,           // the phone's edit goes up: PUT If-Match the server's ETag
    push_new,       // the phone's item goes up as new: PUT If-None-Match: *
    delete_remote,  // deleted on the phone: DELETE If-Match
    delete_local,   // deleted on the server, unchanged on the phone
    forget,         // deleted on both sides: the phone drops its record
    keep_both,      // edited on both sides: pull the server's, push the phone's as a conflict copy
};
std::string_view to_string(MergeStep step);

struct MergeAction {
    MergeStep step;
    std::string key;   // "" for an item only the server has
    std::string href;  // the server's href ("" for a push_new of an item never synced)
    std::string etag;  // the server's ETag now ("" when the server has none)
};

// ETags equal but for a weak marker.
bool same_etag(std::string_view a, std::string_view b);

// Every item's step, phone items first (in their order), then the server's
// new ones (in its order). `remote` is everything the server has. Items with
// nothing to do are left out.
std::vector<MergeAction> plan_merge(const std::vector<LocalItem>& local, const std::vector<RemoteItem>& remote);

// What a server's delta (RFC 6578 sync-collection) means as a full listing:
// the items the phone knows, unchanged unless `changed` names them (with a
// new ETag) or `removed` does.
std::vector<RemoteItem> apply_delta(const std::vector<LocalItem>& local, const std::vector<RemoteItem>& changed,
                                    const std::vector<std::string>& removed);

// The words for a conflict copy.
inline constexpr std::string_view kConflictSuffix = " (conflict on this phone)";

// "Shopping.txt" -> "Shopping (conflict on this phone).txt"; with " 2", " 3"
// before the ')' while `taken` says the name is used.
std::string conflict_name(std::string_view name, const std::function<bool(const std::string&)>& taken);

}  // namespace cirrus::sync
