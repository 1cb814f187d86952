// One layer-shell surface of the shell (the status bar, the home screen):
// its configure handshake, buffer scale, buffer pool and redraw scheduling.
//
// Redraws happen only for damage: content calls damage() for what changed,
// and the surface draws that region once per batch of events (flush(), run
// by the event loop before it waits). Each drawn frame asks for a frame
// callback; until it comes, new damage waits (one frame per display
// refresh while a finger moves or an animation runs), and a callback that
// finds nothing new ends the chain, so an idle shell does not wake up.
#pragma once

#include <cairo.h>

#include <cstdint>
#include <memory>
#include <set>
#include <string>

#include "home_layout.hpp"
#include "shm_buffer.hpp"
#include "wayland_client.hpp"

struct zwlr_layer_surface_v1;

namespace cirrus::shell {

// What a surface shows. Coordinates are logical pixels.
class SurfaceContent : public InputTarget {
public:
    // A new logical size or buffer scale: lay out. The whole surface is
    // redrawn afterwards.
    virtual void layout(int width, int height, int scale) = 0;
    // Paints the surface. `cr` is scaled to logical pixels and clipped to
    // what must be repainted; painting outside the clip is wasted, not wrong.
    virtual void draw(cairo_t* cr) = 0;
    // A frame callback came (time in ms, CLOCK_MONOTONIC like input event
    // times): advance animations and damage what moved. The surface asks for
    // a callback with every frame it draws, so frames keep coming exactly as
    // long as each one damages something, and stop when the content is idle.
    virtual void frame(std::uint32_t) {}

    void press(int, double, double, std::uint32_t) override {}
    void move(int, double, double, std::uint32_t) override {}
    void release(int, std::uint32_t) override {}
    void cancel() override {}
};

class LayerSurface {
public:
    struct Config {
        std::uint32_t layer = 0;   // zwlr_layer_shell_v1.layer
        std::uint32_t anchor = 0;  // zwlr_layer_surface_v1.anchor bits
        int width = 0;             // 0: stretch between the anchors
        int height = 0;
        int exclusive_zone = 0;
        std::string name_space;
        bool opaque = true;  // XRGB buffers and an opaque region
        // zwlr_layer_surface_v1.keyboard_interactivity: none, or exclusive
        // for the lock screen (no app gets a key while it is up).
        std::uint32_t keyboard_interactivity = 0;
    };

    // Creates and commits the surface (its first configure follows); throws
    // ShellError if the compositor refuses.
    LayerSurface(WaylandClient& client, const Config& config, SurfaceContent& content);
    ~LayerSurface();
    LayerSurface(const LayerSurface&) = delete;
    LayerSurface& operator=(const LayerSurface&) = delete;

    void damage(const Box& logical);
    void damage_all();
    // Draws the pending damage now and commits, even while a frame callback
    // is pending (for feedback that must reach the screen in this dispatch,
    // like a pressed icon). False if not configured or no buffer is free.
    bool draw_now();
    // The loop's per-batch hook: draws pending damage unless a frame
    // callback is on its way (the callback draws it then).
    void flush();
    // Call after outputs change scale: redraws at the new scale.
    void update_scale();
    // Input goes to this surface only inside `logical` (a banner's card,
    // not the clear margin around it); effective with the next commit.
    void set_input_region(const Box& logical);

    int width() const { return width_; }
    int height() const { return height_; }
    int scale() const { return scale_; }
    bool configured() const { return configured_; }
    std::size_t buffer_count() const { return pool_.size(); }

private:
    static void handle_configure(void* data, zwlr_layer_surface_v1* surface, std::uint32_t serial, std::uint32_t width,
                                 std::uint32_t height);
    static void handle_closed(void* data, zwlr_layer_surface_v1* surface);
    static void handle_enter(void* data, wl_surface* surface, wl_output* output);
    static void handle_leave(void* data, wl_surface* surface, wl_output* output);
    static void handle_frame_done(void* data, wl_callback* callback, std::uint32_t time);
    int wanted_scale() const;
    void request_frame();
    void destroy();
    void apply_size(int width, int height, int scale);

    WaylandClient& client_;
    Config config_;
    SurfaceContent& content_;
    wl_surface* surface_ = nullptr;
    zwlr_layer_surface_v1* layer_surface_ = nullptr;
    wl_callback* frame_callback_ = nullptr;
    BufferPool pool_;
    std::set<wl_output*> entered_;
    cairo_region_t* damage_ = nullptr;  // buffer pixels, since the last commit
    int width_ = 0;
    int height_ = 0;
    int scale_ = 1;
    bool configured_ = false;
    bool ack_pending_ = false;  // a configure acked but not yet committed
};

}  // namespace cirrus::shell
