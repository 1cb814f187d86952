// How a backspace reaches the field. The protocol's delete_surrounding_text
// counts bytes around the cursor, so the keyboard may use it only while it
// knows the text before the cursor as the app last reported it: after a
// commit of its own, until the app reports again, and with a selection (which
// a key press deletes as the user expects), a BackSpace key goes instead.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace cirrus::keyboard {

struct SurroundingText {
    std::string text;  // UTF-8, at most 4000 bytes (the protocol's bound)
    std::uint32_t cursor = 0;
    std::uint32_t anchor = 0;
    bool known = false;  // reported since activate and not stale since
};

struct BackspacePlan {
    enum class How { DeleteSurrounding, Key } how = How::Key;
    std::uint32_t before_bytes = 0;
};

BackspacePlan plan_backspace(const SurroundingText& surrounding);

// Bytes of the UTF-8 character that ends at `cursor` (1 for a stray
// continuation byte or invalid text); 0 when cursor is 0 or beyond the text.
std::size_t previous_character_bytes(const std::string& text, std::size_t cursor);

// The text before the cursor (for auto-capitals), "" if unknown.
std::string text_before_cursor(const SurroundingText& surrounding);

}  // namespace cirrus::keyboard
