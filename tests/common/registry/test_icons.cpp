// Icon rasterising from PNG, JPEG, ICO and SVG made here: sizes, the choice
// of source, the maskable cut, monochrome, limits and the fallback icon.
#include <doctest/doctest.h>

#include <gdk-pixbuf/gdk-pixbuf.h>

#include <string>

#include "helpers.hpp"
#include "common/icons.hpp"

using namespace cirrus::launcher;
using cirrus::launcher::testing::make_png;
using cirrus::launcher::testing::Picture;
using cirrus::launcher::testing::Rgb;

namespace {

constexpr Rgb kRed{1, 0, 0};
constexpr Rgb kGreen{0, 1, 0};
constexpr Rgb kBlue{0, 0, 1};

std::vector<std::uint8_t> bytes_of(const std::string& text) { return {text.begin(), text.end()}; }

// A green circle filling a 100x100 view box, on transparency.
const std::string kGreenCircleSvg =
    R"(<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" viewBox="0 0 100 100">)"
    R"(<circle cx="50" cy="50" r="50" fill="#00ff00"/></svg>)";

// Saves a solid image through gdk-pixbuf in another format ("jpeg", "ico").
std::vector<std::uint8_t> encode_with_pixbuf(int size, std::uint32_t rgba, const char* format) {
    GdkPixbuf* pixbuf = gdk_pixbuf_new(GDK_COLORSPACE_RGB, TRUE, 8, size, size);
    gdk_pixbuf_fill(pixbuf, rgba);
    gchar* buffer = nullptr;
    gsize length = 0;
    GError* error = nullptr;
    gboolean saved = gdk_pixbuf_save_to_buffer(pixbuf, &buffer, &length, format, &error, nullptr);
    g_object_unref(pixbuf);
    if (!saved) {
        std::string message = error ? error->message : "?";
        g_clear_error(&error);
        throw std::runtime_error(std::string("cannot save ") + format + ": " + message);
    }
    std::vector<std::uint8_t> bytes(buffer, buffer + length);
    g_free(buffer);
    return bytes;
}

// Which of red, green or blue is strongest at a pixel.
char colour_at(const Picture& picture, int x, int y) {
    int r = picture.red(x, y), g = picture.green(x, y), b = picture.blue(x, y);
    if (r > g && r > b) return 'r';
    if (g > r && g > b) return 'g';
    if (b > r && b > g) return 'b';
    return '?';
}

void check_sizes(const std::vector<IconImage>& images, IconPurpose purpose) {
    REQUIRE(images.size() == kShellIconSizes.size());
    for (std::size_t i = 0; i < images.size(); ++i) {
        CHECK(images[i].size == kShellIconSizes[i]);
        CHECK(images[i].purpose == purpose);
        Picture picture(images[i].png);
        CHECK(picture.width() == kShellIconSizes[i]);
        CHECK(picture.height() == kShellIconSizes[i]);
    }
}

// A PNG that claims `width` x `height` in its header and then ends: enough
// to reach the size check, never enough to decode.
std::vector<std::uint8_t> png_header_claiming(std::uint32_t width, std::uint32_t height) {
    auto crc32 = [](const std::uint8_t* data, std::size_t length) {
        std::uint32_t crc = 0xffffffffu;
        for (std::size_t i = 0; i < length; ++i) {
            crc ^= data[i];
            for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
        }
        return ~crc;
    };
    auto put32 = [](std::vector<std::uint8_t>& out, std::uint32_t value) {
        for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(value >> shift));
    };
    std::vector<std::uint8_t> png{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    std::vector<std::uint8_t> chunk{'I', 'H', 'D', 'R'};
    put32(chunk, width);
    put32(chunk, height);
    chunk.insert(chunk.end(), {8, 6, 0, 0, 0});  // 8-bit RGBA
    put32(png, 13);
    png.insert(png.end(), chunk.begin(), chunk.end());
    put32(png, crc32(chunk.data(), chunk.size()));
    // libpng reports the header when it meets the first IDAT: give it one,
    // whose data does not decode.
    std::vector<std::uint8_t> data{'I', 'D', 'A', 'T', 0x78, 0x9c, 0xff, 0xff, 0xff, 0xff};
    put32(png, static_cast<std::uint32_t>(data.size() - 4));
    png.insert(png.end(), data.begin(), data.end());
    put32(png, crc32(data.data(), data.size()));
    return png;
}

}  // namespace

TEST_CASE("a PNG is rasterised to every shell size") {
    const auto png = make_png(256, 256, kBlue);
    std::vector<IconImage> images = rasterise_icon({png, "image/png", IconPurpose::any, "icon.png"});
    check_sizes(images, IconPurpose::any);
    Picture largest(images.back().png);
    CHECK(colour_at(largest, 96, 96) == 'b');
    CHECK(largest.alpha(0, 0) == 255);  // "any" icons are not cut
}

