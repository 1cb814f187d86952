#include "shm_buffer.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

namespace cirrus::keyboard {

std::unique_ptr<ShmBuffer> ShmBuffer::create(wl_shm* shm, int width, int height) {
    const int stride = cairo_format_stride_for_width(CAIRO_FORMAT_RGB24, width);
    if (width <= 0 || height <= 0 || stride <= 0 || width > 16384 || height > 16384) {
        std::fprintf(stderr, "cirrus-keyboard: cannot make a %dx%d buffer\n", width, height);
        return nullptr;
    }
    std::unique_ptr<ShmBuffer> b(new ShmBuffer());
    b->width_ = width;
    b->height_ = height;
    b->size_ = static_cast<std::size_t>(stride) * static_cast<std::size_t>(height);
    const int fd = memfd_create("cirrus-keyboard", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0 || ftruncate(fd, static_cast<off_t>(b->size_)) != 0) {
        std::fprintf(stderr, "cirrus-keyboard: cannot allocate %zu bytes of shared memory: %s\n", b->size_,
                     std::strerror(errno));
        if (fd >= 0) close(fd);
        return nullptr;
    }
    // The compositor maps it too: it must not be able to shrink it under us.
    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_SEAL);
    b->data_ = mmap(nullptr, b->size_, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (b->data_ == MAP_FAILED) {
        b->data_ = nullptr;
        std::fprintf(stderr, "cirrus-keyboard: cannot map the buffer: %s\n", std::strerror(errno));
        close(fd);
        return nullptr;
    }
    wl_shm_pool* pool = wl_shm_create_pool(shm, fd, static_cast<int32_t>(b->size_));
    close(fd);
    if (!pool) return nullptr;
    b->buffer_ = wl_shm_pool_create_buffer(pool, 0, width, height, stride, WL_SHM_FORMAT_XRGB8888);
    wl_shm_pool_destroy(pool);
    if (!b->buffer_) return nullptr;
    static const wl_buffer_listener listener = {handle_release};
    wl_buffer_add_listener(b->buffer_, &listener, b.get());
    b->surface_ = cairo_image_surface_create_for_data(static_cast<unsigned char*>(b->data_), CAIRO_FORMAT_RGB24, width,
                                                      height, stride);
    if (cairo_surface_status(b->surface_) != CAIRO_STATUS_SUCCESS) {
        std::fprintf(stderr, "cirrus-keyboard: cairo: %s\n", cairo_status_to_string(cairo_surface_status(b->surface_)));
        return nullptr;
    }
    return b;
}

ShmBuffer::~ShmBuffer() {
    if (surface_) cairo_surface_destroy(surface_);
    if (buffer_) wl_buffer_destroy(buffer_);
    if (data_) munmap(data_, size_);
}

void ShmBuffer::handle_release(void* data, wl_buffer*) { static_cast<ShmBuffer*>(data)->busy_ = false; }

}  // namespace cirrus::keyboard
