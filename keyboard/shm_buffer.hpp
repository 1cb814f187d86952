// One wl_shm buffer that Cairo draws into (the shell's shm_buffer has the
// same idea with partial redraws; the keyboard redraws whole frames, which
// are small, so it keeps only this).
#pragma once

#include <cairo.h>
#include <wayland-client.h>

#include <cstddef>
#include <memory>

namespace cirrus::keyboard {

class ShmBuffer {
public:
    // XRGB8888 (Cairo RGB24), width x height pixels; null (with a message on
    // stderr) if memory or the compositor refuses.
    static std::unique_ptr<ShmBuffer> create(wl_shm* shm, int width, int height);
    ~ShmBuffer();
    ShmBuffer(const ShmBuffer&) = delete;
    ShmBuffer& operator=(const ShmBuffer&) = delete;

    wl_buffer* buffer() const { return buffer_; }
    cairo_surface_t* surface() const { return surface_; }
    int width() const { return width_; }
    int height() const { return height_; }
    // Held by the compositor from attach until wl_buffer.release.
    bool busy() const { return busy_; }
    void set_busy() { busy_ = true; }

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
};

}  // namespace cirrus::keyboard
