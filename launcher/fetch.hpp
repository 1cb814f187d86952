// One HTTP(S) GET with libsoup 3, bounded in size, time and redirects, for
// fetching hosted manifests, pages, icons and packages at install time.
//
// Synchronous: each call makes its own SoupSession on a private GMainContext,
// so it can run on any thread and never touches the caller's main loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cirrus::launcher {

// Bytes received so far, and the total when the server said it.
using FetchProgress = std::function<void(std::uint64_t received, std::optional<std::uint64_t> total)>;

struct FetchOptions {
    std::uint64_t max_bytes = 5ull << 20;  // of the (decoded) body
    // The longest wait for any one step: connecting, the TLS handshake, the
    // response's headers, each read (libsoup's own timeout, in whole seconds).
    std::chrono::seconds io_timeout{30};
    std::chrono::seconds total_timeout{300};  // the whole fetch, checked between reads
    int max_redirects = 5;
    bool fail_on_http_error = true;  // a status outside 200-299 throws FetchError
    std::string accept;              // the Accept header, if not empty
    std::string user_agent = "Cirrus/0.1";
    FetchProgress on_progress;  // called after every chunk read
};

struct FetchResult {
    unsigned status = 0;
    std::string final_url;     // after redirects
    std::string content_type;  // the media type, lowercase, without parameters ("text/html")
    std::string charset;       // from Content-Type, if given
    std::vector<std::pair<std::string, std::string>> headers;  // as received
    std::string body;

    // The first value of a header, case-insensitively; "" when absent.
    std::string header(std::string_view name) const;
};

// The message names the URL and the reason:
//   "http://127.0.0.1:8080/app.json: HTTP 404 Not Found"
//   "http://127.0.0.1:9/: connection refused"
//   "http://127.0.0.1:8080/big: the response exceeds the 5 MiB limit"
class FetchError : public std::runtime_error {
public:
    enum class Reason { bad_url, http_status, connection, timeout, too_large, too_many_redirects, other };
    FetchError(Reason reason, const std::string& message) : std::runtime_error(message), reason_(reason) {}
    Reason reason() const { return reason_; }

private:
    Reason reason_;
};

// GETs an http:// or https:// URL.
FetchResult fetch(const std::string& url, const FetchOptions& options = {});

// "0 B", "512 B", "1.5 KiB", "12.3 MiB".
std::string format_bytes(std::uint64_t bytes);

// Shows a download's progress: on a terminal, one line rewritten in place
// (at most ten times a second); otherwise a line at the start, every few
// seconds, and at the end, so that logs stay short.
class ProgressPrinter {
public:
    explicit ProgressPrinter(std::string label, std::FILE* out = stderr);
    ProgressPrinter(std::string label, std::FILE* out, bool is_terminal);
    ~ProgressPrinter();
    ProgressPrinter(const ProgressPrinter&) = delete;
    ProgressPrinter& operator=(const ProgressPrinter&) = delete;

    void update(std::uint64_t received, std::optional<std::uint64_t> total);
    // Prints the final state (and ends the terminal line). Called by the
    // destructor if not before.
    void finish();

    // A FetchProgress that forwards to this printer (which must outlive it).
    FetchProgress callback();

private:
    std::string describe(std::uint64_t received, std::optional<std::uint64_t> total) const;

    std::string label_;
    std::FILE* out_;
    bool is_terminal_;
    bool started_ = false;
    bool finished_ = false;
    std::uint64_t received_ = 0;
    std::optional<std::uint64_t> total_;
    std::chrono::steady_clock::time_point last_print_{};
};

}  // namespace cirrus::launcher
