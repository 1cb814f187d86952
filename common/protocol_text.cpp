#include "protocol_text.hpp"

namespace cirrus::protocol_text {
namespace {

constexpr std::string_view kEllipsis = "\xe2\x80\xa6";
constexpr std::string_view kReplacement = "\xef\xbf\xbd";

// The text with bad bytes and control characters replaced, whole.
std::string cleaned(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t at = 0; at < text.size();) {
        const std::size_t length = decode_utf8(text, at).length;
        if (length == 0) {
            out += kReplacement;
            ++at;
        } else if (length == 1 && (static_cast<unsigned char>(text[at]) < 0x20 || text[at] == 0x7f)) {
            out += ' ';
            ++at;
        } else {
            out.append(text.substr(at, length));
            at += length;
        }
    }
    return out;
}

}  // namespace

Utf8Char decode_utf8(std::string_view text, std::size_t at) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(at);
    if (lead < 0x80) return {lead, 1};
    std::size_t length = 0;
    char32_t code_point = 0;
    unsigned char low = 0x80, high = 0xbf;  // the second byte's range
    if (lead >= 0xc2 && lead <= 0xdf) {
        length = 2, code_point = lead & 0x1f;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        length = 3, code_point = lead & 0x0f;
        if (lead == 0xe0) low = 0xa0;
        if (lead == 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        length = 4, code_point = lead & 0x07;
        if (lead == 0xf0) low = 0x90;
        if (lead == 0xf4) high = 0x8f;
    } else {
        return {};
    }
    if (at + length > text.size()) return {};
    if (byte(at + 1) < low || byte(at + 1) > high) return {};
    for (std::size_t i = 1; i < length; ++i) {
        if (i > 1 && (byte(at + i) < 0x80 || byte(at + i) > 0xbf)) return {};
        code_point = (code_point << 6) | (byte(at + i) & 0x3f);
    }
    return {code_point, length};
}

std::string bounded(std::string_view text, std::size_t max_bytes) {
    std::string clean = cleaned(text);
    if (clean.size() <= max_bytes) return clean;
    const std::size_t room = max_bytes >= kEllipsis.size() ? max_bytes - kEllipsis.size() : max_bytes;
    // `clean` is valid UTF-8: back up over continuation bytes to a boundary.
    std::size_t cut = room;
    while (cut > 0 && (static_cast<unsigned char>(clean[cut]) & 0xc0) == 0x80) --cut;
    clean.resize(cut);
    if (room != max_bytes) clean += kEllipsis;
    return clean;
}

bool is_bounded(std::string_view text, std::size_t max_bytes) { return bounded(text, max_bytes) == text; }

}  // namespace cirrus::protocol_text
