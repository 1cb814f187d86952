// Renders what an output shows to a PNG file, independently of the frame
// loop, so that a screenshot never needs (or causes) a frame on screen.
#pragma once

#include <string>

struct wlr_allocator;
struct wlr_buffer;

namespace cirrus {

class Server;
class Output;

struct ScreenshotResult {
    int width = 0;
    int height = 0;
    std::string error;  // empty on success
};

ScreenshotResult write_screenshot(Server& server, Output& output, const std::string& path);

// An ARGB8888 buffer the renderer can draw into and read back (linear where
// the allocator can, for a cheap read-back); null on failure. Drop it with
// wlr_buffer_drop. Shared with the switcher's thumbnails (thumbnail.cpp).
wlr_buffer* create_render_buffer(wlr_allocator* allocator, int width, int height);

// Makes the textures of scene buffers not yet shown on an output (a splash
// put up a moment ago). Call before rendering the scene outside the frame
// loop: wlroots 0.15 makes them lazily, and making a texture while the
// renderer is rendering is an assertion failure.
void upload_pending_scene_textures(Server& server);

}  // namespace cirrus
