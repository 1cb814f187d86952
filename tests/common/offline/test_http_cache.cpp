// HTTP caching rules (RFC 9111) of the offline cache: Cache-Control, dates,
// storing, freshness and age, revalidation, 304s and Vary.
#include <doctest/doctest.h>

#include "common/http_cache.hpp"

using namespace cirrus::offline;
using std::chrono::hours;
using std::chrono::seconds;

namespace {

// RFC 9110 §5.6.7's example date.
const HttpTime kExampleDate = *parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT");

// A response that arrived at `arrived` (its request left `flight` earlier),
// with `headers` as given.
StoredResponse response_at(HttpTime arrived, HeaderList headers, int status = 200, seconds flight = seconds(0)) {
    return StoredResponse{status, std::move(headers), arrived - flight, arrived};
}

}  // namespace

TEST_CASE("HTTP-date: the three forms of RFC 9110's example are the same instant") {
    auto imf = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT");
    auto rfc850 = parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT");
    auto asctime = parse_http_date("Sun Nov  6 08:49:37 1994");
    REQUIRE(imf);
    CHECK(rfc850 == imf);
    CHECK(asctime == imf);
    CHECK(imf->time_since_epoch() == seconds(784111777));
    CHECK(format_http_date(*imf) == "Sun, 06 Nov 1994 08:49:37 GMT");
    // Two-digit years: 00-69 are 20xx.
    CHECK(format_http_date(*parse_http_date("Saturday, 06-Nov-04 08:49:37 GMT")) == "Sat, 06 Nov 2004 08:49:37 GMT");
}

TEST_CASE("HTTP-date: what is not a date is refused") {
    for (const char* text : {"0", "-1", "", "Sun, 06 Nov 1994 08:49:37", "Sun, 06 Nov 1994 08:49:37 PST",
                             "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT",
                             "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 994 08:49:37 GMT", "tomorrow"}) {
        CAPTURE(text);
        CHECK_FALSE(parse_http_date(text));
    }
}

TEST_CASE("Cache-Control: directives, arguments, case, quotes and repeats") {
    auto control = parse_cache_control("Max-Age=60, must-revalidate, PUBLIC, immutable");
    CHECK(control.max_age == seconds(60));
    CHECK(control.must_revalidate);
    CHECK(control.is_public);
    CHECK(control.immutable);
    CHECK_FALSE(control.no_store);
    CHECK_FALSE(control.no_cache);

    // The quoted form of an argument; the first of a repeated directive wins.
    CHECK(parse_cache_control("max-age=\"30\"").max_age == seconds(30));
    CHECK(parse_cache_control("max-age=10, max-age=20").max_age == seconds(10));
    // Qualified no-cache and private act as unqualified; a comma inside the
    // quoted field list does not split the directive.
    auto qualified = parse_cache_control("private=\"Set-Cookie, X-Id\", no-cache=\"Set-Cookie\", max-age=5");
    CHECK(qualified.is_private);
    CHECK(qualified.no_cache);
    CHECK(qualified.max_age == seconds(5));
    // Unknown directives and stray commas are ignored.
    auto odd = parse_cache_control(" , x-foo=1,,no-store , stale-while-revalidate=30");
    CHECK(odd.no_store);
    CHECK(odd.stale_while_revalidate == seconds(30));
}

TEST_CASE("Cache-Control: an invalid max-age makes the response stale; a huge one is 2^31") {
    for (const char* text : {"max-age=abc", "max-age=-5", "max-age", "max-age=1.5"}) {
        CAPTURE(text);
        auto control = parse_cache_control(text);
        CHECK(control.max_age_invalid);
        CHECK_FALSE(control.max_age);
    }
    CHECK(parse_cache_control("max-age=99999999999999999999").max_age == seconds(2147483648LL));
    auto invalid =
        response_at(kExampleDate, {{"Cache-Control", "max-age=abc"}, {"Expires", "Sun, 06 Nov 2044 08:49:37 GMT"}});
    CHECK(freshness_lifetime(invalid) == seconds(0));
}

TEST_CASE("request Cache-Control: Pragma: no-cache counts only without Cache-Control") {
    CHECK(request_cache_control({{"Pragma", "no-cache"}}).no_cache);
    CHECK_FALSE(request_cache_control({{"Pragma", "no-cache"}, {"Cache-Control", "max-age=10"}}).no_cache);
    CHECK(request_cache_control({{"cache-control", "no-store"}}).no_store);
}

