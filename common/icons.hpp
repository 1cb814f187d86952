// App icons rasterised once, at install time, to the PNG sizes the shell
// draws, so that the home screen never decodes SVG or scales at run time.
// Input is bytes in memory (fetched or read from a package), never a path.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "manifest.hpp"

namespace cirrus::launcher {

// IconPurpose and its to_string() are the manifest's (manifest.hpp).
std::optional<IconPurpose> icon_purpose_from_string(std::string_view text);

// The square sizes (px) the shell draws icons at.
inline constexpr std::array<int, 5> kShellIconSizes{48, 72, 96, 144, 192};
// Bounds on what we decode: a larger image or file is refused, not shrunk.
inline constexpr int kMaxIconDimension = 4096;
inline constexpr std::size_t kMaxIconFileBytes = 5 * 1024 * 1024;
// The shell's icon mask: a rounded square whose corner radius is this share of its size.
inline constexpr double kMaskCornerRadiusRatio = 0.225;
// A maskable icon's safe zone: the centred circle of this share of its width.
inline constexpr double kMaskableSafeZoneRatio = 0.8;

class IconError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// One icon file as the manifest (or a package) offers it.
struct IconSource {
    std::span<const std::uint8_t> bytes;
    std::string mime_type;  // a hint ("image/png"); empty or wrong: the content decides
    IconPurpose purpose = IconPurpose::any;
    std::string label;  // names the icon in errors (its URL or path)
};

// One rasterised icon, as the registry stores it.
struct IconImage {
    int size = 0;  // width and height, px
    IconPurpose purpose = IconPurpose::any;
    std::vector<std::uint8_t> png;
};

struct RasterisedIcons {
    std::vector<IconImage> images;      // every size, for each purpose some source had
    std::vector<std::string> problems;  // sources that were refused or failed to decode, and why
};

// Rasterises every usable source to each size, per purpose: for each target
// size the smallest raster at least that large is scaled down (else the
// largest scaled up), an SVG only when no raster is large enough. `any` icons
// are fitted into the square; `maskable` ones are cut to the shell's mask
// with their safe zone filling it; `monochrome` ones keep only their alpha
// (drawn white, for the shell to tint). A bad source is skipped and named in
// `problems`; no usable source gives no images (see fallback_icons()).
RasterisedIcons rasterise_icons(std::span<const IconSource> sources, std::span<const int> sizes = kShellIconSizes);

// The same for one source; throws IconError (too large, undecodable, ...).
std::vector<IconImage> rasterise_icon(const IconSource& source, std::span<const int> sizes = kShellIconSizes);

// For apps without a usable icon: the mask shape in `background` (0xRRGGBB;
// a colour picked from the name when absent) with the name's first letter.
std::vector<IconImage> fallback_icons(std::string_view name, std::optional<std::uint32_t> background,
                                      std::span<const int> sizes = kShellIconSizes);

}  // namespace cirrus::launcher
