#include "url_routing.hpp"

#include "url.hpp"

namespace cirrus::launcher {

std::optional<std::string> app_for_url(std::span<const AppRecord> apps, std::string_view url, std::string_view own_id) {
    const AppRecord* best = nullptr;
    for (const auto& app : apps) {
        if (app.id == own_id || !is_within_scope(url, app.scope)) continue;
        if (!best || app.scope.size() > best->scope.size()) best = &app;
    }
    if (!best) return std::nullopt;
    return best->id;
}

UrlRoute route_url(std::span<const AppRecord> apps, std::string_view url, std::string_view from_app,
                   std::string_view browser_id) {
    if (auto id = app_for_url(apps, url, from_app)) return {UrlRoute::Target::app, std::move(*id)};
    const auto parts = parse_url(url);
    const bool web = parts && (parts->scheme == "http" || parts->scheme == "https");
    if (!web || browser_id.empty() || browser_id == from_app) return {};
    for (const auto& app : apps) {
        if (app.id == browser_id) return {UrlRoute::Target::browser, app.id};
    }
    return {};
}

}  // namespace cirrus::launcher
