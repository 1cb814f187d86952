// The switcher's cards: an app's last frame, rendered scaled into a wl_shm
// buffer the shell hands over (cirrus_shell_v1.capture_app, answered on a
// cirrus_app_capture_v1 object, like a screencopy frame but of one app).
//
// wlroots 0.15 can neither scale a surface in the scene nor capture less than
// a whole output, so the compositor draws the app's surface textures itself:
// into a render buffer of the shm buffer's size (any renderer, pixman or
// GLES2), then reads the pixels back into the shm buffer.
//
// A discarded app has no window (its host ended to free its memory): its
// last frame is kept as a PNG file when it is discarded (save_app_frame) and
// its card is drawn from that file until it is back.
//
// On demand, not a snapshot taken whenever an app leaves the front (as iOS
// does). wlroots keeps the texture of a surface's last committed buffer for
// as long as the surface lives, hidden or not (the policy only disables the
// scene node; a hidden window gets no frame callbacks, so it does not even
// draw again). Every app that has a card therefore still has its last frame
// here; an app without a mapped window has no frame to snapshot either (its
// splash is up). A snapshot on every app switch would cost a scaled render
// and a card-sized buffer per app, on every switch, for the rare case where
// the user then opens the switcher; on demand it is one render per card,
// only when the switcher opens, and nothing while the phone is used.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "wlr.hpp"

namespace cirrus {

class Server;

enum class CaptureFailure : std::uint32_t { unknown_app = 0, no_content = 1, bad_buffer = 2, render_failed = 3 };

struct ThumbnailResult {
    bool ok = false;
    std::uint32_t width = 0;  // the part of the buffer the window covers
    std::uint32_t height = 0;
    CaptureFailure failure = CaptureFailure::render_failed;
    std::string message;  // for logs, when !ok
};

// Renders the app's window (its topmost app window with its subsurfaces,
// popups and dialogs, cut to its window geometry) scaled to fit the buffer,
// at its top-left; the rest is cleared to transparent.
ThumbnailResult render_thumbnail(Server& server, const std::string& app, wl_resource* shm_buffer);

// Writes the app's window as it last showed it, at its own size, to `png`
// (through a file beside it, renamed: a crash leaves the old one or none).
// The error, for logs, when it cannot.
std::string save_app_frame(Server& server, const std::string& app, const std::filesystem::path& png);

// cirrus_shell_v1.capture_app: creates the cirrus_app_capture_v1 `id` of
// the shell's client and ends it at once with ready or failed.
void capture_app(Server& server, wl_resource* shell_resource, std::uint32_t id, const std::string& app,
                 wl_resource* buffer);

}  // namespace cirrus
