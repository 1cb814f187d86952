// Which keyboard suits a field: from text-input-v3's content purpose and
// hints (zwp_text_input_v3 content_purpose / content_hint, relayed to the
// keyboard by input-method-v2's content_type event). Plain C++.
#pragma once

#include <cstdint>

#include "layouts.hpp"

namespace cirrus::keyboard {

// zwp_text_input_v3.content_purpose
enum class Purpose : std::uint32_t {
    Normal = 0,
    Alpha = 1,
    Digits = 2,
    Number = 3,
    Phone = 4,
    Url = 5,
    Email = 6,
    Name = 7,
    Password = 8,
    Pin = 9,
    Date = 10,
    Time = 11,
    Datetime = 12,
    Terminal = 13,
};

// zwp_text_input_v3.content_hint bits
namespace hint {
inline constexpr std::uint32_t kCompletion = 0x1;
inline constexpr std::uint32_t kSpellcheck = 0x2;
inline constexpr std::uint32_t kAutoCapitalization = 0x4;
inline constexpr std::uint32_t kLowercase = 0x8;
inline constexpr std::uint32_t kUppercase = 0x10;
inline constexpr std::uint32_t kTitlecase = 0x20;
inline constexpr std::uint32_t kHiddenText = 0x40;
inline constexpr std::uint32_t kSensitiveData = 0x80;
inline constexpr std::uint32_t kLatin = 0x100;
inline constexpr std::uint32_t kMultiline = 0x200;
}  // namespace hint

struct LayoutChoice {
    Page page = Page::Letters;
    Variant variant = Variant::Text;
    // Pinyin may be used (and learn from what is typed): never in a
    // password, PIN, hidden or sensitive field, nor where only Latin fits.
    bool pinyin_allowed = true;
    // Caps lock from the start (uppercase hint).
    bool caps_lock = false;
    // Capitalise the first letter of sentences (auto-capitalization hint).
    bool auto_capitalize = false;
};

// Whether two choices give the same keyboard.
inline bool same_layout_choice(const LayoutChoice& a, const LayoutChoice& b) {
    return a.page == b.page && a.variant == b.variant && a.pinyin_allowed == b.pinyin_allowed &&
           a.caps_lock == b.caps_lock && a.auto_capitalize == b.auto_capitalize;
}

// `purpose` as received (unknown values act as Normal).
LayoutChoice choose_layout(std::uint32_t purpose, std::uint32_t hints);

}  // namespace cirrus::keyboard
