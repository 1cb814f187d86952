#include "cairo_buffer.hpp"

#include <drm_fourcc.h>
#include <new>

namespace cirrus {
namespace {

struct CairoBuffer {
    wlr_buffer base;  // first, so that the wlr_buffer* converts back
    cairo_surface_t* surface;
};

CairoBuffer* from_wlr(wlr_buffer* buffer) { return reinterpret_cast<CairoBuffer*>(buffer); }

void destroy(wlr_buffer* buffer) {
    CairoBuffer* self = from_wlr(buffer);
    cairo_surface_destroy(self->surface);
    delete self;
}

bool begin_data_ptr_access(wlr_buffer* buffer, uint32_t flags, void** data, uint32_t* format, size_t* stride) {
    // The renderer only reads what we drew; nothing writes to it afterwards.
    if (flags & WLR_BUFFER_DATA_PTR_ACCESS_WRITE) return false;
    cairo_surface_t* surface = from_wlr(buffer)->surface;
    cairo_surface_flush(surface);
    *data = cairo_image_surface_get_data(surface);
    *format = DRM_FORMAT_ARGB8888;  // Cairo's ARGB32 is premultiplied native-endian ARGB, as is this
    *stride = static_cast<size_t>(cairo_image_surface_get_stride(surface));
    return true;
}

void end_data_ptr_access(wlr_buffer*) {}

const wlr_buffer_impl kCairoBufferImpl = {
    .destroy = destroy,
    .get_dmabuf = nullptr,
    .get_shm = nullptr,
    .begin_data_ptr_access = begin_data_ptr_access,
    .end_data_ptr_access = end_data_ptr_access,
};

}  // namespace

wlr_buffer* create_cairo_buffer(int width, int height, cairo_t** cairo) {
    if (width <= 0 || height <= 0) return nullptr;
    cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        return nullptr;
    }
    auto* buffer = new (std::nothrow) CairoBuffer{};
    if (!buffer) {
        cairo_surface_destroy(surface);
        return nullptr;
    }
    buffer->surface = surface;
    wlr_buffer_init(&buffer->base, &kCairoBufferImpl, width, height);
    *cairo = cairo_create(surface);
    return &buffer->base;
}

}  // namespace cirrus
