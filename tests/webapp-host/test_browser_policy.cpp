// The system browser's chrome rules: what a typed address opens, and which
// menu entries the page in view allows.
#include <doctest/doctest.h>

#include "browser_policy.hpp"
#include "common/protocol_text.hpp"

using namespace cirrus::webapp;

namespace {

std::string opens(std::string_view typed) {
    const AddressOutcome outcome = address_to_url(typed);
    CHECK_MESSAGE(outcome.url.has_value(), outcome.refusal);
    return outcome.url.value_or("");
}

std::string refusal(std::string_view typed) {
    const AddressOutcome outcome = address_to_url(typed);
    CHECK_FALSE(outcome.url.has_value());
    return outcome.refusal;
}

}  // namespace

TEST_CASE("a typed web address opens as typed, a bare host with https") {
    CHECK(opens("http://127.0.0.1:8080/a?b#c") == "http://127.0.0.1:8080/a?b#c");
    CHECK(opens("  HTTPS://Example.org/  ") == "HTTPS://Example.org/");
    CHECK(opens("example.com/news") == "https://example.com/news");
    // A host and a port are not a scheme.
    CHECK(opens("localhost:8080/x") == "https://localhost:8080/x");
    CHECK(opens("127.0.0.1:8080") == "https://127.0.0.1:8080");
    CHECK(opens("例子.测试") == "https://例子.测试");
}

TEST_CASE("what is not a web address is refused with why, and nothing opens") {
    CHECK(refusal("") == "Type a web address");
    CHECK(refusal(" \t ") == "Type a web address");
    CHECK(refusal("javascript:alert(document.cookie)") == "Only web addresses (http, https) open here");
    CHECK(refusal("file:///etc/passwd") == "Only web addresses (http, https) open here");
    CHECK(refusal("data:text/html,<script>x</script>") == "Only web addresses (http, https) open here");
    CHECK(refusal("JaVaScRiPt://%0aalert(1)") == "Only web addresses (http, https) open here");
    CHECK(refusal("cheap phones") == "Not a web address (a search needs a search site: type its address)");
    CHECK(refusal("example.com/\x01x") == "Not a web address (a search needs a search site: type its address)");
    CHECK(refusal("https://a.example/" + std::string(cirrus::protocol_text::kMaxUrlBytes, 'x')) ==
          "That address is too long");
}

TEST_CASE("the menu offers what the page in view allows") {
    const BrowserMenuState page = browser_menu_state("https://example.org/a", std::nullopt, true);
    CHECK(page.add_to_home);
    CHECK_FALSE(page.open_in_app);
    CHECK(page.copy_link);
    const BrowserMenuState held = browser_menu_state("https://example.org/a", std::string("news"), true);
    CHECK(held.open_in_app);
    // Without the runtime's install path there is nothing to add with.
    CHECK_FALSE(browser_menu_state("https://example.org/a", std::nullopt, false).add_to_home);
    // The browser's own start page (a packaged page) or a blank view: no link worth keeping.
    for (const char* own : {"app://browser/index.html", "about:blank", ""}) {
        const BrowserMenuState state = browser_menu_state(own, std::string("news"), true);
        CHECK_FALSE(state.add_to_home);
        CHECK_FALSE(state.open_in_app);
        CHECK_FALSE(state.copy_link);
    }
}
