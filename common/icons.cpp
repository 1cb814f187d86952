#include "icons.hpp"

#include <cairo.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <numbers>

namespace cirrus::launcher {
namespace {

// --- Owning handles ----------------------------------------------------------

struct GObjectUnref {
    void operator()(void* object) const { g_object_unref(object); }
};
using PixbufPtr = std::unique_ptr<GdkPixbuf, GObjectUnref>;
using LoaderPtr = std::unique_ptr<GdkPixbufLoader, GObjectUnref>;

struct SurfaceDestroy {
    void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceDestroy>;

struct ContextDestroy {
    void operator()(cairo_t* context) const { cairo_destroy(context); }
};
using ContextPtr = std::unique_ptr<cairo_t, ContextDestroy>;

struct ErrorFree {
    void operator()(GError* error) const { g_error_free(error); }
};
using ErrorPtr = std::unique_ptr<GError, ErrorFree>;

std::string name_of(const IconSource& source) {
    return source.label.empty() ? std::string("icon") : "icon " + source.label;
}

// --- Decoding ------------------------------------------------------------------

// What the loader told us while it read the header.
struct LoadState {
    std::optional<int> scalable_box;  // render a vector image to fit this square
    bool scalable = false;
    bool too_large = false;
    int width = 0;
    int height = 0;
};

std::pair<int, int> fit_into_box(int width, int height, int box) {
    if (width <= 0 || height <= 0) return {box, box};
    double scale = static_cast<double>(box) / std::max(width, height);
    return {std::max(1, static_cast<int>(std::lround(width * scale))),
            std::max(1, static_cast<int>(std::lround(height * scale)))};
}

// Runs as soon as the header is read, before pixels are allocated: the place
// to refuse a huge raster and to pick the size a vector image renders at.
void on_size_prepared(GdkPixbufLoader* loader, int width, int height, gpointer data) {
    auto* state = static_cast<LoadState*>(data);
    state->width = width;
    state->height = height;
    GdkPixbufFormat* format = gdk_pixbuf_loader_get_format(loader);
    state->scalable = format && gdk_pixbuf_format_is_scalable(format);
    if (state->scalable) {
        auto [w, h] = fit_into_box(width, height, state->scalable_box.value_or(kMaxIconDimension / 16));
        gdk_pixbuf_loader_set_size(loader, w, h);
    } else if (width > kMaxIconDimension || height > kMaxIconDimension) {
        state->too_large = true;
        // 0x0 makes the PNG and JPEG loaders stop before allocating the image.
        gdk_pixbuf_loader_set_size(loader, 0, 0);
    }
}

struct Decoded {
    PixbufPtr pixbuf;
    bool scalable = false;
};

// One attempt with one loader; nothing on failure, with `why` set.
std::optional<Decoded> load_with(LoaderPtr loader, const IconSource& source, LoadState& state, std::string& why) {
    g_signal_connect(loader.get(), "size-prepared", G_CALLBACK(on_size_prepared), &state);
    GError* raw_error = nullptr;
    // In slices, so that a refused header stops the work early.
    constexpr std::size_t slice = 64 * 1024;
    bool written = true;
    for (std::size_t offset = 0; offset < source.bytes.size() && written && !state.too_large; offset += slice) {
        std::size_t length = std::min(slice, source.bytes.size() - offset);
        written = gdk_pixbuf_loader_write(loader.get(), source.bytes.data() + offset, length, &raw_error);
    }
    ErrorPtr write_error(raw_error);
    raw_error = nullptr;
    // Always close: a loader finalised unclosed warns, even after an error.
    bool closed = gdk_pixbuf_loader_close(loader.get(), written ? &raw_error : nullptr);
    ErrorPtr close_error(raw_error);
    if (state.too_large) return std::nullopt;
    if (!written || !closed) {
        GError* error = write_error ? write_error.get() : close_error.get();
        why = error ? error->message : "unknown error";
        return std::nullopt;
    }
    GdkPixbuf* pixbuf = gdk_pixbuf_loader_get_pixbuf(loader.get());
    if (!pixbuf) {
        why = "no image in the data";
        return std::nullopt;
    }
    return Decoded{PixbufPtr(GDK_PIXBUF(g_object_ref(pixbuf))), state.scalable};
}

// Decodes with the loader the MIME hint names, then, if that is unknown or
// fails (servers mislabel icons), with the one the content sniffs as.
Decoded decode(const IconSource& source, std::optional<int> scalable_box) {
    if (source.bytes.size() > kMaxIconFileBytes) {
        throw IconError(name_of(source) + ": the file is " + std::to_string(source.bytes.size()) +
                        " bytes, more than the " + std::to_string(kMaxIconFileBytes) + " allowed");
    }
    if (source.bytes.empty()) throw IconError(name_of(source) + ": the file is empty");

    std::string why;
    bool too_large = false;
    if (!source.mime_type.empty()) {
        if (GdkPixbufLoader* hinted = gdk_pixbuf_loader_new_with_mime_type(source.mime_type.c_str(), nullptr)) {
            LoadState state{scalable_box};
            if (auto decoded = load_with(LoaderPtr(hinted), source, state, why)) return std::move(*decoded);
            too_large = state.too_large;
        }
    }
    if (!too_large) {
        LoadState state{scalable_box};
        if (auto decoded = load_with(LoaderPtr(gdk_pixbuf_loader_new()), source, state, why))
            return std::move(*decoded);
        too_large = state.too_large;
    }
    if (too_large) {
        throw IconError(name_of(source) + ": the image is larger than " + std::to_string(kMaxIconDimension) + "x" +
                        std::to_string(kMaxIconDimension) + " px");
    }
    throw IconError(name_of(source) + ": cannot decode it as an image (" + why + ")");
}

// --- Drawing -----------------------------------------------------------------

// Cairo wants premultiplied native-endian ARGB; gdk-pixbuf has straight RGB(A) bytes.
SurfacePtr surface_from_pixbuf(const GdkPixbuf* pixbuf) {
    const int width = gdk_pixbuf_get_width(pixbuf);
    const int height = gdk_pixbuf_get_height(pixbuf);
    const int channels = gdk_pixbuf_get_n_channels(pixbuf);
    const int source_stride = gdk_pixbuf_get_rowstride(pixbuf);
    const guint8* source = gdk_pixbuf_read_pixels(pixbuf);

    SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height));
    cairo_surface_flush(surface.get());
    unsigned char* target = cairo_image_surface_get_data(surface.get());
    const int target_stride = cairo_image_surface_get_stride(surface.get());
    for (int y = 0; y < height; ++y) {
        const guint8* in = source + static_cast<std::ptrdiff_t>(y) * source_stride;
        auto* out = reinterpret_cast<std::uint32_t*>(target + static_cast<std::ptrdiff_t>(y) * target_stride);
        for (int x = 0; x < width; ++x, in += channels) {
            const std::uint32_t alpha = channels == 4 ? in[3] : 255;
            auto premultiply = [alpha](std::uint32_t value) { return (value * alpha + 127) / 255; };
            out[x] = alpha << 24 | premultiply(in[0]) << 16 | premultiply(in[1]) << 8 | premultiply(in[2]);
        }
    }
    cairo_surface_mark_dirty(surface.get());
    return surface;
}

cairo_status_t append_bytes(void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::vector<std::uint8_t>*>(closure)->insert(static_cast<std::vector<std::uint8_t>*>(closure)->end(),
                                                             data, data + length);
    return CAIRO_STATUS_SUCCESS;
}

std::vector<std::uint8_t> encode_png(cairo_surface_t* surface) {
    std::vector<std::uint8_t> png;
    if (cairo_surface_write_to_png_stream(surface, append_bytes, &png) != CAIRO_STATUS_SUCCESS)
        throw IconError("cannot encode an icon as PNG");
    return png;
}

void rounded_square_path(cairo_t* context, double size) {
    const double radius = size * kMaskCornerRadiusRatio;
    constexpr double quarter = std::numbers::pi / 2;
    cairo_new_sub_path(context);
    cairo_arc(context, size - radius, radius, radius, -quarter, 0);
    cairo_arc(context, size - radius, size - radius, radius, 0, quarter);
    cairo_arc(context, radius, size - radius, radius, quarter, 2 * quarter);
    cairo_arc(context, radius, radius, radius, 2 * quarter, 3 * quarter);
    cairo_close_path(context);
}

// How large (its longer side) the source must be drawn for a target size: a
// maskable icon's safe-zone circle, 80% of it, spans the whole mask.
int drawn_extent(int size, IconPurpose purpose) {
    if (purpose == IconPurpose::maskable) return static_cast<int>(std::ceil(size / kMaskableSafeZoneRatio));
    return size;
}

// Keeps only coverage: every pixel becomes white at its own alpha.
void keep_alpha_only(cairo_surface_t* surface) {
    cairo_surface_flush(surface);
    unsigned char* data = cairo_image_surface_get_data(surface);
    const int stride = cairo_image_surface_get_stride(surface);
    for (int y = 0; y < cairo_image_surface_get_height(surface); ++y) {
        auto* row = reinterpret_cast<std::uint32_t*>(data + static_cast<std::ptrdiff_t>(y) * stride);
        for (int x = 0; x < cairo_image_surface_get_width(surface); ++x) {
            const std::uint32_t alpha = row[x] >> 24;
            row[x] = alpha << 24 | alpha << 16 | alpha << 8 | alpha;
        }
    }
    cairo_surface_mark_dirty(surface);
}

// Scales the source to fit `drawn_extent` (gdk-pixbuf's bilinear filter
// averages every source pixel when shrinking), centres it on a transparent
// square of `size`, and cuts maskable icons to the shell's mask.
IconImage render(const GdkPixbuf* source, int size, IconPurpose purpose) {
    const int extent = drawn_extent(size, purpose);
    auto [width, height] = fit_into_box(gdk_pixbuf_get_width(source), gdk_pixbuf_get_height(source), extent);
    PixbufPtr scaled;
    if (width != gdk_pixbuf_get_width(source) || height != gdk_pixbuf_get_height(source)) {
        scaled.reset(gdk_pixbuf_scale_simple(source, width, height, GDK_INTERP_BILINEAR));
        if (!scaled) throw IconError("out of memory scaling an icon to " + std::to_string(size) + " px");
    }
    SurfacePtr picture = surface_from_pixbuf(scaled ? scaled.get() : source);

    SurfacePtr canvas(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, size, size));
    ContextPtr context(cairo_create(canvas.get()));
    if (purpose == IconPurpose::maskable) {
        rounded_square_path(context.get(), size);
        cairo_clip(context.get());
    }
    cairo_set_source_surface(context.get(), picture.get(), (size - width) / 2, (size - height) / 2);
    cairo_paint(context.get());
    context.reset();
    if (purpose == IconPurpose::monochrome) keep_alpha_only(canvas.get());
    return {size, purpose, encode_png(canvas.get())};
}

