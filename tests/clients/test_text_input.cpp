// cirrus-test-text-input — an app window with one text field: a toplevel
// (solid colour, wl_shm) with a zwp_text_input_v3 that it enables whenever
// it is entered, with the purpose, hints, surrounding text and cursor
// rectangle given on the command line.
//
// Options: --purpose N (content_purpose value, default 6 = email),
//          --hints N (content_hint bits, default 0),
//          --surrounding TEXT (default "hello world"), --cursor N (byte
//          offset, default the end), --cursor-rect X,Y,W,H (surface-local,
//          default 10,20,2,16).
// stdin: "disable" (disable, commit), "enable" (enable with the state
//        again, commit), "quit".
// Events: mapped, enter, leave, preedit {text,begin,end}, commit_string
//         {text}, delete_surrounding_text {before,after}, done {serial},
//         error, disconnected. Exits 3 when text-input-v3 is not offered.

#include "common.hpp"

#include "text-input-unstable-v3-client-protocol.h"
#include "xdg-shell-client-protocol.h"

using namespace cirrus_test;

namespace cirrus_test::text_input {

struct App {
    wl_display* display = nullptr;
    wl_compositor* compositor = nullptr;
    wl_shm* shm = nullptr;
    wl_seat* seat = nullptr;
    xdg_wm_base* wm_base = nullptr;
    zwp_text_input_manager_v3* manager = nullptr;
    zwp_text_input_v3* text_input = nullptr;
    wl_surface* surface = nullptr;
    xdg_surface* xdg = nullptr;
    xdg_toplevel* toplevel = nullptr;
    SolidBuffer* buffer = nullptr;
    bool mapped = false;
    bool entered = false;
    bool quit = false;
    uint32_t purpose = ZWP_TEXT_INPUT_V3_CONTENT_PURPOSE_EMAIL;
    uint32_t hints = 0;
    std::string surrounding = "hello world";
    int cursor = -1;
    int rect[4] = {10, 20, 2, 16};
};

void send_state(App& app) {
    zwp_text_input_v3_enable(app.text_input);
    const int cursor = app.cursor < 0 ? static_cast<int>(app.surrounding.size()) : app.cursor;
    zwp_text_input_v3_set_surrounding_text(app.text_input, app.surrounding.c_str(), cursor, cursor);
    zwp_text_input_v3_set_text_change_cause(app.text_input, ZWP_TEXT_INPUT_V3_CHANGE_CAUSE_OTHER);
    zwp_text_input_v3_set_content_type(app.text_input, app.hints, app.purpose);
    zwp_text_input_v3_set_cursor_rectangle(app.text_input, app.rect[0], app.rect[1], app.rect[2], app.rect[3]);
    zwp_text_input_v3_commit(app.text_input);
}

void ti_enter(void* data, zwp_text_input_v3*, wl_surface*) {
    auto* app = static_cast<App*>(data);
    app->entered = true;
    emit({{"event", "enter"}});
    send_state(*app);
}
void ti_leave(void* data, zwp_text_input_v3* ti, wl_surface*) {
    static_cast<App*>(data)->entered = false;
    emit({{"event", "leave"}});
    zwp_text_input_v3_disable(ti);
    zwp_text_input_v3_commit(ti);
}
void ti_preedit(void*, zwp_text_input_v3*, const char* text, int32_t begin, int32_t end) {
    emit({{"event", "preedit"}, {"text", text ? text : ""}, {"begin", begin}, {"end", end}});
}
void ti_commit(void*, zwp_text_input_v3*, const char* text) {
    emit({{"event", "commit_string"}, {"text", text ? text : ""}});
}
void ti_delete(void*, zwp_text_input_v3*, uint32_t before, uint32_t after) {
    emit({{"event", "delete_surrounding_text"}, {"before", before}, {"after", after}});
}
void ti_done(void*, zwp_text_input_v3*, uint32_t serial) { emit({{"event", "done"}, {"serial", serial}}); }

const zwp_text_input_v3_listener kTextInputListener = {ti_enter, ti_leave, ti_preedit, ti_commit, ti_delete, ti_done};

void wm_ping(void*, xdg_wm_base* base, uint32_t serial) { xdg_wm_base_pong(base, serial); }
const xdg_wm_base_listener kWmListener = {wm_ping};

void xdg_configure(void* data, xdg_surface* xdg, uint32_t serial) {
    auto* app = static_cast<App*>(data);
    xdg_surface_ack_configure(xdg, serial);
    if (app->mapped) {
        wl_surface_commit(app->surface);
        return;
    }
    app->buffer = SolidBuffer::create(app->shm, 200, 200, 0x3060c0);
    wl_surface_attach(app->surface, app->buffer->buffer, 0, 0);
    app->buffer->busy = true;
    wl_surface_commit(app->surface);
    app->mapped = true;
    wl_display_roundtrip(app->display);
    emit({{"event", "mapped"}, {"surface", "main"}});
}
const xdg_surface_listener kXdgSurfaceListener = {xdg_configure};

void top_configure(void*, xdg_toplevel*, int32_t, int32_t, wl_array*) {}
void top_close(void* data, xdg_toplevel*) { static_cast<App*>(data)->quit = true; }
// xdg_wm_base version 1: configure_bounds and wm_capabilities never come.
const xdg_toplevel_listener kToplevelListener = {top_configure, top_close, nullptr, nullptr};

void registry_global(void* data, wl_registry* registry, uint32_t name, const char* iface, uint32_t) {
    auto* app = static_cast<App*>(data);
    std::string_view i = iface;
    auto bind = [&](const wl_interface* interface, uint32_t version) {
        return wl_registry_bind(registry, name, interface, version);
    };
    if (i == wl_compositor_interface.name)
        app->compositor = static_cast<wl_compositor*>(bind(&wl_compositor_interface, 4));
    else if (i == wl_shm_interface.name) app->shm = static_cast<wl_shm*>(bind(&wl_shm_interface, 1));
    else if (i == wl_seat_interface.name && !app->seat) app->seat = static_cast<wl_seat*>(bind(&wl_seat_interface, 1));
    else if (i == xdg_wm_base_interface.name) app->wm_base = static_cast<xdg_wm_base*>(bind(&xdg_wm_base_interface, 1));
    else if (i == zwp_text_input_manager_v3_interface.name)
        app->manager = static_cast<zwp_text_input_manager_v3*>(bind(&zwp_text_input_manager_v3_interface, 1));
}
void registry_global_remove(void*, wl_registry*, uint32_t) {}
const wl_registry_listener kRegistryListener = {registry_global, registry_global_remove};

void handle_command(App& app, const std::string& line) {
    if (line == "quit") {
        app.quit = true;
    } else if (line == "disable") {
        zwp_text_input_v3_disable(app.text_input);
        zwp_text_input_v3_commit(app.text_input);
    } else if (line == "enable") {
        send_state(app);
    } else if (!line.empty()) {
        emit({{"event", "error"}, {"message", "bad command: " + line}});
        return;
    }
    wl_display_roundtrip(app.display);
    emit({{"event", "sent"}, {"cmd", line}});
}

int run(int argc, char** argv) {
    App app;
    for (int k = 1; k < argc; ++k) {
        const std::string a = argv[k];
        if (k + 1 >= argc) die("missing value for " + a);
        const std::string v = argv[++k];
        if (a == "--purpose") app.purpose = static_cast<uint32_t>(std::stoul(v));
        else if (a == "--hints") app.hints = static_cast<uint32_t>(std::stoul(v));
        else if (a == "--surrounding") app.surrounding = v;
        else if (a == "--cursor") app.cursor = std::stoi(v);
        else if (a == "--cursor-rect") {
            if (std::sscanf(v.c_str(), "%d,%d,%d,%d", &app.rect[0], &app.rect[1], &app.rect[2], &app.rect[3]) != 4)
                die("--cursor-rect X,Y,W,H");
        } else die("unknown option " + a);
    }
    const int signal_fd = make_signal_fd();
    app.display = wl_display_connect(nullptr);
    if (!app.display) die("cannot connect to the Wayland display");
    wl_registry* registry = wl_display_get_registry(app.display);
    wl_registry_add_listener(registry, &kRegistryListener, &app);
    wl_display_roundtrip(app.display);
    if (!app.compositor || !app.shm || !app.seat || !app.wm_base) die("core globals missing");
    if (!app.manager) {
        emit({{"event", "error"}, {"message", "zwp_text_input_manager_v3 not offered"}});
        destroy_proxies({app.wm_base, app.seat, app.shm, app.compositor, registry});
        wl_display_disconnect(app.display);
        return 3;
    }
    xdg_wm_base_add_listener(app.wm_base, &kWmListener, &app);
    app.text_input = zwp_text_input_manager_v3_get_text_input(app.manager, app.seat);
    zwp_text_input_v3_add_listener(app.text_input, &kTextInputListener, &app);
    app.surface = wl_compositor_create_surface(app.compositor);
    app.xdg = xdg_wm_base_get_xdg_surface(app.wm_base, app.surface);
    xdg_surface_add_listener(app.xdg, &kXdgSurfaceListener, &app);
    app.toplevel = xdg_surface_get_toplevel(app.xdg);
    xdg_toplevel_add_listener(app.toplevel, &kToplevelListener, &app);
    xdg_toplevel_set_app_id(app.toplevel, "test-text-input");
    wl_surface_commit(app.surface);
    if (!run_client_loop(
            app.display, signal_fd, [&] { return app.quit; },
            [&](const std::string& line) { handle_command(app, line); }))
        return 1;
    zwp_text_input_v3_destroy(app.text_input);
    xdg_toplevel_destroy(app.toplevel);
    xdg_surface_destroy(app.xdg);
    wl_surface_destroy(app.surface);
    if (app.buffer) app.buffer->drop();
    destroy_proxies({app.manager, app.wm_base, app.seat, app.shm, app.compositor, registry});
    wl_display_roundtrip(app.display);
    wl_display_disconnect(app.display);
    return 0;
}

}  // namespace cirrus_test::text_input
