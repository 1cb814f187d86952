// Where a page may go: the manifest scope keeps an app's top-level
// navigations inside the app. Plain C++ (no WebKit); host.cpp calls it from
// WebKitWebView::decide-policy and ::create.
//
// - A top-level navigation (link, location change, form, redirect) to a URL
//   within the scope stays in the app; anything else is refused and the
//   window says so. (Another installed app whose scope holds the URL is
//   named in the log, but not opened: the host has no trusted channel to ask
//   the compositor to launch it yet.)
// - A subframe navigation is allowed: it does not replace the app's page,
//   and what an iframe shows is the page's own business (the web's same-
//   origin rules and the app:// handler still apply inside it).
// - window.open / target=_blank: within scope it loads in the same window
//   (an app has one window); otherwise it is refused like a link.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "registry.hpp"

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

// The part of `url` the message names: its host, or for host-less URLs
// (file:, data:, ...) the URL itself, shortened.
std::string display_host(std::string_view url);

// Another installed app (not `own_id`) whose scope holds `url`; the one
// with the longest scope when several do.
std::optional<std::string> app_for_url(std::span<const launcher::AppRecord> apps, std::string_view url,
                                       std::string_view own_id);

}  // namespace cirrus::webapp
