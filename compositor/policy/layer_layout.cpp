// Layer-shell arrangement, following the wlr-layer-shell protocol the way sway's
// arrange_layers() does: reserve space first, then place everything else.
#include "layer_layout.hpp"

#include <algorithm>
#include <array>

namespace cirrus {
namespace {

constexpr std::uint32_t kBothHorizontal = anchor::left | anchor::right;
constexpr std::uint32_t kBothVertical = anchor::top | anchor::bottom;

// The layer order in which space is claimed: what is drawn on top claims first,
// so a panel on the overlay layer wins over one on the background.
constexpr std::array<Layer, 4> kLayersTopDown = {Layer::overlay, Layer::top, Layer::bottom, Layer::background};

bool reserves_space(const LayerRequest& request) { return request.exclusive_zone > 0; }

// Anchored to one edge, or to it and both perpendicular ones (a full-width
// bar): the anchorings the protocol gives an exclusive zone meaning for.
bool anchored_to_edge(std::uint32_t anchors, std::uint32_t edge, std::uint32_t perpendicular) {
    return anchors == edge || anchors == (edge | perpendicular);
}

// A position and length along one axis.
struct Span {
    int position;
    int length;
};

// Places a surface along one axis of the bounds. `start_anchor`/`end_anchor`
// say whether it is anchored to the left/top and right/bottom edge of that axis.

Span place_on_axis(int bounds_start, int bounds_length, int desired, bool start_anchor, bool end_anchor,
                   int start_margin, int end_margin) {
    if (desired <= 0) {
        // Stretch between the edges (the protocol requires both anchors here;
        // the glue rejects other cases, this just stays well-defined).
        return {bounds_start + start_margin, std::max(0, bounds_length - start_margin - end_margin)};
    }
    if (start_anchor && !end_anchor) return {bounds_start + start_margin, desired};
    if (end_anchor && !start_anchor) return {bounds_start + bounds_length - desired - end_margin, desired};
    // Neither or both anchors with a fixed size: centred, margins ignored
    // (as in sway; the protocol leaves this case open).
    return {bounds_start + (bounds_length - desired) / 2, desired};
}

Rect place_surface(const LayerRequest& request, Rect bounds) {
    const Span horizontal = place_on_axis(bounds.x, bounds.width, request.desired.width, request.anchor & anchor::left,
                                          request.anchor & anchor::right, request.margin.left, request.margin.right);
    const Span vertical = place_on_axis(bounds.y, bounds.height, request.desired.height, request.anchor & anchor::top,
                                        request.anchor & anchor::bottom, request.margin.top, request.margin.bottom);
    return {horizontal.position, vertical.position, horizontal.length, vertical.length};
}

// Shrinks the usable area by zone + margin from the edge the surface is
// anchored to. The protocol only gives an exclusive zone meaning when the
// surface is anchored to one edge, or to one edge and both perpendicular ones
// (a full-width bar); any other anchoring reserves nothing.
void reserve_exclusive_zone(const LayerRequest& request, Rect& usable) {
    auto anchored_to = [a = request.anchor](std::uint32_t edge, std::uint32_t perpendicular) {
        return anchored_to_edge(a, edge, perpendicular);
    };
    const Margins& m = request.margin;
    const int zone = request.exclusive_zone;

    if (anchored_to(anchor::top, kBothHorizontal)) {
        const int reserved = std::max(0, zone + m.top);
        usable.y += reserved;
        usable.height -= reserved;
    } else if (anchored_to(anchor::bottom, kBothHorizontal)) {
        usable.height -= std::max(0, zone + m.bottom);
    } else if (anchored_to(anchor::left, kBothVertical)) {
        const int reserved = std::max(0, zone + m.left);
        usable.x += reserved;
        usable.width -= reserved;
    } else if (anchored_to(anchor::right, kBothVertical)) {
        usable.width -= std::max(0, zone + m.right);
    }
    // Zones larger than what is left must not produce a negative area.
    usable.width = std::max(0, usable.width);
    usable.height = std::max(0, usable.height);
}

}  // namespace

bool yields_to_fullscreen(const LayerRequest& request) {
    return request.layer != Layer::overlay && anchored_to_edge(request.anchor, anchor::top, kBothHorizontal);
}

LayerArrangement arrange_layers(Rect output, std::span<const LayerRequest> surfaces) {
    LayerArrangement result;
    result.boxes.resize(surfaces.size());
    Rect usable = output;
    Rect fullscreen_usable = output;

    // Pass 1: surfaces that reserve space, top-most layer first; within a layer
    // in request order (the glue passes them in creation order).
    for (Layer layer : kLayersTopDown) {
        for (std::size_t i = 0; i < surfaces.size(); ++i) {
            const LayerRequest& request = surfaces[i];
            if (request.layer != layer || !reserves_space(request)) continue;
            result.boxes[i] = place_surface(request, usable);
            reserve_exclusive_zone(request, usable);
            if (!yields_to_fullscreen(request)) reserve_exclusive_zone(request, fullscreen_usable);
        }
    }

    // Pass 2: the rest, in what the exclusive zones left (or over the whole
    // output when the surface asked to ignore them with -1).
    for (Layer layer : kLayersTopDown) {
        for (std::size_t i = 0; i < surfaces.size(); ++i) {
            const LayerRequest& request = surfaces[i];
            if (request.layer != layer || reserves_space(request)) continue;
            const Rect bounds = request.exclusive_zone < 0 ? output : usable;
            result.boxes[i] = place_surface(request, bounds);
        }
    }

    result.work_area = usable;
    result.fullscreen_area = fullscreen_usable;
    return result;
}

}  // namespace cirrus
