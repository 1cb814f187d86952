// cirrus-test-screencopy — captures the first output through
// zwlr_screencopy_manager_v1 into a wl_shm buffer.
//
// Options:
//   --png PATH     write the capture as an RGBA PNG (top row first)
//   --pixel X,Y    report this pixel (output buffer coordinates); repeatable
//   --cursor       include the cursor (overlay_cursor = 1)
//
// Prints {"width","height","format","y_invert","pixels":[{"x","y","r","g","b","a"}]}
// and exits 0; on failure prints {"event":"error",...} and exits 1 (3 when
// the compositor does not offer screencopy).

#include "common.hpp"

#include "wlr-screencopy-unstable-v1-client-protocol.h"

#include <png.h>

#include <algorithm>

using namespace cirrus_test;

namespace cirrus_test::screencopy {

struct App {
    wl_display* display = nullptr;
    wl_shm* shm = nullptr;
    wl_output* output = nullptr;
    zwlr_screencopy_manager_v1* manager = nullptr;
    uint32_t manager_version = 0;
    zwlr_screencopy_frame_v1* frame = nullptr;

    // Offered shm buffer.
    bool have_shm_format = false;
    uint32_t format = 0;
    uint32_t width = 0;
    uint32_t height = 0;
    uint32_t stride = 0;

    wl_buffer* buffer = nullptr;
    void* data = nullptr;
    size_t size = 0;
    bool y_invert = false;
    bool copied = false;
    bool done = false;
    bool failed = false;
};

bool format_supported(uint32_t format) {
    return format == WL_SHM_FORMAT_ARGB8888 || format == WL_SHM_FORMAT_XRGB8888 || format == WL_SHM_FORMAT_ABGR8888 ||
           format == WL_SHM_FORMAT_XBGR8888;
}

const char* format_name(uint32_t format) {
    switch (format) {
    case WL_SHM_FORMAT_ARGB8888:
        return "argb8888";
    case WL_SHM_FORMAT_XRGB8888:
        return "xrgb8888";
    case WL_SHM_FORMAT_ABGR8888:
        return "abgr8888";
    case WL_SHM_FORMAT_XBGR8888:
        return "xbgr8888";
    default:
        return "other";
    }
}

struct Rgba {
    uint8_t r, g, b, a;
};

// Pixel at (x, y) with y counted from the top of the output image.
Rgba pixel_at(const App& app, uint32_t x, uint32_t y) {
    uint32_t row = app.y_invert ? app.height - 1 - y : y;
    const auto* p = static_cast<const uint8_t*>(app.data) + static_cast<size_t>(row) * app.stride + x * 4;
    uint32_t v;
    std::memcpy(&v, p, 4);  // native-endian 32-bit pixel, as wl_shm defines it
    uint8_t c0 = static_cast<uint8_t>(v >> 16), c1 = static_cast<uint8_t>(v >> 8), c2 = static_cast<uint8_t>(v);
    uint8_t alpha = static_cast<uint8_t>(v >> 24);
    bool has_alpha = app.format == WL_SHM_FORMAT_ARGB8888 || app.format == WL_SHM_FORMAT_ABGR8888;
    if (!has_alpha) alpha = 255;
    if (app.format == WL_SHM_FORMAT_ABGR8888 || app.format == WL_SHM_FORMAT_XBGR8888) return {c2, c1, c0, alpha};
    return {c0, c1, c2, alpha};
}

void copy_frame(App& app) {
    if (app.copied) return;
    if (!app.have_shm_format) {
        emit({{"event", "error"}, {"message", "no supported wl_shm buffer format offered"}, {"format", app.format}});
        app.failed = true;
        app.done = true;
        return;
    }
    app.copied = true;
    app.size = static_cast<size_t>(app.stride) * app.height;
    int fd = create_shm_fd(app.size);
    app.data = mmap(nullptr, app.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (app.data == MAP_FAILED) die(std::string("mmap: ") + std::strerror(errno));
    wl_shm_pool* pool = wl_shm_create_pool(app.shm, fd, static_cast<int32_t>(app.size));
    app.buffer = wl_shm_pool_create_buffer(pool, 0, static_cast<int32_t>(app.width), static_cast<int32_t>(app.height),
                                           static_cast<int32_t>(app.stride), app.format);
    wl_shm_pool_destroy(pool);
    close(fd);
    zwlr_screencopy_frame_v1_copy(app.frame, app.buffer);
}

void frame_buffer(void* data, zwlr_screencopy_frame_v1*, uint32_t format, uint32_t width, uint32_t height,
                  uint32_t stride) {
    auto* app = static_cast<App*>(data);
    if (!format_supported(format) || app->have_shm_format) {
        if (!app->have_shm_format) app->format = format;
        return;
    }
    app->have_shm_format = true;
    app->format = format;
    app->width = width;
    app->height = height;
    app->stride = stride;
    // Version 1 and 2 send no buffer_done: copy at once.
    if (app->manager_version < 3) copy_frame(*app);
}

void frame_flags(void* data, zwlr_screencopy_frame_v1*, uint32_t flags) {
    static_cast<App*>(data)->y_invert = (flags & ZWLR_SCREENCOPY_FRAME_V1_FLAGS_Y_INVERT) != 0;
}

void frame_ready(void* data, zwlr_screencopy_frame_v1*, uint32_t, uint32_t, uint32_t) {
    static_cast<App*>(data)->done = true;
}

void frame_failed(void* data, zwlr_screencopy_frame_v1*) {
    auto* app = static_cast<App*>(data);
    emit({{"event", "error"}, {"message", "screencopy frame failed"}});
    app->failed = true;
    app->done = true;
}

void frame_damage(void*, zwlr_screencopy_frame_v1*, uint32_t, uint32_t, uint32_t, uint32_t) {}
void frame_linux_dmabuf(void*, zwlr_screencopy_frame_v1*, uint32_t, uint32_t, uint32_t) {}
void frame_buffer_done(void* data, zwlr_screencopy_frame_v1*) { copy_frame(*static_cast<App*>(data)); }

const zwlr_screencopy_frame_v1_listener kFrameListener = {
    frame_buffer, frame_flags, frame_ready, frame_failed, frame_damage, frame_linux_dmabuf, frame_buffer_done};

void registry_global(void* data, wl_registry* registry, uint32_t name, const char* iface, uint32_t version) {
    auto* app = static_cast<App*>(data);
    std::string_view i = iface;
    if (i == wl_shm_interface.name) {
        app->shm = static_cast<wl_shm*>(wl_registry_bind(registry, name, &wl_shm_interface, 1));
    } else if (i == wl_output_interface.name && !app->output) {
        app->output = static_cast<wl_output*>(wl_registry_bind(registry, name, &wl_output_interface, 1));
    } else if (i == zwlr_screencopy_manager_v1_interface.name) {
        app->manager_version = std::min<uint32_t>(version, 3);
        app->manager = static_cast<zwlr_screencopy_manager_v1*>(
            wl_registry_bind(registry, name, &zwlr_screencopy_manager_v1_interface, app->manager_version));
    }
}

void registry_global_remove(void*, wl_registry*, uint32_t) {}

const wl_registry_listener kRegistryListener = {registry_global, registry_global_remove};

bool write_png(const App& app, const std::string& path) {
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return false;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    png_infop info = png ? png_create_info_struct(png) : nullptr;
    if (!png || !info) {
        png_destroy_write_struct(&png, nullptr);
        std::fclose(f);
        return false;
    }
    std::vector<uint8_t> row(static_cast<size_t>(app.width) * 4);
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        std::fclose(f);
        return false;
    }
    png_init_io(png, f);
    png_set_IHDR(png, info, app.width, app.height, 8, PNG_COLOR_TYPE_RGBA, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (uint32_t y = 0; y < app.height; ++y) {
        for (uint32_t x = 0; x < app.width; ++x) {
            Rgba p = pixel_at(app, x, y);
            row[x * 4 + 0] = p.r;
            row[x * 4 + 1] = p.g;
            row[x * 4 + 2] = p.b;
            row[x * 4 + 3] = p.a;
        }
        png_write_row(png, row.data());
    }
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
    return std::fclose(f) == 0;
}

[[noreturn]] void usage(const std::string& msg) {
    std::fprintf(stderr, "%s\nusage: cirrus-test-screencopy [--png PATH] [--pixel X,Y]... [--cursor]\n", msg.c_str());
    std::exit(2);
}

int run(int argc, char** argv) {
    std::string png_path;
    std::vector<std::pair<int, int>> pixels;
    bool cursor = false;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--png" && i + 1 < argc) {
            png_path = argv[++i];
        } else if (a == "--pixel" && i + 1 < argc) {
            int x, y;
            if (std::sscanf(argv[++i], "%d,%d", &x, &y) != 2) usage("bad --pixel");
            pixels.emplace_back(x, y);
        } else if (a == "--cursor") {
            cursor = true;
        } else {
            usage("unknown or incomplete option " + a);
        }
    }

