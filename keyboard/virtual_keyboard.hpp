// The keys the keyboard cannot send as text (BackSpace without known
// surrounding text, Return), through zwp_virtual_keyboard_v1 with a US
// keymap uploaded once.
#pragma once

#include <cstdint>

struct zwp_virtual_keyboard_manager_v1;
struct zwp_virtual_keyboard_v1;
struct wl_seat;

namespace cirrus::keyboard {

// evdev key codes (linux/input-event-codes.h)
inline constexpr std::uint32_t kEvdevBackspace = 14;
inline constexpr std::uint32_t kEvdevEnter = 28;

class VirtualKeyboard {
public:
    // False (with a message) when the keymap cannot be made or sent.
    bool create(zwp_virtual_keyboard_manager_v1* manager, wl_seat* seat);
    ~VirtualKeyboard();
    bool ready() const { return keyboard_ != nullptr; }
    // Press and release.
    void tap(std::uint32_t evdev_code, std::uint32_t time_ms);

private:
    zwp_virtual_keyboard_v1* keyboard_ = nullptr;
};

}  // namespace cirrus::keyboard
