#include "screenshot.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include <cstddef>
#include <drm_fourcc.h>
#include <png.h>

#include "output.hpp"
#include "server.hpp"

namespace cirrus {

namespace {

struct FormatDeleter {
    void operator()(wlr_drm_format* format) const { std::free(format); }
};

// A one-modifier format description for wlr_allocator_create_buffer.
std::unique_ptr<wlr_drm_format, FormatDeleter> make_format(uint32_t fourcc, uint64_t modifier) {
    auto* format = static_cast<wlr_drm_format*>(std::calloc(1, sizeof(wlr_drm_format) + sizeof(uint64_t)));
    if (!format) return nullptr;
    format->format = fourcc;
    format->len = 1;
    format->capacity = 1;
    format->modifiers[0] = modifier;
    return std::unique_ptr<wlr_drm_format, FormatDeleter>(format);
}

// Pixels are ARGB8888 words (little-endian B, G, R, A bytes); PNG wants RGB.
std::string write_png(const std::string& path, int width, int height, const std::vector<uint32_t>& pixels) {
    FILE* file = std::fopen(path.c_str(), "wb");
    if (!file) return "cannot write " + path + ": " + std::strerror(errno);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    png_infop info = png ? png_create_info_struct(png) : nullptr;
    std::vector<png_byte> row(static_cast<std::size_t>(width) * 3);
    std::string error;
    if (!png || !info) {
        error = "out of memory for the PNG encoder";
    } else if (setjmp(png_jmpbuf(png))) {
        error = "PNG encoding failed for " + path;
    } else {
        png_init_io(png, file);
        png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), 8,
                     PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
        png_set_compression_level(png, 1);  // speed over size: tests take many
        png_write_info(png, info);
        for (int y = 0; y < height; ++y) {
            const uint32_t* src = &pixels[static_cast<std::size_t>(y) * width];
            for (int x = 0; x < width; ++x) {
                row[x * 3 + 0] = static_cast<png_byte>((src[x] >> 16) & 0xff);
                row[x * 3 + 1] = static_cast<png_byte>((src[x] >> 8) & 0xff);
                row[x * 3 + 2] = static_cast<png_byte>(src[x] & 0xff);
            }
            png_write_row(png, row.data());
        }
        png_write_end(png, nullptr);
    }
    png_destroy_write_struct(png ? &png : nullptr, info ? &info : nullptr);
    if (std::fclose(file) != 0 && error.empty()) error = "cannot finish " + path + ": " + std::strerror(errno);
    return error;
}

}  // namespace

wlr_buffer* create_render_buffer(wlr_allocator* allocator, int width, int height) {
    for (uint64_t modifier : {DRM_FORMAT_MOD_LINEAR, DRM_FORMAT_MOD_INVALID}) {
        auto format = make_format(DRM_FORMAT_ARGB8888, modifier);
        if (!format) return nullptr;
        if (wlr_buffer* buffer = wlr_allocator_create_buffer(allocator, width, height, format.get())) return buffer;
    }
    return nullptr;
}

void upload_pending_scene_textures(Server& server) {
    wl_list* pending = &server.scene->pending_buffers;
    for (wl_list* link = pending->next; link != pending;) {
        wl_list* next = link->next;
        auto* buffer = reinterpret_cast<wlr_scene_buffer*>(reinterpret_cast<char*>(link) -
                                                           offsetof(wlr_scene_buffer, pending_link));
        if (!buffer->texture && buffer->buffer)
            buffer->texture = wlr_texture_from_buffer(server.renderer, buffer->buffer);
        wl_list_remove(link);
        wl_list_init(link);
        link = next;
    }
}

ScreenshotResult write_screenshot(Server& server, Output& output, const std::string& path) {
    ScreenshotResult result;
    wlr_output* wlr = output.wlr;
    const int width = wlr->width, height = wlr->height;
    if (width <= 0 || height <= 0 || !wlr->enabled) {
        result.error = std::string("output ") + wlr->name + " is off";
        return result;
    }
    wlr_buffer* buffer = create_render_buffer(server.allocator, width, height);
    if (!buffer) {
        result.error = "cannot allocate a screenshot buffer";
        return result;
    }
    std::vector<uint32_t> pixels(static_cast<std::size_t>(width) * height);
    const Rect box = output.box();
    bool read = false;
    upload_pending_scene_textures(server);
    if (wlr_renderer_begin_with_buffer(server.renderer, buffer)) {
        const float black[4] = {0, 0, 0, 1};
        wlr_renderer_clear(server.renderer, black);
        wlr_scene_render_output(server.scene, wlr, box.x, box.y, nullptr);
        uint32_t flags = 0;
        read = wlr_renderer_read_pixels(server.renderer, DRM_FORMAT_ARGB8888, &flags, static_cast<uint32_t>(width) * 4,
                                        static_cast<uint32_t>(width), static_cast<uint32_t>(height), 0, 0, 0, 0,
                                        pixels.data());
        wlr_renderer_end(server.renderer);
        if (read && (flags & WLR_RENDERER_READ_PIXELS_Y_INVERT)) {
            for (int y = 0; y < height / 2; ++y) {
                std::swap_ranges(pixels.begin() + static_cast<long>(y) * width,
                                 pixels.begin() + static_cast<long>(y + 1) * width,
                                 pixels.begin() + static_cast<long>(height - 1 - y) * width);
            }
        }
    }
    wlr_buffer_drop(buffer);
    if (!read) {
        result.error = "the renderer could not read back the screenshot";
        return result;
    }
    result.error = write_png(path, width, height, pixels);
    result.width = width;
    result.height = height;
    return result;
}

}  // namespace cirrus
