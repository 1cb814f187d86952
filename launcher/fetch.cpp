// HTTP(S) GET with libsoup 3's synchronous API; see fetch.hpp.
#include "fetch.hpp"

#include <cinttypes>
#include <memory>

#include <unistd.h>

#include <gio/gio.h>
#include <glib.h>
#include <libsoup/soup.h>

#include "common/strings.hpp"

namespace cirrus::launcher {

namespace {

constexpr std::size_t kFetchChunkBytes = 64u << 10;

template <typename T>
struct GObjectDeleter {
    void operator()(T* object) const { g_object_unref(object); }
};
template <typename T>
using GObjectPtr = std::unique_ptr<T, GObjectDeleter<T>>;

struct GErrorPtr {
    GError* error = nullptr;
    ~GErrorPtr() { g_clear_error(&error); }
    GErrorPtr() = default;
    GErrorPtr(const GErrorPtr&) = delete;
    GErrorPtr& operator=(const GErrorPtr&) = delete;
};

// Makes a private main context the thread's default for the lifetime of one
// fetch: the session attaches to it, and the caller's loop is never run.
class PrivateMainContext {
public:
    PrivateMainContext() : context_(g_main_context_new()) { g_main_context_push_thread_default(context_); }
    ~PrivateMainContext() {
        g_main_context_pop_thread_default(context_);
        g_main_context_unref(context_);
    }
    PrivateMainContext(const PrivateMainContext&) = delete;
    PrivateMainContext& operator=(const PrivateMainContext&) = delete;

private:
    GMainContext* context_;
};

bool is_web_url(const std::string& url) {
    if (!g_uri_is_valid(url.c_str(), G_URI_FLAGS_NONE, nullptr)) return false;
    // Interned and lowercase: not to be freed.
    const char* scheme = g_uri_peek_scheme(url.c_str());
    return scheme && (g_str_equal(scheme, "http") || g_str_equal(scheme, "https"));
}

[[noreturn]] void fail(FetchError::Reason reason, const std::string& url, const std::string& why) {
    throw FetchError(reason, url + ": " + why);
}

// A GError from GIO or libsoup in the words a person installing an app needs.
[[noreturn]] void fail_with(const std::string& url, const GError* error, const FetchOptions& options) {
    using Reason = FetchError::Reason;
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
        fail(Reason::connection, url, "connection refused");
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        fail(Reason::timeout, url, "timed out (no answer for " + std::to_string(options.io_timeout.count()) + " s)");
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE))
        fail(Reason::connection, url, "host unreachable");
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE))
        fail(Reason::connection, url, "network unreachable (offline?)");
    if (error->domain == G_RESOLVER_ERROR)
        fail(Reason::connection, url, std::string("host not found (") + error->message + ")");
    if (error->domain == G_TLS_ERROR) fail(Reason::connection, url, std::string("TLS error: ") + error->message);
    fail(Reason::other, url, error->message);
}

GObjectPtr<SoupSession> make_session(const FetchOptions& options) {
    GObjectPtr<SoupSession> session(soup_session_new_with_options(
        "timeout", static_cast<guint>(options.io_timeout.count()), "user-agent", options.user_agent.c_str(), nullptr));
    // Bodies are limited after decoding, so a gzip bomb is caught too.
    if (!soup_session_has_feature(session.get(), SOUP_TYPE_CONTENT_DECODER))
        soup_session_add_feature_by_type(session.get(), SOUP_TYPE_CONTENT_DECODER);
    return session;
}

std::string uri_of(SoupMessage* message) {
    char* text = g_uri_to_string(soup_message_get_uri(message));
    std::string url = text;
    g_free(text);
    return url;
}

