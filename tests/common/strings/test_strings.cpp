// The ASCII text helpers every format's code shares: case folding that
// leaves non-ASCII bytes alone, and trimming with the format's own
// whitespace.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "common/strings.hpp"

using namespace cirrus;
using namespace std::string_view_literals;

TEST_CASE("lowercase folds ASCII letters only") {
    CHECK(lowercase("Content-Type: TEXT/Html") == "content-type: text/html");
    CHECK(lowercase("") == "");
    CHECK(lowercase("a1_.-[]@`{") == "a1_.-[]@`{");  // the neighbours of A-Z and a-z stay
    CHECK(lowercase("ÀÉ") == "ÀÉ");                  // UTF-8 bytes are not letters here
    CHECK(lowercase("\xC0\xDE") == "\xC0\xDE");      // nor Latin-1 ones, whatever the locale
    CHECK(lowercase("A\0B"sv) == "a\0b"sv);
    CHECK(ascii_lower('Z') == 'z');
    CHECK(ascii_lower('[') == '[');
}

TEST_CASE("equals_ignoring_case compares ASCII letters without case") {
    CHECK(equals_ignoring_case("Content-Length", "content-length"));
    CHECK(equals_ignoring_case("", ""));
    CHECK_FALSE(equals_ignoring_case("Content-Length", "Content-Lengths"));
    CHECK_FALSE(equals_ignoring_case("[", "{"));  // 0x5B and 0x7B differ by the case bit, but are not letters
    CHECK_FALSE(equals_ignoring_case("É", "é"));
}

TEST_CASE("trim: ASCII whitespace by default, a format's own set when named") {
    CHECK(trim(" \t\n\r\fvalue \f\r\n\t ") == "value");
    CHECK(trim("  inner  space  ") == "inner  space");
    CHECK(trim(" \t\n") == "");
    CHECK(trim("") == "");
    CHECK(trim("\vx\v") == "\vx\v");           // vertical tab is not ASCII whitespace
    CHECK(trim(" \xC2\xA0x") == "\xC2\xA0x");  // nor is a no-break space

    // HTTP's OWS is space and tab: a CR or LF is part of the value.
    CHECK(trim(" \tgzip, br\t ", kHttpWhitespace) == "gzip, br");
    CHECK(trim("\nvalue\r", kHttpWhitespace) == "\nvalue\r");
    CHECK(trim("\t \t", kHttpWhitespace) == "");

    // What trim returns is a view into what it was given.
    const std::string text = "  kept  ";
    const std::string_view trimmed = trim(text);
    CHECK(trimmed.data() == text.data() + 2);
}

TEST_CASE("is_ascii_whitespace is the set trim uses by default") {
    for (char c : kAsciiWhitespace) CHECK(is_ascii_whitespace(c));
    for (char c : {'\v', '\0', 'a', '\x85'}) CHECK_FALSE(is_ascii_whitespace(c));
}

TEST_CASE("split_on_ascii_whitespace: the runs between whitespace") {
    using Tokens = std::vector<std::string_view>;
    CHECK(split_on_ascii_whitespace("any 16x16\t32X32\n") == Tokens{"any", "16x16", "32X32"});
    CHECK(split_on_ascii_whitespace("  maskable\f\r\nmonochrome ") == Tokens{"maskable", "monochrome"});
    CHECK(split_on_ascii_whitespace("one") == Tokens{"one"});
    CHECK(split_on_ascii_whitespace(" \t ").empty());
    CHECK(split_on_ascii_whitespace("").empty());
    CHECK(split_on_ascii_whitespace("a\vb") == Tokens{"a\vb"});
}
