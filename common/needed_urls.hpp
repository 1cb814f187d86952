// What an app has been seen to need offline: the rule for which of its
// requests the offline store records as "needed" (offline_store.hpp's
// note_needed), so that `cirrus info` says "ready" only when every one of
// them is stored. Install finds what a start page loads statically; what
// its scripts load (images added by script, fetch()es, later pages) is
// learned from the app's own online runs, in its web-app host.
//
// Plain C++: no store, no clock. The host calls needed_url() for a request
// and then answer_meaning() for its answer.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cirrus::offline {

// Per app. A page that makes a new URL per request (a cache-busting query, a
// search box) would otherwise grow the list without end: past this the store
// counts what it turned away (Readiness::refused) and `cirrus info` says so.
// Above the installer's precache list (300) and more than the store's default
// 64 MiB budget keeps for most apps anyway.
constexpr std::size_t kMaxNeededUrls = 500;
// Longer URLs are not recorded (a query carrying data, not a file).
constexpr std::size_t kMaxNeededUrlLength = 2048;

enum class NotNeededBecause {
    not_get,         // only GETs are answered from the store
    other_origin,    // the host stores only the app's own origin
    write_endpoint,  // the app's declared write endpoints go through the write queue, never the store
    too_long,
    not_a_url,
};
std::string_view to_string(NotNeededBecause why);

struct NeededUrl {
    std::optional<std::string> url;  // the store's key for it: no fragment
    std::optional<NotNeededBecause> not_because;
};

// `url` as the store keys it (the host's key: WebKit's normal form, the
// fragment dropped), if a `method` request to it from an app of `origin`
// ("http://host:port") with these write endpoints is one to record.
NeededUrl needed_url(std::string_view method, std::string_view url, std::string_view origin,
                     const std::vector<std::string>& write_endpoints);

// What an upstream answer says about a URL the page asked for.
enum class AnswerMeaning {
    needed,   // 2xx or 304: the page used it; it must be there offline
    gone,     // 404 or 410: the origin dropped it (an old build's hashed file); forget it
    unknown,  // a network failure, a redirect, a server error: change nothing
};
AnswerMeaning answer_meaning(bool network_failed, int status);

}  // namespace cirrus::offline
