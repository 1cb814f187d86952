// The offline store: the responses web apps keep for when the link is weak
// or gone, in one SQLite file (WAL) that every web-app host opens.
//
// Keys. An entry is keyed by app, method, URL and, when the response has
// Vary, the original request's values for the Vary fields; a request gets
// that entry only when its own values are equal (vary.hpp). URLs compare as
// exact strings: the caller drops the fragment and normalises. One app's
// entries are never returned for another app.
//
// Bodies are stored once by SHA-256 and shared by every entry, of any app,
// with the same bytes; a body is deleted with the last entry that uses it
// (its references are counted through an index on the entries, by triggers,
// so no path that deletes an entry can leave a body behind or miscount).
//
// Space. usage(app) charges an app the full size of every entry it holds
// (body + URL + headers), shared bodies included: what it would use alone.
// So an app's usage never changes because another app stored or dropped the
// same bytes, and a quota bounds what one app can keep. total_usage() counts
// what the file holds: each body once, plus every entry's URL and headers.
// After each put the least recently used entries are evicted until the
// app's quota and the overall budget hold; entries on an app's precache list
// go only after every other entry (they are what makes the app work offline).
//
// Use. A hit does not write: when an entry's last use is older than
// `touch_interval_ms`, the new time is kept in memory and written with this
// process's next write, by flush(), or at most once per interval by a hit
// that finds the file unlocked. LRU order is therefore exact to about that
// interval, and a killed process loses only its unwritten use times.
//
// Readiness. Besides the precache list (what install found), the store keeps
// per app the own-origin GET URLs its runs were seen to need (note_needed;
// the rule is needed_urls.hpp) and how many runs were online to learn from;
// readiness() weighs both against what is stored.
//
// Errors. A damaged file is set aside and a fresh store made, at open or in
// any later call (recoverable_database.hpp); recoveries() says when. Other
// failures throw StoreError, and a malformed request or response throws
// std::invalid_argument: catch both before returning into a C callback.
// An OfflineStore belongs to one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "http_headers.hpp"
#include "recoverable_database.hpp"

namespace cirrus::offline {

// Per-app quotas are kept in the file (set_quota()); the budget is each
// opener's setting, so every host should pass the same one.
struct Budget {
    std::int64_t overall_bytes = std::int64_t{64} << 20;
    // For apps without set_quota(); none: only the overall budget applies.
    std::optional<std::int64_t> default_app_quota;
};

struct CacheRequest {
    std::string method = "GET";
    std::string url;
    Headers headers;  // only those named by a response's Vary matter
};

struct CacheResponse {
    int status = 200;
    Headers headers;
    std::vector<std::uint8_t> body;
};

struct CachedResponse {
    int status = 0;
    Headers headers;
    std::vector<std::uint8_t> body;  // empty from find()
    std::int64_t body_bytes = 0;
    std::int64_t stored_at = 0;  // Unix ms, as given to put() or freshen()
    std::int64_t last_used = 0;  // Unix ms

    // The validators for a conditional request (If-None-Match, If-Modified-Since).
    std::optional<std::string> etag() const { return header_value(headers, "ETag"); }
    std::optional<std::string> last_modified() const { return header_value(headers, "Last-Modified"); }
};

enum class PutOutcome {
    stored,
    vary_star,  // "Vary: *": no later request could be known to match
    too_large,  // larger than the app's quota or the overall budget alone
};

struct PutResult {
    PutOutcome outcome = PutOutcome::stored;
    int evicted = 0;            // entries evicted to make room (any app)
    int precached_evicted = 0;  // of those, entries on some app's precache list
};

struct PrecacheProgress {
    int stored = 0;
    int total = 0;
    // True only for a non-empty list that is all stored.
    bool complete() const { return total > 0 && stored == total; }
};

// An app's offline readiness: its precache list and what its runs were seen
// to need (needed_urls.hpp), against what is stored.
struct Readiness {
    std::int64_t stored = 0;
    std::int64_t total = 0;            // precache list and needed URLs, each once
    std::vector<std::string> missing;  // the first few not stored: precache order, then first seen
    std::int64_t online_runs = 0;      // runs whose page came from the network (learned from)
    std::int64_t last_online_run = 0;  // Unix ms; 0: never
    std::int64_t refused = 0;          // URLs not recorded because the list was full
    std::int64_t missing_count() const { return total - stored; }
    bool learned() const { return online_runs > 0; }
    // What it loads at run time is known (one online run at least) and all
    // of it, with the precache list, is stored.
    bool ready() const { return learned() && total > 0 && stored == total; }
};

enum class NoteOutcome {
    recorded,
    known,      // recorded before
    list_full,  // kMaxNeededUrls reached: counted in Readiness::refused
};

class OfflineStore {
public:
    using Clock = std::function<std::int64_t()>;  // Unix ms
    struct Options {
        Budget budget;
        Clock clock;  // default: the system clock
        std::int64_t touch_interval_ms = 60'000;
        // Read the file through mmap up to this size (PRAGMA mmap_size):
        // a hit then copies from the page cache without a pread() per page,
        // which for 100 KB bodies is 3x faster (bench/m7_cache_hits.cpp).
        // SQLite maps no more than the file; on a 32-bit phone this is
        // address space, not memory. Pages still in the WAL are read with
        // pread() until a checkpoint.
        std::int64_t mmap_bytes = std::int64_t{128} << 20;
    };

