// The scope policy: which navigations stay in the app.
#include <doctest/doctest.h>

#include <vector>

#include "navigation_policy.hpp"

using namespace cirrus::webapp;

namespace {

NavigationDecision top(std::string_view url, std::string_view scope = "app://notes/") {
    return decide_navigation(url, NavigationKind::top_level, scope, "Notes");
}

}  // namespace

TEST_CASE("navigations within the scope stay in the app") {
    CHECK(top("app://notes/index.html").action == NavigationAction::allow);
    CHECK(top("app://notes/sub/page.html?x=1#f").action == NavigationAction::allow);
    CHECK(top("https://example.com/app/page", "https://example.com/app/").action == NavigationAction::allow);
    // A string prefix, as browsers compare scopes.
    CHECK(top("https://example.com/apple", "https://example.com/app").action == NavigationAction::allow);
    CHECK(top("about:blank").action == NavigationAction::allow);
}

TEST_CASE("navigations out of the scope are refused with a message naming the host") {
    const NavigationDecision other_origin = top("https://example.com/");
    CHECK(other_origin.action == NavigationAction::refuse);
    CHECK(other_origin.message == "example.com is outside Notes; it was not opened");

    // Another app's package, the same origin outside the scope path, http vs https.
    CHECK(top("app://other/index.html").action == NavigationAction::refuse);
    CHECK(top("https://example.com/other", "https://example.com/app/").action == NavigationAction::refuse);
    CHECK(top("http://example.com/app/x", "https://example.com/app/").action == NavigationAction::refuse);
    CHECK(top("https://example.com:8443/app/x", "https://example.com/app/").action == NavigationAction::refuse);
    CHECK(top("https://example.com/app/x", "app://notes/").action == NavigationAction::refuse);

    // Host-less URLs are named by themselves.
    const NavigationDecision file = top("file:///etc/passwd");
    CHECK(file.action == NavigationAction::refuse);
    CHECK(file.message == "file:///etc/passwd is outside Notes; it was not opened");
    CHECK(top("data:text/html,hi").action == NavigationAction::refuse);
    CHECK(top("javascript:alert(1)").action == NavigationAction::refuse);
    CHECK(top("").action == NavigationAction::refuse);
    CHECK(top("not a url").action == NavigationAction::refuse);
}

TEST_CASE("subframes are the page's business") {
    for (const char* url : {"https://example.com/", "file:///etc/passwd", "app://notes/x.html", "about:blank"}) {
        CHECK(decide_navigation(url, NavigationKind::subframe, "app://notes/", "Notes").action ==
              NavigationAction::allow);
    }
}

TEST_CASE("window.open within the scope loads in the same window; outside it is refused") {
    CHECK(decide_navigation("app://notes/second.html", NavigationKind::new_window, "app://notes/", "Notes").action ==
          NavigationAction::load_in_window);
    const NavigationDecision out =
        decide_navigation("https://example.com/x", NavigationKind::new_window, "app://notes/", "Notes");
    CHECK(out.action == NavigationAction::refuse);
    CHECK(out.message == "example.com is outside Notes; it was not opened");
    CHECK(decide_navigation("about:blank", NavigationKind::new_window, "app://notes/", "Notes").action ==
          NavigationAction::refuse);
}

TEST_CASE("display_host shortens long host-less URLs") {
    const std::string long_data = "data:text/plain," + std::string(200, 'a');
    CHECK(display_host(long_data).size() == 51);
    CHECK(display_host("https://Example.COM:8080/x") == "example.com");
}

TEST_CASE("is_web_url: http and https only") {
    CHECK(is_web_url("https://example.com/"));
    CHECK(is_web_url("http://127.0.0.1:8080/x"));
    CHECK_FALSE(is_web_url("app://notes/"));
    CHECK_FALSE(is_web_url("file:///etc/passwd"));
    CHECK_FALSE(is_web_url("javascript:alert(1)"));
    CHECK_FALSE(is_web_url("not a url"));
}
