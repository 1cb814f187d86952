// Where a page may go: the manifest scope keeps an app's top-level
// navigations inside the app. Plain C++ (no WebKit); host.cpp calls it from
// WebKitWebView::decide-policy and ::create.
//
// - A top-level navigation (link, location change, form, redirect) to a URL
//   within the scope stays in the app; anything else is refused and the
//   host hands it to the compositor, which opens it in the app whose scope
//   holds it or in the system browser (common/url_routing.hpp); only when
//   nothing can open it does the window say it was not opened.
// - A subframe navigation is allowed: it does not replace the app's page,
//   and what an iframe shows is the page's own business (the web's same-
//   origin rules and the app:// handler still apply inside it).
// - window.open / target=_blank: within scope it loads in the same window
//   (an app has one window); otherwise it is refused like a link.
#pragma once

#include <string>
#include <string_view>

namespace cirrus::webapp {

enum class NavigationKind { top_level, subframe, new_window };

enum class NavigationAction {
    allow,           // let WebKit go on
    load_in_window,  // new_window only: load the URL in the app's own view
    refuse,          // refuse, and show `message` in the window
};

struct NavigationDecision {
    NavigationAction action = NavigationAction::refuse;
    std::string message;  // refuse: for the user ("<host> is outside <app>; it was not opened")
    std::string why;      // for the log
};

NavigationDecision decide_navigation(std::string_view url, NavigationKind kind, std::string_view scope,
                                     std::string_view app_name);

// An http or https URL: what the system browser may show at the top level
// whatever its scope.
bool is_web_url(std::string_view url);

// The part of `url` the message names: its host, or for host-less URLs
// (file:, data:, ...) the URL itself, shortened.
std::string display_host(std::string_view url);

}  // namespace cirrus::webapp
