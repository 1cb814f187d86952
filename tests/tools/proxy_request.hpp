// cirrus-weak-link's --proxy mode (weak_link.cpp): the first request head a
// client sends to an HTTP proxy says where its connection goes. Plain C++,
// unit-tested alone (test_proxy_request.cpp).
//   CONNECT host:443 HTTP/1.1         -> a tunnel to host:443 (HTTPS, WebSocket over TLS)
//   GET http://host:8000/a HTTP/1.1   -> host:8000, the head passed on in origin
//                                        form ("GET /a HTTP/1.1") with
//                                        "Connection: close", so the next
//                                        request (maybe for another host)
//                                        comes on a new connection
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace cirrus::weak_link {

// A request head longer than this is refused (the proxy reads it whole
// before it knows where to go).
inline constexpr std::size_t kMaxProxyHead = 16 * 1024;

struct ProxyRequest {
    std::string host;  // as written: a name, an IPv4 address or [IPv6]'s inside
    int port = 0;
    bool tunnel = false;  // CONNECT: answer 200 and pass the bytes as they are
    // What goes to the origin (empty for a tunnel).
    std::string forwarded_head;
};

// The length of the head (through its blank line) once `bytes` hold one,
// else nullopt.
std::optional<std::size_t> proxy_head_length(std::string_view bytes);

// nullopt for a head a proxy cannot follow (not CONNECT and not an
// absolute http:// URL, a bad port, no host).
std::optional<ProxyRequest> parse_proxy_request(std::string_view head);

}  // namespace cirrus::weak_link
