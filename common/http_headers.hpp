// HTTP header fields as the offline store keeps them: an ordered list (a
// name may repeat, as Set-Cookie does), compared case-insensitively, stored
// as "name: value\n" lines. HTTP allows neither CR, LF nor NUL in a field,
// so that text is unambiguous and cheap to read back on every cache hit.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cirrus::offline {

struct Header {
    std::string name;
    std::string value;

    bool operator==(const Header&) const = default;
};
using Headers = std::vector<Header>;

// ASCII case-insensitive equality, as header names compare.
bool same_header_name(std::string_view a, std::string_view b);

// The value of `name`: every field of that name, trimmed and joined with
// ", " in order (RFC 9110 5.3). Nothing if no field has that name.
std::optional<std::string> header_value(const Headers& headers, std::string_view name);

// Throws std::invalid_argument when a name is empty or not an HTTP token, or
// a value holds CR, LF or NUL: such a field cannot come from HTTP, and would
// make the stored text ambiguous.
std::string serialize_headers(const Headers& headers);
// The inverse of serialize_headers(). Lines without ": " are skipped (the
// text is our own, so that only happens to a damaged row).
Headers parse_headers(std::string_view text);

}  // namespace cirrus::offline
