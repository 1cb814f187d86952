// Where wlr-layer-shell surfaces go on an output, and what is left for apps.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "geometry.hpp"

namespace cirrus {

// Values match zwlr_layer_shell_v1.layer so the glue can cast.
enum class Layer : std::uint32_t { background = 0, bottom = 1, top = 2, overlay = 3 };

// Bits match zwlr_layer_surface_v1.anchor.
namespace anchor {
constexpr std::uint32_t top = 1;
constexpr std::uint32_t bottom = 2;
constexpr std::uint32_t left = 4;
constexpr std::uint32_t right = 8;
}  // namespace anchor

struct Margins {
    int top = 0;
    int right = 0;
    int bottom = 0;
    int left = 0;
};

// What one layer surface asked for in its last committed state.
struct LayerRequest {
    Layer layer = Layer::top;
    std::uint32_t anchor = 0;
    Size desired;  // 0 in a dimension means "stretch between the opposite anchors"
    Margins margin;
    int exclusive_zone = 0;  // >0 reserves space, 0 avoids others' zones, -1 ignores them
};

struct LayerArrangement {
    std::vector<Rect> boxes;  // one per request, same order, output-local
    Rect work_area;           // output-local area left for app windows
    // The area of a fullscreen app: the output less the zones of the surfaces
    // that stay above it (all but those that yield_to_fullscreen).
    Rect fullscreen_area;
};

// A fullscreen app (manifest display: fullscreen, xdg_toplevel.set_fullscreen)
// covers the top-edge bars: surfaces below the overlay layer anchored to the
// top edge alone or to it and both sides (the status bar). Their zones do not
// shrink its window, and the glue hides them while it is in front. Everything
// else keeps its zone and its place above the app: the on-screen keyboard (a
// top-layer bar at the bottom edge) must still push a fullscreen page up, and
// overlay surfaces (lock screen, switcher, banners) stay above everything.
bool yields_to_fullscreen(const LayerRequest& request);

// Follows the layer-shell protocol: surfaces that reserve space are placed
// first (overlay down to background), each shrinking the usable area from the
// edge it is anchored to; then the rest are placed in what remains (or in the
// whole output for exclusive_zone == -1). A size of 0 in a dimension without
// both opposite anchors is a client error the glue reports before calling this;
// here it is treated as stretching over the available extent.
// fullscreen_area is worked out the same way with only the zones of surfaces
// that do not yield_to_fullscreen.
LayerArrangement arrange_layers(Rect output, std::span<const LayerRequest> surfaces);

}  // namespace cirrus
