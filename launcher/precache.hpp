// Install-time precaching: the offline copy of a hosted app, made while the
// phone still has a link, so that even its first launch works without one.
//
// What is kept: start_url, what it loads (found by reading it: site.hpp's
// page_subresources), what its stylesheets load (url() and @import, to a
// bounded depth), the manifest's icons and the extra URLs its Cirrus
// extension member lists (cirrus_offline.assets). Only the start URL's own
// origin is kept: that is what the web-app host routes through the offline
// store (webapp-host/offline_cache.hpp); other origins' files are named in a
// note and left to the network.
//
// How it is kept: each response goes into the offline store under the keys
// the host looks up (app id, GET, the URL as WebKit requests it, without
// fragment; the start document with the Accept header the host's document
// load sends) and with the headers the host would have kept (hop-by-hop
// fields, Set-Cookie, Content-Encoding and Content-Length dropped: the body
// is stored decoded). HTTP's storing rules hold (offline::storable): a
// no-store response is not kept, and then the app cannot be offline-ready.
// Then the app's precache list is set to every URL found, so that the store
// keeps those entries the longest and counts them towards offline readiness,
// with what the app's runs are seen to load (common/needed_urls.hpp): what
// scripts load cannot be found by reading the page.
//
// A few fetches run at once, each on its own thread (fetch.hpp is
// synchronous); the store is written from the calling thread only.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "fetch.hpp"
#include "common/manifest.hpp"
#include "common/request_policy.hpp"

namespace cirrus::launcher {

// The start document is stored under offline::kDocumentAccept, the Accept
// of the host's own document loads (request_policy.hpp).
using offline::kDocumentAccept;

struct PrecacheMiss {
    std::string url;
    std::string reason;  // "HTTP 500 Internal Server Error", "Cache-Control: no-store forbids keeping it", ...
};

struct PrecacheReport {
    std::vector<std::string> urls;      // the app's precache list, in the order found
    std::size_t stored = 0;             // how many of them the store holds
    std::vector<PrecacheMiss> missing;  // the others, in list order, with why
    std::vector<std::string> notes;     // what was left out on purpose (other origins, limits), or kept from before
    bool ready() const { return !urls.empty() && stored == urls.size(); }
};

// One file done (stored or not): `done` of `total` so far. The total grows
// as pages and stylesheets turn out to load more.
struct PrecacheStep {
    std::size_t done = 0;
    std::size_t total = 0;
    std::string url;
    bool stored = false;
};
using PrecacheProgressFn = std::function<void(const PrecacheStep&)>;

struct PrecacheOptions {
    std::filesystem::path store_path;       // the offline store (offline::default_store_path() for the host's)
    int parallel = 3;                       // fetches at once: a phone's link is narrow
    std::size_t max_urls = 300;             // the list stops growing here (a note says so)
    int max_css_depth = 4;                  // stylesheets importing stylesheets, at most this deep
    std::uint64_t max_bytes = 10ull << 20;  // of one file
    std::chrono::seconds io_timeout{30};
    std::chrono::seconds total_timeout{300};  // of one file
    // Responses the caller already has, by URL (the installer's icons): not fetched again.
    std::map<std::string, FetchResult> prefetched;
    PrecacheProgressFn progress;
};

// Makes the offline copy of the app `app_id` described by `manifest` (whose
// start_url must be http or https). A file that fails is reported in
// `missing`, never thrown; throws offline::StoreError (a std::runtime_error)
// only when the store itself cannot be opened or written.
PrecacheReport precache_app(const std::string& app_id, const Manifest& manifest, const PrecacheOptions& options);

}  // namespace cirrus::launcher
