#include "navigation_policy.hpp"

#include "common/url.hpp"

namespace cirrus::webapp {

namespace {

bool harmless_blank(std::string_view url) { return url == "about:blank"; }

}  // namespace

bool is_web_url(std::string_view url) {
    const auto parts = launcher::parse_url(url);
    return parts && (parts->scheme == "http" || parts->scheme == "https");
}

std::string display_host(std::string_view url) {
    if (const auto parts = launcher::parse_url(url); parts && !parts->host.empty()) return parts->host;
    constexpr std::size_t kMax = 48;
    std::string text(url.substr(0, kMax));
    if (url.size() > kMax) text += "...";
    return text.empty() ? "(empty address)" : text;
}

NavigationDecision decide_navigation(std::string_view url, NavigationKind kind, std::string_view scope,
                                     std::string_view app_name) {
    NavigationDecision d;
    if (kind == NavigationKind::subframe) {
        // Not a top-level navigation: the app's page stays; see the header.
        d.action = NavigationAction::allow;
        d.why = "a frame inside the page";
        return d;
    }
    if (launcher::is_within_scope(url, scope)) {
        d.action = kind == NavigationKind::new_window ? NavigationAction::load_in_window : NavigationAction::allow;
        d.why =
            kind == NavigationKind::new_window ? "a new window within the scope opens in this one" : "within the scope";
        return d;
    }
    if (kind == NavigationKind::top_level && harmless_blank(url)) {
        d.action = NavigationAction::allow;
        d.why = "about:blank";
        return d;
    }
    d.action = NavigationAction::refuse;
    d.message = display_host(url) + " is outside " + std::string(app_name) + "; it was not opened";
    d.why = std::string(kind == NavigationKind::new_window ? "a new window" : "a navigation") + " outside the scope " +
            std::string(scope);
    return d;
}

}  // namespace cirrus::webapp
