// The window a nested compositor draws into on a desktop (wlroots' Wayland
// or X11 backend): its title, and on Wayland fixed size hints (min = max),
// so that floating desktops keep it phone-sized and tiling ones float it.
// Nothing on other backends (DRM, headless).
#pragma once

#include <string>

#include "geometry.hpp"
#include "wlr.hpp"

namespace cirrus {

// Sets the title (when not empty) and, with `fixed`, the size hints of the
// nested window behind `output`. Returns what it did, for the log.
std::string configure_nested_window(wlr_output* output, const std::string& title, const Size* fixed);

}  // namespace cirrus
