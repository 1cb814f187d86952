// Where the offline cache answers a request from: classification, strategy,
// the document's wait for the network, cache partitions and request plans.
#include <doctest/doctest.h>

#include <ostream>

#include "common/request_policy.hpp"

namespace cirrus::offline {
// So that failed checks print names instead of "{?}".
inline std::ostream& operator<<(std::ostream& out, RequestKind kind) { return out << to_string(kind); }
}  // namespace cirrus::offline

using namespace cirrus::offline;
using std::chrono::hours;
using std::chrono::seconds;

namespace {

// WebKitGTK's Accept headers.
constexpr const char* kNavigationAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
constexpr const char* kStyleAccept = "text/css,*/*;q=0.1";
constexpr const char* kImageAccept = "image/webp,image/avif,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5";

Request get(std::string url, std::string accept = "*/*", RequestDestination destination = RequestDestination::unknown) {
    Request request;
    request.method = "GET";
    request.url = std::move(url);
    request.destination = destination;
    if (!accept.empty()) request.headers.add("Accept", std::move(accept));
    return request;
}

Request navigation(std::string url) {
    auto request = get(std::move(url), kNavigationAccept);
    request.main_frame_navigation = true;
    return request;
}

const HttpTime kNow = std::chrono::sys_days(std::chrono::year(2024) / 3 / 1) + hours(12);

// A response stored `age` ago with these headers (and its Date then).
StoredResponse stored(seconds age, HeaderList headers) {
    headers.add("Date", format_http_date(kNow - age));
    return StoredResponse{200, std::move(headers), kNow - age, kNow - age};
}

// The weak-link profiles (docs/ARCHITECTURE.md) as the link estimate would
// report them.
const LinkReport k3g{false, std::chrono::milliseconds(300), 1'600'000};
const LinkReport k3gSlow{false, std::chrono::milliseconds(2000), 400'000};
const LinkReport k2g{false, std::chrono::milliseconds(650), 50'000};
const LinkReport kGood{false, std::chrono::milliseconds(50), 10'000'000};
const LinkReport kOffline{true, std::nullopt, std::nullopt};

}  // namespace

TEST_CASE("classify: anything but GET is a write, whatever else it looks like") {
    for (const char* method : {"POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "get"}) {
        CAPTURE(method);
        auto request = navigation("https://app.example/index.html");
        request.method = method;
        CHECK(classify_request(request) == RequestKind::write);
    }
}

TEST_CASE("classify: main-frame navigations and frame destinations are documents") {
    CHECK(classify_request(navigation("https://app.example/")) == RequestKind::document);
    // Even a navigation to something that looks like an asset.
    CHECK(classify_request(navigation("https://app.example/logo.png")) == RequestKind::document);
    CHECK(classify_request(get("https://app.example/frame", "*/*", RequestDestination::frame)) ==
          RequestKind::document);
    // An iframe's navigation as WebKit's hook shows it: no destination, the
    // navigation Accept.
    CHECK(classify_request(get("https://app.example/embed", kNavigationAccept)) == RequestKind::document);
}

TEST_CASE("classify: a known destination decides") {
    using D = RequestDestination;
    for (auto destination : {D::style, D::script, D::image, D::font, D::media, D::manifest}) {
        CHECK(classify_request(get("https://app.example/api/thing", "*/*", destination)) == RequestKind::static_asset);
    }
    CHECK(classify_request(get("https://app.example/app.js", "*/*", D::fetch)) == RequestKind::api_get);
}

TEST_CASE("classify: without a destination, Accept and then the extension are the evidence") {
    CHECK(classify_request(get("https://app.example/theme", kStyleAccept)) == RequestKind::static_asset);
    CHECK(classify_request(get("https://app.example/avatar?id=3", kImageAccept)) == RequestKind::static_asset);
    CHECK(classify_request(get("https://app.example/f", "font/woff2")) == RequestKind::static_asset);
    // Scripts and fetch() both send */*: the extension tells them apart.
    CHECK(classify_request(get("https://app.example/app.js?v=3")) == RequestKind::static_asset);
    CHECK(classify_request(get("https://app.example/fonts/Inter.WOFF2")) == RequestKind::static_asset);
    CHECK(classify_request(get("https://app.example/img/logo.png#top")) == RequestKind::static_asset);
    CHECK(classify_request(get("https://app.example/api/notes")) == RequestKind::api_get);
    CHECK(classify_request(get("https://app.example/data/config.json")) == RequestKind::api_get);
    // A specific Accept beats the extension; no Accept at all leaves the extension.
    CHECK(classify_request(get("https://app.example/chart.png", "application/json")) == RequestKind::api_get);
    CHECK(classify_request(get("https://app.example/events", "application/ld+json")) == RequestKind::api_get);
    CHECK(classify_request(get("https://app.example/style.css", "")) == RequestKind::static_asset);
    // A fetch() of an HTML fragment is not a document: network first.
    CHECK(classify_request(get("https://app.example/partials/list.html")) == RequestKind::api_get);
    // A dot in a directory name is not an extension.
    CHECK(classify_request(get("https://app.example/v1.css/items")) == RequestKind::api_get);
}

TEST_CASE("each kind has its strategy") {
    CHECK(strategy_for(RequestKind::document) == Strategy::network_first_with_timeout);
    CHECK(strategy_for(RequestKind::static_asset) == Strategy::cache_first_revalidate);
    CHECK(strategy_for(RequestKind::api_get) == Strategy::network_first_cache_on_failure);
    CHECK(strategy_for(RequestKind::write) == Strategy::network_only);
}

TEST_CASE("write answer wait: follows the link, a few seconds on 3G, never a minute") {
    using std::chrono::milliseconds;
    const std::size_t note = 1000;  // a small JSON note
    // 3g: 1.5 * (0.9 s + 2460 B * 8 / 1.6 Mbit/s) + 1 s = 2.37 s.
    const auto on_3g = write_answer_wait(k3g, note);
    CHECK(on_3g >= milliseconds(2360));
    CHECK(on_3g <= milliseconds(2380));
    // 2g: 1.5 * (1.95 s + 0.39 s) + 1 s = 4.5 s.
    const auto on_2g = write_answer_wait(k2g, note);
    CHECK(on_2g >= milliseconds(4500));
    CHECK(on_2g <= milliseconds(4520));
    // 3g-slow would be 10 s: the cap.
    CHECK(write_answer_wait(k3gSlow, note) == kMaxWriteAnswerWait);
    CHECK(kMaxWriteAnswerWait == milliseconds(8000));
    // A good link: 1.5 * 0.152 s + 1 s = 1.23 s, raised to the floor.
    CHECK(write_answer_wait(kGood, note) == kMinWriteAnswerWait);
    CHECK(kMinWriteAnswerWait == milliseconds(2000));
    // Offline: no wait (the queue takes it without an attempt); unmeasured: 5 s.
    CHECK(write_answer_wait(kOffline, note) == milliseconds(0));
    CHECK(write_answer_wait(LinkReport{}, note) == kUnmeasuredLinkWriteAnswerWait);
    // A larger body waits longer, but never past the cap: a 2 MB photo on 3g.
    CHECK(write_answer_wait(k3g, 100'000) > on_3g);
    CHECK(write_answer_wait(k3g, 2'000'000) == kMaxWriteAnswerWait);
    CHECK(write_answer_wait(k3g, std::size_t(-1)) == kMaxWriteAnswerWait);
    // Hostile or broken estimates stay within the bounds.
    CHECK(write_answer_wait(LinkReport{false, milliseconds(0), 1e12}, note) == kMinWriteAnswerWait);
    CHECK(write_answer_wait(LinkReport{false, std::nullopt, 0.0}, note) == kMinWriteAnswerWait);
    CHECK(write_answer_wait(LinkReport{false, milliseconds(3'600'000), std::nullopt}, note) == kMaxWriteAnswerWait);
    // Every wait is in [2 s, 8 s] whatever the link, but offline.
    for (int rtt : {0, 10, 100, 500, 1000, 5000})
        for (double bps : {1e3, 1e5, 1e6, 1e8}) {
            const auto wait = write_answer_wait(LinkReport{false, milliseconds(rtt), bps}, note);
            CHECK(wait >= kMinWriteAnswerWait);
            CHECK(wait <= kMaxWriteAnswerWait);
        }
}

TEST_CASE("document wait: only a link that answers within a second is waited for") {
    // 3g: 1.5 * (3 * 0.3 s + 116.8 kbit / 1.6 Mbit/s) = 1.46 s: too long, the copy at the floor.
    CHECK(document_network_wait(k3g) == kMinDocumentWait);
    CHECK(document_network_wait(k3gSlow) == kMinDocumentWait);  // 9 s expected
    CHECK(document_network_wait(k2g) == kMinDocumentWait);      // 6.4 s expected
    CHECK(document_network_wait(kGood) == kMinDocumentWait);    // 0.24 s computed, raised to the floor
    CHECK(document_network_wait(kOffline) == std::chrono::milliseconds(0));
    CHECK(document_network_wait(LinkReport{}) == kUnmeasuredLinkDocumentWait);
    // LTE-like: 1.5 * (3 * 0.15 s + 116.8 kbit / 5 Mbit/s) = 0.71 s, worth waiting for.
    const auto lte = document_network_wait(LinkReport{false, std::chrono::milliseconds(150), 5e6});
    CHECK(lte >= std::chrono::milliseconds(705));
    CHECK(lte <= std::chrono::milliseconds(715));
    // Only a round-trip time measured: the round trips alone (1.5 * 0.6 s).
    CHECK(document_network_wait(LinkReport{false, std::chrono::milliseconds(200), std::nullopt}) ==
          std::chrono::milliseconds(900));
    // Never past the second a user will wait.
    for (int rtt = 10; rtt < 3000; rtt += 10) {
        CHECK(document_network_wait(LinkReport{false, std::chrono::milliseconds(rtt), 1e6}) <= kMaxDocumentWait);
    }
}

TEST_CASE("cache keys: one partition per app; the fragment is not part of the URL") {
    CHECK(cache_key("notes", "https://app.example/a#x") == cache_key("notes", "https://app.example/a"));
    CHECK_FALSE(cache_key("notes", "https://app.example/a") == cache_key("weather", "https://app.example/a"));
    CHECK(cache_key("notes", "https://app.example/a?q=1").url == "https://app.example/a?q=1");
}

TEST_CASE("plan: writes go to the network only, and nothing is stored") {
    auto request = get("https://app.example/api/notes", "application/json");
    request.method = "POST";
    auto cached = stored(seconds(1), {{"Cache-Control", "max-age=600"}});
    auto plan = plan_request(request, &cached, k3g, kNow);
    CHECK(plan.kind == RequestKind::write);
    CHECK(plan.strategy == Strategy::network_only);
    CHECK(plan.send_to_network);
    CHECK_FALSE(plan.serve_cached_now);
    CHECK_FALSE(plan.cache_on_network_failure);
    CHECK_FALSE(plan.may_store);
}

TEST_CASE("plan: with nothing cached every GET waits for the network") {
    for (const auto& request : {navigation("https://app.example/"), get("https://app.example/app.css", kStyleAccept),
                                get("https://app.example/api/notes")}) {
        CAPTURE(request.url);
        auto plan = plan_request(request, nullptr, k3gSlow, kNow);
        CHECK(plan.send_to_network);
        CHECK_FALSE(plan.serve_cached_now);
        CHECK_FALSE(plan.cache_after);
        CHECK_FALSE(plan.cache_on_network_failure);
        CHECK(plan.may_store);
        CHECK(plan.conditional_headers.empty());
    }
}

TEST_CASE("plan: a fresh copy is used without the network, for every kind (max-age honoured)") {
    auto cached = stored(seconds(30), {{"Cache-Control", "max-age=60"}});
    for (const auto& request : {navigation("https://app.example/"), get("https://app.example/app.css", kStyleAccept),
                                get("https://app.example/api/notes")}) {
        CAPTURE(request.url);
        auto plan = plan_request(request, &cached, k3g, kNow);
        CHECK(plan.serve_cached_now);
        CHECK_FALSE(plan.send_to_network);
    }
}

TEST_CASE("plan: a stale document goes to the network, the cache after the link's wait or on failure") {
    auto cached = stored(hours(2), {{"Cache-Control", "max-age=60"}, {"ETag", "\"v7\""}});
    auto plan = plan_request(navigation("https://app.example/"), &cached, k3g, kNow);
    CHECK(plan.strategy == Strategy::network_first_with_timeout);
    CHECK(plan.send_to_network);
    CHECK_FALSE(plan.serve_cached_now);
    REQUIRE(plan.cache_after);
    CHECK(*plan.cache_after == document_network_wait(k3g));
    CHECK(plan.cache_on_network_failure);
    CHECK(plan.conditional_headers == HeaderList{{"If-None-Match", "\"v7\""}});
    // A slower link is not waited for any longer: the copy at the floor.
    CHECK(*plan_request(navigation("https://app.example/"), &cached, k2g, kNow).cache_after == kMinDocumentWait);
}

TEST_CASE("plan: while offline a usable copy is shown at once, the network tried in the background") {
    auto cached = stored(hours(2), {{"Cache-Control", "max-age=60"}});
    for (const auto& request : {navigation("https://app.example/"), get("https://app.example/api/notes")}) {
        CAPTURE(request.url);
        auto plan = plan_request(request, &cached, kOffline, kNow);
        CHECK(plan.serve_cached_now);
        CHECK(plan.send_to_network);
    }
}

TEST_CASE("plan: a stale static asset is served at once and revalidated in the background") {
    auto cached = stored(hours(30), {{"Last-Modified", "Tue, 01 Jan 2019 00:00:00 GMT"}});  // heuristic: a day
    auto plan = plan_request(get("https://app.example/app.css", kStyleAccept), &cached, k3g, kNow);
    CHECK(plan.strategy == Strategy::cache_first_revalidate);
    CHECK(plan.serve_cached_now);
    CHECK(plan.send_to_network);
    CHECK(plan.conditional_headers == HeaderList{{"If-Modified-Since", "Tue, 01 Jan 2019 00:00:00 GMT"}});
    // Within its heuristic day it is fresh: no request at all.
    auto recent = stored(hours(20), {{"Last-Modified", "Tue, 01 Jan 2019 00:00:00 GMT"}});
    CHECK_FALSE(plan_request(get("https://app.example/app.css", kStyleAccept), &recent, k3g, kNow).send_to_network);
}

TEST_CASE("plan: a stale API GET tries the network first, the cache on failure, with no timeout") {
    auto cached = stored(hours(1), {{"Cache-Control", "max-age=60"}, {"ETag", "W/\"n1\""}});
    auto plan = plan_request(get("https://app.example/api/notes", "application/json"), &cached, k3gSlow, kNow);
    CHECK(plan.strategy == Strategy::network_first_cache_on_failure);
    CHECK(plan.send_to_network);
    CHECK_FALSE(plan.serve_cached_now);
    CHECK_FALSE(plan.cache_after);
    CHECK(plan.cache_on_network_failure);
    CHECK(plan.conditional_headers == HeaderList{{"If-None-Match", "W/\"n1\""}});
}

TEST_CASE("plan: must-revalidate is never shown stale, not even offline") {
    auto cached = stored(hours(1), {{"Cache-Control", "max-age=60, must-revalidate"}});
    for (const auto& link : {k3g, kOffline}) {
        for (const auto& request : {navigation("https://app.example/"), get("https://app.example/app.js"),
                                    get("https://app.example/api/notes")}) {
            CAPTURE(request.url);
            auto plan = plan_request(request, &cached, link, kNow);
            CHECK(plan.send_to_network);
            CHECK_FALSE(plan.serve_cached_now);
            CHECK_FALSE(plan.cache_after);
            CHECK_FALSE(plan.cache_on_network_failure);
        }
    }
}

TEST_CASE("plan: no-cache documents are revalidated every time, and still shown when the network fails") {
    auto cached = stored(seconds(5), {{"Cache-Control", "no-cache"}, {"ETag", "\"a\""}});
    auto plan = plan_request(navigation("https://app.example/"), &cached, k3g, kNow);
    CHECK(plan.send_to_network);
    CHECK_FALSE(plan.serve_cached_now);
    CHECK(plan.cache_on_network_failure);
    CHECK(plan.cache_after);
}

TEST_CASE("plan: a request's no-store bypasses the cache both ways") {
    auto request = navigation("https://app.example/");
    request.headers.add("Cache-Control", "no-store");
    auto cached = stored(seconds(5), {{"Cache-Control", "max-age=600"}});
    auto plan = plan_request(request, &cached, k3g, kNow);
    CHECK(plan.strategy == Strategy::network_only);
    CHECK_FALSE(plan.serve_cached_now);
    CHECK_FALSE(plan.cache_on_network_failure);
    CHECK_FALSE(plan.may_store);
}

TEST_CASE("plan: a reload asks past a fresh copy, except an immutable one") {
    auto reload = get("https://app.example/app.js");
    reload.headers.add("Cache-Control", "max-age=0");
    auto fresh = stored(seconds(5), {{"Cache-Control", "max-age=600"}, {"ETag", "\"j\""}});
    auto plan = plan_request(reload, &fresh, k3g, kNow);
    CHECK(plan.send_to_network);
    CHECK_FALSE(plan.serve_cached_now);  // a reload does not take the stale-asset shortcut either
    CHECK(plan.cache_on_network_failure);
    CHECK(plan.conditional_headers == HeaderList{{"If-None-Match", "\"j\""}});

    auto immutable = stored(seconds(5), {{"Cache-Control", "max-age=600, immutable"}});
    auto pinned = plan_request(reload, &immutable, k3g, kNow);
    CHECK(pinned.serve_cached_now);
    CHECK_FALSE(pinned.send_to_network);

    auto pragma = navigation("https://app.example/");
    pragma.headers.add("Pragma", "no-cache");
    CHECK(plan_request(pragma, &fresh, k3g, kNow).send_to_network);
}

TEST_CASE("plan: stale-while-revalidate lets documents and API GETs show the copy at once") {
    auto cached = stored(seconds(90), {{"Cache-Control", "max-age=60, stale-while-revalidate=60"}});
    for (const auto& request : {navigation("https://app.example/"), get("https://app.example/api/notes")}) {
        CAPTURE(request.url);
        auto plan = plan_request(request, &cached, k3g, kNow);
        CHECK(plan.serve_cached_now);
        CHECK(plan.send_to_network);
    }
    auto past_window = stored(seconds(130), {{"Cache-Control", "max-age=60, stale-while-revalidate=60"}});
    CHECK_FALSE(plan_request(navigation("https://app.example/"), &past_window, k3g, kNow).serve_cached_now);
}
