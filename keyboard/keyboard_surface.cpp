#include "keyboard_surface.hpp"

#include <wayland-client.h>

#include <cmath>
#include <cstdio>

#include "drawing.hpp"
#include "keyboard_model.hpp"
#include "protocols.hpp"

namespace cirrus::keyboard {

KeyboardSurface::KeyboardSurface(const Globals& globals, KeyboardModel& model) : globals_(globals), model_(model) {}

KeyboardSurface::~KeyboardSurface() { hide(); }

bool KeyboardSurface::show(int height, int scale) {
    if (layer_surface_) return true;
    surface_ = wl_compositor_create_surface(globals_.compositor);
    if (!surface_) return false;
    layer_surface_ = zwlr_layer_shell_v1_get_layer_surface(globals_.layer_shell, surface_, nullptr,
                                                           ZWLR_LAYER_SHELL_V1_LAYER_TOP, "cirrus-keyboard");
    if (!layer_surface_) {
        std::fprintf(stderr, "cirrus-keyboard: the compositor refused a layer surface\n");
        wl_surface_destroy(surface_);
        surface_ = nullptr;
        return false;
    }
    static const zwlr_layer_surface_v1_listener listener = {handle_configure, handle_closed};
    zwlr_layer_surface_v1_add_listener(layer_surface_, &listener, this);
    height_ = height;
    scale_ = scale;
    zwlr_layer_surface_v1_set_anchor(layer_surface_, ZWLR_LAYER_SURFACE_V1_ANCHOR_BOTTOM |
                                                         ZWLR_LAYER_SURFACE_V1_ANCHOR_LEFT |
                                                         ZWLR_LAYER_SURFACE_V1_ANCHOR_RIGHT);
    zwlr_layer_surface_v1_set_size(layer_surface_, 0, static_cast<std::uint32_t>(height));
    zwlr_layer_surface_v1_set_exclusive_zone(layer_surface_, height);
    zwlr_layer_surface_v1_set_keyboard_interactivity(layer_surface_, ZWLR_LAYER_SURFACE_V1_KEYBOARD_INTERACTIVITY_NONE);
    wl_surface_set_buffer_scale(surface_, scale);
    wl_surface_commit(surface_);  // the initial commit: a configure follows
    return true;
}

void KeyboardSurface::hide() {
    if (frame_callback_) wl_callback_destroy(frame_callback_);
    frame_callback_ = nullptr;
    if (layer_surface_) zwlr_layer_surface_v1_destroy(layer_surface_);
    layer_surface_ = nullptr;
    if (surface_) wl_surface_destroy(surface_);
    surface_ = nullptr;
    // The compositor lets go of buffers of a destroyed surface.
    buffers_.clear();
    configured_ = false;
    mapped_ = false;
    width_ = 0;
}

void KeyboardSurface::handle_configure(void* data, zwlr_layer_surface_v1* layer, std::uint32_t serial,
                                       std::uint32_t width, std::uint32_t height) {
    auto* self = static_cast<KeyboardSurface*>(data);
    zwlr_layer_surface_v1_ack_configure(layer, serial);
    self->configured_ = true;
    self->width_ = static_cast<int>(width);
    self->configured_height_ = static_cast<int>(height);
    if (self->on_width) self->on_width(self->on_width_data, self->width_);
    const int wanted = static_cast<int>(std::lround(self->model_.geometry().height));
    if (wanted > 0 && wanted != self->height_) {
        // The keyboard's height follows its width (landscape, another
        // screen): ask again; the next configure draws.
        self->height_ = wanted;
        zwlr_layer_surface_v1_set_size(layer, 0, static_cast<std::uint32_t>(wanted));
        zwlr_layer_surface_v1_set_exclusive_zone(layer, wanted);
        wl_surface_commit(self->surface_);
        return;
    }
    self->must_draw_ = true;
    self->flush();
}

void KeyboardSurface::handle_closed(void* data, zwlr_layer_surface_v1*) {
    // The output went away: shown again on the next activate.
    static_cast<KeyboardSurface*>(data)->hide();
}

void KeyboardSurface::handle_frame_done(void* data, wl_callback* callback, std::uint32_t) {
    auto* self = static_cast<KeyboardSurface*>(data);
    wl_callback_destroy(callback);
    self->frame_callback_ = nullptr;
    // Nothing changed since: the chain ends here (no frames while idle).
    self->flush();
}

ShmBuffer* KeyboardSurface::free_buffer() {
    const int w = width_ * scale_;
    const int h = configured_height_ * scale_;
    for (auto it = buffers_.begin(); it != buffers_.end();) {
        if (((*it)->width() != w || (*it)->height() != h) && !(*it)->busy()) {
            it = buffers_.erase(it);
        } else {
            ++it;
        }
    }
    for (auto& b : buffers_)
        if (!b->busy() && b->width() == w && b->height() == h) return b.get();
    if (buffers_.size() >= 3) return nullptr;  // all held: the release or frame draws
    auto buffer = ShmBuffer::create(globals_.shm, w, h);
    if (!buffer) return nullptr;
    buffers_.push_back(std::move(buffer));
    return buffers_.back().get();
}

bool KeyboardSurface::flush() {
    if (!configured_ || frame_callback_ || width_ <= 0 || configured_height_ <= 0) return false;
    const bool dirty = model_.take_dirty();
    if (!dirty && !must_draw_) return false;
    ShmBuffer* buffer = free_buffer();
    if (!buffer) {
        must_draw_ = true;
        return false;
    }
    must_draw_ = false;
    cairo_t* cr = cairo_create(buffer->surface());
    cairo_scale(cr, scale_, scale_);
    draw_keyboard(cr, model_);
    cairo_destroy(cr);
    cairo_surface_flush(buffer->surface());
    static const wl_callback_listener frame_listener = {handle_frame_done};
    frame_callback_ = wl_surface_frame(surface_);
    if (frame_callback_) wl_callback_add_listener(frame_callback_, &frame_listener, this);
    wl_surface_set_buffer_scale(surface_, scale_);
    wl_surface_attach(surface_, buffer->buffer(), 0, 0);
    wl_surface_damage_buffer(surface_, 0, 0, buffer->width(), buffer->height());
    buffer->set_busy();
    wl_surface_commit(surface_);
    mapped_ = true;
    ++frames_;
    return true;
}

}  // namespace cirrus::keyboard
