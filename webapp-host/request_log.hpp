// The live request log `cirrus dev` shows (CIRRUS_WEBAPP_CONSOLE=1): one
// line per request the app's page made through the host (its app:// files,
// and a hosted app's own-origin requests through the offline cache), with
// where the answer came from. Plain C++: the line's format is tested alone.
// One app per host process, so the log is the process's.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cirrus::webapp {

struct RequestLogEntry {
    std::string method;
    std::string url;
    int status = 0;           // 0: failed without an answer
    std::uint64_t bytes = 0;  // the answer's body
    std::int64_t ms = 0;      // from the request to its answer
    std::string_view source;  // "package", "network", "store", "queued"
};

// "[notes] GET app://notes/style.css 200 1.2 KB 3 ms package" (the URL cut
// to 200 bytes, control characters replaced).
std::string format_request_line(std::string_view app_id, const RequestLogEntry& entry);

// Turns the log on (printed on stdout) for this app; off by default.
void enable_request_log(std::string app_id);
bool request_log_enabled();
void log_request(const RequestLogEntry& entry);

// Monotonic milliseconds, for RequestLogEntry::ms.
std::int64_t request_clock_ms();

}  // namespace cirrus::webapp
