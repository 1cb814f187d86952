// A small synchronous WebDAV / CardDAV client (RFC 4918) on libsoup 3, for
// the user's own server: the account check (`cirrus account`) and the sync
// service (photos now; backups, contacts and notes later) speak to it
// through this one class.
//
// Every request carries the credentials pre-emptively (Basic): no 401 round
// trip per request on a 3G link. Redirects are not followed: a moved server
// is an error that names the new address. Response bodies are bounded (a
// hostile or broken server cannot fill memory), and a PROPFIND answer is
// parsed with libxml2 (no network access, no entities).
//
// Synchronous, each request on a private GMainContext: safe on any thread,
// never runs the caller's loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cirrus::dav {

struct Credentials {
    std::string user;
    // A password, or an app token (Nextcloud's app passwords go as Basic's
    // password too). With an empty user, a token is sent as a Bearer token.
    std::string secret;
};

struct ClientOptions {
    // The longest wait for one step (connect, headers, each read or write),
    // libsoup's own timeout in whole seconds.
    std::chrono::seconds io_timeout{30};
    std::size_t max_response_bytes = 8u << 20;
    std::string user_agent = "Cirrus-sync/0.1";
};

// No answer at all: the server could not be reached, or it went silent.
class UnreachableError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Response {
    unsigned status = 0;
    std::string reason;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    // The first value of a header, case-insensitively; "" when absent.
    std::string header(std::string_view name) const;
    bool ok() const { return status >= 200 && status <= 299; }
    // "HTTP 507 Insufficient Storage", as messages quote it.
    std::string status_text() const { return "HTTP " + std::to_string(status) + (reason.empty() ? "" : " " + reason); }
};

// One member of a collection, or the collection itself, as PROPFIND gave it.
struct Entry {
    std::string href;  // as the server wrote it (percent-encoded path)
    bool collection = false;
    std::optional<std::uint64_t> size;  // getcontentlength
    std::string etag;
};

// The entries of a 207 Multi-Status body whose props came with 200 OK.
// Throws std::runtime_error when the body is not such XML.
std::vector<Entry> parse_multistatus(std::string_view xml);

// "a b/c.jpg" -> "a%20b/c.jpg": each segment percent-encoded, '/' kept.
std::string encode_path(std::string_view path);

class Client {
public:
    // base_url: the account's folder, http:// or https://; a '/' is added at
    // the end if missing. Throws std::invalid_argument for anything else.
    Client(std::string base_url, Credentials credentials, ClientOptions options = {});
    ~Client();
    Client(Client&&) noexcept;
    Client& operator=(Client&&) noexcept;

    const std::string& base_url() const { return base_url_; }
    // Another client for the same folder and credentials, with its own
    // connection: one per thread for parallel transfers.
    Client another() const { return Client(base_url_, credentials_, options_); }
    Client another(ClientOptions options) const { return Client(base_url_, credentials_, std::move(options)); }
    const ClientOptions& options() const { return options_; }
    // base_url + encode_path(path); an absolute URL is kept as it is.
    std::string url_of(std::string_view path) const;

    // Any method. `body` is sent as it is (Content-Length), with
    // `content_type` when not empty. Throws UnreachableError when no answer
    // came; every HTTP status is a Response.
    Response request(std::string_view method, std::string_view path,
                     const std::vector<std::pair<std::string, std::string>>& headers = {}, std::string_view body = {},
                     std::string_view content_type = {});

    // PROPFIND with Depth 0: the resource, nullopt on 404. Other statuses
    // throw std::runtime_error naming the URL and the status.
    std::optional<Entry> stat(std::string_view path);
    // PROPFIND with Depth 1: the collection's members (without itself).
    std::vector<Entry> list(std::string_view path);
    // MKCOL; a collection that already exists is fine.
    void make_collection(std::string_view path);

    // Request body bytes sent and response body bytes received so far.
    std::uint64_t bytes_sent() const { return bytes_sent_; }
    std::uint64_t bytes_received() const { return bytes_received_; }

private:
    struct Session;

    std::string base_url_;
    Credentials credentials_;
    ClientOptions options_;
    std::unique_ptr<Session> session_;
    std::uint64_t bytes_sent_ = 0;
    std::uint64_t bytes_received_ = 0;
};

// The body of a PROPFIND asking for what Entry holds.
inline constexpr std::string_view kPropfindBody =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<d:propfind xmlns:d=\"DAV:\"><d:prop><d:resourcetype/><d:getcontentlength/><d:getetag/></d:prop></d:propfind>\n";

}  // namespace cirrus::dav
