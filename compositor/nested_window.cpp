#include "nested_window.hpp"

#include <cstring>

#include <wayland-client-core.h>

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

}  // namespace

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
        if (fixed) done += "no size hints on X11 (the window keeps its buffer size)";
    }
    return done;
}

}  // namespace cirrus
