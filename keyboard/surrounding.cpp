#include "surrounding.hpp"

namespace cirrus::keyboard {

std::size_t previous_character_bytes(const std::string& text, std::size_t cursor) {
    if (cursor == 0 || cursor > text.size()) return 0;
    std::size_t start = cursor - 1;
    // Back over at most three continuation bytes to the lead byte.
    while (start > 0 && cursor - start < 4 && (static_cast<unsigned char>(text[start]) & 0xc0) == 0x80) --start;
    const unsigned char lead = static_cast<unsigned char>(text[start]);
    const std::size_t length = lead < 0x80           ? 1
                               : (lead >> 5) == 0x6  ? 2
                               : (lead >> 4) == 0xe  ? 3
                               : (lead >> 3) == 0x1e ? 4
                                                     : 0;
    if (length != cursor - start) return 1;  // not one well-formed character: one byte at a time
    return length;
}

BackspacePlan plan_backspace(const SurroundingText& s, bool have_key) {
    BackspacePlan plan;
    if (have_key) return plan;  // the key
    plan.how = BackspacePlan::How::Nothing;
    // Nothing known before the cursor (the field may hold more than it
    // reported), a selection, or offsets that do not fit the text.
    if (!s.known || s.cursor != s.anchor || s.cursor > s.text.size() || s.cursor == 0) return plan;
    plan.how = BackspacePlan::How::DeleteSurrounding;
    plan.before_bytes = static_cast<std::uint32_t>(previous_character_bytes(s.text, s.cursor));
    return plan;
}

std::string text_before_cursor(const SurroundingText& s) {
    if (!s.known || s.cursor > s.text.size()) return {};
    return s.text.substr(0, s.cursor);
}

}  // namespace cirrus::keyboard