void collect_headers(SoupMessage* message, FetchResult& result) {
    SoupMessageHeaders* headers = soup_message_get_response_headers(message);
    soup_message_headers_foreach(
        headers,
        [](const char* name, const char* value, gpointer data) {
            static_cast<FetchResult*>(data)->headers.emplace_back(name, value);
        },
        &result);
    GHashTable* params = nullptr;
    if (const char* type = soup_message_headers_get_content_type(headers, &params)) {
        result.content_type = lowercase(type);
        if (const char* charset = params ? static_cast<const char*>(g_hash_table_lookup(params, "charset")) : nullptr)
            result.charset = charset;
    }
    if (params) g_hash_table_destroy(params);
}

// The body's length when the server gave it and it is not compressed (the
// decoder changes compressed bodies' sizes).
std::optional<std::uint64_t> declared_length(SoupMessage* message) {
    SoupMessageHeaders* headers = soup_message_get_response_headers(message);
    if (soup_message_headers_get_encoding(headers) != SOUP_ENCODING_CONTENT_LENGTH) return std::nullopt;
    if (soup_message_headers_get_one(headers, "Content-Encoding")) return std::nullopt;
    return static_cast<std::uint64_t>(soup_message_headers_get_content_length(headers));
}

std::string limit_text(std::uint64_t bytes) { return "the response exceeds the " + format_bytes(bytes) + " limit"; }

void read_body(const std::string& url, GInputStream* stream, SoupMessage* message, const FetchOptions& options,
               std::chrono::steady_clock::time_point deadline, FetchResult& result) {
    const auto total = declared_length(message);
    if (total && *total > options.max_bytes) fail(FetchError::Reason::too_large, url, limit_text(options.max_bytes));
    if (options.on_progress) options.on_progress(0, total);
    std::unique_ptr<char[]> chunk(new char[kFetchChunkBytes]);
    for (;;) {
        GErrorPtr error;
        const gssize got = g_input_stream_read(stream, chunk.get(), kFetchChunkBytes, nullptr, &error.error);
        if (got < 0) fail_with(url, error.error, options);
        if (got == 0) break;
        result.body.append(chunk.get(), static_cast<std::size_t>(got));
        if (result.body.size() > options.max_bytes)
            fail(FetchError::Reason::too_large, url, limit_text(options.max_bytes));
        if (options.on_progress) options.on_progress(result.body.size(), total);
        // A server that drips a byte at a time never trips the I/O timeout.
        if (std::chrono::steady_clock::now() > deadline)
            fail(FetchError::Reason::timeout, url,
                 "timed out (over " + std::to_string(options.total_timeout.count()) + " s in all)");
    }
    g_input_stream_close(stream, nullptr, nullptr);
}

// The next URL when `message` is a redirect to be followed, otherwise "".
std::string redirect_target(SoupMessage* message) {
    if (!SOUP_STATUS_IS_REDIRECTION(soup_message_get_status(message))) return "";
    const char* location = soup_message_headers_get_one(soup_message_get_response_headers(message), "Location");
    if (!location) return "";
    char* resolved = g_uri_resolve_relative(uri_of(message).c_str(), location, G_URI_FLAGS_ENCODED, nullptr);
    std::string next = resolved ? resolved : "";
    g_free(resolved);
    return next;
}

}  // namespace

std::string FetchResult::header(std::string_view name) const {
    for (const auto& [key, value] : headers)
        if (equals_ignoring_case(key, name)) return value;
    return "";
}

