#include "offline_cache.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "common/http_cache.hpp"
#include "common/needed_urls.hpp"
#include "common/offline_store.hpp"
#include "common/store_path.hpp"
#include "common/strings.hpp"
#include "common/request_policy.hpp"
#include "app_config.hpp"
#include "compositor_link.hpp"
#include "offline_rewrite.hpp"
#include "request_log.hpp"
#include "upstream_fetch.hpp"
#include "write_replay.hpp"

namespace cirrus::webapp {

namespace {

// The folder WebKit loads web process extensions from: beside the host in
// the build tree, else where it is installed.
std::filesystem::path web_extension_dir() {
    if (const char* dir = std::getenv("CIRRUS_WEB_EXTENSION_DIR"); dir && *dir) return dir;
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const auto built = self.parent_path() / "web-extension";
        if (std::filesystem::exists(built / "libcirrus-offline-extension.so", ec)) return built;
    }
    return CIRRUS_WEB_EXTENSION_DIR;
}

offline::HeaderList to_header_list(const offline::Headers& headers) {
    offline::HeaderList list;
    for (const auto& h : headers) list.add(h.name, h.value);
    return list;
}

offline::Headers to_headers(const offline::HeaderList& list) {
    offline::Headers headers;
    for (const auto& [name, value] : list.fields()) headers.push_back({name, value});
    return headers;
}

offline::Headers from_soup(SoupMessageHeaders* soup) {
    offline::Headers headers;
    if (!soup) return headers;
    SoupMessageHeadersIter iter;
    const char* name = nullptr;
    const char* value = nullptr;
    soup_message_headers_iter_init(&iter, soup);
    while (soup_message_headers_iter_next(&iter, &name, &value)) headers.push_back({name, value});
    return headers;
}

// What the store keeps and WebKit is given: libsoup has already decoded the
// body, so its encoding and length fields no longer describe these bytes.
offline::Headers body_headers(const offline::Headers& received) {
    offline::Headers kept = to_headers(offline::headers_to_store(to_header_list(received)));
    std::erase_if(kept, [](const offline::Header& h) {
        return offline::same_header_name(h.name, "Content-Encoding") ||
               offline::same_header_name(h.name, "Content-Length");
    });
    return kept;
}

offline::HttpTime http_time(std::int64_t unix_ms) {
    return std::chrono::time_point_cast<std::chrono::seconds>(
        std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(unix_ms)));
}

std::string charset_of(const offline::Headers& headers) {
    const std::string type = lowercase(offline::header_value(headers, "Content-Type").value_or(""));
    const auto at = type.find("charset=");
    if (at == std::string::npos) return "utf-8";
    std::string charset = type.substr(at + 8);
    charset = charset.substr(0, charset.find_first_of("; "));
    std::erase(charset, '"');
    return charset.empty() ? "utf-8" : charset;
}

// load_alternate_html() takes UTF-8 text.
std::string as_utf8(const std::string& body, const std::string& charset) {
    if (charset == "utf-8" || charset == "utf8" || charset == "us-ascii") return body;
    gsize written = 0;
    gchar* converted =
        g_convert(body.data(), static_cast<gssize>(body.size()), "UTF-8", charset.c_str(), nullptr, &written, nullptr);
    if (!converted) return body;
    std::string text(converted, written);
    g_free(converted);
    return text;
}

std::string body_string(const std::vector<std::uint8_t>& bytes) { return {bytes.begin(), bytes.end()}; }

}  // namespace

// Shared with the installer, which precaches into the same file.
std::filesystem::path default_offline_store_path() { return offline::default_store_path(); }

std::optional<std::string> http_origin(const std::string& url) {
    GUri* uri = g_uri_parse(url.c_str(), G_URI_FLAGS_NONE, nullptr);
    if (!uri) return std::nullopt;
    std::optional<std::string> origin;
    const char* scheme = g_uri_get_scheme(uri);
    const char* host = g_uri_get_host(uri);
    if (host && (g_strcmp0(scheme, "http") == 0 || g_strcmp0(scheme, "https") == 0)) {
        origin = std::string(scheme) + "://" + host;
        if (g_uri_get_port(uri) > 0) *origin += ":" + std::to_string(g_uri_get_port(uri));
    }
    g_uri_unref(uri);
    return origin;
}

// --- one request through the cache scheme ------------------------------------

