// WebDAV over libsoup 3's synchronous API; see dav_client.hpp.
#include "dav_client.hpp"

#include <cstring>

#include <gio/gio.h>
#include <glib.h>
#include <libsoup/soup.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "strings.hpp"
#include "xml_nodes.hpp"

namespace cirrus::dav {

namespace {

constexpr std::size_t kReadBytes = 64u << 10;

// The thread's default context while a request runs, so the session never
// touches the caller's loop.
class ContextScope {
public:
    explicit ContextScope(GMainContext* context) : context_(context) { g_main_context_push_thread_default(context_); }
    ~ContextScope() { g_main_context_pop_thread_default(context_); }
    ContextScope(const ContextScope&) = delete;
    ContextScope& operator=(const ContextScope&) = delete;

private:
    GMainContext* context_;
};

bool is_dav_element(const xmlNode* node, const char* name) { return xml::is_element(node, "DAV:", name); }

const xmlNode* child(const xmlNode* parent, const char* name) { return xml::child(parent, "DAV:", name); }

std::string text_of(const xmlNode* node) { return std::string(trim(xml::text_of(node), kAsciiWhitespace)); }

// "HTTP/1.1 200 OK" -> true
bool status_ok(const xmlNode* propstat) {
    const std::string status = text_of(child(propstat, "status"));
    const auto space = status.find(' ');
    return space != std::string::npos && status.compare(space + 1, 1, "2") == 0;
}

// Why no answer came, in words for the user; frees the error.
std::string unreachable_reason(const std::string& url, GError*& error, std::chrono::seconds timeout) {
    std::string why = error->message;
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED)) why = "connection refused";
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        why = "no answer for " + std::to_string(timeout.count()) + " s";
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE)) why = "host unreachable";
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE)) why = "network unreachable (offline?)";
    if (error->domain == G_RESOLVER_ERROR) why = std::string("host not found (") + error->message + ")";
    if (error->domain == G_TLS_ERROR) why = std::string("TLS error: ") + error->message;
    g_clear_error(&error);
    return url + ": " + why;
}

}  // namespace

struct Client::Session {
    GMainContext* context = g_main_context_new();
    SoupSession* soup = nullptr;
    ~Session() {
        if (soup) {
            ContextScope scope(context);
            g_object_unref(soup);
        }
        g_main_context_unref(context);
    }
};

std::string Response::header(std::string_view name) const {
    for (const auto& [key, value] : headers)
        if (equals_ignoring_case(key, name)) return value;
    return "";
}

std::vector<Entry> parse_multistatus(std::string_view xml) {
    // No network, no entity expansion, no DTD loading: the server is not trusted.
    xmlDoc* document = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "multistatus.xml", nullptr,
                                     XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!document) throw std::runtime_error("the server's PROPFIND answer is not XML");
    std::vector<Entry> entries;
    const xmlNode* root = xmlDocGetRootElement(document);
    if (!root || !is_dav_element(root, "multistatus")) {
        xmlFreeDoc(document);
        throw std::runtime_error("the server's PROPFIND answer is not a DAV:multistatus");
    }
    for (const xmlNode* response = root->children; response; response = response->next) {
        if (!is_dav_element(response, "response")) continue;
        Entry entry;
        entry.href = text_of(child(response, "href"));
        bool found = false;
        for (const xmlNode* propstat = response->children; propstat; propstat = propstat->next) {
            if (!is_dav_element(propstat, "propstat") || !status_ok(propstat)) continue;
            const xmlNode* prop = child(propstat, "prop");
            if (!prop) continue;
            found = true;
            if (const xmlNode* type = child(prop, "resourcetype"))
                entry.collection = entry.collection || child(type, "collection") != nullptr;
            if (const xmlNode* length = child(prop, "getcontentlength")) {
                const std::string digits = text_of(length);
                char* end = nullptr;
                const unsigned long long value = std::strtoull(digits.c_str(), &end, 10);
                if (!digits.empty() && end && *end == '\0') entry.size = value;
            }
            if (const xmlNode* etag = child(prop, "getetag")) entry.etag = text_of(etag);
        }
        if (found && !entry.href.empty()) entries.push_back(std::move(entry));
    }
    xmlFreeDoc(document);
    return entries;
}