FetchResult fetch(const std::string& url, const FetchOptions& options) {
    if (!is_web_url(url)) fail(FetchError::Reason::bad_url, url, "not an http:// or https:// URL");
    const auto deadline = std::chrono::steady_clock::now() + options.total_timeout;
    PrivateMainContext context;
    auto session = make_session(options);

    std::string current = url;
    for (int redirects = 0;; ++redirects) {
        GObjectPtr<SoupMessage> message(soup_message_new(SOUP_METHOD_GET, current.c_str()));
        if (!message) fail(FetchError::Reason::bad_url, current, "not a URL libsoup accepts");
        // Redirects are followed here, to bound them and to vet each target.
        soup_message_set_flags(message.get(), SOUP_MESSAGE_NO_REDIRECT);
        if (!options.accept.empty())
            soup_message_headers_replace(soup_message_get_request_headers(message.get()), "Accept",
                                         options.accept.c_str());

        GErrorPtr error;
        GObjectPtr<GInputStream> stream(soup_session_send(session.get(), message.get(), nullptr, &error.error));
        if (!stream) fail_with(current, error.error, options);

        if (const std::string next = redirect_target(message.get()); !next.empty()) {
            if (redirects >= options.max_redirects)
                fail(FetchError::Reason::too_many_redirects, url,
                     "more than " + std::to_string(options.max_redirects) + " redirects (last to " + next + ")");
            if (!is_web_url(next))
                fail(FetchError::Reason::bad_url, current, "redirects to '" + next + "', which is not http(s)");
            current = next;
            continue;
        }

        FetchResult result;
        result.status = soup_message_get_status(message.get());
        result.final_url = uri_of(message.get());
        collect_headers(message.get(), result);
        if (options.fail_on_http_error && (result.status < 200 || result.status > 299)) {
            const char* phrase = soup_message_get_reason_phrase(message.get());
            fail(FetchError::Reason::http_status, current,
                 "HTTP " + std::to_string(result.status) + (phrase && *phrase ? std::string(" ") + phrase : ""));
        }
        read_body(current, stream.get(), message.get(), options, deadline, result);
        return result;
    }
}

std::string format_bytes(std::uint64_t bytes) {
    if (bytes < 1024) return std::to_string(bytes) + " B";
    const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
    double value = static_cast<double>(bytes) / 1024.0;
    std::size_t unit = 0;
    while (value >= 1024.0 && unit + 1 < std::size(units)) {
        value /= 1024.0;
        ++unit;
    }
    char text[32];
    if (value == static_cast<double>(static_cast<std::uint64_t>(value)))
        std::snprintf(text, sizeof text, "%" PRIu64 " %s", static_cast<std::uint64_t>(value), units[unit]);
    else std::snprintf(text, sizeof text, "%.1f %s", value, units[unit]);
    return text;
}

ProgressPrinter::ProgressPrinter(std::string label, std::FILE* out)
    : ProgressPrinter(std::move(label), out, out && ::isatty(::fileno(out))) {}

ProgressPrinter::ProgressPrinter(std::string label, std::FILE* out, bool is_terminal)
    : label_(std::move(label)), out_(out), is_terminal_(is_terminal) {}

ProgressPrinter::~ProgressPrinter() { finish(); }

std::string ProgressPrinter::describe(std::uint64_t received, std::optional<std::uint64_t> total) const {
    std::string text = label_ + ": " + format_bytes(received);
    if (total && *total > 0) {
        text += " of " + format_bytes(*total);
        text += " (" + std::to_string(std::min<std::uint64_t>(100, received * 100 / *total)) + "%)";
    }
    return text;
}

void ProgressPrinter::update(std::uint64_t received, std::optional<std::uint64_t> total) {
    if (finished_ || !out_) return;
    received_ = received;
    total_ = total;
    const auto now = std::chrono::steady_clock::now();
    const auto interval = is_terminal_ ? std::chrono::milliseconds(100) : std::chrono::milliseconds(2000);
    if (started_ && now - last_print_ < interval) return;
    started_ = true;
    last_print_ = now;
    if (is_terminal_) std::fprintf(out_, "\r\033[K%s", describe(received, total).c_str());
    else std::fprintf(out_, "%s\n", describe(received, total).c_str());
    std::fflush(out_);
}

void ProgressPrinter::finish() {
    if (finished_ || !started_ || !out_) return;
    finished_ = true;
    if (is_terminal_) std::fprintf(out_, "\r\033[K%s\n", describe(received_, total_).c_str());
    else std::fprintf(out_, "%s\n", describe(received_, total_).c_str());
    std::fflush(out_);
}

FetchProgress ProgressPrinter::callback() {
    return [this](std::uint64_t received, std::optional<std::uint64_t> total) { update(received, total); };
}

}  // namespace cirrus::launcher
