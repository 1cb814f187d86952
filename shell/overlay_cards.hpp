// What the overlays draw of the text the compositor sends (a notification's
// app, title and body; a permission question's sentence; an app's title on
// its switcher card), as functions of that text alone: no surface, no
// registry. The overlays call them with the names and icons they looked up;
// the shell-events fuzzer (tests/fuzz/fuzz_shell_events.cpp) calls them with
// hostile strings. All coordinates are logical px on a context already
// scaled to the buffer scale.
#pragma once

#include <cairo.h>

#include <string>

#include "banner_queue.hpp"
#include "home_layout.hpp"
#include "permission_model.hpp"

namespace cirrus::shell {

// The banner's card for `notice`, at rest, on a clear band of the geometry's
// size; `icon` is the app's (or a placeholder), icon.width * scale px square.
void draw_banner_card(cairo_t* cr, const BannerGeometry& geometry, int scale, const Notice& notice,
                      const std::string& app_name, cairo_surface_t* icon);

// The dimmed screen and the dialog asking `sentence`; `pressed` is the
// button drawn pressed (geometry.deny or geometry.allow), or null.
void draw_permission_dialog(cairo_t* cr, const PromptGeometry& geometry, const std::string& sentence,
                            const Box* pressed);

// The same dialog with other buttons (the install sheet's Cancel and Add).
void draw_dialog(cairo_t* cr, const PromptGeometry& geometry, const std::string& sentence, const Box* pressed,
                 const std::string& left_button, const std::string& right_button);

// One row of the lock screen's notification list.
void draw_lock_notification_row(cairo_t* cr, const Box& row, const std::string& app_name, const Notice& notice);

// A switcher card's name, in the header above its frame, in a box of
// width x height at the origin.
void draw_switcher_card_name(cairo_t* cr, const std::string& name, int width, int height, int font_px);

}  // namespace cirrus::shell