TEST_CASE("storable: GET with a final status the cache understands, and something allowing it") {
    const HeaderList none;
    CHECK(storable("GET", none, 200, none));  // heuristically cacheable
    CHECK(storable("GET", none, 404, none));
    CHECK(storable("GET", none, 301, none));
    CHECK_FALSE(storable("POST", none, 200, {{"Cache-Control", "max-age=60"}}));
    CHECK_FALSE(storable("HEAD", none, 200, none));
    CHECK_FALSE(storable("GET", none, 100, none));
    CHECK_FALSE(storable("GET", none, 206, {{"Cache-Control", "max-age=60"}}));  // no partial content
    CHECK_FALSE(storable("GET", none, 304, none));                               // refreshes, is not stored
    CHECK_FALSE(storable("GET", none, 302, none));                               // not heuristically cacheable...
    CHECK(storable("GET", none, 302, {{"Cache-Control", "max-age=60"}}));        // ...unless it says so
    CHECK_FALSE(storable("GET", none, 500, none));
    CHECK(storable("GET", none, 500, {{"Expires", "Sun, 06 Nov 1994 08:49:37 GMT"}}));
    CHECK(storable("GET", none, 200, {{"Cache-Control", "private"}}));  // this is a private cache
    CHECK_FALSE(storable("GET", none, 200, {{"Cache-Control", "public, no-store"}}));
    CHECK_FALSE(storable("GET", {{"Cache-Control", "no-store"}}, 200, {{"Cache-Control", "max-age=60"}}));
    CHECK_FALSE(storable("GET", none, 200, {{"Vary", "Accept-Encoding, *"}}));
    CHECK(storable("GET", none, 200, {{"Vary", "Accept-Encoding"}}));
}

TEST_CASE("headers_to_store drops hop-by-hop fields, those Connection names, and Set-Cookie") {
    HeaderList response{{"Content-Type", "text/html"},
                        {"Connection", "keep-alive, X-Trace"},
                        {"Keep-Alive", "timeout=5"},
                        {"X-Trace", "abc"},
                        {"Set-Cookie", "session=1"},
                        {"Transfer-Encoding", "chunked"},
                        {"ETag", "\"v1\""}};
    CHECK(headers_to_store(response) == HeaderList{{"Content-Type", "text/html"}, {"ETag", "\"v1\""}});
}

TEST_CASE("freshness lifetime: max-age, else Expires - Date, else the heuristic") {
    auto date = format_http_date(kExampleDate);
    // RFC 9111 §4.2.1: max-age takes precedence over Expires.
    CHECK(freshness_lifetime(response_at(kExampleDate, {{"Date", date},
                                                        {"Cache-Control", "max-age=600"},
                                                        {"Expires", format_http_date(kExampleDate + hours(1))}})) ==
          seconds(600));
    CHECK(freshness_lifetime(response_at(
              kExampleDate, {{"Date", date}, {"Expires", format_http_date(kExampleDate + hours(1))}})) == hours(1));
    // Expires is measured from Date, not from when the response arrived.
    CHECK(freshness_lifetime(response_at(kExampleDate + hours(5),
                                         {{"Date", date}, {"Expires", format_http_date(kExampleDate + hours(1))}})) ==
          hours(1));
    // An Expires in the past, or that is not a date, means already expired.
    CHECK(freshness_lifetime(response_at(
              kExampleDate, {{"Date", date}, {"Expires", format_http_date(kExampleDate - hours(1))}})) == seconds(0));
    CHECK(freshness_lifetime(response_at(kExampleDate, {{"Date", date}, {"Expires", "0"}})) == seconds(0));
}

TEST_CASE("heuristic freshness: 10% of Date - Last-Modified, at most a day, only where allowed") {
    auto date = format_http_date(kExampleDate);
    auto modified_ago = [&](hours age) { return format_http_date(kExampleDate - age); };
    CHECK(freshness_lifetime(response_at(kExampleDate, {{"Date", date}, {"Last-Modified", modified_ago(hours(50))}})) ==
          hours(5));
    CHECK(freshness_lifetime(
              response_at(kExampleDate, {{"Date", date}, {"Last-Modified", modified_ago(hours(240))}})) == hours(24));
    CHECK(freshness_lifetime(response_at(
              kExampleDate, {{"Date", date}, {"Last-Modified", modified_ago(hours(2400))}})) == kMaxHeuristicFreshness);
    // Not for a status that is not heuristically cacheable, unless public.
    HeaderList redirect{{"Date", date}, {"Last-Modified", modified_ago(hours(50))}};
    CHECK(freshness_lifetime(response_at(kExampleDate, redirect, 302)) == seconds(0));
    redirect.add("Cache-Control", "public");
    CHECK(freshness_lifetime(response_at(kExampleDate, redirect, 302)) == hours(5));
    // No Last-Modified, or one after Date: no heuristic.
    CHECK(freshness_lifetime(response_at(kExampleDate, {{"Date", date}})) == seconds(0));
    CHECK(freshness_lifetime(response_at(
              kExampleDate, {{"Date", date}, {"Last-Modified", format_http_date(kExampleDate + hours(1))}})) ==
          seconds(0));
}

