#include "browser_policy.hpp"

#include <algorithm>
#include <cctype>

#include "common/protocol_text.hpp"
#include "navigation_policy.hpp"

namespace cirrus::webapp {

namespace {

std::string_view trimmed(std::string_view text) {
    const auto space = [](unsigned char c) { return std::isspace(c) != 0; };
    while (!text.empty() && space(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
    while (!text.empty() && space(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
    return text;
}

// "name:" at the start, as a URL scheme is spelled, followed by "//" or by
// anything but a port number ("localhost:8080" is a host and a port).
std::optional<std::string> scheme_of(std::string_view text) {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0) return std::nullopt;
    const std::string_view name = text.substr(0, colon);
    if (!std::isalpha(static_cast<unsigned char>(name.front()))) return std::nullopt;
    for (const unsigned char c : name) {
        if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') return std::nullopt;
    }
    const std::string_view rest = text.substr(colon + 1);
    if (!rest.starts_with("//") && !rest.empty() && std::isdigit(static_cast<unsigned char>(rest.front()))) {
        return std::nullopt;
    }
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    return lower;
}

}  // namespace

AddressOutcome address_to_url(std::string_view typed) {
    const std::string_view text = trimmed(typed);
    if (text.empty()) return {std::nullopt, "Type a web address"};
    if (text.size() > protocol_text::kMaxUrlBytes) return {std::nullopt, "That address is too long"};
    for (const unsigned char c : text) {
        if (c < 0x20 || c == 0x7f || c == ' ') {
            return {std::nullopt, "Not a web address (a search needs a search site: type its address)"};
        }
    }
    if (const auto scheme = scheme_of(text)) {
        if (*scheme == "http" || *scheme == "https") return {std::string(text), {}};
        return {std::nullopt, "Only web addresses (http, https) open here"};
    }
    return {"https://" + std::string(text), {}};
}

BrowserMenuState browser_menu_state(std::string_view uri, const std::optional<std::string>& installed_app,
                                    bool can_install) {
    BrowserMenuState state;
    const bool web = is_web_url(uri);
    state.add_to_home = web && can_install;
    state.open_in_app = web && installed_app.has_value();
    state.copy_link = web;
    return state;
}

}  // namespace cirrus::webapp
