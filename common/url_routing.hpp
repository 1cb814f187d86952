// Where a link that an app may not show itself goes: to the installed app
// whose scope holds it (the longest scope wins, as with nested scopes), else,
// for a web link, to the system browser app, else nowhere (the app then
// tells the user it was not opened). Plain C++ over the registry's rows; the
// compositor asks it when a host hands a link over.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "registry.hpp"

namespace cirrus::launcher {

// Another installed app (not `own_id`) whose scope holds `url`.
std::optional<std::string> app_for_url(std::span<const AppRecord> apps, std::string_view url, std::string_view own_id);

struct UrlRoute {
    enum class Target { app, browser, nowhere };
    Target target = Target::nowhere;
    std::string app;  // the app that opens it (for app and browser)
};

// `browser_id` names the system browser app ("" when there is none); it is
// used only when installed, and only for http and https URLs.
UrlRoute route_url(std::span<const AppRecord> apps, std::string_view url, std::string_view from_app,
                   std::string_view browser_id);

}  // namespace cirrus::launcher
