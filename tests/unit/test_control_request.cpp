// parse_control_request: a control-socket line to a command and its checked
// arguments, or the error the client gets back.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "common/protocol_text.hpp"
#include "control_request.hpp"

using namespace cirrus;
namespace args = control_arguments;

namespace {

std::string refusal(std::string_view line) {
    const ParsedControlRequest parsed = parse_control_request(line);
    CHECK_FALSE(parsed.request.has_value());
    return parsed.error;
}

}  // namespace

TEST_CASE("a request names a command of the table, with its arguments typed") {
    const auto tap = parse_control_request(R"({"cmd":"tap","x":10,"y":20.5})");
    REQUIRE(tap.request);
    CHECK(tap.request->command == "tap");
    const auto& events = std::get<args::Touch>(tap.request->arguments).events;
    REQUIRE(events.size() == 4);
    CHECK(events[0].type == ControlTouchEvent::Type::down);
    CHECK(events[0].y == 20.5);

    const auto swipe = parse_control_request(R"({"cmd":"swipe","x1":1,"y1":2,"x2":3,"y2":4})");
    REQUIRE(swipe.request);
    CHECK(std::get<args::Swipe>(swipe.request->arguments).steps == 10);
    CHECK(std::get<args::Swipe>(swipe.request->arguments).ms == 200);

    const auto key = parse_control_request(R"({"cmd":"key","keycode":30,"state":"released"})");
    REQUIRE(key.request);
    CHECK(std::get<args::Key>(key.request->arguments).keycode == 30);
    CHECK_FALSE(std::get<args::Key>(key.request->arguments).pressed);
}

