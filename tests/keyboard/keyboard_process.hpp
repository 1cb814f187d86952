// Helpers of the keyboard's integration tests: the real cirrus-keyboard as a
// trusted client of the real compositor (headless), its CPU time and PSS
// from /proc, and where its keys are on screen.
#pragma once

#include "harness.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "geometry.hpp"
#include "layouts.hpp"

namespace keyboard_it {

using namespace cirrus_it;

inline std::unique_ptr<Process> start_keyboard(Compositor& c, bool trusted = true) {
    return c.client({program("CIRRUS_KEYBOARD"), "--events"}, trusted);
}

// utime + stime in clock ticks (/proc/PID/stat fields 14 and 15).
inline long cpu_ticks(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto close = all.rfind(')');  // the command name may hold spaces
    REQUIRE(close != std::string::npos);
    std::istringstream rest(all.substr(close + 2));
    std::string field;
    long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
        if (i == 14) utime = std::stol(field);
        if (i == 15) stime = std::stol(field);
    }
    return utime + stime;
}

// Proportional set size in KiB (smem's measure), from smaps_rollup.
inline long pss_kib(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/smaps_rollup");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("Pss:", 0) == 0) return std::stol(line.substr(4));
    return -1;
}

// The keyboard's layer surface in `layers`, if it has one.
inline std::optional<json> keyboard_layer(Compositor& c) {
    for (const json& l : c.layers())
        if (l.value("namespace", "") == "cirrus-keyboard") return l;
    return std::nullopt;
}

// The screen point of a letters-page key, from the keyboard's own geometry
// for the surface's place and width (no 中 key: built without librime).
inline std::pair<int, int> key_point(const json& layer, const std::string& label, double screen_w, double screen_h) {
    using namespace cirrus::keyboard;
    const double width = layer.at("width").get<double>();
    const Layout layout = make_layout(Page::Letters, Variant::Text, false);
    const Geometry g = compute_geometry(layout, width, metrics_for(width, screen_w, screen_h));
    for (const KeyBox& k : g.keys) {
        const Key& key = layout.rows[k.row].keys[k.index];
        if (key.shown() == label)
            return {layer.at("x").get<int>() + static_cast<int>(k.rect.x + k.rect.w / 2),
                    layer.at("y").get<int>() + static_cast<int>(k.rect.y + k.rect.h / 2)};
    }
    FAIL("no key " << label);
    return {0, 0};
}

}  // namespace keyboard_it
