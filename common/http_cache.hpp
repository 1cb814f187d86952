// HTTP caching (RFC 9111) as far as Cirrus' offline cache needs it: a
// private cache (one app's, on one phone) that stores GET responses and
// decides when a stored one may be reused. Plain C++, no clock: every
// function that needs the time takes `now`.
//
// Where Cirrus differs from a browser's HTTP cache, on purpose:
//  - A stored response that is stale may still be shown when the network
//    fails (RFC 9111 §4.2.4 allows that to a disconnected cache), and that
//    includes responses marked no-cache: like a service worker's cache, the
//    offline copy of an app's page is better than an error page. A response
//    that must never be shown stale says so with must-revalidate (then the
//    cache answers an error instead, §5.2.2.2) or no-store (never stored).
//  - Set-Cookie is never stored (as Chromium's disk cache does): replaying
//    a cookie from the cache could resurrect a session the server ended.
//  - Qualified no-cache="field" and private="field" act as unqualified.
#pragma once

#include <chrono>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cirrus::offline {

// HTTP dates have one-second resolution; the cache's clock is the wall clock
// because Date, Expires and Last-Modified are.
using HttpTime = std::chrono::sys_seconds;
using Seconds = std::chrono::seconds;

// The header fields of a request or a response in the order received. Names
// compare case-insensitively (RFC 9110 §5.1); values are kept as received.
class HeaderList {
public:
    using Field = std::pair<std::string, std::string>;

    HeaderList() = default;
    HeaderList(std::initializer_list<Field> fields) : fields_(fields) {}

    void add(std::string name, std::string value);
    // Replaces every field of that name with one.
    void set(std::string_view name, std::string value);
    void remove(std::string_view name);
    bool contains(std::string_view name) const;
    // The value of the first field of that name: for fields that are one
    // value (Date, ETag, Age); a repeated one is not combined.
    std::optional<std::string> first(std::string_view name) const;
    // All fields of that name joined with ", " (RFC 9110 §5.3): for list
    // fields (Cache-Control, Vary). nullopt when there is none.
    std::optional<std::string> combined(std::string_view name) const;
    const std::vector<Field>& fields() const { return fields_; }
    bool empty() const { return fields_.empty(); }

    friend bool operator==(const HeaderList&, const HeaderList&) = default;

private:
    std::vector<Field> fields_;
};

// ---------------------------------------------------------------------------
// Cache-Control (RFC 9111 §5.2), of a response or of a request.

struct CacheControl {
    bool no_store = false;
    bool no_cache = false;  // qualified or not
    bool must_revalidate = false;
    bool is_private = false;
    bool is_public = false;
    bool immutable = false;  // RFC 8246
    // Delta-seconds arguments; a value past 2^31 reads as 2^31 (§1.2.2).
    std::optional<Seconds> max_age;
    std::optional<Seconds> stale_while_revalidate;  // RFC 5861
    // max-age was present but not delta-seconds: the response is stale
    // (§4.2.1 lets a cache consider it so; it must not guess a lifetime).
    bool max_age_invalid = false;
    friend bool operator==(const CacheControl&, const CacheControl&) = default;
};

// Directive names compare case-insensitively; arguments may be tokens or
// quoted strings; of a repeated directive the first counts (§4.2.1).
// Unknown directives are ignored (§5.2.3).
CacheControl parse_cache_control(std::string_view field_value);

// A request's Cache-Control, with `Pragma: no-cache` read as no-cache when
// the request has no Cache-Control (§5.4).
CacheControl request_cache_control(const HeaderList& request_headers);

// ---------------------------------------------------------------------------
// HTTP-date (RFC 9110 §5.6.7): IMF-fixdate, and the obsolete RFC 850 and
// asctime forms that recipients must accept. RFC 850's two-digit years read
// 70-99 as 19xx and 00-69 as 20xx. nullopt for anything else ("0", "-1").
std::optional<HttpTime> parse_http_date(std::string_view text);
// IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
std::string format_http_date(HttpTime time);

// ---------------------------------------------------------------------------
// Storing

// Final status codes a cache may store with a heuristic lifetime when the
// response gives none (RFC 9110 §15.1), less 206: Cirrus does not combine
// partial content.
bool is_heuristically_cacheable(int status);

