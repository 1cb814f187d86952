// Contacts two-way with a CardDAV address book (RFC 6352), the glue between
// the phone's ContactStore, the merge policy (two_way_merge) and common/'s
// client. One sync():
//  1. Finds the address book, once (its URL is kept): the account's contacts
//     URL if it is one, else its addressbook-home-set (asked of the
//     current-user-principal when the URL is not the home), else it makes
//     one ("contacts/", extended MKCOL) in an empty home.
//  2. Asks what changed: REPORT sync-collection (RFC 6578) with the stored
//     sync-token, only ETags; a token the server forgot means a full list
//     (token ""); a server without sync-collection gets PROPFIND Depth 1
//     getetag instead. Then addressbook-multiget for the cards whose ETag is
//     new, 50 at a time.
//  3. Takes server changes in, then sends the phone's out: PUT with If-Match
//     (If-None-Match: * for a new card), DELETE with If-Match. A 412 means
//     the server changed the card meanwhile: it is a conflict (both kept).
// The sync-token is stored only after the server's changes are in, so a cut
// pass asks again from the last complete one.
#pragma once

#include <string>
#include <vector>

#include "common/dav_client.hpp"
#include "common/contact_store.hpp"
#include "dav_xml.hpp"
#include "item_sync.hpp"
#include "common/two_way_merge.hpp"

namespace cirrus::sync {

class CardDavSync {
public:
    // `client`'s base URL is the account's contacts URL.
    CardDavSync(dav::Client& client, ContactStore& store) : client_(client), store_(store) {}

    // Throws UploadError; the phone's contacts stay as they were for what
    // did not finish.
    ItemSyncReport sync();
    // The address book's path on the server (discovering it if needed).
    std::string address_book();

private:
    DavAnswer propfind(const std::string& path, int depth, const std::string& props, const std::string& what);
    std::vector<RemoteItem> listing(const std::string& book, const std::vector<LocalItem>& local,
                                    std::string& new_token, ItemSyncReport& report);
    void fetch(const std::string& book, const std::vector<std::string>& hrefs, std::vector<DavMember>& into);
    void take_server_version(const MergeAction& action, const DavMember* fetched, ItemSyncReport& report,
                             std::vector<std::int64_t>& copies);
    void keep_both(std::int64_t id, const std::string& href, const std::string& etag, const std::string& server_card,
                   ItemSyncReport& report, std::vector<std::int64_t>& copies);
    void push(std::int64_t id, const std::string& book, ItemSyncReport& report, std::vector<std::int64_t>& copies,
              bool as_new);
    void delete_remote(std::int64_t id, ItemSyncReport& report);

    dav::Client& client_;
    ContactStore& store_;
};

}  // namespace cirrus::sync