struct OfflineCache::Request {
    OfflineCache* cache = nullptr;
    WebKitURISchemeRequest* webkit = nullptr;  // referenced until answered
    offline::CacheRequest key;
    std::string body;
    bool finished = false;  // answered or failed: WebKit takes one of them, once
    std::int64_t started_ms = request_clock_ms();

    ~Request() { g_object_unref(webkit); }

    // The request log (`cirrus dev`): what the page asked and where the answer came from.
    void log(int status, std::size_t bytes, std::string_view source) const {
        if (request_log_enabled())
            log_request({key.method, key.url, status, bytes, request_clock_ms() - started_ms, source});
    }

    void answer(int status, const offline::Headers& headers, std::string payload, std::string_view source = {}) {
        finished = true;
        if (source.empty()) source = offline::header_value(headers, "X-Cirrus-Queued") ? "queued" : "network";
        log(status, payload.size(), source);
        GBytes* bytes = g_bytes_new(payload.data(), payload.size());
        GInputStream* stream = g_memory_input_stream_new_from_bytes(bytes);
        WebKitURISchemeResponse* response = webkit_uri_scheme_response_new(stream, static_cast<gint64>(payload.size()));
        webkit_uri_scheme_response_set_status(response, static_cast<guint>(status), nullptr);
        if (auto type = offline::header_value(headers, "Content-Type")) {
            webkit_uri_scheme_response_set_content_type(response, type->c_str());
        }
        SoupMessageHeaders* soup = soup_message_headers_new(SOUP_MESSAGE_HEADERS_RESPONSE);
        for (const auto& h : headers) soup_message_headers_append(soup, h.name.c_str(), h.value.c_str());
        // The page is the app's origin and the bytes are its own origin's:
        // let its scripts read them as they could have from the network.
        soup_message_headers_replace(soup, "Access-Control-Allow-Origin", cache->origin_.c_str());
        soup_message_headers_replace(soup, "Access-Control-Allow-Credentials", "true");
        soup_message_headers_replace(soup, "Access-Control-Expose-Headers", "*");
        webkit_uri_scheme_response_set_http_headers(response, soup);  // takes the headers
        webkit_uri_scheme_request_finish_with_response(webkit, response);
        g_object_unref(response);
        g_object_unref(stream);
        g_bytes_unref(bytes);
    }

    void answer_stored(const offline::CachedResponse& stored) {
        answer(stored.status, stored.headers, body_string(stored.body), "store");
    }

    void fail(const std::string& why) {
        finished = true;
        log(0, 0, "network");
        // As the network would: fetch() rejects, an <img> shows nothing.
        GError* error = g_error_new_literal(G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE, why.c_str());
        webkit_uri_scheme_request_finish_error(webkit, error);
        g_error_free(error);
    }
};

// --- the cache ---------------------------------------------------------------

OfflineCache::OfflineCache(std::string app_id, std::string origin, std::vector<std::string> write_endpoints)
    : app_id_(std::move(app_id)), origin_(std::move(origin)), write_endpoints_(std::move(write_endpoints)) {
    if (const char* coalescing = std::getenv("CIRRUS_FETCH_COALESCING"))
        coalesce_gets_ = std::string_view(coalescing) != "off";
    try {
        store_ = std::make_unique<offline::OfflineStore>(offline::OfflineStore::open(default_offline_store_path()));
        for (const auto& recovery : store_->recoveries()) {
            std::fprintf(stderr, "cirrus-webapp-host[%s]: offline store %s was damaged (%s); set aside as %s\n",
                         app_id_.c_str(), default_offline_store_path().c_str(), recovery.problem.c_str(),
                         recovery.moved_to.c_str());
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "cirrus-webapp-host[%s]: no offline copies this run: %s\n", app_id_.c_str(), e.what());
    }
}

OfflineCache::~OfflineCache() = default;

std::unique_ptr<OfflineCache> OfflineCache::for_app(const std::string& app_id, const std::string& start_url,
                                                    std::vector<std::string> write_endpoints) {
    const auto origin = http_origin(start_url);
    if (!origin) return nullptr;
    return std::unique_ptr<OfflineCache>(new OfflineCache(app_id, *origin, std::move(write_endpoints)));
}

std::int64_t OfflineCache::now_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

void OfflineCache::report_transfer(const UpstreamResponse& response) {
    if (!link_) return;
    link_->link_sample(static_cast<std::uint32_t>(response.body.size()),
                       static_cast<std::uint32_t>(response.time_to_headers.count()),
                       static_cast<std::uint32_t>(response.total_time.count()), response.link_failed);
}

