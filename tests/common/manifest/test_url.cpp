#include "common/url.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace cirrus::launcher;

TEST_CASE("parse_url normalises scheme, host, default port and dot segments") {
    CHECK(normalise_url("HTTPS://Example.COM:443/a/../b/./c?x#f") == "https://example.com/b/c?x#f");
    CHECK(normalise_url("https://example.com") == "https://example.com/");
    CHECK(normalise_url("http://example.com:80/") == "http://example.com/");
    CHECK(normalise_url("http://example.com:8080/") == "http://example.com:8080/");
    CHECK(normalise_url("  https://example.com/a b\n") == "https://example.com/a%20b");
    CHECK(normalise_url("https://example.com/caf\xC3\xA9") == "https://example.com/caf%C3%A9");
    CHECK(normalise_url("https://[::1]:8443/x") == "https://[::1]:8443/x");
    auto parts = parse_url("https://example.com/p?q#f");
    REQUIRE(parts);
    CHECK(parts->scheme == "https");
    CHECK(parts->host == "example.com");
    CHECK(parts->port == -1);
    CHECK(parts->path == "/p");
    CHECK(parts->query == "q");
    CHECK(parts->fragment == "f");
}

TEST_CASE("parse_url refuses relative references and garbage without crashing") {
    for (const char* garbage :
         {"", "   ", "foo", "/index.html", "https://", "https://:80/", "https://example.com:99999/", "http://[::1",
          "\x01\x02", "%", ":", "//example.com/x", "app:///no-host"}) {
        CAPTURE(garbage);
        CHECK_FALSE(parse_url(garbage));
    }
    CHECK_FALSE(parse_url(std::string("https://example.com/\0evil", 25)));
}

TEST_CASE("resolve_url resolves relative references against a base") {
    const std::string base = "https://app.example/app/manifest.json";
    CHECK(resolve_url("icon.png", base) == "https://app.example/app/icon.png");
    CHECK(resolve_url("../../../x", base) == "https://app.example/x");
    CHECK(resolve_url("/root", base) == "https://app.example/root");
    CHECK(resolve_url("//other.example/x", base) == "https://other.example/x");
    CHECK(resolve_url("?q=1", base) == "https://app.example/app/manifest.json?q=1");
    CHECK(resolve_url("https://app.example:443/y", base) == "https://app.example/y");
    CHECK(resolve_url("app://my-app/index.html", base) == "app://my-app/index.html");
    CHECK_FALSE(resolve_url("x", "not a base"));
    CHECK_FALSE(resolve_url("https://bad:port/", base));
}

TEST_CASE("origins of supported schemes") {
    CHECK(url_origin("https://Example.com:443/a?b") == "https://example.com");
    CHECK(url_origin("http://example.com:8080/") == "http://example.com:8080");
    CHECK(url_origin("app://my-app/index.html") == "app://my-app");
    CHECK(url_origin("file:///srv/app/index.html") == "file://");
    CHECK_FALSE(url_origin("javascript:alert(1)"));
    CHECK_FALSE(url_origin("data:text/plain,hi"));
    CHECK_FALSE(url_origin("mailto:someone@example.com"));
    CHECK(same_origin("https://a.example/x", "https://a.example:443/y"));
    CHECK_FALSE(same_origin("https://a.example/", "http://a.example/"));
    CHECK_FALSE(same_origin("https://a.example/", "https://b.a.example/"));
    CHECK_FALSE(same_origin("https://a.example:8443/", "https://a.example/"));
    CHECK_FALSE(same_origin("garbage", "garbage"));
}

TEST_CASE("is_within_scope: same origin and a path prefix") {
    CHECK(is_within_scope("https://a.example/app/page", "https://a.example/app/"));
    CHECK(is_within_scope("https://a.example/app/", "https://a.example/app/"));
    CHECK(is_within_scope("https://a.example/apple", "https://a.example/app"));  // string prefix, as browsers
    CHECK(is_within_scope("https://a.example/app/x?q#f", "https://a.example/app/?ignored"));
    CHECK_FALSE(is_within_scope("https://a.example/other", "https://a.example/app/"));
    CHECK_FALSE(is_within_scope("https://b.example/app/", "https://a.example/app/"));
    CHECK_FALSE(is_within_scope("http://a.example/app/", "https://a.example/app/"));
    CHECK_FALSE(is_within_scope("garbage", "https://a.example/"));
    CHECK_FALSE(is_within_scope("https://a.example/", "garbage"));
}

TEST_CASE("directory_of and strip_fragment") {
    CHECK(directory_of("https://a.example/app/index.html?x=1#top") == "https://a.example/app/");
    CHECK(directory_of("https://a.example/app/") == "https://a.example/app/");
    CHECK(directory_of("https://a.example") == "https://a.example/");
    CHECK_FALSE(directory_of("nope"));
    CHECK(strip_fragment("https://a.example/x?y#z") == "https://a.example/x?y");
    CHECK(strip_fragment("not a url#x") == "not a url#x");
}
