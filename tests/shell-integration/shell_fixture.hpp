// Shared by the shell's integration tests: the real compositor (headless,
// private XDG folders, no shell of its own), apps installed into its private
// registry with the real `cirrus` CLI (and their home positions read back
// from it), the real cirrus-shell on the trusted socket, and screenshots read
// back as pixels.
#pragma once

#include <doctest/doctest.h>

#include <csignal>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness.hpp"
#include "home_layout.hpp"
#include "common/registry.hpp"

namespace cirrus_shell_it {

using cirrus::shell::Box;
using cirrus::shell::HomeGeometry;
using cirrus_it::Compositor;
using cirrus_it::Image;
using cirrus_it::json;
using cirrus_it::Process;

constexpr double kTimeout = 30;  // a ceiling: two suites share two cores under the sanitizers

// Icon colours for the home screen's apps, far enough apart to tell by pixel.
constexpr std::uint32_t kRed = 0xd03030;
constexpr std::uint32_t kGreen = 0x30a050;
constexpr std::uint32_t kBlue = 0x3050d0;

inline std::string hex(std::uint32_t rgb) {
    char text[8];
    std::snprintf(text, sizeof(text), "%06x", rgb & 0xffffff);
    return text;
}

inline void write_file(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

inline int centre_x(const Box& b) { return b.x + b.width / 2; }
inline int centre_y(const Box& b) { return b.y + b.height / 2; }

inline std::string describe(const Image::Pixel& p) {
    return "rgb(" + std::to_string(p.r) + "," + std::to_string(p.g) + "," + std::to_string(p.b) + ")";
}

// The app's home position as the registry keeps it (the test fails if the
// app is not installed).
inline std::optional<std::int64_t> position_of(const std::string& registry, const std::string& id) {
    const auto app = cirrus::launcher::Registry::open(registry).get(id);
    REQUIRE(app.has_value());
    return app->home_position;
}

class ShellFixture {
public:
    explicit ShellFixture(Compositor::Options options = {}) : compositor(options) {
        data_dir = compositor.runtime_dir() + "/data";
        registry = data_dir + "/cirrus/registry.db";
        // No battery unless a test makes one: the host's /sys must not leak in.
        power_dir = compositor.runtime_dir() + "/power_supply";
        std::filesystem::create_directories(power_dir);
    }

    // Writes a packaged app whose icon is one solid colour, and installs it
    // with the real CLI. The folder name is the app's id.
    void install(const std::string& id, const std::string& name, std::uint32_t icon_rgb,
                 std::uint32_t theme_rgb = 0x336699) {
        const std::filesystem::path dir = compositor.runtime_dir() + "/packages/" + id;
        write_file(dir / "index.html", "<!doctype html><title>" + id + "</title>");
        write_file(dir / "icon.svg", R"(<svg xmlns="http://www.w3.org/2000/svg" width="192" height="192">)"
                                     R"(<rect width="192" height="192" fill="#)" +
                                         hex(icon_rgb) + R"("/></svg>)");
        json manifest = {{"name", name},
                         {"start_url", "./index.html"},
                         {"display", "standalone"},
                         {"theme_color", "#" + hex(theme_rgb)},
                         {"background_color", "#ffffff"},
                         {"icons", json::array({{{"src", "icon.svg"}, {"sizes", "any"}, {"type", "image/svg+xml"}}})}};
        write_file(dir / "manifest.webmanifest", manifest.dump());
        cli({"install", dir.string()});
    }

    // Runs `cirrus --registry <ours> ARGS`; fails the test on error.
    std::string cli(const std::vector<std::string>& args) {
        std::vector<std::string> argv = {cirrus_it::program("CIRRUS_CLI"), "--registry", registry};
        argv.insert(argv.end(), args.begin(), args.end());
        const cirrus_it::RunResult r = cirrus_it::run_program(argv, env(), 30);
        if (!r.exited_ok()) {
            throw std::runtime_error("cirrus " + args.at(0) + " failed (" + cirrus_it::describe_status(r.status) +
                                     "): " + r.out + r.err);
        }
        return r.out;
    }

    std::map<std::string, std::string> env() const {
        return {{"XDG_DATA_HOME", data_dir},
                {"XDG_CACHE_HOME", compositor.runtime_dir() + "/cache"},
                {"XDG_CONFIG_HOME", compositor.runtime_dir() + "/config"},
                {"CIRRUS_REGISTRY", registry},
                {"CIRRUS_POWER_SUPPLY_DIR", power_dir}};
    }

    // Starts cirrus-shell on the trusted socket and waits until both its
    // surfaces are mapped.
    // `args` go to cirrus-shell (e.g. --locked).
    Process& start_shell(const std::map<std::string, std::string>& extra_env = {},
                         const std::vector<std::string>& args = {}) {
        std::map<std::string, std::string> e = env();
        for (const auto& [k, v] : extra_env) e[k] = v;
        std::vector<std::string> argv = {cirrus_it::program("CIRRUS_SHELL")};
        argv.insert(argv.end(), args.begin(), args.end());
        shell = compositor.client(argv, true, e);
        wait_shell_mapped();
        return *shell;
    }

    void wait_shell_mapped() {
        json last;
        const bool ok = cirrus_it::wait_until(
            [&] {
                if (shell && !shell->alive()) return false;
                last = compositor.layers();
                int mapped = 0;
                for (const json& l : last) {
                    if (l.value("mapped", false) &&
                        (l["namespace"] == "cirrus-status-bar" || l["namespace"] == "cirrus-home"))
                        ++mapped;
                }
                return mapped == 2;
            },
            kTimeout);
        if (!ok) {
            throw std::runtime_error("the shell's surfaces were not mapped; layers: " + last.dump() +
                                     (shell ? "\nshell: " + shell->describe() : std::string()));
        }
    }

    // Kills the shell and waits until its surfaces are gone.
    void kill_shell(int sig = SIGKILL) {
        shell->signal(sig);
        REQUIRE(shell->wait_exit(kTimeout).has_value());
        const bool gone = cirrus_it::wait_until([&] {
            for (const json& l : compositor.layers()) {
                if (l["namespace"] == "cirrus-home" || l["namespace"] == "cirrus-status-bar") return false;
            }
            return true;
        });
        REQUIRE(gone);
    }

    Image screenshot() {
        const std::string path = compositor.new_path("screen.png");
        const json r = compositor.request({{"cmd", "screenshot"}, {"path", path}});
        if (!r.value("ok", false)) throw std::runtime_error("screenshot failed: " + r.dump());
        return cirrus_it::read_png(path);
    }

    // Screenshots until the pixel has the colour; the last screenshot.
    Image wait_pixel(int x, int y, std::uint32_t rgb, int tolerance = 4, double timeout_s = kTimeout) {
        Image last;
        const bool ok = cirrus_it::wait_until(
            [&] {
                last = screenshot();
                return cirrus_it::same_rgb(last.at(x, y), rgb, tolerance);
            },
            timeout_s);
        if (!ok) {
            throw std::runtime_error("pixel " + std::to_string(x) + "," + std::to_string(y) + " never became #" +
                                     hex(rgb) + "; it is " + describe(last.at(x, y)) +
                                     (shell ? "\nshell: " + shell->describe() : std::string()));
        }
        return last;
    }

    json tap(int x, int y) { return compositor.request({{"cmd", "tap"}, {"x", x}, {"y", y}}); }

    Compositor compositor;
    std::string data_dir;
    std::string registry;
    std::string power_dir;
    std::unique_ptr<Process> shell;
};

// Pixels in `box` that differ from `background_at(y)` by more than `tolerance`.
template <typename Background>
int ink_pixels(const Image& image, const Box& box, Background background_at, int tolerance = 24) {
    int n = 0;
    for (int y = box.y; y < box.y + box.height; ++y) {
        const Image::Pixel bg = background_at(y);
        for (int x = box.x; x < box.x + box.width; ++x) {
            const Image::Pixel p = image.at(x, y);
            if (std::abs(p.r - bg.r) + std::abs(p.g - bg.g) + std::abs(p.b - bg.b) > tolerance) ++n;
        }
    }
    return n;
}

}  // namespace cirrus_shell_it
