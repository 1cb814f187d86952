// See carddav_sync.hpp.
#include "carddav_sync.hpp"

#include <algorithm>
#include <unordered_map>

#include <glib.h>

#include "common/vcard.hpp"

namespace cirrus::sync {

namespace {

// 20 cards of at most 512 KiB: 10 MiB, under the 16 MiB the service lets
// one answer be (main.cpp).
constexpr std::size_t kMultigetBatch = 20;
constexpr const char* kXmlType = "application/xml; charset=utf-8";
constexpr const char* kVcardType = "text/vcard; charset=utf-8";

std::string name_of(const std::string& vcard) {
    const std::string name = vcard_property(vcard, "FN");
    return name.empty() ? vcard_property(vcard, "UID") : name;
}

// An answer that is not a CardDAV one, as the error the user can act on.
UploadError not_carddav(const std::string& url, const std::string& why) {
    return UploadError(Outcome::needs_user, url + " is not a CardDAV address book (" + why +
                                                "): contacts stay on the phone; add the account again with "
                                                "--contacts naming the server's CardDAV URL "
                                                "(Nextcloud: https://HOST/remote.php/dav/addressbooks/users/NAME/)");
}

std::string ensure_slash(std::string path) {
    if (path.empty() || path.back() != '/') path += '/';
    return path;
}

// A member the phone may keep: directly inside the address book. A server
// naming other paths (another user's, a parent's) is not followed there.
// Compared percent-decoded: "%40" and "@" name the same folder.
bool is_card_in(const std::string& href, const std::string& book) {
    auto decoded = [](const std::string& text) {
        gchar* plain = g_uri_unescape_string(text.c_str(), nullptr);
        std::string result = plain ? plain : text;
        g_free(plain);
        return result;
    };
    const std::string card = decoded(href);
    const std::string folder = decoded(book);
    return card.size() > folder.size() && card.starts_with(folder) &&
           card.find('/', folder.size()) == std::string::npos;
}

}  // namespace

std::string ItemSyncReport::summary() const {
    return std::to_string(pulled) + " in, " + std::to_string(pushed) + " out, " + std::to_string(deleted_here) +
           " deleted here, " + std::to_string(deleted_there) + " deleted there, " + std::to_string(conflicts.size()) +
           (conflicts.size() == 1 ? " conflict" : " conflicts") + (delta ? " (sync-collection)" : "");
}

DavAnswer CardDavSync::propfind(const std::string& path, int depth, const std::string& props, const std::string& what) {
    const std::string body =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        "<d:propfind xmlns:d=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:ns:carddav\"><d:prop>" +
        props + "</d:prop></d:propfind>";
    const dav::Response response =
        client_.request("PROPFIND", path, {{"Depth", std::to_string(depth)}}, body, kXmlType);
    if (response.status == 401 || response.status == 403 || response.status == 507 || response.status >= 500)
        throw upload_error(response, "PROPFIND " + client_.url_of(path), "every contact");
    if (response.status != 207) throw not_carddav(client_.url_of(path), what + " answered " + response.status_text());
    try {
        return parse_dav_answer(response.body);
    } catch (const std::runtime_error& e) {
        throw not_carddav(client_.url_of(path), e.what());
    }
}

std::string CardDavSync::address_book() {
    const std::string cached = store_.state("addressbook");
    if (!cached.empty() && store_.state("addressbook_of") == client_.base_url()) return cached;
    const std::string base = href_path(client_.base_url());
    const std::string props = "<d:resourcetype/><d:current-user-principal/><c:addressbook-home-set/>";
    DavAnswer own = propfind(base, 0, props, "PROPFIND");
    if (own.members.empty()) throw not_carddav(client_.base_url(), "PROPFIND answered no properties");
    std::string book;
    if (own.members.front().addressbook) {
        book = base;
    } else {
        std::string home = own.members.front().home;
        if (home.empty() && !own.members.front().principal.empty()) {
            DavAnswer principal = propfind(href_path(own.members.front().principal), 0, props, "the principal");
            if (!principal.members.empty()) home = principal.members.front().home;
        }
        if (home.empty())
            throw not_carddav(client_.base_url(), "it names no addressbook-home-set and is no address book");
        home = ensure_slash(href_path(home));
        DavAnswer members = propfind(home, 1, "<d:resourcetype/>", "PROPFIND of the address-book home");
        for (const DavMember& member : members.members)
            if (member.addressbook && ensure_slash(href_path(member.href)) != home) {
                book = href_path(member.href);
                break;
            }
        if (book.empty()) {
            // An empty home (a new account): the phone makes the address book.
            book = home + "contacts/";
            const std::string body =
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                "<d:mkcol xmlns:d=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:ns:carddav\"><d:set><d:prop>"
                "<d:resourcetype><d:collection/><c:addressbook/></d:resourcetype>"
                "<d:displayname>Contacts</d:displayname></d:prop></d:set></d:mkcol>";
            const dav::Response made = client_.request("MKCOL", book, {}, body, kXmlType);
            // 405: it exists (another device made it a moment ago); so long as it is an address book.
            const bool made_elsewhere = made.status == 405 && [&] {
                const DavAnswer there = propfind(book, 0, "<d:resourcetype/>", "PROPFIND of " + book);
                return !there.members.empty() && there.members.front().addressbook;
            }();
            if (!made.ok() && !made_elsewhere)
                throw not_carddav(client_.url_of(book),
                                  "it has no address book and making one answered " + made.status_text());
        }
    }
    book = ensure_slash(book);
    store_.set_state("addressbook", book);
    store_.set_state("addressbook_of", client_.base_url());
    store_.set_state("sync_token", "");
    return book;
}

std::vector<RemoteItem> CardDavSync::listing(const std::string& book, const std::vector<LocalItem>& local,
                                             std::string& new_token, ItemSyncReport& report) {
    std::string token = store_.state("sync_token");
    for (int attempt = 0; attempt < 2 && store_.state("no_sync_collection").empty(); ++attempt) {
        const std::string body =
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
            "<d:sync-collection xmlns:d=\"DAV:\"><d:sync-token>" +
            xml_escape(token) +
            "</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop>"
            "</d:sync-collection>";
        const dav::Response response = client_.request("REPORT", book, {}, body, kXmlType);
        if (response.status == 401 || response.status == 507 || response.status >= 500)
            throw upload_error(response, "REPORT sync-collection on " + client_.url_of(book), "every contact");
        if ((response.status == 403 || response.status == 409) && !token.empty()) {
            // RFC 6578 3.2: the token is no longer valid; start again from a full list.
            report.events.push_back("the server forgot its sync-token: listing every contact");
            token.clear();
            continue;
        }
        if (response.status != 207) {
            report.events.push_back("the address book has no sync-collection (REPORT answered " +
                                    response.status_text() + "): comparing every ETag instead");
            store_.set_state("no_sync_collection", "1");
            break;
        }
        DavAnswer answer = parse_dav_answer(response.body);
        std::vector<RemoteItem> changed;
        std::vector<std::string> removed;
        for (const DavMember& member : answer.members) {
            const std::string href = href_path(member.href);
            if (!is_card_in(href, book)) continue;
            if (member.status == 404) removed.push_back(href);
            else if (member.has_props) changed.push_back({href, member.etag});
        }
        new_token = answer.sync_token;
        report.delta = true;
        // A full list (no token) is everything the server has: what the phone
        // knows and the server did not list is gone from it.
        if (token.empty()) return changed;
        return apply_delta(local, changed, removed);
    }
    // No sync-collection: every card's ETag.
    const DavAnswer answer = propfind(book, 1, "<d:resourcetype/><d:getetag/>", "PROPFIND Depth 1");
    std::vector<RemoteItem> all;
    for (const DavMember& member : answer.members) {
        const std::string href = href_path(member.href);
        if (member.collection || !is_card_in(href, book)) continue;
        all.push_back({href, member.etag});
    }
    return all;
}

void CardDavSync::fetch(const std::string& book, const std::vector<std::string>& hrefs, std::vector<DavMember>& into) {
    for (std::size_t start = 0; start < hrefs.size(); start += kMultigetBatch) {
        std::string body =
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
            "<c:addressbook-multiget xmlns:d=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:ns:carddav\">"
            "<d:prop><d:getetag/><c:address-data/></d:prop>";
        for (std::size_t i = start; i < std::min(hrefs.size(), start + kMultigetBatch); ++i)
            body += "<d:href>" + xml_escape(hrefs[i]) + "</d:href>";
        body += "</c:addressbook-multiget>";
        const dav::Response response = client_.request("REPORT", book, {{"Depth", "1"}}, body, kXmlType);
        if (response.status != 207)
            throw upload_error(response, "REPORT addressbook-multiget on " + client_.url_of(book), "every contact");
        DavAnswer answer = parse_dav_answer(response.body);
        for (DavMember& member : answer.members) {
            member.href = href_path(member.href);
            into.push_back(std::move(member));
        }
    }
}

void CardDavSync::keep_both(std::int64_t id, const std::string& href, const std::string& etag,
                            const std::string& server_card, ItemSyncReport& report, std::vector<std::int64_t>& copies) {
    const auto mine = store_.find(id);
    if (!mine) return;
    const std::int64_t copy = store_.add(vcard_conflict_copy(mine->vcard, new_uid()));
    store_.store_from_server(id, href, etag, server_card);
    copies.push_back(copy);
    const std::string line = "contact '" + name_of(mine->vcard) +
                             "' was edited on this phone and on the server: both kept (the phone's as '" +
                             name_of(store_.find(copy)->vcard) + "')";
    store_.add_conflict(line);
    report.conflicts.push_back(line);
    report.events.push_back(line);
}

void CardDavSync::take_server_version(const MergeAction& action, const DavMember* fetched, ItemSyncReport& report,
                                      std::vector<std::int64_t>& copies) {
    const std::int64_t id = action.key.empty() ? 0 : std::stoll(action.key);
    switch (action.step) {
    case MergeStep::pull:
    case MergeStep::keep_both: {
        if (!fetched) return;  // gone meanwhile: the next pass sees it removed
        if (fetched->oversized || !vcard_problem(fetched->address_data).empty()) {
            report.events.push_back(
                action.href + ": skipped (" +
                (fetched->oversized ? std::string("over 512 KiB") : vcard_problem(fetched->address_data)) + ")");
            return;
        }
        const std::string etag = fetched->etag.empty() ? action.etag : fetched->etag;
        if (action.step == MergeStep::keep_both) {
            keep_both(id, action.href, etag, fetched->address_data, report, copies);
        } else {
            store_.store_from_server(id, action.href, etag, fetched->address_data);
            report.events.push_back("in: " + name_of(fetched->address_data));
        }
        ++report.pulled;
        return;
    }
    case MergeStep::delete_local:
        if (const auto gone = store_.find(id)) report.events.push_back("deleted here: " + name_of(gone->vcard));
        store_.erase(id);
        ++report.deleted_here;
        return;
    case MergeStep::forget:
        store_.erase(id);
        return;
    default:
        return;
    }
}

void CardDavSync::push(std::int64_t id, const std::string& book, ItemSyncReport& report,
                       std::vector<std::int64_t>& copies, bool as_new) {
    const auto contact = store_.find(id);
    if (!contact || contact->deleted) return;
    const bool is_new = as_new || contact->href.empty() || contact->etag.empty();
    const std::string href = contact->href.empty() ? book + vcard_file_name(contact->uid) : contact->href;
    std::vector<std::pair<std::string, std::string>> headers;
    if (is_new) headers = {{"If-None-Match", "*"}};
    else headers = {{"If-Match", contact->etag}};
    const dav::Response response = client_.request("PUT", href, headers, contact->vcard, kVcardType);
    if (response.status == 412) {
        // The server's card changed (or a new one took the name) since the
        // listing: keep both, as for an edit on both sides.
        const dav::Response current = client_.request("GET", href);
        if (current.status == 404) {
            store_.mark_synced(id, contact->revision - 1, href, "");  // the next pass sends it as new
            return;
        }
        if (!current.ok()) throw upload_error(current, "GET " + client_.url_of(href), "the contact");
        keep_both(id, href, current.header("ETag"), current.body, report, copies);
        return;
    }
    if (!response.ok())
        throw upload_error(response, "PUT " + client_.url_of(href), "contact '" + name_of(contact->vcard) + "'");
    store_.mark_synced(id, contact->revision, href, response.header("ETag"));
    report.events.push_back("out: " + name_of(contact->vcard));
    ++report.pushed;
}

void CardDavSync::delete_remote(std::int64_t id, ItemSyncReport& report) {
    const auto contact = store_.find(id);
    if (!contact) return;
    const dav::Response response = client_.request("DELETE", contact->href, {{"If-Match", contact->etag}});
    if (response.status == 412) {
        // Edited on the server since: the edit wins, the contact comes back.
        const dav::Response current = client_.request("GET", contact->href);
        if (current.ok() && vcard_problem(current.body).empty())
            store_.store_from_server(id, contact->href, current.header("ETag"), current.body);
        return;
    }
    if (!response.ok() && response.status != 404)
        throw upload_error(response, "DELETE " + client_.url_of(contact->href), "the contact");
    store_.erase(id);
    report.events.push_back("deleted there: " + name_of(contact->vcard));
    ++report.deleted_there;
}

ItemSyncReport CardDavSync::sync() {
    return with_sync_errors("contacts", [&] {
        ItemSyncReport report;
        const std::string book = address_book();
        std::vector<LocalItem> local;
        for (const Contact& contact : store_.contacts(true))
            local.push_back({std::to_string(contact.id), contact.href, contact.etag, contact.changed, contact.deleted});
        std::string new_token;
        const std::vector<RemoteItem> remote = listing(book, local, new_token, report);
        const std::vector<MergeAction> plan = plan_merge(local, remote);

        std::vector<std::string> wanted;
        for (const MergeAction& action : plan)
            if (action.step == MergeStep::pull || action.step == MergeStep::keep_both) wanted.push_back(action.href);
        std::vector<DavMember> fetched;
        fetch(book, wanted, fetched);
        std::unordered_map<std::string, const DavMember*> by_href;
        for (const DavMember& member : fetched)
            if (member.has_props) by_href[member.href] = &member;

        // The server's changes first, then the phone's.
        std::vector<std::int64_t> copies;
        for (const MergeAction& action : plan) {
            const auto found = by_href.find(action.href);
            take_server_version(action, found == by_href.end() ? nullptr : found->second, report, copies);
        }
        if (!new_token.empty()) store_.set_state("sync_token", new_token);
        for (const MergeAction& action : plan) {
            if (action.step == MergeStep::push || action.step == MergeStep::push_new)
                push(std::stoll(action.key), book, report, copies, action.step == MergeStep::push_new);
            else if (action.step == MergeStep::delete_remote) delete_remote(std::stoll(action.key), report);
        }
        for (std::size_t i = 0; i < copies.size(); ++i) push(copies[i], book, report, copies, true);
        return report;
    });
}

}  // namespace cirrus::sync
