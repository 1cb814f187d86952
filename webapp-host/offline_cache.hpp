// The offline cache in a hosted app's host: the glue between WebKit, the
// offline store (common/offline_store.hpp) and the network (upstream_fetch).
//
//  - Documents: the host fetches the app's pages itself and shows them with
//    webkit_web_view_load_alternate_html() under their real URL (so cookies
//    and storage are the origin's). With a stored copy it waits for the
//    network only as long as the link deserves, then shows the copy and lets
//    the fetch finish in the background for the next launch.
//  - Subresources and fetch(): the web process extension rewrites the app's
//    own-origin requests to cirrus-offline://APP-ID/path, served here: static
//    assets from the store at once (revalidated in the background when
//    stale), API GETs from the network first and the store when it fails.
//    Identical GETs in flight share one upstream fetch (inflight_gets.hpp),
//    whose answer is stored once.
//  - Writes (POST, PUT, ...) to the endpoints the app declares go through
//    the write queue (write_replay.hpp): kept and replayed when the network
//    fails; other writes go to the network as they are.
//  - What the app needs offline is learned as it runs: every own-origin GET
//    answered 2xx/304 is recorded in the store (needed_urls.hpp), so that
//    `cirrus info` counts what scripts load, not only what install found.
//  - Anything else (other origins, packaged apps' app://) is not touched.
//
// Every entry point is a GLib callback: no exception leaves this module.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include <webkit2/webkit2.h>

#include "common/offline_store.hpp"
#include "common/request_policy.hpp"
#include "inflight_gets.hpp"

namespace cirrus::webapp {

class CompositorLink;
class UpstreamFetch;
class WriteReplay;
struct UpstreamResponse;

// $CIRRUS_OFFLINE_STORE, else $XDG_DATA_HOME/cirrus/offline.sqlite.
std::filesystem::path default_offline_store_path();

// "http://host:port" of an http(s) URL; none for anything else.
std::optional<std::string> http_origin(const std::string& url);

class OfflineCache {
public:
    // For a hosted app (an http(s) start_url); null for any other.
    // write_endpoints: the manifest's cirrus_offline.write_endpoints.
    static std::unique_ptr<OfflineCache> for_app(const std::string& app_id, const std::string& start_url,
                                                 std::vector<std::string> write_endpoints = {});
    ~OfflineCache();

    // Before the first web view: the cache scheme, the web process
    // extension (and its folder inside the WebKit sandbox), the cookie jar.
    // rewrite false: the app's own service worker answers its requests, so
    // the extension leaves them alone (worker_routing.hpp).
    // proxy_uri: HostOptions::proxy (the upstream fetches go through it too).
    void attach(WebKitWebContext* context, bool rewrite = true, const std::string& proxy_uri = {});

    // When that changes during a run: tells the page in `view` and every
    // later web process.
    void set_rewriting(WebKitWebView* view, bool rewrite);

    // Where transfers are reported (the compositor's link estimate) and the
    // estimate read; may be absent (another compositor).
    void set_link(CompositorLink* link) { link_ = link; }

    // Shows `url` (a page of the app) in `view`, as described above.
    void open_document(WebKitWebView* view, const std::string& url);

    // True once for the navigation open_document() itself started, so
    // that decide-policy lets it through rather than taking it again.
    bool take_own_navigation(const std::string& url);

    // The app's write queue (after attach()): the host hands it the view,
    // starts it and tells it of the link.
    WriteReplay* writes() { return writes_.get(); }

private:
    struct Request;
    struct DocumentLoad;
    // A page's GET waiting on an upstream answer, its own or one it joined.
    struct GetWaiter {
        std::shared_ptr<Request> request;
        offline::Headers upstream_headers;  // what was (or would have been) sent
        std::optional<offline::CachedResponse> stored;
        bool answered = false;  // from the store already: the fetch only revalidates
        bool cache_on_network_failure = false;
    };
    OfflineCache(std::string app_id, std::string origin, std::vector<std::string> write_endpoints);
    static void on_scheme_request(WebKitURISchemeRequest* request, gpointer self);
    void serve(WebKitURISchemeRequest* request);
    // may_share: false for a request that joined a fetch whose answer its
    // Vary fields did not match, so that it is sent on its own.
    void serve_get(std::shared_ptr<Request> request, bool may_share = true);
    void deliver(const GetWaiter& waiter, const UpstreamResponse& response);
    void serve_write(Request* request) noexcept;  // takes the request
    void send_write(const std::shared_ptr<Request>& request);
    void show_document(DocumentLoad& load, const std::string& html);
    std::int64_t now_ms() const;
    void report_transfer(const UpstreamResponse& response);
    offline::LinkReport link_report() const;
    std::optional<offline::CachedResponse> stored_for(const offline::CacheRequest& key);
    offline::RequestPlan plan(const offline::CacheRequest& key, bool navigation,
                              const std::optional<offline::CachedResponse>& stored) const;
    // Records what an answer says the app needs offline (needed_urls.hpp).
    void learn(const offline::CacheRequest& key, bool network_failed, int status);
    // Stores what the network answered, when HTTP's rules allow it.
    void keep(const offline::CacheRequest& key, const UpstreamResponse& response, std::int64_t sent_ms);

    std::string app_id_;
    std::string origin_;
    std::unique_ptr<offline::OfflineStore> store_;  // null when the store cannot be opened
    std::unique_ptr<UpstreamFetch> fetch_;
    std::vector<std::string> write_endpoints_;
    std::unique_ptr<WriteReplay> writes_;  // after fetch_: goes first, while fetch_ still exists
    std::string own_navigation_;
    CompositorLink* link_ = nullptr;
    WebKitWebContext* context_ = nullptr;  // attach()'s; outlives this
    InFlightGets<GetWaiter> inflight_;
    // URLs recorded as needed in this run: each is written once per run.
    std::unordered_set<std::string> learned_;
    bool online_run_noted_ = false;
    // CIRRUS_FETCH_COALESCING=off: every GET is fetched on its own, as before
    // issue 17 (bench/fetch_coalescing.py runs that as its peer).
    bool coalesce_gets_ = true;
};

}  // namespace cirrus::webapp