TEST_CASE("current age: RFC 9111 §4.2.3 with Age, Date and the request's flight time") {
    // The response says it is 100 s old; it left the origin (Date) 10 s
    // before it arrived; the request took 2 s; it has been stored 50 s.
    auto response = response_at(kExampleDate, {{"Age", "100"}, {"Date", format_http_date(kExampleDate - seconds(10))}},
                                200, seconds(2));
    // apparent_age = 10, corrected_age_value = 100 + 2, initial age = 102.
    CHECK(current_age(response, kExampleDate + seconds(50)) == seconds(152));
    // Without Age, a Date far in the past is the age (a clock-skewed server
    // cannot make a response younger than its flight).
    auto dated = response_at(kExampleDate, {{"Date", format_http_date(kExampleDate - seconds(30))}}, 200, seconds(2));
    CHECK(current_age(dated, kExampleDate) == seconds(30));
    // A Date in the future counts as 0, and no Date as the arrival time.
    auto future = response_at(kExampleDate, {{"Date", format_http_date(kExampleDate + hours(1))}}, 200, seconds(2));
    CHECK(current_age(future, kExampleDate + seconds(1)) == seconds(3));
    CHECK(current_age(response_at(kExampleDate, {}), kExampleDate + seconds(7)) == seconds(7));
    // An invalid Age reads as 0.
    CHECK(current_age(response_at(kExampleDate, {{"Age", "soon"}}), kExampleDate) == seconds(0));
}

TEST_CASE("is_fresh: fresh while the lifetime exceeds the age, stale from then on") {
    auto response =
        response_at(kExampleDate, {{"Date", format_http_date(kExampleDate)}, {"Cache-Control", "max-age=60"}});
    CHECK(is_fresh(response, kExampleDate));
    CHECK(is_fresh(response, kExampleDate + seconds(59)));
    CHECK_FALSE(is_fresh(response, kExampleDate + seconds(60)));
    // Age already spent upstream counts against the lifetime.
    auto aged = response_at(kExampleDate, {{"Cache-Control", "max-age=60"}, {"Age", "50"}});
    CHECK(is_fresh(aged, kExampleDate + seconds(9)));
    CHECK_FALSE(is_fresh(aged, kExampleDate + seconds(10)));
}

TEST_CASE("staleness: no-cache, must-revalidate and stale-while-revalidate") {
    auto at = [](HeaderList headers) { return response_at(kExampleDate, std::move(headers)); };
    auto later = [](int s) { return kExampleDate + seconds(s); };
    // no-cache: never fresh, but may be shown when the network fails.
    CHECK(staleness(at({{"Cache-Control", "no-cache, max-age=600"}}), later(1)) == Staleness::stale);
    // must-revalidate: fresh while fresh, never shown stale.
    auto strict = at({{"Cache-Control", "max-age=60, must-revalidate"}});
    CHECK(staleness(strict, later(30)) == Staleness::fresh);
    CHECK(staleness(strict, later(61)) == Staleness::stale_forbidden);
    CHECK(staleness(at({{"Cache-Control", "no-cache, must-revalidate"}}), later(0)) == Staleness::stale_forbidden);
    // stale-while-revalidate: a window after the lifetime.
    auto relaxed = at({{"Cache-Control", "max-age=60, stale-while-revalidate=30"}});
    CHECK(staleness(relaxed, later(59)) == Staleness::fresh);
    CHECK(staleness(relaxed, later(60)) == Staleness::stale_revalidating);
    CHECK(staleness(relaxed, later(89)) == Staleness::stale_revalidating);
    CHECK(staleness(relaxed, later(90)) == Staleness::stale);
}

TEST_CASE("revalidation headers carry the stored validators as they were") {
    HeaderList stored{{"ETag", "W/\"abc\""}, {"Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT"}};
    CHECK(revalidation_headers(stored) ==
          HeaderList{{"If-None-Match", "W/\"abc\""}, {"If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"}});
    CHECK(revalidation_headers({{"ETag", "\"v2\""}}) == HeaderList{{"If-None-Match", "\"v2\""}});
    CHECK(revalidation_headers({{"Content-Type", "text/css"}}).empty());
}