std::string encode_path(std::string_view path) {
    std::string encoded;
    std::size_t start = 0;
    while (start <= path.size()) {
        const std::size_t slash = path.find('/', start);
        const std::string segment(path.substr(start, slash == std::string_view::npos ? path.npos : slash - start));
        gchar* escaped = g_uri_escape_string(segment.c_str(), nullptr, FALSE);
        encoded += escaped;
        g_free(escaped);
        if (slash == std::string_view::npos) break;
        encoded += '/';
        start = slash + 1;
    }
    return encoded;
}

Client::Client(std::string base_url, Credentials credentials, ClientOptions options)
    : base_url_(std::move(base_url)), credentials_(std::move(credentials)), options_(std::move(options)) {
    const char* scheme =
        g_uri_is_valid(base_url_.c_str(), G_URI_FLAGS_NONE, nullptr) ? g_uri_peek_scheme(base_url_.c_str()) : nullptr;
    if (!scheme || !(g_str_equal(scheme, "http") || g_str_equal(scheme, "https")))
        throw std::invalid_argument("'" + base_url_ + "' is not an http:// or https:// URL");
    if (base_url_.back() != '/') base_url_ += '/';
    session_ = std::make_unique<Session>();
    ContextScope scope(session_->context);
    session_->soup = soup_session_new_with_options("timeout", static_cast<guint>(options_.io_timeout.count()),
                                                   "user-agent", options_.user_agent.c_str(), nullptr);
    // The credentials go with every request (below): libsoup's own 401 dance
    // would cost a round trip per request and ask a callback for a password.
    soup_session_remove_feature_by_type(session_->soup, SOUP_TYPE_AUTH_MANAGER);
}

Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

std::string Client::url_of(std::string_view path) const {
    if (path.starts_with("http://") || path.starts_with("https://")) return std::string(path);
    // An href from a PROPFIND answer is an absolute path on the same server.
    if (path.starts_with("/")) {
        gchar* resolved =
            g_uri_resolve_relative(base_url_.c_str(), std::string(path).c_str(), G_URI_FLAGS_ENCODED, nullptr);
        std::string url = resolved ? resolved : base_url_;
        g_free(resolved);
        return url;
    }
    return base_url_ + encode_path(path);
}

