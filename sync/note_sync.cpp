// See note_sync.hpp.
#include "note_sync.hpp"

#include <glib.h>

#include "dav_xml.hpp"

namespace cirrus::sync {

namespace {

constexpr const char* kTextType = "text/plain; charset=utf-8";

// "/dav/Notes/Shopping%20list.txt" -> "Shopping list.txt"; "" when it is no
// acceptable note name.
std::string name_of_href(const std::string& href) {
    std::string_view path = href;
    if (path.ends_with('/')) return "";
    const std::size_t slash = path.rfind('/');
    const std::string segment(slash == std::string_view::npos ? path : path.substr(slash + 1));
    gchar* decoded = g_uri_unescape_string(segment.c_str(), nullptr);
    std::string name = decoded ? decoded : "";
    g_free(decoded);
    return acceptable_note_name(name) ? name : "";
}

}  // namespace

std::vector<RemoteItem> NoteSync::listing(ItemSyncReport& report) {
    folder_path_ = href_path(client_.url_of(folder_));
    dav::Response response =
        client_.request("PROPFIND", folder_, {{"Depth", "1"}}, dav::kPropfindBody, "application/xml; charset=utf-8");
    if (response.status == 404) {
        const dav::Response made = client_.request("MKCOL", folder_);
        if (!made.ok() && made.status != 405)
            throw upload_error(made, "MKCOL " + client_.url_of(folder_), "every note");
        return {};
    }
    if (response.status != 207) {
        if (response.status == 401 || response.status == 403 || response.status == 507 || response.status >= 500)
            throw upload_error(response, "PROPFIND " + client_.url_of(folder_), "every note");
        throw UploadError(Outcome::needs_user, client_.url_of(folder_) +
                                                   " is not a WebDAV folder (PROPFIND answered HTTP " +
                                                   std::to_string(response.status) +
                                                   "): notes stay on the phone; add the account again with the "
                                                   "server's WebDAV URL");
    }
    std::vector<RemoteItem> remote;
    for (const dav::Entry& entry : dav::parse_multistatus(response.body)) {
        const std::string href = href_path(entry.href);
        if (entry.collection || href == folder_path_) continue;
        const std::string name = name_of_href(href);
        if (name.empty()) continue;
        if (entry.size && *entry.size > kMaxNoteBytes) {
            report.events.push_back(name + ": skipped (over 1 MiB on the server)");
            continue;
        }
        if (remote.size() >= kMaxNotes) {
            report.events.push_back("over " + std::to_string(kMaxNotes) + " notes on the server: the rest skipped");
            break;
        }
        remote.push_back({href, entry.etag});
    }
    return remote;
}

std::optional<dav::Response> NoteSync::get(const std::string& href) {
    dav::Response response = client_.request("GET", href);
    if (response.status == 404) return std::nullopt;
    if (!response.ok()) throw upload_error(response, "GET " + client_.url_of(href), "the note");
    if (response.body.size() > kMaxNoteBytes)
        throw UploadError(Outcome::transient_error, client_.url_of(href) + ": the note is over 1 MiB; left out");
    return response;
}

std::string NoteSync::etag_after_write(const dav::Response& response, const std::string& href) {
    std::string etag = response.header("ETag");
    if (etag.empty()) {
        // Not every server answers a PUT with the new ETag: ask once.
        const auto entry = client_.stat(href);
        if (entry) etag = entry->etag;
    }
    return etag;
}

void NoteSync::pull(const std::string& key, const std::string& href, const std::string& etag, ItemSyncReport& report) {
    const bool only_on_server = key.empty();
    const std::string name = only_on_server ? name_of_href(href) : key;
    if (only_on_server)
        if (const auto known = store_.record_by_href(href); known && same_etag(known->etag, etag)) return;
    const auto server = get(href);
    if (!server) return;  // gone meanwhile: the next listing says so
    const std::string hash = text_hash(server->body);
    if (only_on_server && store_.exists(name) && !store_.record(name) && text_hash(store_.read(name)) != hash) {
        // A different note of that name was made on the phone too: keep both.
        keep_both(name, href, *server, report);
        return;
    }
    store_.write(name, server->body);
    store_.save_record({name, href, server->header("ETag").empty() ? etag : server->header("ETag"), hash});
    report.events.push_back("in: " + name);
    ++report.pulled;
}

void NoteSync::keep_both(const std::string& name, const std::string& href, const dav::Response& server,
                         ItemSyncReport& report) {
    const std::string mine = store_.read(name);
    const std::string copy =
        conflict_name(name, [&](const std::string& candidate) { return store_.exists(candidate); });
    store_.write(copy, mine);
    store_.write(name, server.body);
    store_.save_record({name, href, server.header("ETag"), text_hash(server.body)});
    const std::string line =
        "note '" + name + "' was edited on this phone and on the server: both kept (the phone's as '" + copy + "')";
    store_.add_conflict(line);
    report.conflicts.push_back(line);
    report.events.push_back(line);
    // The copy goes up as a new note.
    push(copy, folder_path_ + dav::encode_path(copy), "", true, report);
}

void NoteSync::push(const std::string& name, const std::string& href_or_empty, const std::string& etag, bool as_new,
                    ItemSyncReport& report) {
    const std::string href = href_or_empty.empty() ? folder_path_ + dav::encode_path(name) : href_or_empty;
    const std::string text = store_.read(name);
    const auto known = store_.record(name);
    // A new note the server already took in this pass (same name, same text).
    if (as_new && href_or_empty.empty() && known && known->hash == text_hash(text)) return;
    std::vector<std::pair<std::string, std::string>> headers;
    if (as_new || etag.empty()) headers = {{"If-None-Match", "*"}};
    else headers = {{"If-Match", etag}};
    dav::Response response = client_.request("PUT", href, headers, text, kTextType);
    if (response.status == 412) {
        const auto server = get(href);
        const bool unchanged_there =
            server && ((known && text_hash(server->body) == known->hash) || text_hash(server->body) == text_hash(text));
        if (!server) {
            response = client_.request("PUT", href, {{"If-None-Match", "*"}}, text, kTextType);
        } else if (unchanged_there) {
            // The server has what the phone last synced (a weak ETag refused
            // If-Match): nobody else edited it.
            response = client_.request("PUT", href, {}, text, kTextType);
        } else {
            keep_both(name, href, *server, report);
            return;
        }
    }
    if (!response.ok()) throw upload_error(response, "PUT " + client_.url_of(href), "note '" + name + "'");
    store_.save_record({name, href, etag_after_write(response, href), text_hash(text)});
    report.events.push_back("out: " + name);
    ++report.pushed;
}

void NoteSync::delete_remote(const std::string& name, const std::string& href, const std::string& etag,
                             ItemSyncReport& report) {
    const auto known = store_.record(name);
    dav::Response response = client_.request("DELETE", href, {{"If-Match", etag}});
    if (response.status == 412) {
        const auto server = get(href);
        if (server && known && text_hash(server->body) != known->hash) {
            // Edited on the server since: the edit wins, the note comes back.
            store_.write(name, server->body);
            store_.save_record({name, href, server->header("ETag"), text_hash(server->body)});
            report.events.push_back("in again (edited on the server): " + name);
            return;
        }
        response = server ? client_.request("DELETE", href) : dav::Response{404, "", {}, ""};
    }
    if (!response.ok() && response.status != 404)
        throw upload_error(response, "DELETE " + client_.url_of(href), "note '" + name + "'");
    store_.forget(name);
    report.events.push_back("deleted there: " + name);
    ++report.deleted_there;
}

ItemSyncReport NoteSync::sync() {
    return with_sync_errors("notes", [&] {
        ItemSyncReport report;
        std::vector<std::string> skipped;
        const std::vector<LocalItem> local = store_.local_items(&skipped);
        for (const std::string& name : skipped) report.events.push_back(name + ": not synced (over 1 MiB)");
        const std::vector<RemoteItem> remote = listing(report);
        const std::vector<MergeAction> plan = plan_merge(local, remote);
        // The server's changes first, then the phone's.
        for (const MergeAction& action : plan) {
            switch (action.step) {
            case MergeStep::pull:
                pull(action.key, action.href, action.etag, report);
                break;
            case MergeStep::keep_both:
                if (const auto server = get(action.href)) keep_both(action.key, action.href, *server, report);
                break;
            case MergeStep::delete_local:
                store_.remove(action.key);
                store_.forget(action.key);
                report.events.push_back("deleted here: " + action.key);
                ++report.deleted_here;
                break;
            case MergeStep::forget:
                store_.forget(action.key);
                break;
            default:
                break;
            }
        }
        for (const MergeAction& action : plan) {
            if (action.step == MergeStep::push || action.step == MergeStep::push_new)
                push(action.key, action.href, action.etag, action.step == MergeStep::push_new, report);
            else if (action.step == MergeStep::delete_remote)
                delete_remote(action.key, action.href, action.etag, report);
        }
        return report;
    });
}

}  // namespace cirrus::sync
