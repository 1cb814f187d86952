#include "upstream_fetch.hpp"

#include <cstdio>

namespace cirrus::webapp {

namespace {
// A hard bound for any one exchange: a dead link must not hold a request
// (and the page waiting on it) forever. The callers' own, adaptive deadlines
// are much shorter; this only ends what nothing waits for any more.
constexpr guint kExchangeTimeoutSeconds = 60;
using Clock = std::chrono::steady_clock;

bool is_network_failure(const GError* error) {
    // An HTTP answer of any status is not a network failure: soup reports
    // those as a status, not an error. Everything it does report as an error
    // (resolver, socket, TLS, timeout) means no usable answer came.
    return error != nullptr;
}

bool is_link_failure(const GError* error) {
    return error && !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}
}  // namespace

struct UpstreamFetch::Exchange {
    UpstreamFetch* owner = nullptr;
    UpstreamRequest request;
    std::function<void(UpstreamResponse)> done;
    SoupMessage* message = nullptr;
    Clock::time_point started = Clock::now();
    Clock::time_point got_headers{};
    GCancellable* cancellable = nullptr;
};

UpstreamFetch::UpstreamFetch(WebKitCookieManager* cookies, const std::string& proxy_uri)
    // Six connections to the origin, as WebKit allows (libsoup's default is
    // two): on a 2 s round trip each missing connection costs a round trip.
    : session_(soup_session_new_with_options("timeout", kExchangeTimeoutSeconds, "user-agent", "Cirrus",
                                             "max-conns-per-host", 6, "max-conns", 12, nullptr)),
      cookies_(cookies ? WEBKIT_COOKIE_MANAGER(g_object_ref(cookies)) : nullptr),
      cancellable_(g_cancellable_new()) {
    if (!proxy_uri.empty()) {
        GProxyResolver* resolver = g_simple_proxy_resolver_new(proxy_uri.c_str(), nullptr);
        soup_session_set_proxy_resolver(session_, resolver);
        g_object_unref(resolver);
    }
}

UpstreamFetch::~UpstreamFetch() {
    g_cancellable_cancel(cancellable_);  // pending callbacks see the cancellation and drop their exchange
    g_object_unref(cancellable_);
    if (cookies_) g_object_unref(cookies_);
    soup_session_abort(session_);
    g_object_unref(session_);
}

void UpstreamFetch::send(UpstreamRequest request, std::function<void(UpstreamResponse)> done) {
    auto* exchange = new Exchange{this, std::move(request), std::move(done)};
    exchange->cancellable = G_CANCELLABLE(g_object_ref(cancellable_));
    if (cookies_) {
        webkit_cookie_manager_get_cookies(cookies_, exchange->request.url.c_str(), exchange->cancellable,
                                          &UpstreamFetch::on_cookies, exchange);
    } else {
        start(exchange, nullptr);
    }
}

void UpstreamFetch::on_cookies(GObject* source, GAsyncResult* result, gpointer data) {
    auto* exchange = static_cast<Exchange*>(data);
    GError* error = nullptr;
    GList* cookies = webkit_cookie_manager_get_cookies_finish(WEBKIT_COOKIE_MANAGER(source), result, &error);
    if (g_cancellable_is_cancelled(exchange->cancellable)) {
        g_clear_error(&error);
        g_list_free_full(cookies, reinterpret_cast<GDestroyNotify>(soup_cookie_free));
        g_object_unref(exchange->cancellable);
        delete exchange;
        return;
    }
    g_clear_error(&error);  // no cookies is a fine answer
    // WebKit hands a GList, libsoup formats a GSList.
    GSList* list = nullptr;
    for (GList* item = g_list_last(cookies); item; item = item->prev) list = g_slist_prepend(list, item->data);
    char* header = list ? soup_cookies_to_cookie_header(list) : nullptr;
    g_slist_free(list);
    g_list_free_full(cookies, reinterpret_cast<GDestroyNotify>(soup_cookie_free));
    exchange->owner->start(exchange, header);
    g_free(header);
}

void UpstreamFetch::start(Exchange* exchange, const char* cookie_header) {
    // Timed from here: the cookie lookup before it waits on WebKit's network
    // process, which says nothing about the link.
    exchange->started = Clock::now();
    const UpstreamRequest& request = exchange->request;
    exchange->message = soup_message_new(request.method.c_str(), request.url.c_str());
    if (!exchange->message) {
        GError* error = g_error_new(G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "not a URL libsoup can fetch: %s",
                                    request.url.c_str());
        finish(exchange, nullptr, error);
        g_error_free(error);
        return;
    }
    SoupMessageHeaders* headers = soup_message_get_request_headers(exchange->message);
    for (const auto& h : request.headers) soup_message_headers_append(headers, h.name.c_str(), h.value.c_str());
    if (cookie_header && *cookie_header) soup_message_headers_replace(headers, "Cookie", cookie_header);
    if (request.method != "GET" && request.method != "HEAD") {
        GBytes* body = g_bytes_new(request.body.data(), request.body.size());
        const char* type = soup_message_headers_get_content_type(headers, nullptr);
        soup_message_set_request_body_from_bytes(exchange->message, type, body);
        g_bytes_unref(body);
    }
    g_signal_connect(exchange->message, "got-headers", G_CALLBACK(&UpstreamFetch::on_headers), exchange);
    soup_session_send_and_read_async(session_, exchange->message, G_PRIORITY_DEFAULT, exchange->cancellable,
                                     &UpstreamFetch::on_body, exchange);
}

void UpstreamFetch::on_headers(SoupMessage*, gpointer data) {
    static_cast<Exchange*>(data)->got_headers = Clock::now();
}

void UpstreamFetch::on_body(GObject* source, GAsyncResult* result, gpointer data) {
    auto* exchange = static_cast<Exchange*>(data);
    GError* error = nullptr;
    GBytes* body = soup_session_send_and_read_finish(SOUP_SESSION(source), result, &error);
    if (g_cancellable_is_cancelled(exchange->cancellable)) {  // the owner is gone
        g_clear_error(&error);
        if (body) g_bytes_unref(body);
        g_object_unref(exchange->message);
        g_object_unref(exchange->cancellable);
        delete exchange;
        return;
    }
    exchange->owner->finish(exchange, body, error);
    g_clear_error(&error);
    if (body) g_bytes_unref(body);
}

void UpstreamFetch::finish(Exchange* exchange, GBytes* body, GError* error) {
    UpstreamResponse response;
    const auto now = Clock::now();
    response.total_time = std::chrono::duration_cast<std::chrono::milliseconds>(now - exchange->started);
    if (exchange->got_headers != Clock::time_point{}) {
        response.time_to_headers =
            std::chrono::duration_cast<std::chrono::milliseconds>(exchange->got_headers - exchange->started);
    }
    if (is_network_failure(error)) {
        response.network_failed = true;
        response.link_failed = is_link_failure(error);
        response.error = error->message;
    } else if (exchange->message) {
        response.status = static_cast<int>(soup_message_get_status(exchange->message));
        SoupMessageHeadersIter iter;
        const char* name = nullptr;
        const char* value = nullptr;
        soup_message_headers_iter_init(&iter, soup_message_get_response_headers(exchange->message));
        while (soup_message_headers_iter_next(&iter, &name, &value)) response.headers.push_back({name, value});
        if (body) {
            gsize size = 0;
            const auto* bytes = static_cast<const char*>(g_bytes_get_data(body, &size));
            response.body.assign(bytes ? bytes : "", size);
        }
        // The session's cookies are WebKit's: hand back what the origin set.
        if (cookies_) {
            GSList* set = soup_cookies_from_response(exchange->message);
            for (GSList* item = set; item; item = item->next) {
                webkit_cookie_manager_add_cookie(cookies_, static_cast<SoupCookie*>(item->data), nullptr, nullptr,
                                                 nullptr);
            }
            g_slist_free_full(set, reinterpret_cast<GDestroyNotify>(soup_cookie_free));
        }
    }
    auto done = std::move(exchange->done);
    if (exchange->message) g_object_unref(exchange->message);
    g_object_unref(exchange->cancellable);
    delete exchange;
    try {
        if (done) done(std::move(response));
    } catch (const std::exception& e) {  // never into libsoup's callback
        std::fprintf(stderr, "cirrus-webapp-host: offline cache: %s\n", e.what());
    }
}

}  // namespace cirrus::webapp