struct Candidate {
    const IconSource* source;
    Decoded decoded;
    int extent() const {
        return std::max(gdk_pixbuf_get_width(decoded.pixbuf.get()), gdk_pixbuf_get_height(decoded.pixbuf.get()));
    }
};

// The smallest raster at least `needed` px, else a vector image, else the largest raster.
const Candidate* choose(const std::vector<Candidate>& candidates, int needed) {
    const Candidate* smallest_enough = nullptr;
    const Candidate* vector = nullptr;
    const Candidate* largest = nullptr;
    for (const Candidate& candidate : candidates) {
        if (candidate.decoded.scalable) {
            vector = vector ? vector : &candidate;
            continue;
        }
        if (!largest || candidate.extent() > largest->extent()) largest = &candidate;
        if (candidate.extent() >= needed && (!smallest_enough || candidate.extent() < smallest_enough->extent()))
            smallest_enough = &candidate;
    }
    if (smallest_enough) return smallest_enough;
    return vector ? vector : largest;
}

std::vector<IconImage> render_sizes(const std::vector<Candidate>& candidates, IconPurpose purpose,
                                    std::span<const int> sizes) {
    std::vector<IconImage> images;
    for (int size : sizes) {
        const int needed = drawn_extent(size, purpose);
        const Candidate* chosen = choose(candidates, needed);
        if (!chosen) break;
        if (chosen->decoded.scalable) {
            // Vector art is drawn afresh at the size it is needed, never scaled.
            Decoded exact = decode(*chosen->source, needed);
            images.push_back(render(exact.pixbuf.get(), size, purpose));
        } else {
            images.push_back(render(chosen->decoded.pixbuf.get(), size, purpose));
        }
    }
    return images;
}

