// The weak-link profiles' numbers (docs/ARCHITECTURE.md, "Weak-link
// profiles"): what cirrus-weak-link plays in tests and benchmarks
// (tests/tools/link_model.cpp builds its table from these), what
// `cirrus dev --network` applies to an app's traffic, and what its checklist
// prices a page's weight with. One place, so that a "3g" means the same
// everywhere. kbit/s are 1000 bits per second; the round trip is added to
// the real link's.
#pragma once

#include <chrono>
#include <string_view>

namespace cirrus::link {

struct ShapedLink {
    std::string_view name;
    double down_bits_per_second;
    double up_bits_per_second;
    std::chrono::milliseconds added_round_trip;
    double loss;  // share of segments that need a retransmission
};

// A Wi-Fi or wired link the estimator classes as good (the install benchmark's
// peer of 3g).
inline constexpr ShapedLink kGood{"good", 10e6, 5e6, std::chrono::milliseconds(40), 0.0};
inline constexpr ShapedLink k3g{"3g", 1600e3, 750e3, std::chrono::milliseconds(300), 0.0};
inline constexpr ShapedLink k3gSlow{"3g-slow", 400e3, 400e3, std::chrono::milliseconds(2000), 0.0};
inline constexpr ShapedLink k2g{"2g", 50e3, 20e3, std::chrono::milliseconds(650), 0.01};

}  // namespace cirrus::link
