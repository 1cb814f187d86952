// What edit mode draws over the home screen: the remove badges, and the
// "Remove <app>?" question with its two buttons.
#pragma once

#include <cairo.h>
#include <string>

#include "home_edit.hpp"

namespace cirrus::shell {

void paint_remove_badge(cairo_t* cr, const Box& badge);
// Dims the home screen and draws the question in `layout`.
void paint_confirm_remove(cairo_t* cr, const HomeGeometry& geometry, const ConfirmLayout& layout,
                          const std::string& app_name);

}  // namespace cirrus::shell
