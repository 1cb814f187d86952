#include "thumbnail.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <exception>
#include <system_error>
#include <vector>

#include <cairo.h>
#include <drm_fourcc.h>

#include "cirrus-shell-unstable-v1-protocol.h"
#include "lifecycle.hpp"
#include "screenshot.hpp"
#include "server.hpp"
#include "supervisor.hpp"
#include "xdg_view.hpp"

namespace cirrus {
namespace {

// A card is a fraction of a phone screen; this only stops a buggy shell from
// making the compositor allocate and render something huge.
constexpr std::int32_t kMaxSide = 4096;

// One surface of the window's tree, placed in the main window's geometry
// space (logical px, the window geometry's top-left at 0,0).
struct Placed {
    wlr_surface* surface;
    int x;
    int y;
};

ThumbnailResult failure(CaptureFailure why, std::string message) {
    ThumbnailResult r;
    r.failure = why;
    r.message = std::move(message);
    return r;
}

// A picture of `w` x `h` scaled uniformly to fit a `width` x `height` buffer
// at its top-left: the scale and the part of the buffer it covers.
struct Fit {
    double scale;
    int width;
    int height;
};

Fit fit_into(int w, int h, std::int32_t width, std::int32_t height) {
    const double scale = std::min(static_cast<double>(width) / w, static_cast<double>(height) / h);
    return {scale, std::clamp(static_cast<int>(std::lround(w * scale)), 1, width),
            std::clamp(static_cast<int>(std::lround(h * scale)), 1, height)};
}

ThumbnailResult covered(const Fit& fit) {
    ThumbnailResult r;
    r.ok = true;
    r.width = static_cast<std::uint32_t>(fit.width);
    r.height = static_cast<std::uint32_t>(fit.height);
    return r;
}

// The app's window as a switcher card shows it: its topmost app window (a
// host has one; a client with several shows its last used) and that
// window's dialogs, in stacking order.
std::vector<const XdgView*> window_family(const Server& server, pid_t pid) {
    const std::vector<ViewId> stacking = server.policy.stacking();
    const XdgView* main = nullptr;
    for (ViewId id : stacking) {
        const XdgView* view = server.view_by_id(id);
        if (view && view->pid == pid && view->mapped() && !view->parent()) main = view;
    }
    std::vector<const XdgView*> family;
    if (!main) return family;
    // The window first, then its dialogs (the root of their parent chain is
    // the window) bottom to top, as they were on screen.
    family.push_back(main);
    for (ViewId id : stacking) {
        const XdgView* view = server.view_by_id(id);
        if (view && view != main && view->mapped() && server.policy.app_of(id) == main->id) family.push_back(view);
    }
    return family;
}

// The app's window family, empty when it has no host or no mapped window.
std::vector<const XdgView*> family_of(const Server& server, const std::string& app) {
    const auto pid = server.supervisor->table().pid_for_app(app);
    return pid ? window_family(server, *pid) : std::vector<const XdgView*>{};
}

wlr_box geometry_of(const XdgView& view) {
    wlr_box geo{};
    wlr_xdg_surface_get_geometry(view.xdg, &geo);
    return geo;
}

std::vector<Placed> surfaces_of(const std::vector<const XdgView*>& family) {
    std::vector<Placed> placed;
    const XdgView& main = *family.front();
    const Rect main_box = main.box();
    for (const XdgView* view : family) {
        // Each view's geometry sits at its policy box; its surface origin is
        // the geometry's offset before that. Hidden views keep their last box.
        const wlr_box geo = geometry_of(*view);
        const Rect box = view == &main ? main_box : view->box();
        struct Walk {
            std::vector<Placed>* out;
            int dx;
            int dy;
        } walk{&placed, box.x - main_box.x - geo.x, box.y - main_box.y - geo.y};
        wlr_xdg_surface_for_each_surface(
            view->xdg,
            [](wlr_surface* surface, int sx, int sy, void* data) {
                auto* w = static_cast<Walk*>(data);
                w->out->push_back({surface, w->dx + sx, w->dy + sy});
            },
            &walk);
    }
    return placed;
}

bool drm_format_of(std::uint32_t shm_format, std::uint32_t& drm) {
    switch (shm_format) {
    case WL_SHM_FORMAT_ARGB8888:
        drm = DRM_FORMAT_ARGB8888;
        return true;
    case WL_SHM_FORMAT_XRGB8888:
        drm = DRM_FORMAT_XRGB8888;
        return true;
    default:
        return false;
    }
}

void render_surface(wlr_renderer* renderer, const Placed& p, double scale) {
    wlr_texture* texture = wlr_surface_get_texture(p.surface);
    if (!texture) return;
    // Edges are rounded, not sizes, so that adjacent surfaces (a subsurface
    // beside its parent) still meet without a seam.
    const int x1 = static_cast<int>(std::lround(p.x * scale));
    const int y1 = static_cast<int>(std::lround(p.y * scale));
    const int x2 = static_cast<int>(std::lround((p.x + p.surface->current.width) * scale));
    const int y2 = static_cast<int>(std::lround((p.y + p.surface->current.height) * scale));
    if (x2 <= x1 || y2 <= y1) return;
    wlr_box box{x1, y1, x2 - x1, y2 - y1};
    wlr_fbox source{};
    wlr_surface_get_buffer_source_box(p.surface, &source);
    // The renderer applies its own projection for the target buffer: the
    // matrix is in buffer pixels, as the scene's is with an untransformed
    // output (whose transform matrix is the identity).
    float identity[9];
    wlr_matrix_identity(identity);
    float matrix[9];
    wlr_matrix_project_box(matrix, &box, wlr_output_transform_invert(p.surface->current.transform), 0, identity);

    // Pixman samples the nearest pixel by default: shrunk text would alias
    // badly. Bilinear for this draw, then back to what the scene expects.
    // (GLES2 textures already filter linearly.)
    pixman_image_t* image = wlr_texture_is_pixman(texture) ? wlr_pixman_texture_get_image(texture) : nullptr;
    if (image) pixman_image_set_filter(image, PIXMAN_FILTER_GOOD, nullptr, 0);
    wlr_render_subtexture_with_matrix(renderer, texture, &source, matrix, 1.0f);
    if (image) pixman_image_set_filter(image, PIXMAN_FILTER_NEAREST, nullptr, 0);
}

void flip_rows(std::uint8_t* data, std::int32_t stride, std::int32_t height) {
    std::vector<std::uint8_t> row(static_cast<std::size_t>(stride));
    for (std::int32_t y = 0; y < height / 2; ++y) {
        std::uint8_t* a = data + static_cast<std::ptrdiff_t>(y) * stride;
        std::uint8_t* b = data + static_cast<std::ptrdiff_t>(height - 1 - y) * stride;
        std::memcpy(row.data(), a, row.size());
        std::memcpy(a, b, row.size());
        std::memcpy(b, row.data(), row.size());
    }
}

// The app's window and dialogs, scaled as `fit` says, into `dest` (width x
// height pixels of `drm_format`, `stride` bytes a row; the content covers
// fit's part at the top-left, the rest is transparent). `dest` is
// `shm`'s memory when given: accessed only while the pixels are read back,
// as libwayland allows one shm pool's access at a time and the renderer
// reads the apps' own shm buffers before that.
bool render_family(Server& server, const std::vector<const XdgView*>& family, const Fit& fit, std::int32_t width,
                   std::int32_t height, std::uint32_t drm_format, std::int32_t stride, wl_shm_buffer* shm, void* dest) {
    wlr_buffer* target = create_render_buffer(server.allocator, width, height);
    if (!target) return false;
    bool read = false;
    std::uint32_t flags = 0;
    if (wlr_renderer_begin_with_buffer(server.renderer, target)) {
        static constexpr float transparent[4] = {0, 0, 0, 0};
        wlr_renderer_clear(server.renderer, transparent);
        // Dialogs and popups may reach past the window: the card is the window.
        wlr_box content{0, 0, fit.width, fit.height};
        wlr_renderer_scissor(server.renderer, &content);
        for (const Placed& p : surfaces_of(family)) render_surface(server.renderer, p, fit.scale);
        wlr_renderer_scissor(server.renderer, nullptr);
        // The shell's memory: a client that shrinks its pool meanwhile gets
        // SIGBUS handled by libwayland instead of crashing us.
        if (shm) wl_shm_buffer_begin_access(shm);
        void* pixels = shm ? wl_shm_buffer_get_data(shm) : dest;
        read = wlr_renderer_read_pixels(server.renderer, drm_format, &flags, static_cast<std::uint32_t>(stride),
                                        static_cast<std::uint32_t>(width), static_cast<std::uint32_t>(height), 0, 0, 0,
                                        0, pixels);
        if (read && (flags & WLR_RENDERER_READ_PIXELS_Y_INVERT)) {
            flip_rows(static_cast<std::uint8_t*>(pixels), stride, height);
        }
        if (shm) wl_shm_buffer_end_access(shm);
        wlr_renderer_end(server.renderer);
    }
    wlr_buffer_drop(target);
    return read;
}

bool is_discarded(const Server& server, const std::string& app) {
    return server.lifecycle && server.lifecycle->policy().state(app) == Lifecycle::discarded;
}

// A discarded app's card, from the frame saved when it was discarded.
ThumbnailResult draw_saved_frame(const std::filesystem::path& png, wl_shm_buffer* shm, std::int32_t width,
                                 std::int32_t height, std::int32_t stride) {
    cairo_surface_t* frame = cairo_image_surface_create_from_png(png.c_str());
    const int frame_w = cairo_image_surface_get_width(frame);
    const int frame_h = cairo_image_surface_get_height(frame);
    if (cairo_surface_status(frame) != CAIRO_STATUS_SUCCESS || frame_w <= 0 || frame_h <= 0 || frame_w > kMaxSide ||
        frame_h > kMaxSide) {
        cairo_surface_destroy(frame);
        return failure(CaptureFailure::no_content, "its saved frame " + png.string() + " cannot be read");
    }
    const Fit fit = fit_into(frame_w, frame_h, width, height);
    wl_shm_buffer_begin_access(shm);
    // argb8888 and xrgb8888 are cairo's ARGB32 in memory (xrgb ignores alpha).
    cairo_surface_t* target = cairo_image_surface_create_for_data(
        static_cast<unsigned char*>(wl_shm_buffer_get_data(shm)), CAIRO_FORMAT_ARGB32, width, height, stride);
    cairo_t* cr = cairo_create(target);
    cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
    cairo_set_source_rgba(cr, 0, 0, 0, 0);
    cairo_paint(cr);
    cairo_rectangle(cr, 0, 0, fit.width, fit.height);
    cairo_clip(cr);
    cairo_scale(cr, fit.scale, fit.scale);
    cairo_set_source_surface(cr, frame, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
    cairo_paint(cr);
    const bool ok = cairo_status(cr) == CAIRO_STATUS_SUCCESS;
    cairo_destroy(cr);
    cairo_surface_flush(target);
    cairo_surface_destroy(target);
    wl_shm_buffer_end_access(shm);
    cairo_surface_destroy(frame);
    if (!ok) return failure(CaptureFailure::render_failed, "cannot draw its saved frame");
    return covered(fit);
}

}  // namespace

ThumbnailResult render_thumbnail(Server& server, const std::string& app, wl_resource* buffer_resource) {
    wl_shm_buffer* shm = buffer_resource ? wl_shm_buffer_get(buffer_resource) : nullptr;
    if (!shm) return failure(CaptureFailure::bad_buffer, "not a wl_shm buffer");
    const std::int32_t width = wl_shm_buffer_get_width(shm);
    const std::int32_t height = wl_shm_buffer_get_height(shm);
    const std::int32_t stride = wl_shm_buffer_get_stride(shm);
    std::uint32_t drm_format = 0;
    if (!drm_format_of(wl_shm_buffer_get_format(shm), drm_format)) {
        return failure(CaptureFailure::bad_buffer, "the buffer is neither argb8888 nor xrgb8888");
    }
    if (width <= 0 || height <= 0 || width > kMaxSide || height > kMaxSide || stride < width * 4) {
        return failure(CaptureFailure::bad_buffer, "the buffer is " + std::to_string(width) + "x" +
                                                       std::to_string(height) + " (at most 4096x4096)");
    }

    const std::vector<const XdgView*> family = family_of(server, app);
    if (family.empty()) {
        // A discarded app has no host (a restore's new host makes it launching).
        if (is_discarded(server, app)) {
            return draw_saved_frame(server.lifecycle->frame_path(app), shm, width, height, stride);
        }
        return failure(CaptureFailure::unknown_app, app + " has no window");
    }
    if (!wlr_surface_get_texture(family.front()->surface())) {
        return failure(CaptureFailure::no_content, app + "'s window has no frame yet");
    }
    const wlr_box geo = geometry_of(*family.front());
    if (geo.width <= 0 || geo.height <= 0) return failure(CaptureFailure::no_content, app + "'s window has no size");

    // Uniformly, to fit: a card has the work area's shape, so an app window
    // (which fills the work area) fills the card.
    const Fit fit = fit_into(geo.width, geo.height, width, height);
    if (!render_family(server, family, fit, width, height, drm_format, stride, shm, nullptr)) {
        return failure(CaptureFailure::render_failed, "the renderer could not draw or read back");
    }
    return covered(fit);
}

std::string save_app_frame(Server& server, const std::string& app, const std::filesystem::path& png) {
    const std::vector<const XdgView*> family = family_of(server, app);
    if (family.empty() || !wlr_surface_get_texture(family.front()->surface())) return app + " has no frame";
    const wlr_box geo = geometry_of(*family.front());
    if (geo.width <= 0 || geo.height <= 0 || geo.width > kMaxSide || geo.height > kMaxSide) {
        return app + "'s window has no size to save";
    }
    const std::int32_t stride = geo.width * 4;
    std::vector<std::uint32_t> pixels(static_cast<std::size_t>(geo.width) * static_cast<std::size_t>(geo.height));
    if (!render_family(server, family, Fit{1.0, geo.width, geo.height}, geo.width, geo.height, DRM_FORMAT_ARGB8888,
                       stride, nullptr, pixels.data())) {
        return "the renderer could not draw or read back " + app + "'s window";
    }
    std::error_code ec;
    std::filesystem::create_directories(png.parent_path(), ec);
    const std::filesystem::path partial = png.string() + ".partial";
    cairo_surface_t* image = cairo_image_surface_create_for_data(reinterpret_cast<unsigned char*>(pixels.data()),
                                                                 CAIRO_FORMAT_ARGB32, geo.width, geo.height, stride);
    const cairo_status_t status = cairo_surface_write_to_png(image, partial.c_str());
    cairo_surface_destroy(image);
    if (status != CAIRO_STATUS_SUCCESS) {
        std::filesystem::remove(partial, ec);
        return "cannot write " + partial.string() + ": " + cairo_status_to_string(status);
    }
    std::filesystem::rename(partial, png, ec);
    if (ec) {
        std::filesystem::remove(partial, ec);
        return "cannot rename " + partial.string() + " to " + png.filename().string();
    }
    return {};
}

namespace {

void handle_capture_destroy(wl_client*, wl_resource* resource) { wl_resource_destroy(resource); }

const struct cirrus_app_capture_v1_interface kCaptureImplementation = {
    .destroy = handle_capture_destroy,
};

}  // namespace

void capture_app(Server& server, wl_resource* shell_resource, std::uint32_t id, const std::string& app,
                 wl_resource* buffer) {
    wl_client* client = wl_resource_get_client(shell_resource);
    wl_resource* capture =
        wl_resource_create(client, &cirrus_app_capture_v1_interface, wl_resource_get_version(shell_resource), id);
    if (!capture) {
        wl_client_post_no_memory(client);
        return;
    }
    // It ends before this request returns, so it needs no state: nothing can
    // outlive anything here.
    wl_resource_set_implementation(capture, &kCaptureImplementation, nullptr, nullptr);
    ThumbnailResult result;
    try {
        result = render_thumbnail(server, app, buffer);
    } catch (const std::exception& e) {
        result = failure(CaptureFailure::render_failed, e.what());
    }
    if (result.ok) {
        cirrus_app_capture_v1_send_ready(capture, result.width, result.height);
    } else {
        cirrus_app_capture_v1_send_failed(capture, static_cast<std::uint32_t>(result.failure), result.message.c_str());
    }
}

}  // namespace cirrus
