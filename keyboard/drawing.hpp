// Paints the keyboard model with Cairo and Pango: the program into its
// wl_shm buffer, the screenshot tests into an image surface, the same code.
#pragma once

#include <cairo.h>

#include <string>

#include "keyboard_model.hpp"

namespace cirrus::keyboard {

// 0xRRGGBB colours of the keyboard.
inline constexpr std::uint32_t kBackgroundRgb = 0x1c1f24;
inline constexpr std::uint32_t kKeyRgb = 0x3a3f47;
inline constexpr std::uint32_t kSpecialKeyRgb = 0x2a2e35;
inline constexpr std::uint32_t kPressedKeyRgb = 0x5b6470;
inline constexpr std::uint32_t kActiveRgb = 0x2f7f86;  // shift on, 中 on, the highlighted candidate
inline constexpr std::uint32_t kLabelRgb = 0xf2f4f7;
inline constexpr std::uint32_t kBubbleRgb = 0x5b6470;

// Logical width of `text` in the candidate bar's font.
double measure_candidate(const std::string& text);

// Paints everything; `cr` is in logical pixels (scaled for the buffer).
void draw_keyboard(cairo_t* cr, const KeyboardModel& model);

}  // namespace cirrus::keyboard
