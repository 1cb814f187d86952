#include <doctest/doctest.h>

#include "proxy_request.hpp"

using cirrus::weak_link::parse_proxy_request;
using cirrus::weak_link::proxy_head_length;

TEST_CASE("proxy head: its length once the blank line has come") {
    CHECK_FALSE(proxy_head_length("GET http://a/ HTTP/1.1\r\nHost: a\r\n").has_value());
    CHECK(proxy_head_length("GET http://a/ HTTP/1.1\r\nHost: a\r\n\r\nbody") == 35u);
}

TEST_CASE("proxy head: CONNECT opens a tunnel to host:port") {
    const auto request = parse_proxy_request("CONNECT example.org:443 HTTP/1.1\r\nHost: example.org:443\r\n\r\n");
    REQUIRE(request);
    CHECK(request->tunnel);
    CHECK(request->host == "example.org");
    CHECK(request->port == 443);
    CHECK(request->forwarded_head.empty());
    const auto v6 = parse_proxy_request("CONNECT [::1]:8443 HTTP/1.1\r\n\r\n");
    REQUIRE(v6);
    CHECK(v6->host == "::1");
    CHECK(v6->port == 8443);
    CHECK_FALSE(parse_proxy_request("CONNECT example.org HTTP/1.1\r\n\r\n"));  // no port
}

TEST_CASE("proxy head: an absolute URL goes on in origin form, one request per connection") {
    const auto request = parse_proxy_request(
        "GET http://127.0.0.1:8000/app.js?v=2#top HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nProxy-Connection: keep-alive\r\n"
        "Connection: keep-alive\r\nAccept: */*\r\n\r\n");
    REQUIRE(request);
    CHECK_FALSE(request->tunnel);
    CHECK(request->host == "127.0.0.1");
    CHECK(request->port == 8000);
    CHECK(request->forwarded_head ==
          "GET /app.js?v=2 HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nAccept: */*\r\nConnection: close\r\n\r\n");
    const auto bare = parse_proxy_request("POST HTTP://example.org HTTP/1.0\r\n\r\n");
    REQUIRE(bare);
    CHECK(bare->port == 80);
    CHECK(bare->forwarded_head == "POST / HTTP/1.0\r\nConnection: close\r\n\r\n");
}

TEST_CASE("proxy head: what a proxy cannot follow is refused") {
    CHECK_FALSE(parse_proxy_request("GET /index.html HTTP/1.1\r\n\r\n"));      // origin form
    CHECK_FALSE(parse_proxy_request("GET https://a/ HTTP/1.1\r\n\r\n"));       // TLS comes by CONNECT
    CHECK_FALSE(parse_proxy_request("GET http://a:99999/ HTTP/1.1\r\n\r\n"));  // port
    CHECK_FALSE(parse_proxy_request("GET http://u@a/ HTTP/1.1\r\n\r\n"));      // user info
    CHECK_FALSE(parse_proxy_request("GET http:///x HTTP/1.1\r\n\r\n"));        // no host
    CHECK_FALSE(parse_proxy_request("GET http://a/ SPDY/3\r\n\r\n"));          // version
    CHECK_FALSE(parse_proxy_request("garbage\r\n\r\n"));
}
