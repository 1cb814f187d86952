#include "request_log.hpp"

#include <chrono>
#include <cstdio>

namespace cirrus::webapp {

namespace {

constexpr std::size_t kMaxUrl = 200;

std::string printable(std::string_view text, std::size_t max) {
    std::string out;
    for (const char c : text.substr(0, max)) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
    if (text.size() > max) out += "...";
    return out;
}

std::string size_text(std::uint64_t bytes) {
    char buffer[32];
    if (bytes < 1024) {
        std::snprintf(buffer, sizeof buffer, "%llu B", static_cast<unsigned long long>(bytes));
    } else if (bytes < 1024 * 1024) {
        std::snprintf(buffer, sizeof buffer, "%.1f KB", static_cast<double>(bytes) / 1024);
    } else {
        std::snprintf(buffer, sizeof buffer, "%.1f MB", static_cast<double>(bytes) / (1024 * 1024));
    }
    return buffer;
}

struct LogState {
    bool enabled = false;
    std::string app_id;
};

LogState& state() {
    static LogState s;
    return s;
}

}  // namespace

std::string format_request_line(std::string_view app_id, const RequestLogEntry& entry) {
    const std::string status = entry.status > 0 ? std::to_string(entry.status) : "failed";
    return "[" + printable(app_id, 64) + "] " + printable(entry.method, 16) + " " + printable(entry.url, kMaxUrl) +
           " " + status + " " + size_text(entry.bytes) + " " + std::to_string(entry.ms) + " ms " +
           std::string(entry.source);
}

void enable_request_log(std::string app_id) {
    state().enabled = true;
    state().app_id = std::move(app_id);
}

bool request_log_enabled() { return state().enabled; }

void log_request(const RequestLogEntry& entry) {
    if (!state().enabled) return;
    std::printf("%s\n", format_request_line(state().app_id, entry).c_str());
    std::fflush(stdout);
}

std::int64_t request_clock_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

}  // namespace cirrus::webapp
