// A nested Cirrus on an X11 desktop (cirrus dev on an X session): the real
// compositor on wlroots' X11 backend, inside a real X server (Xvfb), keeps a
// phone-sized window: its WM_NORMAL_HINTS say min = max = the device's size,
// which floating and tiling window managers alike honour, and its title is
// the one asked for. Read back through a connection of the test's own.
#include <doctest/doctest.h>

#include <xcb/xcb.h>
#include <xcb/xcb_icccm.h>

#include <csignal>
#include <cstdlib>
#include <stdexcept>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <unistd.h>

#include "harness.hpp"

using namespace cirrus_it;

namespace {

struct XDisconnect {
    void operator()(xcb_connection_t* c) const { xcb_disconnect(c); }
};
using XConnection = std::unique_ptr<xcb_connection_t, XDisconnect>;

xcb_atom_t intern(xcb_connection_t* x, const std::string& name) {
    std::unique_ptr<xcb_intern_atom_reply_t, decltype(&free)> reply(
        xcb_intern_atom_reply(x, xcb_intern_atom(x, 0, name.size(), name.c_str()), nullptr), &free);
    return reply ? reply->atom : xcb_atom_t{XCB_ATOM_NONE};
}

std::string utf8_property(xcb_connection_t* x, xcb_window_t window, xcb_atom_t name, xcb_atom_t type) {
    std::unique_ptr<xcb_get_property_reply_t, decltype(&free)> reply(
        xcb_get_property_reply(x, xcb_get_property(x, 0, window, name, type, 0, 1024), nullptr), &free);
    if (!reply) return {};
    return {static_cast<const char*>(xcb_get_property_value(reply.get())),
            static_cast<std::size_t>(xcb_get_property_value_length(reply.get()))};
}

struct NestedWindow {
    std::string title;
    bool hinted = false;
    int min_width = 0, min_height = 0, max_width = 0, max_height = 0;
};

// The top-level window whose _NET_WM_NAME is `title`, if the display has one.
std::optional<NestedWindow> find_window(xcb_connection_t* x, const std::string& title) {
    const xcb_atom_t net_wm_name = intern(x, "_NET_WM_NAME"), utf8 = intern(x, "UTF8_STRING");
    const xcb_window_t root = xcb_setup_roots_iterator(xcb_get_setup(x)).data->root;
    std::unique_ptr<xcb_query_tree_reply_t, decltype(&free)> tree(
        xcb_query_tree_reply(x, xcb_query_tree(x, root), nullptr), &free);
    if (!tree) return std::nullopt;
    const xcb_window_t* children = xcb_query_tree_children(tree.get());
    for (int i = 0; i < xcb_query_tree_children_length(tree.get()); ++i) {
        NestedWindow found;
        found.title = utf8_property(x, children[i], net_wm_name, utf8);
        if (found.title != title) continue;
        xcb_size_hints_t hints{};
        if (xcb_icccm_get_wm_normal_hints_reply(x, xcb_icccm_get_wm_normal_hints(x, children[i]), &hints, nullptr) &&
            (hints.flags & XCB_ICCCM_SIZE_HINT_P_MIN_SIZE) && (hints.flags & XCB_ICCCM_SIZE_HINT_P_MAX_SIZE)) {
            found.hinted = true;
            found.min_width = hints.min_width, found.min_height = hints.min_height;
            found.max_width = hints.max_width, found.max_height = hints.max_height;
        }
        return found;
    }
    return std::nullopt;
}

// The test's XDG_RUNTIME_DIR and logs (removed with the object).
struct X11TestFolder {
    std::string path;
    X11TestFolder() {
        char name[] = "/tmp/cirrus-it-x11-XXXXXX";
        if (!mkdtemp(name)) throw std::runtime_error("mkdtemp failed");
        path = name;
    }
    ~X11TestFolder() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
};

}  // namespace

TEST_CASE("nested on an X11 desktop: the window keeps the phone's size (min = max hints) and has its title") {
    REQUIRE_MESSAGE(std::filesystem::exists("/usr/bin/Xvfb"),
                    "no /usr/bin/Xvfb: install the package xvfb (debian-packages.txt lists it)");
    const std::string number = std::to_string(200 + getpid() % 700);
    const std::string display = ":" + number;
    X11TestFolder runtime;
    Process::Options xo;
    xo.argv = {"/usr/bin/Xvfb", display, "-screen", "0", "1280x900x24", "-nolisten", "tcp"};
    xo.log_path = runtime.path + "/xvfb.log";
    xo.capture_stdout = false;
    Process xvfb(xo);
    const std::string socket = "/tmp/.X11-unix/X" + number;
    REQUIRE_MESSAGE(wait_until([&] { return std::filesystem::exists(socket) || !xvfb.alive(); }, 20),
                    "Xvfb did not start on " << display << ": " << xvfb.log_tail());
    REQUIRE_MESSAGE(xvfb.alive(), xvfb.log_tail());
    // The test's own connection stays open: Xvfb resets when its last client
    // leaves. The atoms a desktop's window manager would have made exist.
    XConnection x(xcb_connect(display.c_str(), nullptr));
    REQUIRE(xcb_connection_has_error(x.get()) == 0);
    REQUIRE(intern(x.get(), "_NET_WM_NAME") != XCB_ATOM_NONE);
    REQUIRE(intern(x.get(), "UTF8_STRING") != XCB_ATOM_NONE);

    const std::string title = "Cirrus \xE2\x80\x94 X Probe";
    Process::Options co;
    co.argv = {program("CIRRUS_COMPOSITOR"),
               "--size",
               "480x800",
               "--title",
               title,
               "--fixed-size",
               "--no-shell",
               "--no-keyboard",
               "--socket",
               "cirrus-x11-test"};
    co.env = {{"DISPLAY", display},
              {"WLR_BACKENDS", "x11"},
              {"WLR_RENDERER", "pixman"},
              {"XDG_RUNTIME_DIR", runtime.path},
              {"XDG_CONFIG_HOME", runtime.path},
              {"CIRRUS_LOG", "info"}};
    co.log_path = runtime.path + "/compositor.log";
    co.capture_stdout = false;
    Process compositor(co);

    std::optional<NestedWindow> window;
    const bool hinted = wait_until(
        [&] {
            window = find_window(x.get(), title);
            return (window && window->hinted) || !compositor.alive();
        },
        20);
    REQUIRE_MESSAGE(window.has_value(), "no window titled " << title << " on the display: " << compositor.log_tail());
    REQUIRE_MESSAGE((hinted && window->hinted), compositor.log_tail());
    CHECK(window->min_width == 480);
    CHECK(window->min_height == 800);
    CHECK(window->max_width == 480);
    CHECK(window->max_height == 800);
    compositor.signal(SIGTERM);
    CHECK(compositor.wait_exit(10).has_value());
    xvfb.signal(SIGTERM);
    xvfb.wait_exit(10);
}