void OfflineCache::attach(WebKitWebContext* context, bool rewrite, const std::string& proxy_uri) {
    context_ = context;
    WebKitWebsiteDataManager* data = webkit_web_context_get_website_data_manager(context);
    fetch_ = std::make_unique<UpstreamFetch>(webkit_website_data_manager_get_cookie_manager(data), proxy_uri);
    WriteReplay::Options writes;
    writes.app_id = app_id_;
    writes.origin = origin_;
    writes.write_endpoints = write_endpoints_;
    writes.queue_path = default_write_queue_path();
    // In the app's own data folder: removed with the app, and never shared
    // between two apps.
    writes.lock_path = app_data_dirs(app_id_).data / "write-queue.lock";
    writes.fetch = fetch_.get();
    writes.report_transfer = [this](const UpstreamResponse& response) { report_transfer(response); };
    writes.replaying = [this](bool active) {
        if (link_) link_->replaying(active);
    };
    writes.link_offline = [this] { return link_report().offline; };
    writes.answer_wait = [this](std::size_t body_bytes) {
        return offline::write_answer_wait(link_report(), body_bytes);
    };
    writes_ = std::make_unique<WriteReplay>(std::move(writes));
    webkit_web_context_register_uri_scheme(context, kOfflineScheme, &OfflineCache::on_scheme_request, this, nullptr);
    WebKitSecurityManager* security = webkit_web_context_get_security_manager(context);
    webkit_security_manager_register_uri_scheme_as_secure(security, kOfflineScheme);
    webkit_security_manager_register_uri_scheme_as_cors_enabled(security, kOfflineScheme);

    const std::string extensions = web_extension_dir().string();
    webkit_web_context_set_web_extensions_directory(context, extensions.c_str());
    // The sandbox shows the web process only what it is given.
    if (webkit_web_context_get_sandbox_enabled(context)) {
        webkit_web_context_add_path_to_sandbox(context, extensions.c_str(), TRUE);
    }
    webkit_web_context_set_web_extensions_initialization_user_data(
        context, g_variant_new(kRewriteDataType, app_id_.c_str(), origin_.c_str(), rewrite));
}

void OfflineCache::set_rewriting(WebKitWebView* view, bool rewrite) {
    if (context_) {
        webkit_web_context_set_web_extensions_initialization_user_data(
            context_, g_variant_new(kRewriteDataType, app_id_.c_str(), origin_.c_str(), rewrite));
    }
    if (view) {
        WebKitUserMessage* message = webkit_user_message_new(kRewriteMessage, g_variant_new_boolean(rewrite));
        webkit_web_view_send_message_to_page(view, message, nullptr, nullptr, nullptr);  // takes a floating ref
    }
}

void OfflineCache::on_scheme_request(WebKitURISchemeRequest* request, gpointer self) {
    try {
        static_cast<OfflineCache*>(self)->serve(request);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "cirrus-webapp-host: offline cache: %s\n", e.what());
        GError* error = g_error_new_literal(G_IO_ERROR, G_IO_ERROR_FAILED, e.what());
        webkit_uri_scheme_request_finish_error(request, error);
        g_error_free(error);
    }
}

