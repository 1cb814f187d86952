// Identical GETs in flight share one fetch (webapp-host/inflight_gets.hpp):
// which requests share a key, who leads, who is handed the answer, and when
// the response's Vary sends a joiner on its own.
#include <doctest/doctest.h>

#include <string>

#include "inflight_gets.hpp"

using cirrus::offline::Headers;
using namespace cirrus::webapp;

TEST_CASE("inflight_key: same method, URL and answer-choosing fields share; the rest does not matter") {
    const std::string url = "http://127.0.0.1:8080/app/slow.png";
    const std::string plain = inflight_key("GET", url, {{"Accept", "image/*"}});
    CHECK_FALSE(plain.empty());
    // Fields a Vary may name are checked when the answer comes, not here.
    CHECK(inflight_key("GET", url, {{"Accept", "*/*"}, {"Accept-Language", "fr"}}) == plain);
    CHECK(inflight_key("GET", url, {}) == plain);
    // Another URL, another method, a query: another fetch.
    CHECK(inflight_key("GET", url + "?v=2", {}) != plain);
    CHECK(inflight_key("HEAD", url, {}) != plain);
    // Conditionals, ranges, credentials and the page's cache directives
    // choose another answer: never shared with a plain GET.
    for (const char* name : {"If-None-Match", "if-modified-since", "Range", "Authorization", "Cache-Control", "Pragma",
                             "If-Range", "If-Match", "If-Unmodified-Since"}) {
        CAPTURE(name);
        CHECK(inflight_key("GET", url, {{name, "x"}}) != plain);
        // ... but two requests with the same ones share, in any order and case.
        CHECK(inflight_key("GET", url, {{name, "x"}, {"Range", "bytes=0-9"}}) ==
              inflight_key("GET", url, {{"range", "bytes=0-9"}, {name, "x"}}));
    }
    CHECK(inflight_key("GET", url, {{"If-None-Match", "\"a\""}}) !=
          inflight_key("GET", url, {{"If-None-Match", "\"b\""}}));
    // Writes never share.
    for (const char* method : {"POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
        CHECK(inflight_key(method, url, {}).empty());
}

TEST_CASE("InFlightGets: the first leads, the rest join, finish hands them back once, in order") {
    InFlightGets<int> inflight;
    CHECK(inflight.lead_or_join("k", 0));  // leads: sends the fetch
    for (int i = 1; i < 30; ++i) CHECK_FALSE(inflight.lead_or_join("k", i));
    CHECK(inflight.in_flight("k"));
    CHECK(inflight.lead_or_join("other", 100));  // another key: its own fetch
    CHECK(inflight.fetches_in_flight() == 2);
    const auto joined = inflight.finish("k");
    REQUIRE(joined.size() == 29);
    for (int i = 1; i < 30; ++i) CHECK(joined[static_cast<std::size_t>(i - 1)] == i);
    CHECK_FALSE(inflight.in_flight("k"));
    CHECK(inflight.finish("k").empty());  // nothing twice
    // After the answer, the next request for it leads a new fetch (the store
    // decides whether it needs one).
    CHECK(inflight.lead_or_join("k", 31));
    CHECK(inflight.finish("other").empty());
    // An empty key always leads and is never recorded.
    CHECK(inflight.lead_or_join("", 1));
    CHECK(inflight.lead_or_join("", 2));
    CHECK_FALSE(inflight.in_flight(""));
}

TEST_CASE("shares_answer: the response's Vary fields must agree (RFC 9111 4.1); Vary: * never shares") {
    const Headers fr{{"Accept-Language", "fr"}, {"Accept", "image/*"}};
    const Headers de{{"Accept-Language", "de"}, {"Accept", "image/*"}};
    const Headers none{};
    CHECK(shares_answer(fr, de, {{"Content-Type", "image/png"}}));  // no Vary: one answer for all
    CHECK(shares_answer(fr, fr, {{"Vary", "Accept-Language"}}));
    CHECK_FALSE(shares_answer(fr, de, {{"Vary", "Accept-Language"}}));
    CHECK(shares_answer(fr, de, {{"Vary", "Accept"}}));
    CHECK_FALSE(shares_answer(fr, none, {{"Vary", "accept-language"}}));  // absent matches only absent
    CHECK(shares_answer(none, none, {{"Vary", "Accept-Language"}}));
    CHECK_FALSE(shares_answer(fr, fr, {{"Vary", "*"}}));
}
