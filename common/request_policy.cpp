#include "request_policy.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "strings.hpp"

namespace cirrus::offline {
namespace {

// The path of an absolute URL: after the authority, before "?" or "#".
std::string_view url_path(std::string_view url) {
    url = url.substr(0, url.find_first_of("?#"));
    auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return {};
    auto path_start = url.find('/', scheme_end + 3);
    return path_start == std::string_view::npos ? std::string_view{} : url.substr(path_start);
}

// The lowercased extension of the URL's last path segment, without the dot.
std::string url_extension(std::string_view url) {
    auto path = url_path(url);
    auto segment = path.substr(path.rfind('/') + 1);
    auto dot = segment.rfind('.');
    return dot == std::string_view::npos ? std::string() : lowercase(segment.substr(dot + 1));
}

bool is_static_extension(std::string_view extension) {
    static constexpr std::array<std::string_view, 26> kStatic = {
        "css",  "js",    "mjs", "map", "png", "jpg", "jpeg", "gif", "webp", "avif", "svg", "ico",  "bmp",
        "woff", "woff2", "ttf", "otf", "eot", "mp3", "m4a",  "ogg", "oga",  "wav",  "mp4", "webm", "wasm"};
    return std::find(kStatic.begin(), kStatic.end(), extension) != kStatic.end();
}

// The first media range of Accept, lowercased, without parameters: the type
// the request prefers (browsers list their preference first).
std::string preferred_media_type(const HeaderList& headers) {
    auto accept = headers.combined("Accept").value_or("");
    auto first = accept.substr(0, accept.find(','));
    return lowercase(trim(std::string_view(first).substr(0, first.find(';')), kHttpWhitespace));
}

// What Accept alone says, when it is specific enough to say anything.
std::optional<RequestKind> kind_from_accept(const HeaderList& headers) {
    auto type = preferred_media_type(headers);
    if (type == "text/html" || type == "application/xhtml+xml") return RequestKind::document;
    if (type == "text/css" || type.starts_with("image/") || type.starts_with("font/") || type.starts_with("audio/") ||
        type.starts_with("video/")) {
        return RequestKind::static_asset;
    }
    if (type == "application/json" || type.ends_with("+json")) return RequestKind::api_get;
    return std::nullopt;
}

std::optional<RequestKind> kind_from_destination(RequestDestination destination) {
    switch (destination) {
    case RequestDestination::unknown:
        return std::nullopt;
    case RequestDestination::document:
    case RequestDestination::frame:
        return RequestKind::document;
    case RequestDestination::style:
    case RequestDestination::script:
    case RequestDestination::image:
    case RequestDestination::font:
    case RequestDestination::media:
    case RequestDestination::manifest:
        return RequestKind::static_asset;
    case RequestDestination::fetch:
        return RequestKind::api_get;
    }
    return std::nullopt;
}

RequestPlan network_only(RequestKind kind, std::string why) {
    RequestPlan plan;
    plan.kind = kind;
    plan.strategy = Strategy::network_only;
    plan.why = std::move(why);
    return plan;
}

}  // namespace

RequestKind classify_request(const Request& request) {
    if (request.method != "GET") return RequestKind::write;
    if (request.main_frame_navigation) return RequestKind::document;
    if (auto kind = kind_from_destination(request.destination)) return *kind;
    if (auto kind = kind_from_accept(request.headers)) return *kind;
    if (is_static_extension(url_extension(request.url))) return RequestKind::static_asset;
    return RequestKind::api_get;
}

std::string_view to_string(RequestKind kind) {
    switch (kind) {
    case RequestKind::document:
        return "document";
    case RequestKind::static_asset:
        return "static asset";
    case RequestKind::api_get:
        return "API GET";
    case RequestKind::write:
        return "write";
    }
    return "?";
}

Strategy strategy_for(RequestKind kind) {
    switch (kind) {
    case RequestKind::document:
        return Strategy::network_first_with_timeout;
    case RequestKind::static_asset:
        return Strategy::cache_first_revalidate;
    case RequestKind::api_get:
        return Strategy::network_first_cache_on_failure;
    case RequestKind::write:
        return Strategy::network_only;
    }
    return Strategy::network_only;
}

Milliseconds document_network_wait(const LinkReport& link) {
    if (link.offline) return Milliseconds(0);
    if (!link.rtt && !link.bits_per_second) return kUnmeasuredLinkDocumentWait;
    double seconds = 0;
    if (link.rtt) seconds += kRoundTripsPerDocument * std::chrono::duration<double>(*link.rtt).count();
    if (link.bits_per_second && *link.bits_per_second > 0) {
        seconds += static_cast<double>(kSmallDocumentBytes) * 8 / *link.bits_per_second;
    }
    auto wait = Milliseconds(std::llround(seconds * kDocumentWaitMargin * 1000));
    if (wait > kMaxDocumentWait) return kMinDocumentWait;  // too slow to wait for: the copy now
    return std::max(wait, kMinDocumentWait);
}

Milliseconds write_answer_wait(const LinkReport& link, std::size_t body_bytes) {
    if (link.offline) return Milliseconds(0);
    if (!link.rtt && !link.bits_per_second) return kUnmeasuredLinkWriteAnswerWait;
    double seconds = 0;
    if (link.rtt) seconds += kRoundTripsPerWrite * std::chrono::duration<double>(*link.rtt).count();
    if (link.bits_per_second && *link.bits_per_second > 0) {
        // A body of gigabytes must not overflow anything: the cap ends it.
        const double bytes = static_cast<double>(body_bytes) + 1460;
        seconds += bytes * 8 / *link.bits_per_second;
    }
    const double wait_ms = seconds * kWriteWaitMargin * 1000 + static_cast<double>(kServerWriteTime.count());
    if (!(wait_ms < static_cast<double>(kMaxWriteAnswerWait.count()))) return kMaxWriteAnswerWait;  // NaN too
    return std::max(Milliseconds(std::llround(wait_ms)), kMinWriteAnswerWait);
}

CacheKey cache_key(std::string_view app_id, std::string_view url) {
    return CacheKey{std::string(app_id), std::string(url.substr(0, url.find('#')))};
}

RequestPlan plan_request(const Request& request, const StoredResponse* cached, const LinkReport& link, HttpTime now) {
    auto kind = classify_request(request);
    if (kind == RequestKind::write) return network_only(kind, "not a GET: never from the cache");
    auto asked = request_cache_control(request.headers);
    if (asked.no_store) return network_only(kind, "the request says no-store");

    RequestPlan plan;
    plan.kind = kind;
    plan.strategy = strategy_for(kind);
    plan.may_store = true;
    if (!cached) {
        plan.why = "nothing cached: wait for the network";
        return plan;
    }

    auto state = staleness(*cached, now);
    // A reload (no-cache or max-age=0 in the request) asks past a fresh copy,
    // except an immutable one, which by definition reloads to the same bytes.
    bool reload = asked.no_cache || (asked.max_age && asked.max_age->count() == 0);
    bool immutable = parse_cache_control(cached->headers.combined("Cache-Control").value_or("")).immutable;
    if (state == Staleness::fresh && (!reload || immutable)) {
        plan.serve_cached_now = true;
        plan.send_to_network = false;
        plan.why = "cached copy is fresh";
        return plan;
    }

    plan.conditional_headers = revalidation_headers(cached->headers);
    if (state == Staleness::stale_forbidden) {
        plan.why = "cached copy is stale and must-revalidate: never shown without the server";
        return plan;
    }
    bool serve_now_and_revalidate =
        link.offline || (!reload && (kind == RequestKind::static_asset || state == Staleness::stale_revalidating));
    if (serve_now_and_revalidate) {
        plan.serve_cached_now = true;
        plan.why = link.offline ? "link offline: cached copy now, network in the background"
                                : "stale cached copy now, revalidated in the background";
        return plan;
    }
    plan.cache_on_network_failure = true;
    if (kind == RequestKind::document) {
        plan.cache_after = document_network_wait(link);
        plan.why =
            "network first; the cached copy after " + std::to_string(plan.cache_after->count()) + " ms or on failure";
    } else {
        plan.why = "network first; the cached copy on failure";
    }
    return plan;
}

}  // namespace cirrus::offline