// Whether a response may be stored at all (RFC 9111 §3, private cache):
// GET only; a final status this cache understands (not 1xx, 206, or 304 -
// a 304 refreshes a stored response, see below); no no-store in request or
// response; not `Vary: *`; and something that allows storing - public,
// private, max-age, Expires, or a heuristically cacheable status.
bool storable(std::string_view method, const HeaderList& request_headers, int status,
              const HeaderList& response_headers);

// The response's fields as the cache keeps them: without hop-by-hop fields
// (Connection and those it names, Keep-Alive, Proxy-Connection, TE,
// Transfer-Encoding, Upgrade; RFC 9111 §3.1) and without Set-Cookie.
HeaderList headers_to_store(const HeaderList& response_headers);

// A stored response as the freshness rules see it.
struct StoredResponse {
    int status = 200;
    HeaderList headers;
    HttpTime request_time{};   // when the request that fetched it was sent
    HttpTime response_time{};  // when the response arrived
};

// ---------------------------------------------------------------------------
// Freshness (RFC 9111 §4.2)

// The heuristic: 10% of the time between Date and Last-Modified, at most a
// day. The 10% is the RFC's suggestion and what browsers do. The cap: RFC
// 7234 had caches warn (113) past 24 hours of heuristic freshness, and a
// heuristically fresh asset is never revalidated, so the cap bounds how long
// a new deploy of an asset the server gave no lifetime can go unseen.
inline constexpr Seconds kMaxHeuristicFreshness = std::chrono::hours(24);

// max-age, else Expires - Date, else the heuristic when the status (or
// `public`) allows one, else 0. An invalid max-age or Expires gives 0.
Seconds freshness_lifetime(const StoredResponse& response);

// current_age of §4.2.3: the corrected initial age (Age, Date against
// response_time, the request's flight time) plus the time resident.
Seconds current_age(const StoredResponse& response, HttpTime now);

bool is_fresh(const StoredResponse& response, HttpTime now);

enum class Staleness {
    fresh,               // may be reused without asking the server
    stale_revalidating,  // stale, within stale-while-revalidate: reuse, revalidate in the background
    stale,               // revalidate before reuse; may be shown when the network fails
    stale_forbidden,     // stale and must-revalidate: never shown without a successful revalidation
};
// no-cache makes a response never fresh (it is "stale" from the start).
Staleness staleness(const StoredResponse& response, HttpTime now);

// ---------------------------------------------------------------------------
// Revalidation (RFC 9111 §4.3)

// If-None-Match with the stored ETag and If-Modified-Since with the stored
// Last-Modified, each as stored (RFC 9110 §13.1.3 asks for the exact value);
// empty when the response has neither, and then revalidating is a full GET.
HeaderList revalidation_headers(const HeaderList& stored_headers);

// Whether a 304 describes the stored response (§4.3.4): a strong ETag in the
// 304 must equal the stored one strongly, a weak one weakly; without an
// ETag, a Last-Modified in the 304 must equal the stored one. A 304 with no
// validator is taken to be about the stored response: the cache keeps one
// response per URL and asked with its validators.
bool not_modified_matches(const HeaderList& stored_headers, const HeaderList& not_modified_headers);

// Applies a 304 to the stored response (§3.2, §4.3.4): each field of the 304
// replaces the stored fields of that name, except Content-Length and the
// fields that describe the stored body's bytes (Content-Encoding,
// Content-Range, Transfer-Encoding), hop-by-hop fields and Set-Cookie. The
// response's clock restarts at the revalidation's request and response times.
void apply_not_modified(StoredResponse& stored, const HeaderList& not_modified_headers, HttpTime request_time,
                        HttpTime response_time);

// ---------------------------------------------------------------------------
// Vary (RFC 9111 §4.1)

// The request's values of the fields the response's Vary names (absent ones
// left out): what the store keeps beside the response to match later requests.
HeaderList vary_request_fields(const HeaderList& response_headers, const HeaderList& request_headers);

// Whether a new request selects the stored response: each field Vary names
// has the same value in both requests (absent in both counts as the same),
// after combining repeated fields and normalising whitespace around commas.
// `Vary: *` matches nothing.
bool vary_matches(const HeaderList& stored_response_headers, const HeaderList& stored_request_fields,
                  const HeaderList& new_request_headers);

}  // namespace cirrus::offline
