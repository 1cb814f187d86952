// wl_shm buffers that Cairo draws into, and a small pool of them per surface.
//
// Double buffering with partial redraws: the compositor holds the buffer it
// shows until we commit another and it lets go (wl_buffer.release), so we
// draw into a released one. A reused buffer still shows an older frame: each
// buffer keeps the region that changed since it was last drawn ("stale"),
// and the next draw into it repaints that region plus the new damage, while
// the compositor is told only the new damage.
#pragma once

#include <cairo.h>
#include <wayland-client.h>

#include <cstddef>
#include <memory>
#include <vector>

namespace cirrus::shell {

class ShmBuffer {
public:
    // A buffer of width x height pixels, XRGB8888 when opaque, else
    // premultiplied ARGB8888 (Cairo's RGB24 and ARGB32). Null (with a message
    // on stderr) if memory or the compositor refuses.
    static std::unique_ptr<ShmBuffer> create(wl_shm* shm, int width, int height, bool opaque);
    ~ShmBuffer();
    ShmBuffer(const ShmBuffer&) = delete;
    ShmBuffer& operator=(const ShmBuffer&) = delete;

    wl_buffer* buffer() const { return buffer_; }
    cairo_surface_t* surface() const { return surface_; }
    int width() const { return width_; }
    int height() const { return height_; }
    bool busy() const { return busy_; }
    void set_busy() { busy_ = true; }
    // Pixels (buffer coordinates) that no longer match the latest frame.
    cairo_region_t* stale() const { return stale_; }

    // Of an old size: freed once the compositor releases it.
    bool orphaned() const { return orphaned_; }
    void orphan() { orphaned_ = true; }

private:
    ShmBuffer() = default;
    static void handle_release(void* data, wl_buffer* buffer);

    wl_buffer* buffer_ = nullptr;
    cairo_surface_t* surface_ = nullptr;
    void* data_ = nullptr;
    std::size_t size_ = 0;
    int width_ = 0;
    int height_ = 0;
    bool busy_ = false;
    bool orphaned_ = false;
    cairo_region_t* stale_ = nullptr;
};

class BufferPool {
public:
    // At most this many buffers: two alternate; a third covers a compositor
    // that holds one a little longer (e.g. a screenshot in progress).
    static constexpr std::size_t kMaxBuffers = 3;

    BufferPool(wl_shm* shm, bool opaque) : shm_(shm), opaque_(opaque) {}
    ~BufferPool();
    BufferPool(const BufferPool&) = delete;
    BufferPool& operator=(const BufferPool&) = delete;

    // Drops every buffer of another size (those the compositor holds go when
    // it releases them).
    void resize(int width, int height);
    // A buffer the compositor does not hold, or null when all are held (draw
    // later, on the next release or frame) or one cannot be created.
    ShmBuffer* acquire();
    // After drawing `damage` into `drawn`: it is up to date, the others are
    // stale there too.
    void drawn(ShmBuffer* drawn, const cairo_region_t* damage);
    // Frees the buffers the compositor does not hold, except `keep` (when idle).
    void trim(const ShmBuffer* keep);
    std::size_t size() const { return buffers_.size(); }

private:
    // Frees the orphans the compositor has released.
    void collect();

    wl_shm* shm_;
    bool opaque_;
    int width_ = 0;
    int height_ = 0;
    std::vector<std::unique_ptr<ShmBuffer>> buffers_;
};

}  // namespace cirrus::shell