TEST_CASE("a 304 updates the stored response only if it is about it") {
    HeaderList strong{{"ETag", "\"v1\""}};
    HeaderList weak{{"ETag", "W/\"v1\""}};
    CHECK(not_modified_matches(strong, {{"ETag", "\"v1\""}}));
    CHECK_FALSE(not_modified_matches(strong, {{"ETag", "\"v2\""}}));
    CHECK_FALSE(not_modified_matches(weak, {{"ETag", "\"v1\""}}));  // strong comparison needs two strong tags
    CHECK(not_modified_matches(weak, {{"ETag", "W/\"v1\""}}));      // weak comparison
    CHECK(not_modified_matches(strong, {{"ETag", "W/\"v1\""}}));
    CHECK_FALSE(not_modified_matches({}, {{"ETag", "\"v1\""}}));
    HeaderList dated{{"Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT"}};
    CHECK(not_modified_matches(dated, {{"Last-Modified", "Sunday, 06-Nov-94 08:49:37 GMT"}}));
    CHECK_FALSE(not_modified_matches(dated, {{"Last-Modified", "Mon, 07 Nov 1994 08:49:37 GMT"}}));
    // Without validators it is taken to answer the conditional request we sent.
    CHECK(not_modified_matches(strong, {{"Date", "Mon, 07 Nov 1994 08:49:37 GMT"}}));
}

TEST_CASE("applying a 304: its fields replace the stored ones, except those about the body's bytes") {
    auto stored = response_at(kExampleDate, {{"Content-Type", "text/css"},
                                             {"Content-Length", "1200"},
                                             {"Cache-Control", "max-age=60"},
                                             {"ETag", "\"v1\""},
                                             {"X-Served-By", "a"},
                                             {"X-Served-By", "b"}});
    auto later = kExampleDate + hours(2);
    CHECK_FALSE(is_fresh(stored, later));
    apply_not_modified(stored,
                       {{"Cache-Control", "max-age=3600"},
                        {"Content-Length", "0"},
                        {"X-Served-By", "c"},
                        {"Set-Cookie", "s=2"},
                        {"Connection", "close"},
                        {"Date", format_http_date(later)}},
                       later - seconds(1), later);
    CHECK(stored.headers == HeaderList{{"Content-Type", "text/css"},
                                       {"Content-Length", "1200"},
                                       {"ETag", "\"v1\""},
                                       {"Cache-Control", "max-age=3600"},
                                       {"X-Served-By", "c"},
                                       {"Date", format_http_date(later)}});
    CHECK(stored.request_time == later - seconds(1));
    CHECK(stored.response_time == later);
    // The freshness clock restarted: fresh for the new hour.
    CHECK(is_fresh(stored, later + seconds(3598)));
    CHECK_FALSE(is_fresh(stored, later + seconds(3600)));
}

TEST_CASE("Vary: the stored request's fields must match the new request's") {
    HeaderList response{{"Vary", "Accept-Language, accept-encoding"}};
    HeaderList first_request{{"Accept-Language", "fr"}, {"Accept-Encoding", "gzip,  br"}, {"Accept", "*/*"}};
    auto kept = vary_request_fields(response, first_request);
    CHECK(kept == HeaderList{{"Accept-Language", "fr"}, {"accept-encoding", "gzip,  br"}});
    CHECK(vary_matches(response, kept, {{"accept-language", "fr"}, {"Accept-Encoding", "gzip, br"}}));
    CHECK(vary_matches(response, kept,
                       {{"Accept-Language", "fr"}, {"Accept-Encoding", "gzip"}, {"Accept-Encoding", "br"}}));
    CHECK_FALSE(vary_matches(response, kept, {{"Accept-Language", "de"}, {"Accept-Encoding", "gzip, br"}}));
    CHECK_FALSE(vary_matches(response, kept, {{"Accept-Encoding", "gzip, br"}}));  // absent is not "fr"
    // A field absent from both requests matches.
    HeaderList by_cookie{{"Vary", "Cookie"}};
    CHECK(vary_matches(by_cookie, vary_request_fields(by_cookie, {}), {}));
    CHECK_FALSE(vary_matches(by_cookie, vary_request_fields(by_cookie, {}), {{"Cookie", "a=1"}}));
    // No Vary: anything matches; Vary: * nothing.
    CHECK(vary_matches({}, {}, {{"Accept-Language", "de"}}));
    CHECK_FALSE(vary_matches({{"Vary", "*"}}, {}, {}));
}

TEST_CASE("HeaderList: names case-insensitive, repeated fields combined or not") {
    HeaderList headers{{"Cache-Control", "max-age=60"}, {"cache-control", "public"}};
    CHECK(headers.combined("CACHE-CONTROL") == "max-age=60, public");
    CHECK(headers.first("Cache-Control") == "max-age=60");
    CHECK_FALSE(headers.combined("Vary"));
    headers.set("Cache-control", "no-store");
    CHECK(headers == HeaderList{{"Cache-control", "no-store"}});
    headers.remove("CACHE-CONTROL");
    CHECK(headers.empty());
}
