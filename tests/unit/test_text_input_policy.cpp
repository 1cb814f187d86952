// The on-screen keyboard's decisions: activation, popup placement, text checks.
#include <doctest/doctest.h>

#include <string>

#include "geometry_support.hpp"
#include "text_input_policy.hpp"

using namespace cirrus;

TEST_CASE("only a keyboard that is neither virtual nor the injection device counts as hardware") {
    CHECK(is_hardware_keyboard({.virtual_keyboard = false, .synthetic = false}));
    CHECK_FALSE(is_hardware_keyboard({.virtual_keyboard = true, .synthetic = false}));
    CHECK_FALSE(is_hardware_keyboard({.virtual_keyboard = false, .synthetic = true}));
}

TEST_CASE("the input method is active only for an enabled field, with show auto and no hardware keyboard") {
    const InputMethodFacts all{KeyboardShow::automatic, false, true, true};
    CHECK(input_method_should_be_active(all));
    InputMethodFacts f = all;
    f.show = KeyboardShow::never;
    CHECK_FALSE(input_method_should_be_active(f));
    f = all;
    f.hardware_keyboard = true;
    CHECK_FALSE(input_method_should_be_active(f));
    f = all;
    f.input_method = false;
    CHECK_FALSE(input_method_should_be_active(f));
    f = all;
    f.text_input_enabled = false;
    CHECK_FALSE(input_method_should_be_active(f));
}

TEST_CASE("the popup goes below the cursor, above it when there is no room, and stays on the output") {
    const Rect output{0, 0, 480, 800};
    CHECK(place_input_popup({10, 20, 2, 16}, {100, 30}, output) == Rect{10, 36, 100, 30});
    // No room below: above the cursor.
    CHECK(place_input_popup({10, 780, 2, 16}, {100, 30}, output) == Rect{10, 750, 100, 30});
    // Too far right: moved left to fit.
    CHECK(place_input_popup({470, 20, 2, 16}, {100, 30}, output) == Rect{380, 36, 100, 30});
    // Left of the output (a cursor rectangle an app put outside): moved in.
    CHECK(place_input_popup({-50, 20, 2, 16}, {100, 30}, output) == Rect{0, 36, 100, 30});
    // Larger than the output: its top left corner is the output's.
    CHECK(place_input_popup({10, 20, 2, 16}, {600, 900}, output) == Rect{0, 0, 600, 900});
    // An output not at the origin.
    CHECK(place_input_popup({500, 20, 2, 16}, {100, 30}, {480, 0, 480, 800}) == Rect{500, 36, 100, 30});
    // Room neither below nor above: below, pushed up to stay on the output.
    CHECK(place_input_popup({10, 390, 2, 20}, {100, 500}, {0, 0, 480, 800}) == Rect{10, 300, 100, 500});
}

TEST_CASE("text crossing between an app and the input method is UTF-8 of at most 4000 bytes") {
    CHECK(check_text_input_text("hello") == TextVerdict::ok);
    CHECK(check_text_input_text("你好\n") == TextVerdict::ok);
    CHECK(check_text_input_text("") == TextVerdict::ok);
    CHECK(check_text_input_text(std::string(4000, 'a')) == TextVerdict::ok);
    CHECK(check_text_input_text(std::string(4001, 'a')) == TextVerdict::too_long);
    CHECK(check_text_input_text("hi\xc3") == TextVerdict::invalid_utf8);
    CHECK(check_text_input_text("\x80\xff") == TextVerdict::invalid_utf8);
    CHECK(check_text_input_text("\xed\xa0\x80") == TextVerdict::invalid_utf8);  // a surrogate
    CHECK(check_text_input_text("\xc0\xaf") == TextVerdict::invalid_utf8);      // overlong
}

TEST_CASE("surrounding text offsets are within the text and on character boundaries") {
    CHECK(valid_surrounding_offsets("hello", 5, 0));
    CHECK_FALSE(valid_surrounding_offsets("hello", 6, 0));
    CHECK(valid_surrounding_offsets("你好", 3, 6));
    CHECK_FALSE(valid_surrounding_offsets("你好", 1, 1));
}

TEST_CASE("purposes and hints have their protocol names") {
    CHECK(text_input_purpose_name(0) == "normal");
    CHECK(text_input_purpose_name(6) == "email");
    CHECK(text_input_purpose_name(8) == "password");
    CHECK(text_input_purpose_name(13) == "terminal");
    CHECK(text_input_purpose_name(99) == "unknown(99)");
    CHECK(text_input_hint_names(0).empty());
    CHECK(text_input_hint_names(0x80 | 0x40) == std::vector<std::string>{"hidden_text", "sensitive_data"});
    CHECK(text_input_hint_names(0x200 | 0x400) == std::vector<std::string>{"multiline", "bit10"});
}