Response Client::request(std::string_view method, std::string_view path,
                         const std::vector<std::pair<std::string, std::string>>& headers, std::string_view body,
                         std::string_view content_type) {
    const std::string url = url_of(path);
    ContextScope scope(session_->context);
    SoupMessage* message = soup_message_new(std::string(method).c_str(), url.c_str());
    if (!message) throw std::invalid_argument("'" + url + "' is not a URL libsoup accepts");
    soup_message_set_flags(message, SOUP_MESSAGE_NO_REDIRECT);
    SoupMessageHeaders* request_headers = soup_message_get_request_headers(message);
    if (!credentials_.user.empty()) {
        const std::string pair = credentials_.user + ":" + credentials_.secret;
        gchar* encoded = g_base64_encode(reinterpret_cast<const guchar*>(pair.data()), pair.size());
        soup_message_headers_replace(request_headers, "Authorization", (std::string("Basic ") + encoded).c_str());
        g_free(encoded);
    } else if (!credentials_.secret.empty()) {
        soup_message_headers_replace(request_headers, "Authorization", ("Bearer " + credentials_.secret).c_str());
    }
    for (const auto& [name, value] : headers)
        soup_message_headers_replace(request_headers, name.c_str(), value.c_str());
    // Always a body (possibly empty): PUT and PROPFIND need a Content-Length.
    GBytes* bytes = g_bytes_new_static(body.data(), body.size());
    soup_message_set_request_body_from_bytes(message,
                                             content_type.empty() ? nullptr : std::string(content_type).c_str(), bytes);
    g_bytes_unref(bytes);

    GError* error = nullptr;
    GInputStream* stream = soup_session_send(session_->soup, message, nullptr, &error);
    if (!stream) {
        g_object_unref(message);
        throw UnreachableError(unreachable_reason(url, error, options_.io_timeout));
    }
    bytes_sent_ += body.size();
    Response response;
    response.status = soup_message_get_status(message);
    if (const char* reason = soup_message_get_reason_phrase(message)) response.reason = reason;
    soup_message_headers_foreach(
        soup_message_get_response_headers(message),
        [](const char* name, const char* value, gpointer data) {
            static_cast<Response*>(data)->headers.emplace_back(name, value);
        },
        &response);
    std::unique_ptr<char[]> chunk(new char[kReadBytes]);
    for (;;) {
        const gssize got = g_input_stream_read(stream, chunk.get(), kReadBytes, nullptr, &error);
        if (got < 0) {
            g_object_unref(stream);
            g_object_unref(message);
            throw UnreachableError(unreachable_reason(url, error, options_.io_timeout));
        }
        if (got == 0) break;
        response.body.append(chunk.get(), static_cast<std::size_t>(got));
        bytes_received_ += static_cast<std::uint64_t>(got);
        if (response.body.size() > options_.max_response_bytes) {
            g_object_unref(stream);
            g_object_unref(message);
            throw std::runtime_error(url + ": the answer exceeds " + std::to_string(options_.max_response_bytes >> 20) +
                                     " MiB");
        }
    }
    g_input_stream_close(stream, nullptr, nullptr);
    g_object_unref(stream);
    g_object_unref(message);
    return response;
}

std::optional<Entry> Client::stat(std::string_view path) {
    const Response response =
        request("PROPFIND", path, {{"Depth", "0"}}, kPropfindBody, "application/xml; charset=utf-8");
    if (response.status == 404) return std::nullopt;
    if (response.status != 207)
        throw std::runtime_error(url_of(path) + ": PROPFIND answered HTTP " + std::to_string(response.status) + " " +
                                 response.reason);
    std::vector<Entry> entries = parse_multistatus(response.body);
    if (entries.empty()) throw std::runtime_error(url_of(path) + ": PROPFIND answered no properties");
    return entries.front();
}

std::vector<Entry> Client::list(std::string_view path) {
    const Response response =
        request("PROPFIND", path, {{"Depth", "1"}}, kPropfindBody, "application/xml; charset=utf-8");
    if (response.status != 207)
        throw std::runtime_error(url_of(path) + ": PROPFIND answered HTTP " + std::to_string(response.status) + " " +
                                 response.reason);
    std::vector<Entry> entries = parse_multistatus(response.body);
    // The first is the collection itself (RFC 4918 leaves the order open:
    // drop the one whose href is the collection's own path).
    const std::string own = url_of(path);
    std::vector<Entry> members;
    for (Entry& entry : entries) {
        const std::string full = url_of(entry.href);
        auto strip = [](std::string text) {
            while (!text.empty() && text.back() == '/') text.pop_back();
            return text;
        };
        if (strip(full) != strip(own)) members.push_back(std::move(entry));
    }
    return members;
}

void Client::make_collection(std::string_view path) {
    const Response response = request("MKCOL", path);
    // 405 Method Not Allowed: it exists already (RFC 4918, 9.3.1).
    if (response.status == 201 || response.status == 405) return;
    throw std::runtime_error(url_of(path) + ": MKCOL answered HTTP " + std::to_string(response.status) + " " +
                             response.reason);
}

}  // namespace cirrus::dav
