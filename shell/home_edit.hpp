// Home-screen edit mode as plain C++: where a dragged icon lands (as the
// registry position that set_position then makes room at), and where each
// icon's remove badge is. The drawing and the touch handling are
// home_screen's; the rules are here so that unit tests reach them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "home_layout.hpp"

namespace cirrus::shell {

// Held this long without moving, a touch on an icon enters edit mode.
inline constexpr int kLongPressMs = 500;
// Held this long at the left or right edge, a dragged icon turns the page.
inline constexpr int kEdgeTurnMs = 600;
inline constexpr int kEdgeZonePx = 24;

// The registry position for dropping `dragged` (an index into positions) at
// (x, y) with displayed page `page` showing: a dock slot when the point is
// in the dock (nothing when the dock is full of other apps), else the grid
// cell nearest the point. Displayed pages are the non-empty raw pages in
// order, as place_apps shows them while the icon is dragged; one page past
// the last is a new page.
std::optional<std::int64_t> drop_position(const HomeGeometry& geometry,
                                          std::span<const std::optional<std::int64_t>> positions, std::size_t dragged,
                                          int page, double x, double y);

// The round remove badge over the top-left corner of an icon box.
Box remove_badge(const Box& icon);

// Which edge, if any, a dragged icon at x is held against: -1 left, 1 right.
int drag_edge(const HomeGeometry& geometry, double x);

// The "Remove <app>?" question: its panel and two buttons, centred.
struct ConfirmLayout {
    Box panel;
    Box cancel;
    Box remove;
};
ConfirmLayout confirm_layout(const HomeGeometry& geometry);

}  // namespace cirrus::shell
