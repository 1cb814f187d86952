#include "shm_buffer.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

namespace cirrus::shell {

std::unique_ptr<ShmBuffer> ShmBuffer::create(wl_shm* shm, int width, int height, bool opaque) {
    const cairo_format_t format = opaque ? CAIRO_FORMAT_RGB24 : CAIRO_FORMAT_ARGB32;
    const int stride = cairo_format_stride_for_width(format, width);
    if (width <= 0 || height <= 0 || stride <= 0) {
        std::fprintf(stderr, "cirrus-shell: cannot make a %dx%d buffer\n", width, height);
        return nullptr;
    }
    std::unique_ptr<ShmBuffer> b(new ShmBuffer());
    b->width_ = width;
    b->height_ = height;
    b->size_ = static_cast<std::size_t>(stride) * static_cast<std::size_t>(height);

    const int fd = memfd_create("cirrus-shell", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0 || ftruncate(fd, static_cast<off_t>(b->size_)) != 0) {
        std::fprintf(stderr, "cirrus-shell: cannot allocate %zu bytes of shared memory: %s\n", b->size_,
                     std::strerror(errno));
        if (fd >= 0) close(fd);
        return nullptr;
    }
    // The compositor maps it too: it must not be able to shrink it under us.
    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_SEAL);
    b->data_ = mmap(nullptr, b->size_, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (b->data_ == MAP_FAILED) {
        b->data_ = nullptr;
        std::fprintf(stderr, "cirrus-shell: cannot map the buffer: %s\n", std::strerror(errno));
        close(fd);
        return nullptr;
    }
    wl_shm_pool* pool = wl_shm_create_pool(shm, fd, static_cast<int32_t>(b->size_));
    close(fd);  // the pool (and our mapping) keep the memory
    if (!pool) return nullptr;
    b->buffer_ = wl_shm_pool_create_buffer(pool, 0, width, height, stride,
                                           opaque ? WL_SHM_FORMAT_XRGB8888 : WL_SHM_FORMAT_ARGB8888);
    wl_shm_pool_destroy(pool);  // the buffer keeps what it needs
    if (!b->buffer_) return nullptr;
    static const wl_buffer_listener listener = {handle_release};
    wl_buffer_add_listener(b->buffer_, &listener, b.get());

    b->surface_ =
        cairo_image_surface_create_for_data(static_cast<unsigned char*>(b->data_), format, width, height, stride);
    if (cairo_surface_status(b->surface_) != CAIRO_STATUS_SUCCESS) {
        std::fprintf(stderr, "cirrus-shell: cairo: %s\n", cairo_status_to_string(cairo_surface_status(b->surface_)));
        return nullptr;
    }
    // A new buffer holds nothing yet: all of it must be drawn.
    const cairo_rectangle_int_t all{0, 0, width, height};
    b->stale_ = cairo_region_create_rectangle(&all);
    return b;
}

ShmBuffer::~ShmBuffer() {
    if (stale_) cairo_region_destroy(stale_);
    if (surface_) cairo_surface_destroy(surface_);
    if (buffer_) wl_buffer_destroy(buffer_);
    if (data_) munmap(data_, size_);
}

void ShmBuffer::handle_release(void* data, wl_buffer*) { static_cast<ShmBuffer*>(data)->busy_ = false; }

BufferPool::~BufferPool() = default;

void BufferPool::collect() {
    std::erase_if(buffers_, [](const auto& b) { return b->orphaned() && !b->busy(); });
}

void BufferPool::resize(int width, int height) {
    if (width == width_ && height == height_) return;
    width_ = width;
    height_ = height;
    for (auto& b : buffers_) b->orphan();
    collect();
}

ShmBuffer* BufferPool::acquire() {
    collect();
    for (auto& b : buffers_) {
        if (!b->orphaned() && !b->busy()) return b.get();
    }
    if (buffers_.size() >= kMaxBuffers) return nullptr;
    auto fresh = ShmBuffer::create(shm_, width_, height_, opaque_);
    if (!fresh) return nullptr;
    buffers_.push_back(std::move(fresh));
    return buffers_.back().get();
}

void BufferPool::drawn(ShmBuffer* drawn, const cairo_region_t* damage) {
    for (auto& b : buffers_) {
        if (b.get() == drawn) cairo_region_subtract(b->stale(), b->stale());
        else if (!b->orphaned()) cairo_region_union(b->stale(), damage);
    }
}

void BufferPool::trim(const ShmBuffer* keep) {
    std::erase_if(buffers_, [keep](const auto& b) { return b.get() != keep && !b->busy(); });
}

}  // namespace cirrus::shell
