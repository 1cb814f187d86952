// Where a link an app may not show goes: the app whose scope holds it, else
// the system browser for web links, else nowhere.
#include <doctest/doctest.h>

#include <vector>

#include "common/url_routing.hpp"

using namespace cirrus::launcher;

namespace {

AppRecord app(const std::string& id, const std::string& scope) {
    AppRecord r;
    r.id = id;
    r.scope = scope;
    return r;
}

const std::vector<AppRecord> kApps = {app("notes", "app://notes/"), app("web", "https://example.com/"),
                                      app("deep", "https://example.com/deep/"), app("self", "https://self.example/"),
                                      app("browser", "app://browser/")};

}  // namespace

TEST_CASE("app_for_url finds another installed app whose scope holds the URL, the longest scope first") {
    CHECK(app_for_url(kApps, "https://example.com/x", "notes") == "web");
    CHECK(app_for_url(kApps, "https://example.com/deep/x", "notes") == "deep");
    CHECK(app_for_url(kApps, "https://self.example/x", "self") == std::nullopt);
    CHECK(app_for_url(kApps, "https://nowhere.example/", "notes") == std::nullopt);
    CHECK(app_for_url(kApps, "app://notes/index.html", "web") == "notes");
}

TEST_CASE("route_url: an app's scope wins over the browser") {
    const UrlRoute r = route_url(kApps, "https://example.com/deep/page", "notes", "browser");
    CHECK(r.target == UrlRoute::Target::app);
    CHECK(r.app == "deep");
}

TEST_CASE("route_url: web links no app holds go to the installed system browser") {
    for (const char* url : {"https://nowhere.example/", "http://127.0.0.1:8080/x"}) {
        const UrlRoute r = route_url(kApps, url, "notes", "browser");
        CHECK(r.target == UrlRoute::Target::browser);
        CHECK(r.app == "browser");
    }
}

TEST_CASE("route_url: nowhere without a browser, for other schemes, and from the browser itself") {
    CHECK(route_url(kApps, "https://nowhere.example/", "notes", "").target == UrlRoute::Target::nowhere);
    CHECK(route_url(kApps, "https://nowhere.example/", "notes", "not-installed").target == UrlRoute::Target::nowhere);
    CHECK(route_url(kApps, "file:///etc/passwd", "notes", "browser").target == UrlRoute::Target::nowhere);
    CHECK(route_url(kApps, "data:text/html,hi", "notes", "browser").target == UrlRoute::Target::nowhere);
    CHECK(route_url(kApps, "app://other/x", "notes", "browser").target == UrlRoute::Target::nowhere);
    CHECK(route_url(kApps, "https://nowhere.example/", "browser", "browser").target == UrlRoute::Target::nowhere);
}
