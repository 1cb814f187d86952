// Where the status bar's parts go, in logical pixels: plain C++ so that the
// drawing code and the screenshot tests agree on the same rectangles.
#pragma once

#include "home_layout.hpp"

namespace cirrus::shell {

struct StatusBarLayout {
    Box link;     // signal bars and their label, on the left
    Box clock;    // in the middle
    Box battery;  // on the right
};

StatusBarLayout status_bar_layout(int width, int height);

// Signal bar `index` (0 = shortest, leftmost) of the link box: whole pixels,
// rising to the right.
Box signal_bar(const Box& link, int index);
// The link's label, right of the bars.
Box link_label(const Box& link);

// The battery's outline, right-aligned in its box with room for the nub;
// the fill goes 2 px inside it, (width - 4) * percent / 100 wide.
Box battery_body(const Box& battery);

// The sync icon (sync_indicator.hpp): a square at the right end of the
// clock's box, clear of the centred time.
Box sync_icon(const Box& clock);
inline constexpr int kBatteryNubWidth = 2;

}  // namespace cirrus::shell
