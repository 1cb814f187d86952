// The host's own HTTP client for the offline cache: what the cache scheme
// and the start document fetch from the app's origin, with libsoup 3 in the
// host (UI) process. The app's cookies are WebKit's: they are copied from
// WebKit's cookie manager into each request and Set-Cookie answers go back to
// it, so that a page served through the cache sees the session it would have
// had straight from the network.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <webkit2/webkit2.h>

#include "common/http_headers.hpp"

namespace cirrus::webapp {

struct UpstreamRequest {
    std::string method = "GET";
    std::string url;
    offline::Headers headers;
    std::string body;
};

struct UpstreamResponse {
    // No answer at all (refused, reset, no route, DNS, timed out): the
    // cases where the cache or the write queue stands in for the network.
    bool network_failed = false;
    // Of those, the ones that say the link carries nothing (reset, timeout,
    // no route, no DNS answer), for the link estimate. A refused connection
    // is an answer from the far end: the server is down, not the link.
    bool link_failed = false;
    std::string error;
    int status = 0;
    offline::Headers headers;
    std::string body;
    std::chrono::milliseconds time_to_headers{0};
    std::chrono::milliseconds total_time{0};
};

class UpstreamFetch {
public:
    // cookies may be null (no cookie copying). proxy_uri: every exchange
    // goes through that HTTP proxy (CIRRUS_WEBAPP_PROXY); empty: the
    // system's settings.
    explicit UpstreamFetch(WebKitCookieManager* cookies, const std::string& proxy_uri = {});
    ~UpstreamFetch();
    UpstreamFetch(const UpstreamFetch&) = delete;
    UpstreamFetch& operator=(const UpstreamFetch&) = delete;

    // Calls done once, on the main loop, unless this object is destroyed
    // first (then never). An answer is never cut short by the caller's own
    // patience: a caller that stops waiting still gets the answer later,
    // which is how a slow document still refreshes the cache.
    void send(UpstreamRequest request, std::function<void(UpstreamResponse)> done);

private:
    struct Exchange;
    static void on_cookies(GObject* source, GAsyncResult* result, gpointer data);
    static void on_headers(SoupMessage* message, gpointer data);
    static void on_body(GObject* source, GAsyncResult* result, gpointer data);
    void start(Exchange* exchange, const char* cookie_header);
    void finish(Exchange* exchange, GBytes* body, GError* error);

    SoupSession* session_ = nullptr;
    WebKitCookieManager* cookies_ = nullptr;
    GCancellable* cancellable_ = nullptr;  // cancelled on destruction
};

}  // namespace cirrus::webapp
