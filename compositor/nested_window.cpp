#include "nested_window.hpp"

#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>

#include <wayland-client-core.h>
#include <xcb/xcb.h>
#include <xcb/res.h>
#include <xcb/xcb_icccm.h>
#include <unistd.h>

namespace cirrus {

namespace {

// wlroots 0.15 keeps the wl backend's xdg_toplevel in a private struct and
// offers no size-hint call. This mirrors the start of that struct
// (include/backend/wayland.h of 0.15.x); before it is trusted, its surface
// must be the one wlr_wl_output_get_surface() returns and its toplevel must
// be a proxy of class "xdg_toplevel", else nothing is done.
struct WlOutputPrefix {
    wlr_output output;
    void* backend;
    wl_list link;
    void* surface;
    void* frame_callback;
    void* xdg_surface;
    void* xdg_toplevel;
};

// xdg_toplevel request opcodes (xdg-shell.xml, in declaration order).
constexpr std::uint32_t kSetMaxSize = 7;
constexpr std::uint32_t kSetMinSize = 8;

wl_proxy* wl_output_toplevel(wlr_output* output) {
    auto* prefix = reinterpret_cast<WlOutputPrefix*>(output);
    if (prefix->surface == nullptr || prefix->surface != static_cast<void*>(wlr_wl_output_get_surface(output)))
        return nullptr;
    auto* toplevel = static_cast<wl_proxy*>(prefix->xdg_toplevel);
    if (toplevel == nullptr || std::strcmp(wl_proxy_get_class(toplevel), "xdg_toplevel") != 0) return nullptr;
    return toplevel;
}

// The same for the X11 backend (include/backend/x11.h of 0.15.x): its
// window follows the output's list link. Before it is trusted, the X server
// must say (X-Resource) that the window is a resource of a client of this
// process, else nothing is done.
struct X11OutputPrefix {
    wlr_output output;
    void* backend;
    wl_list link;
    xcb_window_t window;
};

struct XcbDisconnect {
    void operator()(xcb_connection_t* c) const { xcb_disconnect(c); }
};

bool window_of_this_process(xcb_connection_t* x, xcb_window_t window) {
    const xcb_res_client_id_spec_t spec{window, XCB_RES_CLIENT_ID_MASK_LOCAL_CLIENT_PID};
    std::unique_ptr<xcb_res_query_client_ids_reply_t, decltype(&free)> reply(
        xcb_res_query_client_ids_reply(x, xcb_res_query_client_ids(x, 1, &spec), nullptr), &free);
    if (!reply) return false;  // no such window, or no X-Resource extension
    for (auto ids = xcb_res_query_client_ids_ids_iterator(reply.get()); ids.rem > 0;
         xcb_res_client_id_value_next(&ids)) {
        if ((ids.data->spec.mask & XCB_RES_CLIENT_ID_MASK_LOCAL_CLIENT_PID) == 0 ||
            xcb_res_client_id_value_value_length(ids.data) != 1)
            continue;
        if (*xcb_res_client_id_value_value(ids.data) == static_cast<std::uint32_t>(getpid())) return true;
    }
    return false;
}

}  // namespace

// WM_NORMAL_HINTS with min = max = `fixed`, through a connection of our own
// to the same display: wlroots 0.15 keeps its own connection private. Every
// ICCCM window manager reads the property on change, floating or tiling.
std::optional<std::string> set_x11_size_hints(wlr_output* output, const Size& fixed, const std::string& x_display) {
    const xcb_window_t window = reinterpret_cast<X11OutputPrefix*>(output)->window;
    std::unique_ptr<xcb_connection_t, XcbDisconnect> x(
        xcb_connect(x_display.empty() ? nullptr : x_display.c_str(), nullptr));
    if (xcb_connection_has_error(x.get())) return "size hints not set (cannot connect to the X display)";
    if (!window_of_this_process(x.get(), window)) return "size hints not set (unknown wlroots x11 backend layout)";
    // The window's creation may still sit in wlroots' own connection.
    std::unique_ptr<xcb_get_geometry_reply_t, decltype(&free)> exists(
        xcb_get_geometry_reply(x.get(), xcb_get_geometry(x.get(), window), nullptr), &free);
    if (!exists) return std::nullopt;
    xcb_size_hints_t hints{};
    xcb_icccm_size_hints_set_min_size(&hints, fixed.width, fixed.height);
    xcb_icccm_size_hints_set_max_size(&hints, fixed.width, fixed.height);
    xcb_icccm_set_wm_normal_hints(x.get(), window, &hints);
    xcb_flush(x.get());
    char done[64];
    std::snprintf(done, sizeof done, "size hints set on X window 0x%x", window);
    return done;
}

std::string configure_nested_window(wlr_output* output, const std::string& title, const Size* fixed) {
    std::string done;
    if (wlr_output_is_wl(output)) {
        if (!title.empty()) {
            wlr_wl_output_set_title(output, title.c_str());
            done += "title set; ";
        }
        if (fixed) {
            if (wl_proxy* toplevel = wl_output_toplevel(output)) {
                // Double-buffered: they apply with the output's next commit.
                wl_proxy_marshal_flags(toplevel, kSetMinSize, nullptr, wl_proxy_get_version(toplevel), 0, fixed->width,
                                       fixed->height);
                wl_proxy_marshal_flags(toplevel, kSetMaxSize, nullptr, wl_proxy_get_version(toplevel), 0, fixed->width,
                                       fixed->height);
                done += "size hints set";
            } else {
                done += "size hints not set (unknown wlroots wl backend layout)";
            }
        }
    } else if (wlr_output_is_x11(output)) {
        if (!title.empty()) {
            wlr_x11_output_set_title(output, title.c_str());
            done += "title set; ";
        }
        if (fixed) done += "size hints once the window is on the display";
    }
    return done;
}

}  // namespace cirrus
