// A wlr_buffer whose pixels are a Cairo image surface, for what the compositor
// draws itself (the launch splash). The scene holds its own reference, so the
// owner may drop the buffer as soon as a scene node shows it.
#pragma once

#include <cairo.h>

#include "wlr.hpp"

namespace cirrus {

// A new ARGB32 buffer of width x height pixels, cleared to transparent, with
// `*cairo` set to a context drawing into it (the caller destroys the context
// before handing the buffer to the scene). Null on failure.
wlr_buffer* create_cairo_buffer(int width, int height, cairo_t** cairo);

}  // namespace cirrus
