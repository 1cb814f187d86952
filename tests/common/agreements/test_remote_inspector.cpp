// The remote Web Inspector of `cirrus dev`: the address a host writes and
// the dev session reads, and the targets on WebKit's index page.
#include <doctest/doctest.h>

#include <string>

#include "common/remote_inspector.hpp"

using cirrus::inspector_address_file;
using cirrus::inspector_page_url;
using cirrus::parse_inspector_targets;
using cirrus::valid_inspector_address;

namespace {

// WebKitGTK 2.50's index page, as served for one web view (the style left
// out), with a second row added as a second view would list it.
constexpr const char* kIndexPage =
    "<html><head><title>Remote inspector</title></head><body><h1>Inspectable targets</h1><div "
    "id='targetlist'><table><tbody><tr><td class=\"data\"><div class=\"targetname\">Hello</div><div "
    "class=\"targeturl\">http://example.test/</div></td><td class=\"input\"><input type=\"button\" "
    "value=\"Inspect\" onclick=\"window.open('Main.html?ws=' + window.location.host + '/socket/1/1/WebPage', "
    "'_blank', 'location=no,menubar=no,status=no,toolbar=no');\"></td></tr>"
    "<tr><td class=\"data\"><div class=\"targetname\">Notes</div><div "
    "class=\"targeturl\">app://notes/index.html</div></td><td class=\"input\"><input type=\"button\" "
    "value=\"Inspect\" onclick=\"window.open('Main.html?ws=' + window.location.host + '/socket/1/12/WebPage', "
    "'_blank', 'location=no,menubar=no,status=no,toolbar=no');\"></td></tr></tbody></table></div></body></html>";

}  // namespace

TEST_CASE("the address file is named after the app, in the session's folder") {
    CHECK(inspector_address_file("/run/dev/inspector", "notes") == "/run/dev/inspector/notes.address");
}

TEST_CASE("only a loopback address with a port is followed") {
    CHECK(valid_inspector_address("127.0.0.1:9229"));
    CHECK(valid_inspector_address("127.0.0.1:65535"));
    CHECK_FALSE(valid_inspector_address("127.0.0.1:0"));
    CHECK_FALSE(valid_inspector_address("127.0.0.1:65536"));
    CHECK_FALSE(valid_inspector_address("127.0.0.1:"));
    CHECK_FALSE(valid_inspector_address("127.0.0.1:92x9"));
    CHECK_FALSE(valid_inspector_address("0.0.0.0:9229"));
    CHECK_FALSE(valid_inspector_address("evil.example:80"));
    CHECK_FALSE(valid_inspector_address("127.0.0.1:9229\n"));
}

TEST_CASE("each inspectable page is read from WebKit's index page, with the inspector's URL for it") {
    const auto targets = parse_inspector_targets(kIndexPage);
    REQUIRE(targets.size() == 2);
    CHECK(targets[0].title == "Hello");
    CHECK(targets[0].url == "http://example.test/");
    CHECK(targets[0].socket_path == "socket/1/1/WebPage");
    CHECK(targets[1].title == "Notes");
    CHECK(targets[1].url == "app://notes/index.html");
    CHECK(inspector_page_url("127.0.0.1:9229", targets[1]) ==
          "http://127.0.0.1:9229/Main.html?ws=127.0.0.1:9229/socket/1/12/WebPage");
}

TEST_CASE("an index page with nothing to inspect, or a row that is not WebKit's, lists nothing") {
    CHECK(parse_inspector_targets("").empty());
    CHECK(parse_inspector_targets("<h1>Inspectable targets</h1><div id='targetlist'></div>").empty());
    // A socket path other than digits (a page title cannot make one: the
    // path comes after both divs).
    CHECK(parse_inspector_targets("<div class=\"targetname\">x</div><div class=\"targeturl\">y</div>"
                                  "'/socket/1/../WebPage'")
              .empty());
    CHECK(parse_inspector_targets("<div class=\"targetname\">x</div><div class=\"targeturl\">y</div>"
                                  "'/socket/1/2/ServiceWorker'")
              .empty());
    // Cut off anywhere: no throw, no half target.
    const std::string page = kIndexPage;
    for (std::size_t n = 0; n < page.size(); n += 7) {
        for (const auto& t : parse_inspector_targets(std::string_view(page).substr(0, n)))
            CHECK(t.socket_path.ends_with("/WebPage"));
    }
}
