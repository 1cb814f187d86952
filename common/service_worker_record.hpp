// What a web-app host has seen of an app's own service worker, kept beside
// WebKit's own registrations in the app's data folder (app_data_dirs().data),
// so that the two share one lifetime: removing the app, or clearing its
// website data, takes both. The host writes it when the app's page reports
// an active worker whose scope holds the start URL, and removes it when the
// page reports that no worker is registered for it any more; the next launch
// (also offline) reads it to take WebKit's own navigation, so that the worker
// answers (webapp-host/worker_routing.hpp). `cirrus info` reads it: for such
// an app, "ready" means the worker is installed and active.
//
// The file is a few "key=value" lines. What it holds came from a web page:
// every value is bounded on write and on read, and a file that does not
// parse counts as absent (the app then takes Cirrus's own path, which works
// for any app).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace cirrus::offline {

// The file's name inside the app's data folder.
inline constexpr std::string_view kServiceWorkerRecordName = "cirrus-service-worker";
// Longest scope or script URL kept; a longer one is not recorded.
inline constexpr std::size_t kMaxWorkerUrlBytes = 2048;

struct ServiceWorkerRecord {
    std::string scope;         // the registration's scope, an absolute URL
    std::string script_url;    // the active worker's script
    std::int64_t seen_at = 0;  // Unix ms: when a page last reported it active

    bool operator==(const ServiceWorkerRecord&) const = default;
};

std::filesystem::path service_worker_record_path(const std::filesystem::path& app_data_dir);

// The file's text, and back; nullopt for text that is not a record.
std::string format_service_worker_record(const ServiceWorkerRecord& record);
std::optional<ServiceWorkerRecord> parse_service_worker_record(std::string_view text);

// Nullopt when there is none or it does not parse. Never throws.
std::optional<ServiceWorkerRecord> read_service_worker_record(const std::filesystem::path& app_data_dir);
// Atomically (a temporary file renamed over it). False, with `error` set,
// when it cannot be written; never throws.
bool write_service_worker_record(const std::filesystem::path& app_data_dir, const ServiceWorkerRecord& record,
                                 std::string* error = nullptr);
// True when there is none afterwards.
bool remove_service_worker_record(const std::filesystem::path& app_data_dir);

}  // namespace cirrus::offline