// --- Fallback ------------------------------------------------------------------

std::uint32_t colour_from_name(std::string_view name) {
    // Mid-tone colours that carry a white letter; the name picks one, always the same.
    constexpr std::array<std::uint32_t, 8> palette{0x1E88E5, 0x43A047, 0xE53935, 0x8E24AA,
                                                   0xF4511E, 0x00897B, 0x3949AB, 0x6D4C41};
    std::uint32_t hash = 2166136261u;  // FNV-1a
    for (unsigned char c : name) hash = (hash ^ c) * 16777619u;
    return palette[hash % palette.size()];
}

// The first character (one UTF-8 sequence), ASCII letters in upper case.
std::string first_letter(std::string_view name) {
    std::size_t start = name.find_first_not_of(" \t\n");
    if (start == std::string_view::npos) return "?";
    const auto lead = static_cast<unsigned char>(name[start]);
    std::size_t length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    std::string letter(name.substr(start, length));
    if (letter.size() == 1 && letter[0] >= 'a' && letter[0] <= 'z')
        letter[0] = static_cast<char>(letter[0] - 'a' + 'A');
    return letter;
}

IconImage draw_fallback(const std::string& letter, std::uint32_t background, int size) {
    const double red = ((background >> 16) & 0xff) / 255.0;
    const double green = ((background >> 8) & 0xff) / 255.0;
    const double blue = (background & 0xff) / 255.0;
    SurfacePtr canvas(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, size, size));
    ContextPtr context(cairo_create(canvas.get()));
    cairo_t* cr = context.get();
    rounded_square_path(cr, size);
    cairo_set_source_rgb(cr, red, green, blue);
    cairo_fill(cr);

    // Dark letters on light backgrounds (relative luminance, roughly).
    const bool light = 0.2126 * red + 0.7152 * green + 0.0722 * blue > 0.6;
    cairo_set_source_rgb(cr, light ? 0.1 : 1.0, light ? 0.1 : 1.0, light ? 0.1 : 1.0);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
    cairo_set_font_size(cr, size * 0.55);
    cairo_text_extents_t extents;
    cairo_text_extents(cr, letter.c_str(), &extents);
    cairo_move_to(cr, (size - extents.width) / 2 - extents.x_bearing, (size - extents.height) / 2 - extents.y_bearing);
    cairo_show_text(cr, letter.c_str());
    context.reset();
    return {size, IconPurpose::any, encode_png(canvas.get())};
}

}  // namespace

