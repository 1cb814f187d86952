#include "status_bar_layout.hpp"

#include <algorithm>
#include <cmath>

#include "cellular.hpp"

namespace cirrus::shell {

namespace {

constexpr int kBarWidth = 3;
constexpr int kBarGap = 2;
constexpr int kLabelGap = 3;

}  // namespace

StatusBarLayout status_bar_layout(int width, int height) {
    const int side = std::min(96, width / 3);
    return {{6, 0, side - 6, height}, {side, 0, width - 2 * side, height}, {width - side, 0, side - 6, height}};
}

Box signal_bar(const Box& link, int index) {
    const int base = link.y + static_cast<int>(std::lround(link.height * 0.75));
    const int full = static_cast<int>(std::lround(link.height * 0.5));
    const int h = std::max(1, full * (index + 1) / kSignalBarCount);
    return {link.x + index * (kBarWidth + kBarGap), base - h, kBarWidth, h};
}

Box link_label(const Box& link) {
    const int x = link.x + kSignalBarCount * (kBarWidth + kBarGap) + kLabelGap;
    return {x, link.y, std::max(0, link.x + link.width - x), link.height};
}

Box battery_body(const Box& battery) {
    const int h = static_cast<int>(std::lround(battery.height * 0.45));
    const int w = static_cast<int>(std::lround(h * 2.1));
    const int right = battery.x + battery.width;
    return {right - kBatteryNubWidth - w, battery.y + static_cast<int>(std::lround((battery.height - h) / 2.0)), w, h};
}

Box sync_icon(const Box& clock) {
    const int side = std::max(8, static_cast<int>(std::lround(clock.height * 0.7)));
    return {clock.x + clock.width - side - 4, clock.y + (clock.height - side) / 2, side, side};
}

}  // namespace cirrus::shell
