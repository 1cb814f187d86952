#include "http_headers.hpp"

#include <stdexcept>

#include "strings.hpp"

namespace cirrus::offline {
namespace {

// RFC 9110 5.6.2: token characters.
bool is_token_char(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

void check_field(const Header& header) {
    if (header.name.empty()) throw std::invalid_argument("an HTTP header needs a name");
    for (char c : header.name) {
        if (!is_token_char(c)) throw std::invalid_argument("not an HTTP header name: " + header.name);
    }
    if (header.value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
        throw std::invalid_argument("HTTP header " + header.name + " has CR, LF or NUL in its value");
}

}  // namespace

bool same_header_name(std::string_view a, std::string_view b) { return equals_ignoring_case(a, b); }

std::optional<std::string> header_value(const Headers& headers, std::string_view name) {
    std::optional<std::string> joined;
    for (const Header& header : headers) {
        if (!same_header_name(header.name, name)) continue;
        std::string_view value = trim(header.value, kHttpWhitespace);
        if (joined) joined->append(", ").append(value);
        else joined.emplace(value);
    }
    return joined;
}

std::string serialize_headers(const Headers& headers) {
    std::string text;
    for (const Header& header : headers) {
        check_field(header);
        text.append(header.name).append(": ").append(header.value).push_back('\n');
    }
    return text;
}

Headers parse_headers(std::string_view text) {
    Headers headers;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        const std::size_t colon = line.find(": ");
        if (colon == std::string_view::npos || colon == 0) continue;
        headers.push_back({std::string(line.substr(0, colon)), std::string(line.substr(colon + 2))});
    }
    return headers;
}

}  // namespace cirrus::offline
