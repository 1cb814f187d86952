// The host's rule for an <input>'s `inputmode` (WebKitGTK 2.50 does not read
// it there): HTML's keywords to text-input purposes.
#include <doctest/doctest.h>

#include <string>

#include "input_mode.hpp"

using cirrus::webapp::FieldPurpose;
using cirrus::webapp::purpose_for_input_mode;

TEST_CASE("each inputmode keyword asks for its purpose") {
    CHECK(purpose_for_input_mode("numeric") == FieldPurpose::digits);
    CHECK(purpose_for_input_mode("decimal") == FieldPurpose::number);
    CHECK(purpose_for_input_mode("tel") == FieldPurpose::phone);
    CHECK(purpose_for_input_mode("email") == FieldPurpose::email);
    CHECK(purpose_for_input_mode("url") == FieldPurpose::url);
    CHECK(purpose_for_input_mode("text") == FieldPurpose::normal);
    CHECK(purpose_for_input_mode("search") == FieldPurpose::normal);
}

TEST_CASE("a password field stays a password field whatever its mode (no PIN purpose in WebKit's)") {
    // Its purpose carries the hints that keep what is typed out of the
    // keyboard's dictionary.
    CHECK_FALSE(purpose_for_input_mode("numeric password"));
    CHECK_FALSE(purpose_for_input_mode("decimal password"));
    CHECK_FALSE(purpose_for_input_mode("text password"));
    CHECK_FALSE(purpose_for_input_mode(" password"));
}

TEST_CASE("no mode, none, and anything that is not a keyword leave WebKit's purpose") {
    CHECK_FALSE(purpose_for_input_mode(""));
    CHECK_FALSE(purpose_for_input_mode("none"));     // text-input-v3 cannot say "no keyboard"
    CHECK_FALSE(purpose_for_input_mode("NUMERIC"));  // the IDL attribute gives lower case
    CHECK_FALSE(purpose_for_input_mode("numeric "));
    CHECK_FALSE(purpose_for_input_mode("numeric\npassword"));
    CHECK_FALSE(purpose_for_input_mode(std::string("numeric\0", 8)));
    CHECK_FALSE(purpose_for_input_mode(std::string(100000, 'x')));
}