void OfflineCache::serve(WebKitURISchemeRequest* webkit_request) {
    // cirrus-offline://APP-ID/path?query stands for ORIGIN/path?query.
    const std::string uri = webkit_uri_scheme_request_get_uri(webkit_request);
    const std::string prefix = std::string(kOfflineScheme) + "://" + app_id_ + "/";
    if (!uri.starts_with(prefix)) {
        GError* error = g_error_new(G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "%s is not this app's", uri.c_str());
        webkit_uri_scheme_request_finish_error(webkit_request, error);
        g_error_free(error);
        return;
    }
    auto request = std::make_unique<Request>();
    request->cache = this;
    request->webkit = WEBKIT_URI_SCHEME_REQUEST(g_object_ref(webkit_request));
    const char* method = webkit_uri_scheme_request_get_http_method(webkit_request);
    request->key.method = method ? method : "GET";
    request->key.url = origin_ + uri.substr(prefix.size() - 1);
    request->key.url = request->key.url.substr(0, request->key.url.find('#'));
    request->key.headers = from_soup(webkit_uri_scheme_request_get_http_headers(webkit_request));
    if (request->key.method == "GET" || request->key.method == "HEAD") {
        serve_get(std::shared_ptr<Request>(request.release()));
        return;
    }
    // A write: its body is read without blocking the UI (it may be large).
    GInputStream* body = webkit_uri_scheme_request_get_http_body(webkit_request);
    if (!body) {
        serve_write(request.release());
        return;
    }
    GOutputStream* sink = g_memory_output_stream_new_resizable();
    Request* pending = request.release();
    g_output_stream_splice_async(
        sink, body,
        static_cast<GOutputStreamSpliceFlags>(G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE |
                                              G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET),
        G_PRIORITY_DEFAULT, nullptr,
        [](GObject* source, GAsyncResult* result, gpointer data) {
            auto* request = static_cast<Request*>(data);
            GError* error = nullptr;
            g_output_stream_splice_finish(G_OUTPUT_STREAM(source), result, &error);
            if (error) {
                request->fail(std::string("could not read the request body: ") + error->message);
                g_error_free(error);
                delete request;
            } else {
                auto* memory = G_MEMORY_OUTPUT_STREAM(source);
                const auto* data_bytes = static_cast<const char*>(g_memory_output_stream_get_data(memory));
                request->body.assign(data_bytes ? data_bytes : "", g_memory_output_stream_get_data_size(memory));
                // serve_write() owns the request from its first line and
                // answers it whatever happens: not touched here again.
                request->cache->serve_write(request);
            }
            g_object_unref(source);
        },
        pending);
    g_object_unref(body);
}

offline::LinkReport OfflineCache::link_report() const {
    offline::LinkReport report;
    if (!link_ || !link_->link_state()) return report;
    const auto& state = *link_->link_state();
    report.offline = state.link == CompositorLink::LinkState::Class::offline;
    if (state.rtt_ms) report.rtt = std::chrono::milliseconds(state.rtt_ms);
    if (state.kbit_per_s) report.bits_per_second = state.kbit_per_s * 1000.0;
    return report;
}

std::optional<offline::CachedResponse> OfflineCache::stored_for(const offline::CacheRequest& key) {
    if (!store_) return std::nullopt;
    try {
        return store_->get(app_id_, key);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "cirrus-webapp-host[%s]: offline store: %s\n", app_id_.c_str(), e.what());
        return std::nullopt;
    }
}

offline::RequestPlan OfflineCache::plan(const offline::CacheRequest& key, bool navigation,
                                        const std::optional<offline::CachedResponse>& stored) const {
    offline::Request request{key.method, key.url, navigation, offline::RequestDestination::unknown,
                             to_header_list(key.headers)};
    std::optional<offline::StoredResponse> freshness;
    if (stored) {
        freshness = offline::StoredResponse{stored->status, to_header_list(stored->headers),
                                            http_time(stored->stored_at), http_time(stored->stored_at)};
    }
    return offline::plan_request(request, freshness ? &*freshness : nullptr, link_report(), http_time(now_ms()));
}

void OfflineCache::learn(const offline::CacheRequest& key, bool network_failed, int status) {
    if (!store_) return;
    const offline::AnswerMeaning meaning = offline::answer_meaning(network_failed, status);
    if (meaning == offline::AnswerMeaning::unknown) return;
    const offline::NeededUrl needed = offline::needed_url(key.method, key.url, origin_, write_endpoints_);
    if (!needed.url) return;
    try {
        if (meaning == offline::AnswerMeaning::gone) {
            learned_.erase(*needed.url);
            store_->forget_needed(app_id_, *needed.url);
            return;
        }
        // Bounded as the store's list is: past it the store counts, not keeps.
        if (learned_.contains(*needed.url) || learned_.size() >= offline::kMaxNeededUrls) return;
        learned_.insert(*needed.url);
        store_->note_needed(app_id_, *needed.url, now_ms());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "cirrus-webapp-host[%s]: offline store: %s\n", app_id_.c_str(), e.what());
    }
}

void OfflineCache::keep(const offline::CacheRequest& key, const UpstreamResponse& response, std::int64_t sent_ms) {
    if (!store_ || response.network_failed) return;
    try {
        const offline::Headers headers = body_headers(response.headers);
        if (response.status == 304) {
            store_->freshen(app_id_, key, headers, now_ms());
        } else if (offline::storable(key.method, to_header_list(key.headers), response.status,
                                     to_header_list(response.headers))) {
            offline::CacheResponse copy{response.status, headers,
                                        std::vector<std::uint8_t>(response.body.begin(), response.body.end())};
            store_->put(app_id_, key, copy, sent_ms);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "cirrus-webapp-host[%s]: offline store: %s\n", app_id_.c_str(), e.what());
    }
}