    App app;
    app.display = wl_display_connect(nullptr);
    if (!app.display) die("cannot connect to the Wayland display");
    wl_registry* registry = wl_display_get_registry(app.display);
    wl_registry_add_listener(registry, &kRegistryListener, &app);
    wl_display_roundtrip(app.display);
    if (!app.manager) die("zwlr_screencopy_manager_v1 not offered", 3);
    if (!app.shm || !app.output) die("missing wl_shm or wl_output");

    app.frame = zwlr_screencopy_manager_v1_capture_output(app.manager, cursor ? 1 : 0, app.output);
    zwlr_screencopy_frame_v1_add_listener(app.frame, &kFrameListener, &app);
    while (!app.done) {
        if (wl_display_dispatch(app.display) < 0) {
            report_disconnect(app.display);
            return 1;
        }
    }
    if (app.failed) return 1;

    json out = {{"width", app.width},
                {"height", app.height},
                {"format", format_name(app.format)},
                {"y_invert", app.y_invert},
                {"stride", app.stride}};
    json list = json::array();
    for (auto [x, y] : pixels) {
        if (x < 0 || y < 0 || static_cast<uint32_t>(x) >= app.width || static_cast<uint32_t>(y) >= app.height) {
            list.push_back({{"x", x}, {"y", y}, {"error", "outside the output"}});
            continue;
        }
        Rgba p = pixel_at(app, static_cast<uint32_t>(x), static_cast<uint32_t>(y));
        list.push_back({{"x", x}, {"y", y}, {"r", p.r}, {"g", p.g}, {"b", p.b}, {"a", p.a}});
    }
    out["pixels"] = list;
    if (!png_path.empty()) {
        if (!write_png(app, png_path)) die("cannot write " + png_path);
        out["png"] = png_path;
    }
    emit(out);

    zwlr_screencopy_frame_v1_destroy(app.frame);
    wl_buffer_destroy(app.buffer);
    munmap(app.data, app.size);
    destroy_proxies({app.manager, app.output, app.shm, registry});
    wl_display_disconnect(app.display);
    return 0;
}

}  // namespace cirrus_test::screencopy