TEST_CASE("a malformed request is refused with what is wrong, before anything is done") {
    CHECK(refusal("not json").rfind("not a JSON line", 0) == 0);
    CHECK(refusal(R"({"cmd":"tap","x":1e400,"y":0})").rfind("not a JSON line", 0) == 0);
    CHECK(refusal("[1,2]") == "a request is an object with a string 'cmd'");
    CHECK(refusal(R"({"cmd":"nope"})").rfind("unknown cmd 'nope' (outputs, windows", 0) == 0);
    CHECK(refusal(R"({"cmd":"tap","x":"1","y":2})") == "'x' must be a number");
    CHECK(refusal(R"({"cmd":"swipe","x1":1,"y1":2,"x2":3,"y2":4,"steps":1e30})") ==
          "'steps' must be between 1 and 1000");
    CHECK(refusal(R"({"cmd":"swipe","x1":1,"y1":2,"x2":3,"y2":4,"ms":-1})") == "'ms' must be between 0 and 10000");
    CHECK(refusal(R"({"cmd":"key","keycode":-1})").rfind("'keycode' must be", 0) == 0);
    CHECK(refusal(R"({"cmd":"focus","id":-3})") == "no window with id -3.0");
    CHECK(refusal(R"({"cmd":"touch","events":[{"type":"down","id":1e12,"x":1,"y":1}]})") ==
          "a touch event's 'id' must be a 32-bit integer");
    // A bad event anywhere refuses the whole request: no event is delivered.
    CHECK(refusal(R"({"cmd":"touch","events":[{"type":"down","x":1,"y":1},{"type":"jump"}]})")
              .rfind("unknown touch event type 'jump'", 0) == 0);
    CHECK(refusal(R"({"cmd":"spawn","argv":[]})") == "'argv' must be a non-empty array of strings");
    CHECK(refusal(R"({"cmd":"spawn","argv":["x"],"trusted":"yes"})").rfind("bad request: ", 0) == 0);
    CHECK(refusal(R"({"cmd":"screenshot","path":"rel.png"})") == "'path' must be an absolute file name");
    CHECK(refusal(R"({"cmd":"launch","app":7})") == "'app' must be an app id");
    CHECK(refusal(R"({"cmd":"launch","app":"notes","url":7})") ==
          "'url' must be a string (the page to open the app at)");
    CHECK(refusal(R"({"cmd":"launch","app":"notes","url":"file:///etc/passwd"})") ==
          "'url' must be an http://, https:// or app:// URL");
    CHECK(refusal(R"({"cmd":"launch","app":"notes","url":"javascript:void0"})") ==
          "'url' must be an http://, https:// or app:// URL");
    CHECK(refusal(R"({"cmd":"launch","app":"notes","url":"http://a.example/\u0007x"})") ==
          "'url' holds a control character (percent-encode it)");
    CHECK(refusal(R"({"cmd":"launch","app":"notes","url":""})") == "'url' must be an http://, https:// or app:// URL");
}

TEST_CASE("launch: an optional web URL, refused (not cut) past the bound") {
    const auto launch_of = [](const nlohmann::json& request) {
        const auto parsed = parse_control_request(request.dump());
        REQUIRE(parsed.request.has_value());
        return std::get<args::Launch>(parsed.request->arguments);
    };
    CHECK_FALSE(launch_of({{"cmd", "launch"}, {"app", "notes"}}).url.has_value());
    CHECK_FALSE(launch_of({{"cmd", "launch"}, {"app", "notes"}, {"url", nullptr}}).url.has_value());
    CHECK(launch_of({{"cmd", "launch"}, {"app", "browser"}, {"url", "HTTPS://Example.org/a?b#c"}}).url ==
          "HTTPS://Example.org/a?b#c");
    const std::string at_bound = "http://a.example/" + std::string(protocol_text::kMaxUrlBytes - 17, 'x');
    CHECK(launch_of({{"cmd", "launch"}, {"app", "notes"}, {"url", at_bound}}).url == at_bound);
    CHECK(launch_of({{"cmd", "launch"}, {"app", "apps"}, {"url", "app://apps/index.html?q=%E6%96%B0"}}).url ==
          "app://apps/index.html?q=%E6%96%B0");
    const auto over =
        parse_control_request(nlohmann::json{{"cmd", "launch"}, {"app", "notes"}, {"url", at_bound + "x"}}.dump());
    CHECK_FALSE(over.request.has_value());
    CHECK(over.error == "'url' is longer than 2048 bytes");
}

TEST_CASE("link: a class to publish instead of the estimate's, or auto") {
    const auto offline = parse_control_request(R"({"cmd":"link","class":"offline"})");
    REQUIRE(offline.request);
    CHECK(std::get<args::LinkOverride>(offline.request->arguments).link_class == LinkClass::offline);
    const auto two_g = parse_control_request(R"({"cmd":"link","class":"2g"})");
    REQUIRE(two_g.request);
    CHECK(std::get<args::LinkOverride>(two_g.request->arguments).link_class == LinkClass::two_g);
    const auto automatic = parse_control_request(R"({"cmd":"link","class":"auto"})");
    REQUIRE(automatic.request);
    CHECK_FALSE(std::get<args::LinkOverride>(automatic.request->arguments).link_class.has_value());
    CHECK(refusal(R"({"cmd":"link","class":"5g"})") == "'class' is offline, 2g, 3g, good or auto");
    CHECK(refusal(R"({"cmd":"link"})") == "'class' is offline, 2g, 3g, good or auto");
    CHECK(refusal(R"({"cmd":"link","class":3})") == "'class' is offline, 2g, 3g, good or auto");
}

TEST_CASE("link: a kind of link may come with a class, never with auto") {
    const auto cellular = parse_control_request(R"({"cmd":"link","class":"3g","kind":"cellular"})");
    REQUIRE(cellular.request);
    CHECK(std::get<args::LinkOverride>(cellular.request->arguments).kind == LinkKind::cellular);
    const auto plain = parse_control_request(R"({"cmd":"link","class":"good"})");
    REQUIRE(plain.request);
    CHECK_FALSE(std::get<args::LinkOverride>(plain.request->arguments).kind.has_value());
    CHECK(refusal(R"({"cmd":"link","class":"good","kind":"5g"})") == "'kind' is wired, wifi, cellular or unknown");
    CHECK(refusal(R"({"cmd":"link","class":"auto","kind":"wifi"})") == "'kind' goes with a class, not auto");
}

TEST_CASE("freeze: an app id, refused when it could not be one") {
    const auto notes = parse_control_request(R"({"cmd":"freeze","app":"notes"})");
    REQUIRE(notes.request);
    CHECK(std::get<args::Freeze>(notes.request->arguments).app == "notes");
    const std::string expected = "'app' must be an app id (lowercase letters, digits, '.', '_', '-')";
    CHECK(refusal(R"({"cmd":"freeze"})") == expected);
    CHECK(refusal(R"({"cmd":"freeze","app":7})") == expected);
    CHECK(refusal(R"({"cmd":"freeze","app":"../notes"})") == expected);
    CHECK(refusal(R"({"cmd":"freeze","app":"Notes\n"})") == expected);
    CHECK(refusal(nlohmann::json{{"cmd", "freeze"}, {"app", std::string(129, 'a')}}.dump()) == expected);
}
