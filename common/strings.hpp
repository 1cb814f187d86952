// ASCII text helpers, written once: case folding, case-insensitive equality,
// trimming and splitting. ASCII only, never the locale's rules: protocol
// text (HTTP fields, URL schemes, manifest keywords, CSS names) compares
// ASCII letters without case and leaves every other byte alone, whatever
// locale a program runs in.
//
// Which characters are whitespace is part of each format, so it is named at
// the call: kAsciiWhitespace for HTML, CSS and the manifest (the Infra
// standard's "ASCII whitespace"), kHttpWhitespace for HTTP fields (RFC 9110
// OWS); a file format with its own set passes it (compositor/policy/config.hpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cirrus {

// Infra's ASCII whitespace: space, tab, line feed, carriage return, form feed.
inline constexpr std::string_view kAsciiWhitespace = " \t\n\r\f";
// HTTP's optional whitespace (RFC 9110 5.6.3): space and tab only.
inline constexpr std::string_view kHttpWhitespace = " \t";

constexpr char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// `text` with A-Z made a-z; every other byte as it was.
std::string lowercase(std::string_view text);

// Equal but for the case of ASCII letters ("Content-Type" == "content-type").
bool equals_ignoring_case(std::string_view a, std::string_view b);

constexpr bool is_ascii_whitespace(char c) { return kAsciiWhitespace.find(c) != std::string_view::npos; }

// `text` without the leading and trailing characters found in `whitespace`.
std::string_view trim(std::string_view text, std::string_view whitespace = kAsciiWhitespace);

// The runs of non-whitespace in `text` (ASCII whitespace), in order; none
// for a blank text.
std::vector<std::string_view> split_on_ascii_whitespace(std::string_view text);

}  // namespace cirrus
