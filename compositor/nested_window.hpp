// The window a nested compositor draws into on a desktop (wlroots' Wayland
// or X11 backend): its title, and fixed size hints (min = max),
// so that floating desktops keep it phone-sized and tiling ones float it.
// Nothing on other backends (DRM, headless).
#pragma once

#include <optional>
#include <string>

#include "geometry.hpp"
#include "wlr.hpp"

namespace cirrus {

// Sets the title (when not empty) and, with `fixed`, the size hints of the
// nested window behind `output`. Returns what it did, for the log.
std::string configure_nested_window(wlr_output* output, const std::string& title, const Size* fixed);

// On X11 the size hints go through a connection of Cirrus's own, so they can
// be set only once wlroots has flushed the window's creation: call this after
// the output's frames until it answers. Nullopt: the window is not on the
// display yet; else what it did, for the log. `x_display` names the
// desktop's display (the compositor's own clients do not inherit DISPLAY).
std::optional<std::string> set_x11_size_hints(wlr_output* output, const Size& fixed, const std::string& x_display);

}  // namespace cirrus
