#include "vary.hpp"

#include <algorithm>

#include "strings.hpp"

namespace cirrus::offline {
namespace {

// Splits a comma-separated list of field names, lowercased, sorted, unique;
// sets `any` for "*".
void add_names(std::string_view list, VaryRule& rule) {
    while (!list.empty()) {
        const std::size_t comma = list.find(',');
        std::string_view item = trim(list.substr(0, comma), kHttpWhitespace);
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        if (item == "*") rule.any = true;
        else if (!item.empty()) rule.names.push_back(lowercase(item));
    }
    std::sort(rule.names.begin(), rule.names.end());
    rule.names.erase(std::unique(rule.names.begin(), rule.names.end()), rule.names.end());
}

// Whitespace around the commas of a list value carries no meaning (RFC 9110
// 5.6.1): "gzip,br" and "gzip, br" select the same response.
std::string normalise_list(std::string_view value) {
    std::string normalised;
    while (true) {
        const std::size_t comma = value.find(',');
        normalised += trim(value.substr(0, comma), kHttpWhitespace);
        if (comma == std::string_view::npos) return normalised;
        normalised += ", ";
        value = value.substr(comma + 1);
    }
}

}  // namespace

VaryRule VaryRule::from_response(const Headers& response_headers) {
    VaryRule rule;
    if (auto vary = header_value(response_headers, "Vary")) add_names(*vary, rule);
    return rule;
}

VaryRule VaryRule::from_names_text(std::string_view text) {
    VaryRule rule;
    add_names(text, rule);
    return rule;
}

std::string VaryRule::names_text() const {
    std::string text;
    for (const std::string& name : names) {
        if (!text.empty()) text.push_back(',');
        text += name;
    }
    return text;
}

std::string VaryRule::request_key(const Headers& request_headers) const {
    std::string key;
    for (const std::string& name : names) {
        key += name;
        if (auto value = header_value(request_headers, name)) key.append(": ").append(normalise_list(*value));
        key.push_back('\n');
    }
    return key;
}

}  // namespace cirrus::offline