void OfflineCache::serve_get(std::shared_ptr<Request> request, bool may_share) {
    const std::optional<offline::CachedResponse> stored = stored_for(request->key);
    const offline::RequestPlan plan = this->plan(request->key, false, stored);
    if (plan.serve_cached_now && stored) {
        request->answer_stored(*stored);
        learn(request->key, false, stored->status);  // the page uses it: it was needed before, or is now
    }
    if (!plan.send_to_network) {
        // A plan that neither answers nor asks would leave the page waiting.
        if (!request->finished) request->fail("no copy of " + request->key.url + " may be shown");
        return;
    }

    UpstreamRequest upstream{request->key.method, request->key.url, {}, {}};
    for (const auto& h : request->key.headers) upstream.headers.push_back(h);
    for (const auto& [name, value] : plan.conditional_headers.fields()) upstream.headers.push_back({name, value});
    GetWaiter waiter{request, upstream.headers, stored, plan.serve_cached_now && stored.has_value(),
                     plan.cache_on_network_failure};
    // The same GET already on its way: wait for its answer instead.
    const std::string key =
        coalesce_gets_ && may_share ? inflight_key(upstream.method, upstream.url, upstream.headers) : "";
    if (!inflight_.lead_or_join(key, waiter)) return;

    const std::int64_t sent_ms = now_ms();
    const bool may_store = plan.may_store;
    fetch_->send(std::move(upstream),
                 [this, leader = std::move(waiter), key, may_store, sent_ms](UpstreamResponse response) {
                     report_transfer(response);
                     if (may_store) keep(leader.request->key, response, sent_ms);  // once, for all who share it
                     learn(leader.request->key, response.network_failed, response.status);
                     deliver(leader, response);
                     for (auto& joiner : inflight_.finish(key)) {
                         if (!response.network_failed && !joiner.answered &&
                             !shares_answer(leader.upstream_headers, joiner.upstream_headers, response.headers)) {
                             serve_get(joiner.request, false);  // the answer varies on a field it differs in
                         } else {
                             deliver(joiner, response);
                         }
                     }
                 });
}

void OfflineCache::deliver(const GetWaiter& waiter, const UpstreamResponse& response) {
    Request& request = *waiter.request;
    if (waiter.answered || request.finished) return;  // a background revalidation: the page has its copy
    if (!response.network_failed) {
        if (response.status == 304 && waiter.stored) {
            request.answer_stored(*waiter.stored);  // our validators, not the page's
        } else {
            request.answer(response.status, body_headers(response.headers), response.body);
        }
    } else if (waiter.stored && waiter.cache_on_network_failure) {
        request.answer_stored(*waiter.stored);
    } else {
        request.fail("offline, and no copy of " + request.key.url + " is kept");
    }
}

void OfflineCache::serve_write(Request* raw) noexcept {
    std::shared_ptr<Request> request(raw);
    try {
        send_write(request);
    } catch (const std::exception& e) {
        // Called from a GLib callback: nothing may leave, and the page must
        // not wait for an answer that will never come.
        std::fprintf(stderr, "cirrus-webapp-host[%s]: write: %s\n", app_id_.c_str(), e.what());
        if (!request->finished) request->fail(e.what());
    }
}

void OfflineCache::send_write(const std::shared_ptr<Request>& request) {
    UpstreamRequest upstream{request->key.method, request->key.url, {}, request->body};
    for (const auto& h : request->key.headers) {
        // The origin sees the page's own origin, as it would have.
        if (offline::same_header_name(h.name, "Origin")) continue;
        upstream.headers.push_back(h);
    }
    upstream.headers.push_back({"Origin", origin_});
    if (writes_ && writes_->handles(upstream.method, upstream.url)) {
        // A declared endpoint: the write queue sends it, or keeps it (202).
        writes_->submit(std::move(upstream), [request](WriteReplay::PageAnswer answer) {
            if (answer.network_error) {
                request->fail(answer.error);
                return;
            }
            request->answer(answer.status, body_headers(answer.headers), std::move(answer.body));
        });
        return;
    }
    fetch_->send(std::move(upstream), [this, request](UpstreamResponse response) {
        report_transfer(response);
        if (response.network_failed) {
            request->fail("offline: " + response.error);
            return;
        }
        request->answer(response.status, body_headers(response.headers), std::move(response.body));
    });
}

