#include "proxy_request.hpp"

#include <algorithm>
#include <cctype>

namespace cirrus::weak_link {

namespace {

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

// "host", "host:port", "[v6]:port" -> host and port (default_port when none).
std::optional<std::pair<std::string, int>> split_authority(std::string_view authority, int default_port) {
    std::string_view host = authority;
    std::string_view port_text;
    if (authority.starts_with("[")) {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        host = authority.substr(1, close - 1);
        const std::string_view rest = authority.substr(close + 1);
        if (!rest.empty()) {
            if (!rest.starts_with(":")) return std::nullopt;
            port_text = rest.substr(1);
        }
    } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        port_text = authority.substr(colon + 1);
    }
    if (host.empty() || host.find_first_of(" \t@/") != std::string_view::npos) return std::nullopt;
    int port = default_port;
    if (!port_text.empty()) {
        if (port_text.size() > 5 || port_text.find_first_not_of("0123456789") != std::string_view::npos)
            return std::nullopt;
        port = std::stoi(std::string(port_text));
    }
    if (port <= 0 || port > 65535) return std::nullopt;
    return std::pair{std::string(host), port};
}

}  // namespace

std::optional<std::size_t> proxy_head_length(std::string_view bytes) {
    const auto end = bytes.find("\r\n\r\n");
    if (end == std::string_view::npos) return std::nullopt;
    return end + 4;
}

std::optional<ProxyRequest> parse_proxy_request(std::string_view head) {
    const auto line_end = head.find("\r\n");
    if (line_end == std::string_view::npos) return std::nullopt;
    const std::string_view line = head.substr(0, line_end);
    const auto first_space = line.find(' ');
    const auto last_space = line.rfind(' ');
    if (first_space == std::string_view::npos || last_space == first_space) return std::nullopt;
    const std::string_view method = line.substr(0, first_space);
    const std::string_view target = line.substr(first_space + 1, last_space - first_space - 1);
    const std::string_view version = line.substr(last_space + 1);
    if (!version.starts_with("HTTP/1.")) return std::nullopt;

    ProxyRequest request;
    if (method == "CONNECT") {
        const auto authority = split_authority(target, 0);
        if (!authority) return std::nullopt;
        request.host = authority->first;
        request.port = authority->second;
        request.tunnel = true;
        return request;
    }
    constexpr std::string_view kScheme = "http://";
    if (target.size() < kScheme.size() || !equal_ignoring_case(target.substr(0, kScheme.size()), kScheme))
        return std::nullopt;
    const std::string_view rest = target.substr(kScheme.size());
    const auto path_start = rest.find_first_of("/?#");
    const auto authority = split_authority(rest.substr(0, path_start), 80);
    if (!authority) return std::nullopt;
    request.host = authority->first;
    request.port = authority->second;
    std::string path = path_start == std::string_view::npos ? "/" : std::string(rest.substr(path_start));
    if (path.starts_with("?")) path.insert(0, "/");
    if (const auto fragment = path.find('#'); fragment != std::string::npos) path.erase(fragment);

    // The request line in origin form, the headers without the hop-by-hop
    // ones a proxy consumes, and one request per connection.
    std::string forwarded = std::string(method) + " " + path + " " + std::string(version) + "\r\n";
    std::string_view headers = head.substr(line_end + 2);
    while (!headers.empty()) {
        const auto end = headers.find("\r\n");
        if (end == std::string_view::npos || end == 0) break;
        const std::string_view header = headers.substr(0, end);
        headers.remove_prefix(end + 2);
        const std::string_view name = header.substr(0, header.find(':'));
        if (equal_ignoring_case(name, "connection") || equal_ignoring_case(name, "proxy-connection") ||
            equal_ignoring_case(name, "keep-alive") || equal_ignoring_case(name, "proxy-authorization"))
            continue;
        forwarded.append(header);
        forwarded.append("\r\n");
    }
    forwarded.append("Connection: close\r\n\r\n");
    request.forwarded_head = std::move(forwarded);
    return request;
}

}  // namespace cirrus::weak_link
