// The small pieces under the store: header fields as stored, Vary keys, and
// SHA-256 through GLib.
#include <doctest/doctest.h>

#include "common/content_hash.hpp"
#include "common/http_headers.hpp"
#include "store_helpers.hpp"
#include "common/vary.hpp"

using namespace cirrus::offline;

TEST_CASE("header_value finds fields case-insensitively and joins repeats in order") {
    const Headers headers{
        {"Cache-Control", " max-age=60 "}, {"content-type", "text/html"}, {"CACHE-CONTROL", "public"}};
    CHECK(header_value(headers, "cache-control") == "max-age=60, public");
    CHECK(header_value(headers, "Content-Type") == "text/html");
    CHECK_FALSE(header_value(headers, "ETag"));
    CHECK(header_value({{"X", ""}}, "x") == "");
}

TEST_CASE("headers serialise to lines and back, keeping order, repeats and odd spacing") {
    const Headers headers{{"Set-Cookie", "a=1"}, {"Set-Cookie", "b=2"}, {"X-Empty", ""}, {"X-Space", "  v : w  "}};
    const std::string text = serialize_headers(headers);
    CHECK(text == "Set-Cookie: a=1\nSet-Cookie: b=2\nX-Empty: \nX-Space:   v : w  \n");
    CHECK(parse_headers(text) == headers);
    CHECK(parse_headers("").empty());
    CHECK(parse_headers("garbage\nA: b\n") == Headers{{"A", "b"}});
}

TEST_CASE("fields HTTP cannot carry are refused") {
    CHECK_THROWS_AS(serialize_headers({{"", "v"}}), std::invalid_argument);
    CHECK_THROWS_AS(serialize_headers({{"A:B", "v"}}), std::invalid_argument);
    CHECK_THROWS_AS(serialize_headers({{"A B", "v"}}), std::invalid_argument);
    CHECK_THROWS_AS(serialize_headers({{"A", "line\nbreak"}}), std::invalid_argument);
    CHECK_THROWS_AS(serialize_headers({{"A", "cr\r"}}), std::invalid_argument);
    CHECK_THROWS_AS(serialize_headers({{"A", std::string("nul\0", 4)}}), std::invalid_argument);
    CHECK_NOTHROW(serialize_headers({{"X-Token_1.2~!#$%&'*+^`|", "tab\tand UTF-8 \xc3\xa9"}}));
}

TEST_CASE("VaryRule: names from every Vary field, lowercased, sorted, once; * matches nothing") {
    VaryRule rule =
        VaryRule::from_response({{"Vary", "Accept-Language, accept-encoding"}, {"vary", " Accept-Encoding ,Origin,"}});
    CHECK_FALSE(rule.any);
    CHECK(rule.names == std::vector<std::string>{"accept-encoding", "accept-language", "origin"});
    CHECK(rule.names_text() == "accept-encoding,accept-language,origin");
    CHECK(VaryRule::from_names_text(rule.names_text()).names == rule.names);
    CHECK(VaryRule::from_response({{"Vary", "Origin, *"}}).any);
    CHECK(VaryRule::from_response({}).names.empty());
    CHECK(VaryRule::from_response({}).request_key({{"Accept", "x"}}).empty());
}

TEST_CASE("VaryRule: request keys tell absent from empty and ignore whitespace around commas") {
    VaryRule rule = VaryRule::from_names_text("accept,accept-encoding");
    CHECK(rule.request_key({}) == "accept\naccept-encoding\n");
    CHECK(rule.request_key({{"Accept-Encoding", ""}}) == "accept\naccept-encoding: \n");
    CHECK(rule.request_key({{"Accept-Encoding", "gzip ,br"}, {"Accept", "*/*"}}) ==
          "accept: */*\naccept-encoding: gzip, br\n");
    CHECK(rule.request_key({{"Accept-Encoding", "gzip"}, {"accept-encoding", "br"}}) ==
          rule.request_key({{"Accept-Encoding", "gzip,br"}}));
}

TEST_CASE("sha256 matches the FIPS 180-2 test vectors") {
    using cirrus::offline::testing::bytes;
    CHECK(to_hex(sha256(bytes("abc"))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(to_hex(sha256({})) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(to_hex(sha256(std::vector<std::uint8_t>(1'000'000, 'a'))) ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