// --- documents ---------------------------------------------------------------

struct OfflineCache::DocumentLoad {
    OfflineCache* cache = nullptr;
    WebKitWebView* view = nullptr;
    std::string url;
    std::optional<std::string> stored_html;
    bool shown = false;
    guint patience_timer = 0;

    ~DocumentLoad() {
        if (patience_timer) g_source_remove(patience_timer);
        g_object_unref(view);
    }
};

bool OfflineCache::take_own_navigation(const std::string& url) {
    if (own_navigation_.empty() || own_navigation_ != url) return false;
    own_navigation_.clear();
    return true;
}

void OfflineCache::show_document(DocumentLoad& load, const std::string& html) {
    if (load.shown) return;
    load.shown = true;
    if (load.patience_timer) {
        g_source_remove(load.patience_timer);
        load.patience_timer = 0;
    }
    own_navigation_ = load.url;
    webkit_web_view_load_alternate_html(load.view, html.c_str(), load.url.c_str(), load.url.c_str());
}

void OfflineCache::open_document(WebKitWebView* view, const std::string& url) {
    auto load = std::make_shared<DocumentLoad>();
    load->cache = this;
    load->view = WEBKIT_WEB_VIEW(g_object_ref(view));
    load->url = url.substr(0, url.find('#'));
    const offline::CacheRequest key{"GET", load->url, {{"Accept", offline::kDocumentAccept}}};
    const std::optional<offline::CachedResponse> stored = stored_for(key);
    if (stored && stored->status == 200) {
        load->stored_html = as_utf8(body_string(stored->body), charset_of(stored->headers));
    }
    const offline::RequestPlan plan = this->plan(key, true, stored);
    if (load->stored_html && plan.serve_cached_now) {
        show_document(*load, *load->stored_html);
    } else if (load->stored_html && plan.cache_after) {
        // The network gets as long as the link deserves (request_policy.hpp);
        // then the copy, while the fetch goes on to refresh it.
        load->patience_timer = g_timeout_add_full(
            G_PRIORITY_DEFAULT, static_cast<guint>(plan.cache_after->count()),
            [](gpointer data) -> gboolean {
                if (auto load = static_cast<std::weak_ptr<DocumentLoad>*>(data)->lock()) {
                    load->patience_timer = 0;
                    load->cache->show_document(*load, *load->stored_html);
                }
                return G_SOURCE_REMOVE;
            },
            new std::weak_ptr<DocumentLoad>(load),
            [](gpointer data) { delete static_cast<std::weak_ptr<DocumentLoad>*>(data); });
    }
    if (!plan.send_to_network && load->shown) return;
    UpstreamRequest upstream{"GET", load->url, {}, {}};
    for (const auto& h : key.headers) upstream.headers.push_back(h);
    // With a copy, ask only whether it changed: a weak link then carries a
    // 304, not the page again.
    for (const auto& [name, value] : plan.conditional_headers.fields()) upstream.headers.push_back({name, value});
    const std::int64_t sent_ms = now_ms();
    fetch_->send(std::move(upstream), [this, load, key, sent_ms](UpstreamResponse response) {
        report_transfer(response);
        keep(key, response, sent_ms);
        learn(key, response.network_failed, response.status);
        if (!response.network_failed && response.status >= 200 && response.status < 400 && !online_run_noted_ &&
            store_) {
            // The page came from the network: what it loads now is learned.
            online_run_noted_ = true;
            try {
                store_->note_online_run(app_id_, now_ms());
            } catch (const std::exception& e) {
                std::fprintf(stderr, "cirrus-webapp-host[%s]: offline store: %s\n", app_id_.c_str(), e.what());
            }
        }
        if (load->shown) return;  // the copy is on screen; this one is for next time
        if (!response.network_failed && response.status == 304 && load->stored_html) {
            show_document(*load, *load->stored_html);
        } else if (!response.network_failed) {
            show_document(*load, as_utf8(response.body, charset_of(body_headers(response.headers))));
        } else if (load->stored_html) {
            show_document(*load, *load->stored_html);
        } else {
            // Nothing kept and no network: WebKit's own load gives the page
            // its usual error and retry path.
            load->shown = true;
            own_navigation_ = load->url;
            webkit_web_view_load_uri(load->view, load->url.c_str());
        }
    });
}

}  // namespace cirrus::webapp
