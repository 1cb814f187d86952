#include "layer_surface.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "protocols.hpp"

namespace cirrus::shell {

namespace {

// Benchmark hook (bench/m5_shell_frames.py): with CIRRUS_SHELL_FRAME_LOG=FILE
// every frame drawn appends "namespace start_us wall_us cpu_us" (start in
// CLOCK_MONOTONIC; buffer, draw, attach, damage and commit). Off: one getenv.
std::FILE* frame_log() {
    static std::FILE* const log = [] {
        const char* path = std::getenv("CIRRUS_SHELL_FRAME_LOG");
        return path && *path ? std::fopen(path, "ae") : nullptr;
    }();
    return log;
}

long long clock_us(clockid_t clock) {
    timespec t{};
    clock_gettime(clock, &t);
    return static_cast<long long>(t.tv_sec) * 1000000 + t.tv_nsec / 1000;
}

}  // namespace

LayerSurface::LayerSurface(WaylandClient& client, const Config& config, SurfaceContent& content)
    : client_(client), config_(config), content_(content), pool_(client.shm(), config.opaque) {
    damage_ = cairo_region_create();
    surface_ = wl_compositor_create_surface(client_.compositor());
    if (surface_) {
        layer_surface_ = zwlr_layer_shell_v1_get_layer_surface(client_.layer_shell(), surface_, nullptr, config_.layer,
                                                               config_.name_space.c_str());
    }
    if (!surface_ || !layer_surface_) {
        destroy();  // no destructor runs for an object whose constructor throws
        throw ShellError("cannot create the layer surface " + config_.name_space + " (out of memory?)");
    }
    static const wl_surface_listener surface_listener = {handle_enter, handle_leave};
    wl_surface_add_listener(surface_, &surface_listener, this);
    static const zwlr_layer_surface_v1_listener layer_listener = {handle_configure, handle_closed};
    zwlr_layer_surface_v1_add_listener(layer_surface_, &layer_listener, this);
    zwlr_layer_surface_v1_set_size(layer_surface_, static_cast<uint32_t>(config_.width),
                                   static_cast<uint32_t>(config_.height));
    zwlr_layer_surface_v1_set_anchor(layer_surface_, config_.anchor);
    zwlr_layer_surface_v1_set_exclusive_zone(layer_surface_, config_.exclusive_zone);
    zwlr_layer_surface_v1_set_keyboard_interactivity(layer_surface_, config_.keyboard_interactivity);
    client_.set_input_target(surface_, &content_);
    scale_ = wanted_scale();
    // The initial commit, without a buffer, asks for the first configure.
    wl_surface_commit(surface_);
}

LayerSurface::~LayerSurface() { destroy(); }

void LayerSurface::destroy() {
    // Children before parents: the callback and role object, then the surface.
    if (surface_) client_.set_input_target(surface_, nullptr);
    if (frame_callback_) wl_callback_destroy(frame_callback_);
    if (layer_surface_) zwlr_layer_surface_v1_destroy(layer_surface_);
    if (surface_) wl_surface_destroy(surface_);
    if (damage_) cairo_region_destroy(damage_);
    frame_callback_ = nullptr;
    layer_surface_ = nullptr;
    surface_ = nullptr;
    damage_ = nullptr;
}

int LayerSurface::wanted_scale() const {
    // The largest scale of the outputs it is on, so that it is sharp on all;
    // before it is on one, the largest there is (a phone has one).
    int scale = 0;
    for (wl_output* proxy : entered_) {
        if (const Output* o = client_.output_for(proxy)) scale = std::max(scale, o->scale);
    }
    return scale > 0 ? scale : client_.max_output_scale();
}

void LayerSurface::apply_size(int width, int height, int scale) {
    const bool changed = width != width_ || height != height_ || scale != scale_ || !configured_;
    width_ = width;
    height_ = height;
    scale_ = scale;
    if (!changed) return;
    pool_.resize(width_ * scale_, height_ * scale_);
    if (config_.opaque) {
        // Lets the compositor skip what is below us.
        if (wl_region* region = wl_compositor_create_region(client_.compositor())) {
            wl_region_add(region, 0, 0, width_, height_);
            wl_surface_set_opaque_region(surface_, region);
            wl_region_destroy(region);
        }
    }
    content_.layout(width_, height_, scale_);
    damage_all();
}

void LayerSurface::handle_configure(void* data, zwlr_layer_surface_v1* layer_surface, uint32_t serial, uint32_t width,
                                    uint32_t height) {
    auto& self = *static_cast<LayerSurface*>(data);
    self.client_.guard("layer surface configure", [&] {
        zwlr_layer_surface_v1_ack_configure(layer_surface, serial);
        // A dimension we did not fix comes from the compositor; one we fixed
        // and the compositor left at 0 keeps our size.
        const int w = width ? static_cast<int>(width) : std::max(self.config_.width, 1);
        const int h = height ? static_cast<int>(height) : std::max(self.config_.height, 1);
        self.apply_size(w, h, self.wanted_scale());
        self.configured_ = true;
        self.ack_pending_ = true;
        // The ack takes effect with the next commit: draw now (the first
        // configure needs a buffer to map).
        if (!self.draw_now()) {
            wl_surface_commit(self.surface_);
            self.ack_pending_ = false;
        }
    });
}

void LayerSurface::handle_closed(void* data, zwlr_layer_surface_v1*) {
    auto& self = *static_cast<LayerSurface*>(data);
    // The compositor removed it (its output went away): the compositor
    // restarts the shell, which makes new surfaces.
    self.client_.fail("the compositor closed the " + self.config_.name_space + " surface");
}

void LayerSurface::handle_enter(void* data, wl_surface*, wl_output* output) {
    auto& self = *static_cast<LayerSurface*>(data);
    self.client_.guard("wl_surface.enter", [&] {
        self.entered_.insert(output);
        self.update_scale();
    });
}

void LayerSurface::handle_leave(void* data, wl_surface*, wl_output* output) {
    auto& self = *static_cast<LayerSurface*>(data);
    self.entered_.erase(output);
    self.client_.guard("wl_surface.leave", [&] { self.update_scale(); });
}

void LayerSurface::update_scale() {
    // Outputs that went away are no longer entered.
    std::erase_if(entered_, [this](wl_output* o) { return client_.output_for(o) == nullptr; });
    const int scale = wanted_scale();
    if (scale == scale_) return;
    if (configured_) apply_size(width_, height_, scale);  // redrawn whole at the new scale
    else scale_ = scale;                                  // the first configure lays out at it
}

void LayerSurface::set_input_region(const Box& logical) {
    wl_region* region = wl_compositor_create_region(client_.compositor());
    if (!region) return;
    wl_region_add(region, logical.x, logical.y, logical.width, logical.height);
    wl_surface_set_input_region(surface_, region);
    wl_region_destroy(region);
}

void LayerSurface::damage(const Box& logical) {
    if (logical.empty()) return;
    // Buffer pixels, rounded outwards.
    const cairo_rectangle_int_t r{logical.x * scale_, logical.y * scale_, logical.width * scale_,
                                  logical.height * scale_};
    cairo_region_union_rectangle(damage_, &r);
    const cairo_rectangle_int_t all{0, 0, width_ * scale_, height_ * scale_};
    cairo_region_intersect_rectangle(damage_, &all);
}

void LayerSurface::damage_all() { damage({0, 0, width_, height_}); }

void LayerSurface::handle_frame_done(void* data, wl_callback* callback, uint32_t time) {
    auto& self = *static_cast<LayerSurface*>(data);
    wl_callback_destroy(callback);
    self.frame_callback_ = nullptr;
    self.client_.guard("frame", [&] {
        self.content_.frame(time);
        if (!cairo_region_is_empty(self.damage_)) {
            self.draw_now();
        } else {
            // Idle from here: keep only the buffer on screen. The next change
            // allocates a fresh one, cheaper than keeping a spare whole-screen
            // buffer for every minute the phone sits still.
            self.pool_.trim(nullptr);
        }
    });
}

void LayerSurface::request_frame() {
    frame_callback_ = wl_surface_frame(surface_);
    static const wl_callback_listener frame_listener = {handle_frame_done};
    if (frame_callback_) wl_callback_add_listener(frame_callback_, &frame_listener, this);
}

void LayerSurface::flush() {
    if (!configured_ || frame_callback_) return;
    if (!cairo_region_is_empty(damage_)) draw_now();
}

bool LayerSurface::draw_now() {
    if (!configured_) return false;
    if (cairo_region_is_empty(damage_) && !ack_pending_) return false;
    std::FILE* const log = frame_log();
    const long long wall0 = log ? clock_us(CLOCK_MONOTONIC) : 0, cpu0 = log ? clock_us(CLOCK_THREAD_CPUTIME_ID) : 0;
    ShmBuffer* buffer = pool_.acquire();
    if (!buffer) return false;  // all held: the next release or frame retries

    // Repaint the new damage plus whatever this buffer missed meanwhile.
    cairo_region_t* paint = cairo_region_copy(buffer->stale());
    cairo_region_union(paint, damage_);
    if (!cairo_region_is_empty(paint)) {
        cairo_t* cr = cairo_create(buffer->surface());
        const int rects = cairo_region_num_rectangles(paint);
        for (int i = 0; i < rects; ++i) {
            cairo_rectangle_int_t r;
            cairo_region_get_rectangle(paint, i, &r);
            cairo_rectangle(cr, r.x, r.y, r.width, r.height);
        }
        cairo_clip(cr);
        cairo_scale(cr, scale_, scale_);
        content_.draw(cr);
        cairo_destroy(cr);
        cairo_surface_flush(buffer->surface());
    }
    cairo_region_destroy(paint);

    wl_surface_set_buffer_scale(surface_, scale_);
    wl_surface_attach(surface_, buffer->buffer(), 0, 0);
    const int rects = cairo_region_num_rectangles(damage_);
    for (int i = 0; i < rects; ++i) {
        cairo_rectangle_int_t r;
        cairo_region_get_rectangle(damage_, i, &r);
        wl_surface_damage_buffer(surface_, r.x, r.y, r.width, r.height);
    }
    if (!frame_callback_) request_frame();
    wl_surface_commit(surface_);
    buffer->set_busy();
    pool_.drawn(buffer, damage_);
    cairo_region_subtract(damage_, damage_);
    ack_pending_ = false;
    if (log) {
        const long long wall = clock_us(CLOCK_MONOTONIC) - wall0, cpu = clock_us(CLOCK_THREAD_CPUTIME_ID) - cpu0;
        std::fprintf(log, "%s %lld %lld %lld\n", config_.name_space.c_str(), wall0, wall, cpu);
        std::fflush(log);
    }
    return true;
}

}  // namespace cirrus::shell
