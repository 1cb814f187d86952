#include "content_type.hpp"

namespace cirrus::keyboard {

LayoutChoice choose_layout(std::uint32_t purpose_value, std::uint32_t hints) {
    LayoutChoice choice;
    const Purpose purpose = purpose_value <= static_cast<std::uint32_t>(Purpose::Terminal)
                                ? static_cast<Purpose>(purpose_value)
                                : Purpose::Normal;
    switch (purpose) {
    case Purpose::Digits:
    case Purpose::Number:
    case Purpose::Pin:
        choice.page = Page::NumberPad;
        break;
    case Purpose::Phone:
        choice.page = Page::PhonePad;
        break;
    // Digits with - / : separators: the numbers-and-symbols page has them all.
    case Purpose::Date:
    case Purpose::Time:
    case Purpose::Datetime:
        choice.page = Page::Symbols;
        break;
    case Purpose::Url:
        choice.variant = Variant::Url;
        break;
    case Purpose::Email:
        choice.variant = Variant::Email;
        break;
    default:
        break;
    }
    const bool sensitive = purpose == Purpose::Password || purpose == Purpose::Pin ||
                           (hints & (hint::kHiddenText | hint::kSensitiveData)) != 0;
    // E-mail addresses are Latin; a terminal takes commands.
    choice.pinyin_allowed = !sensitive && (hints & hint::kLatin) == 0 && purpose != Purpose::Email &&
                            purpose != Purpose::Terminal && choice.page == Page::Letters;
    choice.caps_lock = (hints & hint::kUppercase) != 0;
    choice.auto_capitalize = !sensitive && (hints & (hint::kAutoCapitalization | hint::kTitlecase)) != 0 &&
                             (hints & (hint::kLowercase | hint::kUppercase)) == 0;
    return choice;
}

}  // namespace cirrus::keyboard
