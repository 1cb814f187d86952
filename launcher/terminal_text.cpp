#include "terminal_text.hpp"

#include <cstdio>

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

// The code point of the well-formed UTF-8 sequence at text[at] and its
// length, or length 0.
std::pair<char32_t, std::size_t> decode(std::string_view text, std::size_t at) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(at);
    std::size_t length;
    char32_t c;
    if (lead < 0x80) return {lead, 1};
    if (lead >= 0xc2 && lead <= 0xdf) {
        length = 2, c = lead & 0x1f;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        length = 3, c = lead & 0x0f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        length = 4, c = lead & 0x07;
    } else {
        return {0, 0};
    }
    if (at + length > text.size()) return {0, 0};
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(at + i) & 0xc0) != 0x80) return {0, 0};
        c = (c << 6) | (byte(at + i) & 0x3f);
    }
    const bool overlong = (length == 3 && c < 0x800) || (length == 4 && c < 0x10000);
    if (overlong || (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff) return {0, 0};
    return {c, length};
}

bool reorders_line(char32_t c) {
    return c == 0x061c || c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

}  // namespace

std::string terminal_safe(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t at = 0; at < text.size();) {
        const auto [c, length] = decode(text, at);
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
