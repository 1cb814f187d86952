#include "text_input_policy.hpp"

#include <algorithm>
#include <array>

#include "common/protocol_text.hpp"

namespace cirrus {

bool is_hardware_keyboard(const KeyboardDeviceFacts& device) { return !device.virtual_keyboard && !device.synthetic; }

bool input_method_should_be_active(const InputMethodFacts& facts) {
    return facts.show == KeyboardShow::automatic && !facts.hardware_keyboard && facts.input_method &&
           facts.text_input_enabled;
}

namespace {

// Moves [start, start + length) inside [low, low + extent); a span longer
// than the extent starts at low.
int clamp_span(int start, int length, int low, int extent) {
    if (length >= extent) return low;
    return std::clamp(start, low, low + extent - length);
}

}  // namespace

Rect place_input_popup(Rect cursor, Size popup, Rect output) {
    const int width = std::max(popup.width, 0);
    const int height = std::max(popup.height, 0);
    const int below = cursor.y + std::max(cursor.height, 0);
    const bool fits_below = below + height <= output.y + output.height;
    const bool fits_above = cursor.y - height >= output.y;
    const int y = fits_below || !fits_above ? below : cursor.y - height;
    return {clamp_span(cursor.x, width, output.x, output.width), clamp_span(y, height, output.y, output.height), width,
            height};
}

TextVerdict check_text_input_text(std::string_view text) {
    if (text.size() > kMaxTextInputBytes) return TextVerdict::too_long;
    for (std::size_t at = 0; at < text.size();) {
        const protocol_text::Utf8Char c = protocol_text::decode_utf8(text, at);
        if (c.length == 0) return TextVerdict::invalid_utf8;
        at += c.length;
    }
    return TextVerdict::ok;
}

const char* describe(TextVerdict verdict) {
    switch (verdict) {
    case TextVerdict::ok:
        return "ok";
    case TextVerdict::too_long:
        return "longer than 4000 bytes";
    case TextVerdict::invalid_utf8:
        return "not valid UTF-8";
    }
    return "?";
}

namespace {

bool on_boundary(std::string_view text, std::uint32_t offset) {
    if (offset > text.size()) return false;
    if (offset == text.size()) return true;
    // A continuation byte (10xxxxxx) is inside a character.
    return (static_cast<unsigned char>(text[offset]) & 0xC0) != 0x80;
}

}  // namespace

bool valid_surrounding_offsets(std::string_view text, std::uint32_t cursor, std::uint32_t anchor) {
    return on_boundary(text, cursor) && on_boundary(text, anchor);
}

std::string text_input_purpose_name(std::uint32_t purpose) {
    // zwp_text_input_v3.content_purpose, in value order.
    static constexpr std::array<const char*, 14> kNames = {
        "normal", "alpha",    "digits", "number", "phone", "url",      "email",
        "name",   "password", "pin",    "date",   "time",  "datetime", "terminal",
    };
    if (purpose < kNames.size()) return kNames[purpose];
    return "unknown(" + std::to_string(purpose) + ")";
}

std::vector<std::string> text_input_hint_names(std::uint32_t hints) {
    // zwp_text_input_v3.content_hint, bit 0 (0x1) first.
    static constexpr std::array<const char*, 10> kNames = {
        "completion", "spellcheck",  "auto_capitalization", "lowercase", "uppercase",
        "titlecase",  "hidden_text", "sensitive_data",      "latin",     "multiline",
    };
    std::vector<std::string> names;
    for (std::size_t bit = 0; bit < 32; ++bit) {
        if ((hints & (1u << bit)) == 0) continue;
        names.push_back(bit < kNames.size() ? kNames[bit] : "bit" + std::to_string(bit));
    }
    return names;
}

}  // namespace cirrus
