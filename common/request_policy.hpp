// Where the offline cache answers a request from: the network, the cache,
// or one then the other. Plain C++ (no WebKit, no clock): the host's glue
// describes each request its web view sends and obeys the plan.
//
//   kind          strategy
//   document      network first; with a usable cached copy, show it if the
//                 network has not answered within a wait fitted to the
//                 measured link (document_network_wait) or fails
//   static asset  cache first, revalidated in the background when stale
//   API GET       network first, the cache when the network fails
//   write         network only (the replay policy decides about queueing)
//
// Whatever the kind, a fresh stored response is used without asking the
// server (max-age, Expires: RFC 9111), no-store is never stored, and a
// stale must-revalidate response is never shown without revalidation.
// While the link is offline, a usable cached copy is shown at once and the
// request still goes out in the background: it fails fast or, if the link
// is back, refreshes the cache and tells the link estimate so.
#pragma once

#include "http_cache.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace cirrus::offline {

using Milliseconds = std::chrono::milliseconds;

// ---------------------------------------------------------------------------
// What a request is

enum class RequestKind { document, static_asset, api_get, write };

// The Accept header the host sends for the app's pages, and under which the
// installer stores the start page: one value, so that a page that varies on
// Accept is found by the host's lookup.
inline constexpr const char* kDocumentAccept = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8";

// The fetch destination (as in Fetch's Request.destination) when the glue
// knows it. WebKit's send-request hook does not tell it, so it is often
// unknown and the Accept header and the URL's extension are the evidence.
enum class RequestDestination { unknown, document, frame, style, script, image, font, media, manifest, fetch };

struct Request {
    std::string method;                  // as sent: "GET", "POST"
    std::string url;                     // absolute
    bool main_frame_navigation = false;  // the app's own page, not an iframe
    RequestDestination destination = RequestDestination::unknown;
    HeaderList headers;  // Accept, Cache-Control and Pragma are read
};

// - Not GET: write (HEAD and OPTIONS too: never served from the cache).
// - A main-frame navigation, or destination document/frame: document.
// - Destination style/script/image/font/media/manifest: static asset;
//   destination fetch: API GET.
// - Unknown destination: the first media range of Accept decides when it is
//   specific (text/html or xhtml: a frame's navigation, so document; text/css,
//   image/, font/, audio/, video/: static asset; JSON: API GET); else a
//   static file extension (.css .js .png .woff2 ...) makes a static asset;
//   else API GET, the kind that never shows a cached answer while the
//   network works. So a fetch() of "page.html" is an API GET, not a document.
RequestKind classify_request(const Request& request);

std::string_view to_string(RequestKind kind);

enum class Strategy {
    network_first_with_timeout,      // documents
    cache_first_revalidate,          // static assets
    network_first_cache_on_failure,  // API GETs
    network_only,                    // writes, and requests that say no-store
};

Strategy strategy_for(RequestKind kind);

// ---------------------------------------------------------------------------
// How long a document waits for the network before the cache is shown

// What the host knows of the link: the compositor's published estimate.
struct LinkReport {
    bool offline = false;
    std::optional<Milliseconds> rtt;
    std::optional<double> bits_per_second;
};

// A stored copy is the app's promise never to wait on a weak link; fresh
// content is worth a wait only when it will come soon. So:
//   expected = 3 * RTT + 14.6 KB / throughput
//   wait     = 1.5 * expected, at least 0.3 s, when that is at most 1 s;
//              else 0.3 s: the copy is shown, and the fetch goes on in the
//              background and refreshes the store for the next launch.
// - 3 round trips: a fresh connection costs TCP's handshake, TLS 1.3's and
//   the request itself; a phone's connections rarely survive between
//   navigations (servers close idle ones, the radio sleeps).
// - 14.6 KB: TCP's initial window (10 segments of 1460 bytes, RFC 6928),
//   what a small compressed HTML page is.
// - 1.5: 3G round trips vary by about half their length from one to the next.
// - 1 s: the limit for a user's flow of thought not being interrupted
//   (Nielsen); a page later than that loses to the copy shown now.
// - 0.3 s: the copy is the same page the user saw last; a moment's chance
//   for the network costs little and often wins on a good link.
// On the weak-link profiles (docs/ARCHITECTURE.md, Weak-link profiles): 3g
// (300 ms, 1.6 Mbit/s) expects 0.97 s, so 1.46 s with the margin: the copy
// at 0.3 s; 3g-slow and 2g likewise; a good link (50 ms, 10 Mbit/s) expects
// 0.16 s: 0.3 s; LTE at 150 ms and 5 Mbit/s expects 0.47 s: 0.7 s. With no
// measurement yet it waits 0.5 s; offline, 0 (the copy at once).
inline constexpr Milliseconds kMinDocumentWait{300};
inline constexpr Milliseconds kMaxDocumentWait{1000};
inline constexpr Milliseconds kUnmeasuredLinkDocumentWait{500};
inline constexpr std::size_t kSmallDocumentBytes = 10 * 1460;
inline constexpr double kRoundTripsPerDocument = 3;
inline constexpr double kDocumentWaitMargin = 1.5;

