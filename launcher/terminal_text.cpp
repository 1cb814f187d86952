#include "terminal_text.hpp"

#include <cstdio>

#include "common/protocol_text.hpp"

namespace cirrus::launcher {
namespace {

std::string hex_byte(unsigned char byte) {
    char out[5];
    std::snprintf(out, sizeof(out), "\\x%02x", byte);
    return out;
}

std::string code_point_escape(char32_t c) {
    char out[16];  // only C1 and bidi controls come here: always 4 digits
    std::snprintf(out, sizeof(out), "\\u%04x", static_cast<unsigned>(c));
    return out;
}

bool reorders_line(char32_t c) {
    return c == 0x061c || c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

}  // namespace

std::string terminal_safe(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t at = 0; at < text.size();) {
        const auto [c, length] = protocol_text::decode_utf8(text, at);
        if (length == 0) {
            out += hex_byte(static_cast<unsigned char>(text[at]));
            ++at;
            continue;
        }
        if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c < 0x20 || c == 0x7f) {
            out += hex_byte(static_cast<unsigned char>(c));
        } else if ((c >= 0x80 && c <= 0x9f) || reorders_line(c)) {
            out += code_point_escape(c);
        } else {
            out.append(text.substr(at, length));
        }
        at += length;
    }
    return out;
}

}  // namespace cirrus::launcher
