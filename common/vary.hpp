// A stored response's Vary (RFC 9111 4.1): the request header fields that
// chose it. The store keeps the field names and the original request's
// values for them; a later request is served that response only when its
// own values are the same.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http_headers.hpp"

namespace cirrus::offline {

struct VaryRule {
    // "Vary: *": the response depends on more than the request's fields, so
    // no later request can be known to match it (it is not stored at all).
    bool any = false;
    std::vector<std::string> names;  // lowercase, sorted, no repeats

    // From the response's Vary fields (all of them, comma-separated lists).
    static VaryRule from_response(const Headers& response_headers);
    // From names_text(), as stored.
    static VaryRule from_names_text(std::string_view text);

    // "accept-encoding,accept-language"; "" when the response does not vary.
    std::string names_text() const;
    // The request's values for `names`, one "name: value\n" line each, or
    // "name\n" where the request lacks the field: absent matches only absent
    // (RFC 9111 4.1). Values are normalised: several fields joined with
    // ", ", and no whitespace around commas but that one space.
    std::string request_key(const Headers& request_headers) const;
};

}  // namespace cirrus::offline
