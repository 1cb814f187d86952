// The 207 Multi-Status answers of CardDAV (RFC 6352) and WebDAV sync
// (RFC 6578) that common/dav_client's parse_multistatus does not read:
// discovery's principal and address-book home, an address book's
// resourcetype and sync-token, sync-collection's removed members (a
// response-level 404), and a multiget's address-data.
//
// The server is not trusted: libxml2 with no network, no entity expansion
// and no DTD; at most kMaxDavResponses responses (more is an error: the
// phone holds less), and an address-data over kMaxVcardBytes is dropped and
// its href reported as oversized.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cirrus::sync {

inline constexpr std::size_t kMaxDavResponses = 20000;

struct DavMember {
    std::string href;
    unsigned status = 0;  // the response-level status (404: removed); 0 when it had propstats
    bool has_props = false;
    bool collection = false;
    bool addressbook = false;
    std::string etag;
    std::string address_data;
    bool oversized = false;  // address-data over the limit, dropped
    std::string principal;   // current-user-principal's href
    std::string home;        // addressbook-home-set's first href
    std::string sync_token;  // the resource's DAV:sync-token property
};

struct DavAnswer {
    std::vector<DavMember> members;
    std::string sync_token;  // sync-collection's top-level token
};

// Throws std::runtime_error saying what is wrong with the body.
DavAnswer parse_dav_answer(std::string_view xml);

// "a &amp; <b>" as XML text: &, <, > and " escaped.
std::string xml_escape(std::string_view text);

// The path of an href: "http://h/p/" and "/p/" -> "/p/", percent-escapes kept.
std::string href_path(std::string_view href);

}  // namespace cirrus::sync