    // Creates the file and its folder if missing. Throws StoreError if it
    // cannot be opened for a reason other than damage.
    static OfflineStore open(const std::filesystem::path& path);
    static OfflineStore open(const std::filesystem::path& path, const Options& options);

    OfflineStore(OfflineStore&&) noexcept;
    OfflineStore& operator=(OfflineStore&&) noexcept;
    ~OfflineStore();  // writes pending use times (never throws)

    // Stores (or replaces) the response for this request. Older variants of
    // the same URL that this request would have matched are replaced too.
    // `stored_at` is when the response was received (Unix ms); it is also
    // its first use. A response too large to store leaves what was stored.
    PutResult put(std::string_view app_id, const CacheRequest& request, const CacheResponse& response,
                  std::int64_t stored_at);
    // The stored response with its body, counted as a use.
    std::optional<CachedResponse> get(std::string_view app_id, const CacheRequest& request);
    // The same without the body and without counting a use: for deciding
    // whether to revalidate, and with what validators.
    std::optional<CachedResponse> find(std::string_view app_id, const CacheRequest& request) const;
    // After a 304: the stored headers take the 304's fields (RFC 9111
    // 4.3.4; Content-Length excepted) and `validated_at` becomes its stored
    // time. False if nothing stored matches.
    bool freshen(std::string_view app_id, const CacheRequest& request, const Headers& not_modified_headers,
                 std::int64_t validated_at);
    // Every variant of method + URL; returns how many went.
    int remove(std::string_view app_id, std::string_view method, std::string_view url);
    // Everything of the app: entries, precache list, quota (on uninstall).
    void remove_app(std::string_view app_id);

    std::int64_t usage(std::string_view app_id) const;
    std::int64_t total_usage() const;
    std::optional<std::int64_t> quota(std::string_view app_id) const;
    // none: back to the default quota. Evicts at once; returns how many.
    int set_quota(std::string_view app_id, std::optional<std::int64_t> bytes);
    const Budget& budget() const;
    int set_budget(const Budget& budget);  // evicts at once; returns how many

    // What makes the app usable offline (start_url, what it loads, icons,
    // extra assets): replaces the app's list. A URL counts as stored when a
    // GET response for it is stored, whatever its Vary.
    void set_precache_list(std::string_view app_id, std::span<const std::string> urls);
    PrecacheProgress precache_progress(std::string_view app_id) const;
    std::vector<std::string> missing_precache(std::string_view app_id) const;  // in list order
    bool offline_ready(std::string_view app_id) const { return precache_progress(app_id).complete(); }

    // What the app was seen to need (a URL needed_url() accepted, whose
    // answer meant `needed`): kept until the app is removed or the origin
    // answers 404/410 for it (forget_needed). At most kMaxNeededUrls per app.
    NoteOutcome note_needed(std::string_view app_id, std::string_view url, std::int64_t seen_at);
    bool forget_needed(std::string_view app_id, std::string_view url);  // false: it was not recorded
    // A run whose start page came from the network: what it needs is being
    // learned. Before the first, readiness() is never ready().
    void note_online_run(std::string_view app_id, std::int64_t at);
    // Lists at most `max_missing` missing URLs (missing_count() says how many).
    Readiness readiness(std::string_view app_id, std::size_t max_missing = 5) const;

    // For idle time: writes the use times kept in memory, and copies what
    // the WAL holds into the main file, so that later hits read those pages
    // through mmap rather than with a pread() each (at 100 KB that is about
    // a third of a hit's time right after many writes).
    void flush();

    const std::vector<Recovery>& recoveries() const;
    const std::filesystem::path& path() const;
    // For tests and diagnostics; replaced after a recovery.
    launcher::Database& database();

private:
    struct Impl;
    explicit OfflineStore(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace cirrus::offline
