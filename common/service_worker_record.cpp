#include "service_worker_record.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

#include "file_text.hpp"

namespace cirrus::offline {

namespace {

constexpr std::size_t kMaxFileBytes = 3 * kMaxWorkerUrlBytes + 256;

// A URL as it may appear on a line of its own: bounded, no control bytes.
bool fit_url(std::string_view url) {
    if (url.empty() || url.size() > kMaxWorkerUrlBytes) return false;
    for (const char c : url) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
    }
    return url.starts_with("http://") || url.starts_with("https://");
}

}  // namespace

std::filesystem::path service_worker_record_path(const std::filesystem::path& app_data_dir) {
    return app_data_dir / std::string(kServiceWorkerRecordName);
}

std::string format_service_worker_record(const ServiceWorkerRecord& record) {
    return "scope=" + record.scope + "\nscript=" + record.script_url + "\nseen_at=" + std::to_string(record.seen_at) +
           "\n";
}

std::optional<ServiceWorkerRecord> parse_service_worker_record(std::string_view text) {
    if (text.size() > kMaxFileBytes) return std::nullopt;
    ServiceWorkerRecord record;
    bool seen = false;
    std::size_t at = 0;
    while (at < text.size()) {
        const std::size_t end = std::min(text.find('\n', at), text.size());
        const std::string_view line = text.substr(at, end - at);
        at = end + 1;
        if (line.empty()) continue;
        const std::size_t eq = line.find('=');
        if (eq == std::string_view::npos) return std::nullopt;
        const std::string_view key = line.substr(0, eq);
        const std::string_view value = line.substr(eq + 1);
        if (key == "scope") {
            record.scope = value;
        } else if (key == "script") {
            record.script_url = value;
        } else if (key == "seen_at") {
            try {
                std::size_t used = 0;
                record.seen_at = std::stoll(std::string(value), &used);
                if (used != value.size()) return std::nullopt;
                seen = true;
            } catch (const std::exception&) {
                return std::nullopt;
            }
        }  // other keys: a later Cirrus's, ignored
    }
    if (!seen || !fit_url(record.scope) || !fit_url(record.script_url)) return std::nullopt;
    return record;
}

std::optional<ServiceWorkerRecord> read_service_worker_record(const std::filesystem::path& app_data_dir) {
    std::ifstream in(service_worker_record_path(app_data_dir), std::ios::binary);
    if (!in) return std::nullopt;
    std::string text(kMaxFileBytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    return parse_service_worker_record(text);
}

bool write_service_worker_record(const std::filesystem::path& app_data_dir, const ServiceWorkerRecord& record,
                                 std::string* error) {
    const auto fail = [error](std::string why) {
        if (error) *error = std::move(why);
        return false;
    };
    if (!fit_url(record.scope) || !fit_url(record.script_url))
        return fail("the worker's scope or script is not an http(s) URL of at most " +
                    std::to_string(kMaxWorkerUrlBytes) + " bytes");
    const std::filesystem::path path = service_worker_record_path(app_data_dir);
    if (!write_file_replacing(path, format_service_worker_record(record)))
        return fail("cannot write " + path.string() + ": " + std::strerror(errno));
    return true;
}

bool remove_service_worker_record(const std::filesystem::path& app_data_dir) {
    std::error_code ec;
    std::filesystem::remove(service_worker_record_path(app_data_dir), ec);
    return !ec;
}

}  // namespace cirrus::offline