TEST_CASE("each size comes from the smallest source at least that large, else the largest") {
    const auto small = make_png(64, 64, kRed);
    const auto middle = make_png(128, 128, kGreen);
    const auto large = make_png(512, 512, kBlue);
    std::vector<IconSource> sources{
        {large, "image/png", IconPurpose::any, "512"},
        {small, "image/png", IconPurpose::any, "64"},
        {middle, "image/png", IconPurpose::any, "128"},
    };
    RasterisedIcons result = rasterise_icons(sources);
    CHECK(result.problems.empty());
    check_sizes(result.images, IconPurpose::any);
    std::string chosen;
    for (const IconImage& image : result.images) {
        Picture picture(image.png);
        chosen += colour_at(picture, image.size / 2, image.size / 2);
    }
    // 48 <- 64 (red), 72 and 96 <- 128 (green), 144 and 192 <- 512 (blue)
    CHECK(chosen == "rggbb");

    SUBCASE("only small sources: the largest is scaled up") {
        std::vector<IconSource> only_small{{small, "", IconPurpose::any, "a"}, {small, "", IconPurpose::any, "b"}};
        RasterisedIcons upscaled = rasterise_icons(only_small);
        check_sizes(upscaled.images, IconPurpose::any);
        Picture picture(upscaled.images.back().png);
        CHECK(colour_at(picture, 96, 96) == 'r');
    }
}

TEST_CASE("an SVG is drawn at each size, and is used only where no raster is large enough") {
    const auto svg = bytes_of(kGreenCircleSvg);
    std::vector<IconImage> images = rasterise_icon({svg, "image/svg+xml", IconPurpose::any, "icon.svg"});
    check_sizes(images, IconPurpose::any);
    Picture picture(images.back().png);
    CHECK(colour_at(picture, 96, 96) == 'g');
    CHECK(picture.alpha(96, 96) == 255);
    CHECK(picture.alpha(0, 0) == 0);  // outside the circle

    const auto raster = make_png(96, 96, kRed);
    std::vector<IconSource> sources{{svg, "", IconPurpose::any, "svg"}, {raster, "", IconPurpose::any, "png"}};
    RasterisedIcons mixed = rasterise_icons(sources);
    std::string chosen;
    for (const IconImage& image : mixed.images) {
        Picture drawn(image.png);
        chosen += colour_at(drawn, image.size / 2, image.size / 2);
    }
    CHECK(chosen == "rrrgg");
}

TEST_CASE("an SVG without an XML header or MIME type is still recognised") {
    const auto svg = bytes_of(kGreenCircleSvg);
    CHECK(rasterise_icon({svg, "", IconPurpose::any, ""}).size() == kShellIconSizes.size());
}

TEST_CASE("JPEG and ICO decode too, and a wrong MIME hint does not matter") {
    const auto jpeg = encode_with_pixbuf(200, 0xff0000ff, "jpeg");
    check_sizes(rasterise_icon({jpeg, "image/png", IconPurpose::any, "mislabelled.jpg"}), IconPurpose::any);
    const auto ico = encode_with_pixbuf(64, 0x0000ffff, "ico");
    std::vector<IconImage> from_ico = rasterise_icon({ico, "image/x-icon", IconPurpose::any, "favicon.ico"});
    check_sizes(from_ico, IconPurpose::any);
    Picture picture(from_ico.front().png);
    CHECK(colour_at(picture, 24, 24) == 'b');
}

TEST_CASE("maskable icons are cut to the rounded square, their safe zone filling it") {
    // Blue, with a red frame in the outer 5%: outside the 80% safe zone, so
    // the mask's scaling must push it out of sight.
    const auto png = make_png(200, 200, kBlue, 10, kRed);
    std::vector<IconImage> images = rasterise_icon({png, "image/png", IconPurpose::maskable, "m.png"});
    check_sizes(images, IconPurpose::maskable);
    for (const IconImage& image : images) {
        Picture picture(image.png);
        const int s = image.size;
        CAPTURE(s);
        CHECK(picture.alpha(0, 0) == 0);  // the corners are cut away
        CHECK(picture.alpha(s - 1, s - 1) == 0);
        CHECK(picture.alpha(s / 2, s / 2) == 255);
        CHECK(picture.alpha(s / 2, 0) == 255);       // the straight edges are kept
        CHECK(colour_at(picture, s / 2, 1) == 'b');  // no red frame
        CHECK(colour_at(picture, s / 2, s / 2) == 'b');
    }

    // The same picture as "any" keeps its frame and corners.
    Picture plain(rasterise_icon({png, "image/png", IconPurpose::any, "a.png"}).back().png);
    CHECK(plain.alpha(0, 0) == 255);
    CHECK(colour_at(plain, 96, 1) == 'r');
}

