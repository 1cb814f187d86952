// The on-screen keyboard's decisions, as plain C++: when the input method is
// activated for a focused text field, where its popup (a candidate window)
// goes, which text from a client may cross to the other side, and the names
// the control socket reports for text-input-v3's purposes and hints.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "geometry.hpp"

namespace cirrus {

// [keyboard] show: auto shows the on-screen keyboard for a focused text
// field when no hardware keyboard is attached; never does not.
enum class KeyboardShow { automatic, never };

// What the seat knows about one keyboard device.
struct KeyboardDeviceFacts {
    bool virtual_keyboard = false;  // zwp_virtual_keyboard_v1 (the on-screen keyboard's own keys, tests)
    bool synthetic = false;         // the compositor's own device for keys injected through the control socket
};

// A keyboard the user can type on: neither a client's virtual keyboard nor
// the compositor's injection device. The nested backend's keyboard and a
// libinput keyboard are; so is a keyboard a test attaches (CONTROL.md).
bool is_hardware_keyboard(const KeyboardDeviceFacts& device);

struct InputMethodFacts {
    KeyboardShow show = KeyboardShow::automatic;
    bool hardware_keyboard = false;   // at least one attached
    bool input_method = false;        // a client holds the seat's zwp_input_method_v2
    bool text_input_enabled = false;  // the focused client's text input is enabled
};

// Whether the input method is to be active (zwp_input_method_v2.activate).
// The app's text input stays enabled either way: with a hardware keyboard it
// types through wl_keyboard as before.
bool input_method_should_be_active(const InputMethodFacts& facts);

// Where the input method's popup surface goes, in layout coordinates: just
// below the text cursor's rectangle `cursor` (layout coordinates), left
// edges aligned; above it when there is no room below; always kept inside
// `output` (as far as a popup larger than the output allows: then its top
// left corner is the output's).
Rect place_input_popup(Rect cursor, Size popup, Rect output);

// Text an application or input method sends through text-input-v3 or
// input-method-v2 is at most this long (both protocols say 4000 bytes), so
// that each event carrying it stays under libwayland's 4096-byte message.
inline constexpr std::size_t kMaxTextInputBytes = 4000;

enum class TextVerdict { ok, too_long, invalid_utf8 };
// Whether `text` may cross: well-formed UTF-8 (protocol_text's reader) of at
// most kMaxTextInputBytes. Control characters are allowed (a commit of "\n"
// is a line break a field may want).
TextVerdict check_text_input_text(std::string_view text);
const char* describe(TextVerdict verdict);

// The surrounding text's cursor and anchor are byte offsets into it: both
// within the text and on character boundaries.
bool valid_surrounding_offsets(std::string_view text, std::uint32_t cursor, std::uint32_t anchor);

// zwp_text_input_v3.content_purpose as a name ("normal", "email", ...), or
// "unknown(N)"; content_hint bits as names in bit order.
std::string text_input_purpose_name(std::uint32_t purpose);
std::vector<std::string> text_input_hint_names(std::uint32_t hints);

}  // namespace cirrus
