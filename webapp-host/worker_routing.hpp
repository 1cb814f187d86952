// Which path an app's loads take: Cirrus's own (the offline store, the
// document path, the write queue: offline_cache.hpp) or WebKit's, where the
// app's own service worker answers. Plain C++ (no WebKit); host.cpp calls it
// with what the page reports and what the app's data folder records
// (common/service_worker_record.hpp).
//
// - An app whose page has an active service worker whose scope holds the
//   start URL is a worker app: its launches (also offline) go through
//   WebKit's own navigation and none of its requests is rewritten to the
//   cache scheme, so the worker sees all of them, as in a browser. A custom
//   scheme cannot have a worker, so the cache scheme and a worker exclude
//   each other.
// - Every other app keeps Cirrus's path, exactly as before.
// - On a weak link the worker decides (cache first, network first, ...);
//   Cirrus's link estimate still sets the page's navigator.onLine
//   (online_state.hpp). Workers are not given it: WebKit's own value.
// - Writes of a worker app go to its worker and the network, as in a
//   browser: Cirrus's write queue takes none of them (its 202 would answer
//   for the worker, whose own code decides what a failed write means).
//   Writes queued before the app had a worker are still replayed.
// - A worker unregistered later: the page reports no registration for the
//   start URL, the record goes, and the next launch takes Cirrus's path.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/service_worker_record.hpp"

namespace cirrus::webapp {

// What the page's script (in Cirrus's own script world) reports about
// navigator.serviceWorker, once the page has loaded and at every change.
struct WorkerReport {
    bool registered = false;    // getRegistration() found one for the page's URL
    std::string scope;          // its scope
    std::string active_script;  // its active worker's script; empty without one
    std::string active_state;   // "activating", "activated", ...; empty without one
    bool controlled = false;    // navigator.serviceWorker.controller is set
};

// Largest report read; a page's message beyond it is dropped.
inline constexpr std::size_t kMaxWorkerReportBytes = 3 * offline::kMaxWorkerUrlBytes + 256;

// The message's JSON, as the script sends it; nullopt for anything else.
std::optional<WorkerReport> parse_worker_report(std::string_view json_text);

enum class LaunchPath {
    cirrus_document,    // offline_cache.hpp: the store, load_alternate_html, rewriting
    webkit_navigation,  // webkit_web_view_load_uri; no rewriting: the worker answers
};

// The path a launch of the app at `url` takes, from what its data folder records.
LaunchPath launch_path(const std::optional<offline::ServiceWorkerRecord>& record, std::string_view url);

// What a report changes in the record.
struct RecordChange {
    enum class Kind { keep, write, erase } kind = Kind::keep;
    offline::ServiceWorkerRecord record;  // write: the new record
    std::string why;                      // for the log (empty for keep)
};

// `origin`: the app's ("http://host:port"); `start_url`: its start page.
// A registration of another origin, or whose scope does not hold the start
// URL, records nothing (a launch would not reach it); one without an active
// worker yet (installing, waiting) leaves the record as it is.
RecordChange apply_report(const std::optional<offline::ServiceWorkerRecord>& current, const WorkerReport& report,
                          std::string_view origin, std::string_view start_url, std::int64_t now_ms);

// Whether the page's own-origin requests are rewritten to the cache scheme:
// not once a worker controls the page, nor in a launch that took WebKit's
// navigation for a worker (its page is controlled from its first request).
bool rewrite_requests(bool worker_mode);

}  // namespace cirrus::webapp