Milliseconds document_network_wait(const LinkReport& link);

// ---------------------------------------------------------------------------
// How long a write to a declared endpoint waits for its answer
//
// A write the write queue sends at once (write_replay.hpp) has its answer,
// or its 202 and a place in the queue, within this bound: past it the page
// is told "queued" and the attempt already sent goes on in the background
// as the queued write's first try, same Idempotency-Key. A dead zone (the
// origin's connection open, nothing crossing) then costs a save a few
// seconds, not the host's 60 s exchange timeout. So:
//   expected = 3 * RTT + (body + 1460 B) / throughput
//   wait     = 1.5 * expected + 1 s, between 2 s and 8 s
// - 3 round trips and 1.5: as for documents (a fresh connection, TLS, the
//   request; 3G's round trips vary by about half).
// - body + one segment: the write goes up, its answer (small) comes down.
// - 1 s: the server's own time for a write (a database commit), which a
//   document's cached copy does not have to allow for.
// - 2 s at least: on a good link a write that takes longer is the server's
//   slowness, and the page may as well have its real answer a moment later.
// - 8 s at most: past about 10 s a user no longer waits for a task
//   (Nielsen), and 8 s still covers a healthy exchange on 3g-slow (3 round
//   trips of 2 s), so only a stuck one is queued there.
// On the weak-link profiles: 3g (300 ms, 1.6 Mbit/s) 2.4 s for a 1 KB note;
// 2g (650 ms, 50 kbit/s) 4.5 s; 3g-slow (2 s, 400 kbit/s) 10 s, so 8 s; a
// good link 2 s. With no measurement yet, 5 s; offline, 0 (queued at once,
// as before: no attempt is made).
inline constexpr Milliseconds kMinWriteAnswerWait{2000};
inline constexpr Milliseconds kMaxWriteAnswerWait{8000};
inline constexpr Milliseconds kUnmeasuredLinkWriteAnswerWait{5000};
inline constexpr Milliseconds kServerWriteTime{1000};
inline constexpr double kRoundTripsPerWrite = 3;
inline constexpr double kWriteWaitMargin = 1.5;
Milliseconds write_answer_wait(const LinkReport& link, std::size_t body_bytes);

// ---------------------------------------------------------------------------
// Whose responses are whose

// Every stored response is keyed by the app that fetched it and the URL
// without its fragment. The store looks up only the requesting app's keys,
// so one app's responses (private or public alike) are never served to
// another: browsers partition their HTTP cache by top-level site against
// cross-site cache probing, and an app is the stricter partition here.
struct CacheKey {
    std::string app_id;
    std::string url;
    friend bool operator==(const CacheKey&, const CacheKey&) = default;
};

CacheKey cache_key(std::string_view app_id, std::string_view url);

// ---------------------------------------------------------------------------
// The plan for one request

struct RequestPlan {
    RequestKind kind = RequestKind::api_get;
    Strategy strategy = Strategy::network_only;
    // Answer the page from the cached copy at once.
    bool serve_cached_now = false;
    // Send the request to the network (conditional when conditional_headers
    // is not empty). With serve_cached_now the page does not wait for it:
    // its answer only refreshes the cache.
    bool send_to_network = true;
    // While the page waits on the network: show the cached copy if no answer
    // came within this long (documents only).
    std::optional<Milliseconds> cache_after;
    // While the page waits on the network: show the cached copy if the
    // network fails (no answer at all; an HTTP error is an answer).
    bool cache_on_network_failure = false;
    // The response may be stored (storable() then decides from its headers).
    bool may_store = false;
    HeaderList conditional_headers;  // If-None-Match / If-Modified-Since to add
    std::string why;                 // for the log
};

// `cached` is the app's stored response for this URL that matches the
// request's Vary fields, or nullptr. `now` is the wall clock.
RequestPlan plan_request(const Request& request, const StoredResponse* cached, const LinkReport& link, HttpTime now);

}  // namespace cirrus::offline
