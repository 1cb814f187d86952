// Shared by the registry tests: a temporary folder, file helpers, and PNGs
// made and read with cairo.
#pragma once

#include <cairo.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>
#include "../../temp_dir.hpp"

namespace cirrus::launcher::testing {

// cirrus::test::TempDir, its folder named for these tests.
class TempDir : public cirrus::test::TempDir {
public:
    TempDir() : cirrus::test::TempDir("cirrus-registry") {}
};

inline std::vector<std::uint8_t> read_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_bytes(const std::filesystem::path& path, std::span<const std::uint8_t> bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

inline void write_text(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

struct Rgb {
    double red, green, blue;
};

inline cairo_status_t append_png(void* closure, const unsigned char* data, unsigned int length) {
    auto* bytes = static_cast<std::vector<std::uint8_t>*>(closure);
    bytes->insert(bytes->end(), data, data + length);
    return CAIRO_STATUS_SUCCESS;
}

inline std::vector<std::uint8_t> surface_png(cairo_surface_t* surface) {
    std::vector<std::uint8_t> png;
    cairo_surface_write_to_png_stream(surface, append_png, &png);
    return png;
}

// A square PNG filled with `fill`; `border` px at the edges in `edge`.
inline std::vector<std::uint8_t> make_png(int width, int height, Rgb fill, int border = 0, Rgb edge = {0, 0, 0}) {
    cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height);
    cairo_t* cr = cairo_create(surface);
    cairo_set_source_rgb(cr, edge.red, edge.green, edge.blue);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, fill.red, fill.green, fill.blue);
    cairo_rectangle(cr, border, border, width - 2 * border, height - 2 * border);
    cairo_fill(cr);
    cairo_destroy(cr);
    std::vector<std::uint8_t> png = surface_png(surface);
    cairo_surface_destroy(surface);
    return png;
}

// A decoded PNG for looking at pixels.
class Picture {
public:
    explicit Picture(std::span<const std::uint8_t> png) {
        struct Reader {
            std::span<const std::uint8_t> bytes;
            std::size_t offset = 0;
        } reader{png};
        surface_ = cairo_image_surface_create_from_png_stream(
            [](void* closure, unsigned char* data, unsigned int length) {
                auto* r = static_cast<Reader*>(closure);
                if (r->offset + length > r->bytes.size()) return CAIRO_STATUS_READ_ERROR;
                std::copy_n(r->bytes.data() + r->offset, length, data);
                r->offset += length;
                return CAIRO_STATUS_SUCCESS;
            },
            &reader);
        if (cairo_surface_status(surface_) != CAIRO_STATUS_SUCCESS) {
            cairo_surface_destroy(surface_);
            throw std::runtime_error("not a PNG");
        }
    }
    ~Picture() { cairo_surface_destroy(surface_); }
    Picture(const Picture&) = delete;
    Picture& operator=(const Picture&) = delete;

    int width() const { return cairo_image_surface_get_width(surface_); }
    int height() const { return cairo_image_surface_get_height(surface_); }
    // Premultiplied ARGB as cairo stores it (RGB24 PNGs read as alpha 255).
    std::uint32_t pixel(int x, int y) const {
        const unsigned char* row = cairo_image_surface_get_data(surface_) +
                                   static_cast<std::ptrdiff_t>(y) * cairo_image_surface_get_stride(surface_);
        std::uint32_t value = reinterpret_cast<const std::uint32_t*>(row)[x];
        if (cairo_image_surface_get_format(surface_) == CAIRO_FORMAT_RGB24) value |= 0xff000000u;
        return value;
    }
    int alpha(int x, int y) const { return static_cast<int>(pixel(x, y) >> 24); }
    int red(int x, int y) const { return static_cast<int>((pixel(x, y) >> 16) & 0xff); }
    int green(int x, int y) const { return static_cast<int>((pixel(x, y) >> 8) & 0xff); }
    int blue(int x, int y) const { return static_cast<int>(pixel(x, y) & 0xff); }

private:
    cairo_surface_t* surface_;
};

}  // namespace cirrus::launcher::testing
