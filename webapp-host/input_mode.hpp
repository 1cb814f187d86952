// What an <input>'s `inputmode` asks of the on-screen keyboard. WebKitGTK
// 2.50 reads `inputmode` on a <textarea> and contenteditable only; on an
// <input> it goes by the type (and a digits-only `pattern`), so
// `<input inputmode="numeric">` would get the letters. The host learns the
// focused input's mode from a script of its own (focused_field.cpp) and sets
// the purpose itself; this is the rule, as plain C++ (no WebKit).
#pragma once

#include <optional>
#include <string_view>

namespace cirrus::webapp {

// The text-input purposes an `inputmode` maps to (WebKitInputPurpose's and
// text-input-v3's names).
enum class FieldPurpose { normal, digits, number, phone, email, url };

// The script's message: the element's `inputMode` (HTML's keyword, as the
// IDL attribute gives it: lower case, "" when absent or not a keyword),
// then " password" for a password field. nullopt: leave WebKit's purpose
// (no mode; `none`, as text-input-v3 has no way to say "no keyboard"; a
// password field, whose purpose carries the hints that keep what is typed
// out of the keyboard's dictionary, and WebKit's purposes have no PIN; a
// message that is not one of these).
std::optional<FieldPurpose> purpose_for_input_mode(std::string_view message);

}  // namespace cirrus::webapp
