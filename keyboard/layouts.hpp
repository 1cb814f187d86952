// The keyboard's layouts as data: which keys, in which rows, with which
// relative widths. Plain C++ (no Cairo, no Wayland) so that unit tests and
// the screenshot tests read the same layouts as the program draws.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cirrus::keyboard {

enum class KeyAction {
    Text,         // types `text` (shifted by the shift state when a letter)
    Shift,        // one tap: next letter upper case; double tap: caps lock
    Backspace,    // repeats while held
    Return,       // a Return key press through the virtual keyboard
    Space,        // " " (in pinyin mode: the first candidate)
    Symbols,      // to the numbers-and-symbols page
    MoreSymbols,  // to the second symbols page
    Letters,      // back to the letters
    Language,     // 中/EN: pinyin on or off
    Spacer,       // takes room, types nothing (the half key before "a")
};

struct Key {
    KeyAction action = KeyAction::Text;
    std::string text;   // what Text types; the label when `label` is empty
    std::string label;  // what is drawn, if not `text`
    double width = 1;   // relative to the other keys of the row
    const std::string& shown() const { return label.empty() ? text : label; }
    // A key that shows a preview bubble while pressed (a character key).
    bool previews() const { return action == KeyAction::Text; }
};

struct Row {
    std::vector<Key> keys;
};

enum class Page { Letters, Symbols, MoreSymbols, NumberPad, PhonePad };
// How the letters' bottom row suits the field.
enum class Variant { Text, Url, Email };

struct Layout {
    Page page = Page::Letters;
    Variant variant = Variant::Text;
    std::vector<Row> rows;
};

// `show_language`: the 中/EN key is on the letters page (not in password,
// sensitive or Latin-only fields, nor in e-mail addresses).
Layout make_layout(Page page, Variant variant, bool show_language);

const char* page_name(Page page);
const char* variant_name(Variant variant);

}  // namespace cirrus::keyboard