std::optional<IconPurpose> icon_purpose_from_string(std::string_view text) {
    for (IconPurpose purpose : {IconPurpose::any, IconPurpose::maskable, IconPurpose::monochrome}) {
        if (to_string(purpose) == text) return purpose;
    }
    return std::nullopt;
}

RasterisedIcons rasterise_icons(std::span<const IconSource> sources, std::span<const int> sizes) {
    RasterisedIcons result;
    for (IconPurpose purpose : {IconPurpose::any, IconPurpose::maskable, IconPurpose::monochrome}) {
        std::vector<Candidate> candidates;
        for (const IconSource& source : sources) {
            if (source.purpose != purpose) continue;
            try {
                candidates.push_back({&source, decode(source, std::nullopt)});
            } catch (const IconError& error) {
                result.problems.push_back(error.what());
            }
        }
        std::vector<IconImage> images = render_sizes(candidates, purpose, sizes);
        std::move(images.begin(), images.end(), std::back_inserter(result.images));
    }
    return result;
}

std::vector<IconImage> rasterise_icon(const IconSource& source, std::span<const int> sizes) {
    std::vector<Candidate> candidates;
    candidates.push_back({&source, decode(source, std::nullopt)});
    return render_sizes(candidates, source.purpose, sizes);
}

std::vector<IconImage> fallback_icons(std::string_view name, std::optional<std::uint32_t> background,
                                      std::span<const int> sizes) {
    const std::string letter = first_letter(name);
    const std::uint32_t colour = background.value_or(colour_from_name(name));
    std::vector<IconImage> images;
    for (int size : sizes) images.push_back(draw_fallback(letter, colour, size));
    return images;
}

}  // namespace cirrus::launcher
