// How a backspace reaches the field. A BackSpace key from the virtual
// keyboard when there is one: the app sees a real key (a page's keydown
// handler, a PIN form that steps back from an empty box, a terminal) and
// deletes what it would for a hardware key, selection included; and
// WebKitGTK 2.50 was seen ignoring delete_surrounding_text for good once
// under load (relayed, applied by GTK, the field unchanged). Without a
// virtual keyboard, delete_surrounding_text, which counts bytes around the
// cursor: only while the keyboard knows the text before the cursor as the app
// last reported it (not after a commit of its own until the app reports
// again, nor with a selection); otherwise nothing can delete.
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
    enum class How { DeleteSurrounding, Key, Nothing } how = How::Key;
    std::uint32_t before_bytes = 0;
};

BackspacePlan plan_backspace(const SurroundingText& surrounding, bool have_key);

// Bytes of the UTF-8 character that ends at `cursor` (1 for a stray
// continuation byte or invalid text); 0 when cursor is 0 or beyond the text.
std::size_t previous_character_bytes(const std::string& text, std::size_t cursor);

// The text before the cursor (for auto-capitals), "" if unknown.
std::string text_before_cursor(const SurroundingText& surrounding);

}  // namespace cirrus::keyboard
