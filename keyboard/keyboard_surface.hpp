// The keyboard's layer-shell surface: on the top layer, anchored to the
// bottom, left and right, its exclusive zone its height (apps get a
// configure with the smaller work area), no keyboard focus. It exists only
// while the keyboard is shown: hide() destroys it with its buffers, so a
// hidden keyboard holds no pixels and draws nothing.
#pragma once

#include <memory>
#include <vector>

#include "shm_buffer.hpp"

struct wl_compositor;
struct wl_shm;
struct wl_surface;
struct wl_callback;
struct zwlr_layer_shell_v1;
struct zwlr_layer_surface_v1;

namespace cirrus::keyboard {

class KeyboardModel;

class KeyboardSurface {
public:
    struct Globals {
        wl_compositor* compositor = nullptr;
        wl_shm* shm = nullptr;
        zwlr_layer_shell_v1* layer_shell = nullptr;
    };
    // `on_configured(width)`: the compositor gave the surface this width (lay
    // the model out; then call set_height if it changed).
    KeyboardSurface(const Globals& globals, KeyboardModel& model);
    ~KeyboardSurface();
    KeyboardSurface(const KeyboardSurface&) = delete;
    KeyboardSurface& operator=(const KeyboardSurface&) = delete;

    // Creates the surface at this height (the model's height for the screen
    // width); it maps with its first frame after the configure.
    bool show(int height, int scale);
    void hide();
    bool shown() const { return layer_surface_ != nullptr; }
    bool mapped() const { return mapped_; }
    wl_surface* surface() const { return surface_; }
    int width() const { return width_; }
    int height() const { return height_; }
    // Draws if the model changed and no frame is in flight. Returns true
    // when a frame was committed.
    bool flush();
    long frames() const { return frames_; }

    // Set by the client: called with the configured width before drawing.
    void (*on_width)(void* data, int width) = nullptr;
    void* on_width_data = nullptr;

private:
    static void handle_configure(void* data, zwlr_layer_surface_v1*, std::uint32_t serial, std::uint32_t width,
                                 std::uint32_t height);
    static void handle_closed(void* data, zwlr_layer_surface_v1*);
    static void handle_frame_done(void* data, wl_callback* callback, std::uint32_t time);
    ShmBuffer* free_buffer();

    Globals globals_;
    KeyboardModel& model_;
    wl_surface* surface_ = nullptr;
    zwlr_layer_surface_v1* layer_surface_ = nullptr;
    wl_callback* frame_callback_ = nullptr;
    std::vector<std::unique_ptr<ShmBuffer>> buffers_;
    int width_ = 0;
    int height_ = 0;  // asked for
    int configured_height_ = 0;
    int scale_ = 1;
    bool configured_ = false;
    bool mapped_ = false;
    bool must_draw_ = false;  // a configure came: draw even if the model is clean
    long frames_ = 0;
};

}  // namespace cirrus::keyboard