TEST_CASE("monochrome icons keep only their alpha") {
    const auto svg = bytes_of(kGreenCircleSvg);
    std::vector<IconImage> images = rasterise_icon({svg, "", IconPurpose::monochrome, "mono.svg"});
    check_sizes(images, IconPurpose::monochrome);
    Picture picture(images.back().png);
    CHECK(picture.alpha(96, 96) == 255);
    CHECK(picture.red(96, 96) == 255);  // white, not green
    CHECK(picture.green(96, 96) == 255);
    CHECK(picture.blue(96, 96) == 255);
    CHECK(picture.alpha(0, 0) == 0);
}

TEST_CASE("the purposes are kept apart") {
    const auto any = make_png(192, 192, kRed);
    const auto maskable = make_png(256, 256, kGreen);
    std::vector<IconSource> sources{{any, "", IconPurpose::any, "any"}, {maskable, "", IconPurpose::maskable, "mask"}};
    RasterisedIcons result = rasterise_icons(sources);
    REQUIRE(result.images.size() == 2 * kShellIconSizes.size());
    for (const IconImage& image : result.images) {
        Picture picture(image.png);
        CHECK(colour_at(picture, image.size / 2, image.size / 2) == (image.purpose == IconPurpose::any ? 'r' : 'g'));
    }
}

TEST_CASE("limits: too many bytes, too many pixels, and non-images are refused clearly") {
    std::vector<std::uint8_t> huge(kMaxIconFileBytes + 1, 0);
    CHECK_THROWS_WITH_AS(rasterise_icon({huge, "image/png", IconPurpose::any, "huge.png"}),
                         doctest::Contains("more than the 5242880 allowed"), IconError);

    const auto wide = make_png(kMaxIconDimension + 1, 2, kRed);
    CHECK_THROWS_WITH_AS(rasterise_icon({wide, "image/png", IconPurpose::any, "wide.png"}),
                         doctest::Contains("larger than 4096x4096"), IconError);
    CHECK_THROWS_WITH_AS(rasterise_icon({wide, "", IconPurpose::any, "wide.png"}),
                         doctest::Contains("larger than 4096x4096"), IconError);
    // Refused from the header alone, before 3.6 GB of pixels are allocated.
    const auto claims_huge = png_header_claiming(30000, 30000);
    CHECK_THROWS_WITH_AS(rasterise_icon({claims_huge, "image/png", IconPurpose::any, "bomb.png"}),
                         doctest::Contains("larger than 4096x4096"), IconError);
    const auto edge = make_png(kMaxIconDimension, 2, kRed);
    CHECK(rasterise_icon({edge, "image/png", IconPurpose::any, "edge.png"}).size() == kShellIconSizes.size());

    const auto text = bytes_of("this is not an image at all");
    CHECK_THROWS_WITH_AS(rasterise_icon({text, "image/png", IconPurpose::any, "bad.png"}),
                         doctest::Contains("icon bad.png: cannot decode"), IconError);
    CHECK_THROWS_AS(rasterise_icon({{}, "image/png", IconPurpose::any, "empty.png"}), IconError);

    // Among several sources a bad one is skipped and reported.
    const auto good = make_png(64, 64, kGreen);
    std::vector<IconSource> sources{{text, "", IconPurpose::any, "bad.png"}, {good, "", IconPurpose::any, "good.png"}};
    RasterisedIcons result = rasterise_icons(sources);
    CHECK(result.images.size() == kShellIconSizes.size());
    REQUIRE(result.problems.size() == 1);
    CHECK(result.problems[0].find("bad.png") != std::string::npos);

    std::vector<IconSource> only_bad{{text, "", IconPurpose::any, "bad.png"}};
    CHECK(rasterise_icons(only_bad).images.empty());
}

TEST_CASE("the fallback icon is the mask shape in the colour, with a letter") {
    std::vector<IconImage> images = fallback_icons("weather", 0x2040c0u);
    check_sizes(images, IconPurpose::any);
    for (const IconImage& image : images) {
        Picture picture(image.png);
        const int s = image.size;
        CHECK(picture.alpha(0, 0) == 0);
        CHECK(picture.alpha(s / 2, s / 10) == 255);
        CHECK(picture.blue(s / 2, s / 10) == 0xc0);  // background above the letter
        // The letter is drawn: some pixel in the middle row is light.
        bool has_letter = false;
        for (int x = s / 4; x < 3 * s / 4; ++x) has_letter = has_letter || picture.red(x, s / 2) > 0xc0;
        CHECK(has_letter);
    }
    // No colour: one is picked from the name, the same every time.
    CHECK(fallback_icons("Clock", std::nullopt)[0].png == fallback_icons("Clock", std::nullopt)[0].png);
    CHECK(fallback_icons("", std::nullopt).size() == kShellIconSizes.size());
    CHECK(fallback_icons("ñandú", 0xffffffu).size() == kShellIconSizes.size());
}

TEST_CASE("purposes convert to and from their manifest text") {
    CHECK(icon_purpose_from_string("maskable") == IconPurpose::maskable);
    CHECK(to_string(IconPurpose::monochrome) == "monochrome");
    CHECK_FALSE(icon_purpose_from_string("badge").has_value());
}
