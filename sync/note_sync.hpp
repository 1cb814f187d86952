// Notes two-way as files in a WebDAV folder (the account's Notes/), the glue
// between the phone's NoteStore, the merge policy (two_way_merge) and
// common/'s client. One sync(): PROPFIND Depth 1 with getetag (MKCOL when
// the folder is missing), the server's changes in (GET), the phone's out
// (PUT with If-Match, If-None-Match: * for a new note; DELETE with
// If-Match). A 412 is checked against the journal's hash before it counts
// as a conflict: Apache's ETag is weak in the second a file changed, and a
// weak ETag never matches If-Match, so a server whose text is still the one
// last synced gets the write unconditionally.
#pragma once

#include <string>

#include "common/dav_client.hpp"
#include "item_sync.hpp"
#include "common/note_store.hpp"

namespace cirrus::sync {

class NoteSync {
public:
    // `client`'s base URL is the account's WebDAV folder.
    NoteSync(dav::Client& client, NoteStore& store, std::string folder = "Notes/")
        : client_(client), store_(store), folder_(std::move(folder)) {}

    // Throws UploadError; the phone's notes stay as they were for what did
    // not finish.
    ItemSyncReport sync();

private:
    std::vector<RemoteItem> listing(ItemSyncReport& report);
    // GET; nullopt on 404. Bounded by kMaxNoteBytes.
    std::optional<dav::Response> get(const std::string& href);
    void pull(const std::string& name, const std::string& href, const std::string& etag, ItemSyncReport& report);
    void keep_both(const std::string& name, const std::string& href, const dav::Response& server,
                   ItemSyncReport& report);
    void push(const std::string& name, const std::string& href, const std::string& etag, bool as_new,
              ItemSyncReport& report);
    void delete_remote(const std::string& name, const std::string& href, const std::string& etag,
                       ItemSyncReport& report);
    std::string etag_after_write(const dav::Response& response, const std::string& href);

    dav::Client& client_;
    NoteStore& store_;
    std::string folder_;
    std::string folder_path_;  // the folder's absolute path on the server
};

}  // namespace cirrus::sync
