// Helpers shared by the integration test files (on top of the harness).
#pragma once

#include "harness.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace cirrus_it {

constexpr int kWidth = 480;
constexpr int kHeight = 800;
constexpr double kTimeout = 10;

inline std::vector<std::string> test_client_argv(std::vector<std::string> args = {}) {
    args.insert(args.begin(), program("CIRRUS_TEST_CLIENT"));
    return args;
}

inline std::vector<std::string> test_layer_argv(std::vector<std::string> args = {}) {
    args.insert(args.begin(), program("CIRRUS_TEST_LAYER"));
    return args;
}

// Starts cirrus-test-client (untrusted) and waits until its first buffer
// has been committed and processed.
inline std::unique_ptr<Process> start_app(Compositor& c, std::vector<std::string> args = {}) {
    auto p = c.client(test_client_argv(std::move(args)));
    p->expect("mapped", kTimeout, [](const json& e) { return e.value("surface", "") == "main"; });
    return p;
}

// The status-bar-like layer surface of the tests: top, full width, 40 px,
// exclusive 40, red (trusted client).
constexpr uint32_t kBarColor = 0xff0000;
constexpr int kBarHeight = 40;
inline std::unique_ptr<Process> start_bar(Compositor& c, int exclusive = kBarHeight) {
    auto p = c.client(
        test_layer_argv({"--layer", "top", "--anchor", "top,left,right", "--size", "0x" + std::to_string(kBarHeight),
                         "--exclusive", std::to_string(exclusive), "--namespace", "test-bar", "--color", "ff0000"}),
        true);
    p->expect("mapped", kTimeout);
    return p;
}

// Polls "windows" until some window satisfies `pred`; throws with the last
// answer on timeout.
inline json wait_window_where(Compositor& c, const Predicate& pred, const std::string& what,
                              double timeout_s = kTimeout) {
    json last;
    std::optional<json> found;
    const bool ok = wait_until(
        [&] {
            last = c.windows();
            for (auto& w : last) {
                if (pred(w)) {
                    found = w;
                    return true;
                }
            }
            return false;
        },
        timeout_s);
    if (!ok) throw std::runtime_error("no window is " + what + "; last windows: " + last.dump());
    return *found;
}

// Polls "windows" until the window of `pid` satisfies `pred`; throws with
// the last answer on timeout.
inline json wait_window(Compositor& c, pid_t pid, const Predicate& pred, const std::string& what,
                        double timeout_s = kTimeout) {
    json last;
    std::optional<json> found;
    bool ok = wait_until(
        [&] {
            last = c.windows();
            for (auto& w : last) {
                if (w.value("pid", -1) == pid && (!pred || pred(w))) {
                    found = w;
                    return true;
                }
            }
            return false;
        },
        timeout_s);
    if (!ok)
        throw std::runtime_error("window of pid " + std::to_string(pid) + " never became " + what +
                                 "; last windows: " + last.dump());
    return *found;
}

inline json wait_no_window(Compositor& c, pid_t pid, double timeout_s = kTimeout) {
    json last;
    bool ok = wait_until(
        [&] {
            last = c.windows();
            for (auto& w : last)
                if (w.value("pid", -1) == pid) return false;
            return true;
        },
        timeout_s);
    if (!ok) throw std::runtime_error("window of pid " + std::to_string(pid) + " is still listed: " + last.dump());
    return last;
}

inline json work_area(Compositor& c) {
    json outputs = c.outputs();
    if (outputs.empty()) throw std::runtime_error("no outputs");
    return outputs[0]["work_area"];
}

inline bool work_area_is(const json& wa, int x, int y, int w, int h) {
    return wa.value("x", -1) == x && wa.value("y", -1) == y && wa.value("width", -1) == w &&
           wa.value("height", -1) == h;
}

inline json wait_work_area(Compositor& c, int x, int y, int w, int h, double timeout_s = kTimeout) {
    json last;
    if (!wait_until(
            [&] {
                last = work_area(c);
                return work_area_is(last, x, y, w, h);
            },
            timeout_s))
        throw std::runtime_error("work area never became " + std::to_string(x) + "," + std::to_string(y) + " " +
                                 std::to_string(w) + "x" + std::to_string(h) + "; last: " + last.dump());
    return last;
}

// Runs cirrus-test-screencopy through the trusted socket.
inline json screencopy(Compositor& c, const std::vector<std::pair<int, int>>& pixels,
                       const std::string& png_path = "") {
    std::vector<std::string> argv = {program("CIRRUS_TEST_SCREENCOPY")};
    for (auto [x, y] : pixels) {
        argv.push_back("--pixel");
        argv.push_back(std::to_string(x) + "," + std::to_string(y));
    }
    if (!png_path.empty()) {
        argv.push_back("--png");
        argv.push_back(png_path);
    }
    RunResult r = run_program(argv, c.client_env(true), kTimeout);
    if (!r.exited_ok())
        throw std::runtime_error("cirrus-test-screencopy failed (status " + std::to_string(r.status) + "): " + r.out +
                                 r.err);
    return json::parse(r.out.substr(0, r.out.find('\n')));
}

inline std::string rgb_hex(uint32_t rgb) {
    char buf[8];
    std::snprintf(buf, sizeof(buf), "%06x", rgb & 0xffffff);
    return buf;
}

inline bool has_state(const json& configure, const std::string& state) {
    for (auto& s : configure.value("states", json::array()))
        if (s == state) return true;
    return false;
}

}  // namespace cirrus_it
