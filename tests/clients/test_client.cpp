// cirrus-test-client — an xdg_toplevel filled with one solid colour, which
// reports what the compositor does to it as JSON lines on stdout.
//
// Options:
//   --color RRGGBB      fill colour (default 3366cc)
//   --bottom-color RRGGBB  the lower half in this colour instead
//   --app-id ID         xdg_toplevel app id (default cirrus-test-client)
//   --title TITLE       xdg_toplevel title (default "Cirrus test client")
//   --size WxH          size used when the compositor configures 0x0 (320x240)
//   --dialog WxH        also open a child toplevel (set_parent) of that size
//   --crash-after-ms N  N ms after mapping, attach+damage a new buffer and
//                       abort before the commit
//   --xdg-decoration    ask for client-side decorations, report the mode
//   --fullscreen        ask for fullscreen (xdg_toplevel.set_fullscreen) before
//                       the first commit, as GTK does for a fullscreen web app
//   --popup-at X,Y,W,H  once the main window is mapped, open an xdg_popup on it
//                       through an xdg_positioner: anchor rect X,Y,W,H (window
//                       coordinates), anchor and gravity bottom_right
//   --popup-size WxH    size the popup asks for (default 200x300)
//   --popup-adjust LIST constraint_adjustment: comma-separated slide_x,slide_y,
//                       flip_x,flip_y,resize_x,resize_y, or "none"
//                       (default slide_x,slide_y,flip_x,flip_y)
//
// stdin commands (one per line): "color RRGGBB" (redraw and commit),
// "commit" (commit the same content again with damage), "fullscreen on|off"
// (set_fullscreen / unset_fullscreen on the main window), "quit".
//
// Events: configure, mapped, decoration, close, touch_*, pointer_*,
// keyboard_*, key, seat, committed, terminated, disconnected, error;
// with --popup-at also popup_configure {x,y,width,height} (relative to the
// main window's geometry), mapped {surface:"popup"} and popup_done.
// Exits 0 on close of the main window, SIGTERM/SIGINT or "quit" (stdin EOF
// is ignored); 1 when the connection to the compositor breaks.

#include "common.hpp"

#include "xdg-decoration-unstable-v1-client-protocol.h"
#include "xdg-shell-client-protocol.h"

#include <algorithm>
#include <memory>
#include <optional>

using namespace cirrus_test;

namespace cirrus_test::client {

struct Options {
    uint32_t color = 0x3366cc;
    std::optional<uint32_t> bottom_color;
    std::string app_id = "cirrus-test-client";
    std::string title = "Cirrus test client";
    int default_width = 320;
    int default_height = 240;
    bool dialog = false;
    int dialog_width = 200;
    int dialog_height = 100;
    int crash_after_ms = -1;
    bool decoration = false;
    bool fullscreen = false;
    bool popup = false;
    int popup_anchor[4] = {0, 0, 1, 1};
    int popup_width = 200;
    int popup_height = 300;
    uint32_t popup_adjust = XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_SLIDE_X |
                            XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_SLIDE_Y | XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_FLIP_X |
                            XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_FLIP_Y;
};

struct App;

struct Window {
    App* app = nullptr;
    std::string name;  // "main" or "dialog"
    int default_width = 0;
    int default_height = 0;
    wl_surface* surface = nullptr;
    xdg_surface* xsurface = nullptr;
    xdg_toplevel* toplevel = nullptr;
    zxdg_toplevel_decoration_v1* decoration = nullptr;
    int pending_width = 0;
    int pending_height = 0;
    std::vector<std::string> pending_states;
    int width = 0;
    int height = 0;
    SolidBuffer* buffer = nullptr;
    bool configured = false;
    bool mapped = false;
    bool closed = false;

    void draw_and_commit();
    void destroy();
};

// An xdg_popup on the main window (--popup-at).
struct Popup {
    App* app = nullptr;
    wl_surface* surface = nullptr;
    xdg_surface* xsurface = nullptr;
    xdg_popup* popup = nullptr;
    int x = 0, y = 0, width = 0, height = 0;  // from xdg_popup.configure
    SolidBuffer* buffer = nullptr;
    bool mapped = false;

    void destroy();
};

struct App {
    Options opt;
    wl_display* display = nullptr;
    wl_compositor* compositor = nullptr;
    wl_shm* shm = nullptr;
    xdg_wm_base* wm_base = nullptr;
    zxdg_decoration_manager_v1* decoration_manager = nullptr;
    SeatReporter seat;
    std::unique_ptr<Window> main;
    std::unique_ptr<Window> dialog;
    std::unique_ptr<Popup> popup;
    bool quit = false;
    int exit_status = 0;
    int crash_timer = -1;
};

void create_popup(App& app);

const char* state_name(uint32_t state) {
    switch (state) {
    case XDG_TOPLEVEL_STATE_MAXIMIZED:
        return "maximized";
    case XDG_TOPLEVEL_STATE_FULLSCREEN:
        return "fullscreen";
    case XDG_TOPLEVEL_STATE_RESIZING:
        return "resizing";
    case XDG_TOPLEVEL_STATE_ACTIVATED:
        return "activated";
    case XDG_TOPLEVEL_STATE_TILED_LEFT:
        return "tiled_left";
    case XDG_TOPLEVEL_STATE_TILED_RIGHT:
        return "tiled_right";
    case XDG_TOPLEVEL_STATE_TILED_TOP:
        return "tiled_top";
    case XDG_TOPLEVEL_STATE_TILED_BOTTOM:
        return "tiled_bottom";
    default:
        return "unknown";
    }
}

void Window::draw_and_commit() {
    SolidBuffer* next =
        SolidBuffer::create(app->shm, width, height, app->opt.color, app->opt.bottom_color.value_or(app->opt.color));
    wl_surface_attach(surface, next->buffer, 0, 0);
    next->busy = true;
    wl_surface_damage_buffer(surface, 0, 0, width, height);
    wl_surface_commit(surface);
    if (buffer) buffer->drop();
    buffer = next;
    if (!mapped) {
        mapped = true;
        // Report "mapped" once the compositor has processed the commit.
        wl_callback* sync = wl_display_sync(app->display);
        static const wl_callback_listener listener = {
            [](void* data, wl_callback* cb, uint32_t) {
                auto* self = static_cast<Window*>(data);
                wl_callback_destroy(cb);
                emit({{"event", "mapped"}, {"surface", self->name}, {"width", self->width}, {"height", self->height}});
                if (self->name == "main" && self->app->opt.crash_after_ms >= 0 && self->app->crash_timer < 0)
                    self->app->crash_timer = make_timer_fd(self->app->opt.crash_after_ms);
                if (self->name == "main" && self->app->opt.popup && !self->app->popup) create_popup(*self->app);
            },
        };
        wl_callback_add_listener(sync, &listener, this);
    }
}

void Window::destroy() {
    if (decoration) zxdg_toplevel_decoration_v1_destroy(decoration);
    if (toplevel) xdg_toplevel_destroy(toplevel);
    if (xsurface) xdg_surface_destroy(xsurface);
    if (surface) wl_surface_destroy(surface);
    if (buffer) buffer->drop();
    decoration = nullptr;
    toplevel = nullptr;
    xsurface = nullptr;
    surface = nullptr;
    buffer = nullptr;
    closed = true;
}

void Popup::destroy() {
    if (popup) xdg_popup_destroy(popup);
    if (xsurface) xdg_surface_destroy(xsurface);
    if (surface) wl_surface_destroy(surface);
    if (buffer) buffer->drop();
    popup = nullptr;
    xsurface = nullptr;
    surface = nullptr;
    buffer = nullptr;
}

void popup_configure(void* data, xdg_popup*, int32_t x, int32_t y, int32_t width, int32_t height) {
    auto* p = static_cast<Popup*>(data);
    p->x = x;
    p->y = y;
    p->width = width;
    p->height = height;
}

void popup_done(void* data, xdg_popup*) {
    auto* p = static_cast<Popup*>(data);
    emit({{"event", "popup_done"}});
    p->destroy();
}

void popup_surface_configure(void* data, xdg_surface* xs, uint32_t serial) {
    auto* p = static_cast<Popup*>(data);
    xdg_surface_ack_configure(xs, serial);
    // Position relative to the parent's window geometry.
    emit({{"event", "popup_configure"}, {"x", p->x}, {"y", p->y}, {"width", p->width}, {"height", p->height}});
    int w = p->width > 0 ? p->width : p->app->opt.popup_width;
    int h = p->height > 0 ? p->height : p->app->opt.popup_height;
    SolidBuffer* next = SolidBuffer::create(p->app->shm, w, h, 0x33cc66);
    wl_surface_attach(p->surface, next->buffer, 0, 0);
    next->busy = true;
    wl_surface_damage_buffer(p->surface, 0, 0, w, h);
    wl_surface_commit(p->surface);
    if (p->buffer) p->buffer->drop();
    p->buffer = next;
    if (!p->mapped) {
        p->mapped = true;
        wl_callback* sync = wl_display_sync(p->app->display);
        static const wl_callback_listener listener = {
            [](void* data, wl_callback* cb, uint32_t) {
                auto* self = static_cast<Popup*>(data);
                wl_callback_destroy(cb);
                emit({{"event", "mapped"}, {"surface", "popup"}, {"width", self->width}, {"height", self->height}});
            },
        };
        wl_callback_add_listener(sync, &listener, p);
    }
}

const xdg_popup_listener kPopupListenerImpl = {popup_configure, popup_done, nullptr};
const xdg_surface_listener kPopupSurfaceListenerImpl = {popup_surface_configure};

void create_popup(App& app) {
    auto p = std::make_unique<Popup>();
    p->app = &app;
    const Options& o = app.opt;
    xdg_positioner* positioner = xdg_wm_base_create_positioner(app.wm_base);
    xdg_positioner_set_size(positioner, o.popup_width, o.popup_height);
    xdg_positioner_set_anchor_rect(positioner, o.popup_anchor[0], o.popup_anchor[1], o.popup_anchor[2],
                                   o.popup_anchor[3]);
    xdg_positioner_set_anchor(positioner, XDG_POSITIONER_ANCHOR_BOTTOM_RIGHT);
    xdg_positioner_set_gravity(positioner, XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT);
    xdg_positioner_set_constraint_adjustment(positioner, o.popup_adjust);
    p->surface = wl_compositor_create_surface(app.compositor);
    p->xsurface = xdg_wm_base_get_xdg_surface(app.wm_base, p->surface);
    xdg_surface_add_listener(p->xsurface, &kPopupSurfaceListenerImpl, p.get());
    p->popup = xdg_surface_get_popup(p->xsurface, app.main->xsurface, positioner);
    xdg_popup_add_listener(p->popup, &kPopupListenerImpl, p.get());
    xdg_positioner_destroy(positioner);
    wl_surface_commit(p->surface);
    app.popup = std::move(p);
}

void xdg_surface_configure(void* data, xdg_surface* xs, uint32_t serial) {
    auto* w = static_cast<Window*>(data);
    xdg_surface_ack_configure(xs, serial);
    int width = w->pending_width > 0 ? w->pending_width : w->default_width;
    int height = w->pending_height > 0 ? w->pending_height : w->default_height;
    emit({{"event", "configure"},
          {"surface", w->name},
          {"width", w->pending_width},
          {"height", w->pending_height},
          {"states", w->pending_states},
          {"buffer_width", width},
          {"buffer_height", height}});
    bool resized = width != w->width || height != w->height;
    w->width = width;
    w->height = height;
    if (!w->configured || resized) {
        w->configured = true;
        w->draw_and_commit();
    } else {
        wl_surface_commit(w->surface);
    }
}

void toplevel_configure(void* data, xdg_toplevel*, int32_t width, int32_t height, wl_array* states) {
    auto* w = static_cast<Window*>(data);
    w->pending_width = width;
    w->pending_height = height;
    w->pending_states.clear();
    for (auto* s = static_cast<uint32_t*>(states->data);
         reinterpret_cast<char*>(s) < static_cast<char*>(states->data) + states->size; ++s)
        w->pending_states.push_back(state_name(*s));
}

void toplevel_close(void* data, xdg_toplevel*) {
    auto* w = static_cast<Window*>(data);
    emit({{"event", "close"}, {"surface", w->name}});
    if (w->name == "main") {
        w->app->quit = true;
        w->app->exit_status = 0;
    } else {
        w->destroy();
    }
}

void decoration_configure(void* data, zxdg_toplevel_decoration_v1*, uint32_t mode) {
    auto* w = static_cast<Window*>(data);
    emit({{"event", "decoration"},
          {"surface", w->name},
          {"mode", mode == ZXDG_TOPLEVEL_DECORATION_V1_MODE_SERVER_SIDE ? "server_side" : "client_side"}});
}

const xdg_surface_listener kXdgSurfaceListenerImpl = {xdg_surface_configure};
const xdg_toplevel_listener kToplevelListenerImpl = {toplevel_configure, toplevel_close, nullptr, nullptr};
const zxdg_toplevel_decoration_v1_listener kDecorationListenerImpl = {decoration_configure};

std::unique_ptr<Window> create_window(App& app, const std::string& name, int w, int h, Window* parent) {
    auto win = std::make_unique<Window>();
    win->app = &app;
    win->name = name;
    win->default_width = w;
    win->default_height = h;
    win->surface = wl_compositor_create_surface(app.compositor);
    win->xsurface = xdg_wm_base_get_xdg_surface(app.wm_base, win->surface);
    xdg_surface_add_listener(win->xsurface, &kXdgSurfaceListenerImpl, win.get());
    win->toplevel = xdg_surface_get_toplevel(win->xsurface);
    xdg_toplevel_add_listener(win->toplevel, &kToplevelListenerImpl, win.get());
    xdg_toplevel_set_app_id(win->toplevel, app.opt.app_id.c_str());
    xdg_toplevel_set_title(win->toplevel, (parent ? app.opt.title + " (dialog)" : app.opt.title).c_str());
    if (parent) {
        xdg_toplevel_set_parent(win->toplevel, parent->toplevel);
        // A dialog asks for its size; the compositor may still override it.
        xdg_toplevel_set_min_size(win->toplevel, w, h);
        xdg_toplevel_set_max_size(win->toplevel, w, h);
    } else if (app.opt.fullscreen) {
        xdg_toplevel_set_fullscreen(win->toplevel, nullptr);
    }
    if (app.opt.decoration) {
        if (!app.decoration_manager) {
            emit({{"event", "decoration"},
                  {"surface", name},
                  {"mode", nullptr},
                  {"error", "zxdg_decoration_manager_v1 not offered"}});
        } else {
            win->decoration = zxdg_decoration_manager_v1_get_toplevel_decoration(app.decoration_manager, win->toplevel);
            zxdg_toplevel_decoration_v1_add_listener(win->decoration, &kDecorationListenerImpl, win.get());
            zxdg_toplevel_decoration_v1_set_mode(win->decoration, ZXDG_TOPLEVEL_DECORATION_V1_MODE_CLIENT_SIDE);
        }
    }
    wl_surface_commit(win->surface);
    return win;
}

void registry_global(void* data, wl_registry* registry, uint32_t name, const char* iface, uint32_t version) {
    auto* app = static_cast<App*>(data);
    std::string_view i = iface;
    if (i == wl_compositor_interface.name) {
        app->compositor = static_cast<wl_compositor*>(
            wl_registry_bind(registry, name, &wl_compositor_interface, std::min<uint32_t>(version, 4)));
    } else if (i == wl_shm_interface.name) {
        app->shm = static_cast<wl_shm*>(wl_registry_bind(registry, name, &wl_shm_interface, 1));
    } else if (i == xdg_wm_base_interface.name) {
        app->wm_base = static_cast<xdg_wm_base*>(
            wl_registry_bind(registry, name, &xdg_wm_base_interface, std::min<uint32_t>(version, 2)));
        static const xdg_wm_base_listener listener = {
            [](void*, xdg_wm_base* base, uint32_t serial) { xdg_wm_base_pong(base, serial); },
        };
        xdg_wm_base_add_listener(app->wm_base, &listener, app);
    } else if (i == zxdg_decoration_manager_v1_interface.name) {
        app->decoration_manager = static_cast<zxdg_decoration_manager_v1*>(
            wl_registry_bind(registry, name, &zxdg_decoration_manager_v1_interface, 1));
    } else if (i == wl_seat_interface.name) {
        app->seat.bind(registry, name, version);
    }
}

void registry_global_remove(void*, wl_registry*, uint32_t) {}

const wl_registry_listener kRegistryListener = {registry_global, registry_global_remove};

[[noreturn]] void usage(const std::string& msg) {
    std::fprintf(stderr,
                 "%s\nusage: cirrus-test-client [--color RRGGBB] [--bottom-color RRGGBB] [--app-id ID] [--title T] "
                 "[--size WxH]\n"
                 "       [--dialog WxH] [--crash-after-ms N] [--xdg-decoration] [--fullscreen]\n"
                 "       [--popup-at X,Y,W,H] [--popup-size WxH] [--popup-adjust LIST]\n",
                 msg.c_str());
    std::exit(2);
}

Options parse_options(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) usage(a + " needs a value");
            return argv[++i];
        };
        if (a == "--color") {
            if (!parse_color(value(), o.color)) usage("bad --color");
        } else if (a == "--bottom-color") {
            uint32_t bottom = 0;
            if (!parse_color(value(), bottom)) usage("bad --bottom-color");
            o.bottom_color = bottom;
        } else if (a == "--app-id") {
            o.app_id = value();
        } else if (a == "--title") {
            o.title = value();
        } else if (a == "--size") {
            if (!parse_size(value(), o.default_width, o.default_height) || !o.default_width || !o.default_height)
                usage("bad --size");
        } else if (a == "--dialog") {
            o.dialog = true;
            if (!parse_size(value(), o.dialog_width, o.dialog_height) || !o.dialog_width || !o.dialog_height)
                usage("bad --dialog");
        } else if (a == "--crash-after-ms") {
            o.crash_after_ms = std::atoi(value().c_str());
        } else if (a == "--xdg-decoration") {
            o.decoration = true;
        } else if (a == "--fullscreen") {
            o.fullscreen = true;
        } else if (a == "--popup-at") {
            o.popup = true;
            auto parts = split(value(), ',');
            if (parts.size() != 4) usage("bad --popup-at (expected X,Y,W,H)");
            for (size_t k = 0; k < 4; ++k) {
                char* end = nullptr;
                long v = std::strtol(parts[k].c_str(), &end, 10);
                if (parts[k].empty() || *end) usage("bad --popup-at (expected X,Y,W,H)");
                o.popup_anchor[k] = static_cast<int>(v);
            }
            if (o.popup_anchor[2] < 1 || o.popup_anchor[3] < 1) usage("bad --popup-at: W and H must be >= 1");
        } else if (a == "--popup-size") {
            if (!parse_size(value(), o.popup_width, o.popup_height) || !o.popup_width || !o.popup_height)
                usage("bad --popup-size");
        } else if (a == "--popup-adjust") {
            o.popup_adjust = 0;
            for (auto& name : split(value(), ',')) {
                if (name == "none") continue;
                if (name == "slide_x") o.popup_adjust |= XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_SLIDE_X;
                else if (name == "slide_y") o.popup_adjust |= XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_SLIDE_Y;
                else if (name == "flip_x") o.popup_adjust |= XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_FLIP_X;
                else if (name == "flip_y") o.popup_adjust |= XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_FLIP_Y;
                else if (name == "resize_x") o.popup_adjust |= XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_RESIZE_X;
                else if (name == "resize_y") o.popup_adjust |= XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_RESIZE_Y;
                else usage("bad --popup-adjust value " + name);
            }
        } else if (a == "-h" || a == "--help") {
            usage("cirrus-test-client: a solid-colour Wayland test client");
        } else {
            usage("unknown option " + a);
        }
    }
    return o;
}

void handle_command(App& app, const std::string& line) {
    auto words = split(line, ' ');
    if (words.empty() || words[0].empty()) return;
    if (words[0] == "quit") {
        app.quit = true;
    } else if (words[0] == "color" && words.size() == 2) {
        if (!parse_color(words[1], app.opt.color)) {
            emit({{"event", "error"}, {"message", "bad colour"}});
            return;
        }
        for (Window* w : {app.main.get(), app.dialog.get()})
            if (w && !w->closed && w->configured) w->draw_and_commit();
        emit({{"event", "committed"}, {"color", words[1]}});
    } else if (words[0] == "fullscreen" && words.size() == 2 && app.main && !app.main->closed) {
        if (words[1] == "on") {
            xdg_toplevel_set_fullscreen(app.main->toplevel, nullptr);
        } else {
            xdg_toplevel_unset_fullscreen(app.main->toplevel);
        }
        wl_display_flush(app.display);
        emit({{"event", "fullscreen_requested"}, {"on", words[1] == "on"}});
    } else if (words[0] == "commit") {
        for (Window* w : {app.main.get(), app.dialog.get()}) {
            if (w && !w->closed && w->configured) w->draw_and_commit();
        }
        emit({{"event", "committed"}});
    } else {
        emit({{"event", "error"}, {"message", "unknown command: " + line}});
    }
}

int run(int argc, char** argv) {
    App app;
    app.opt = parse_options(argc, argv);
    int signal_fd = make_signal_fd();

    app.display = wl_display_connect(nullptr);
    if (!app.display) die("cannot connect to the Wayland display");
    wl_registry* registry = wl_display_get_registry(app.display);
    wl_registry_add_listener(registry, &kRegistryListener, &app);
    wl_display_roundtrip(app.display);
    if (!app.compositor || !app.shm || !app.wm_base) die("missing wl_compositor, wl_shm or xdg_wm_base");

    app.seat.name_of = [&app](wl_surface* s) -> std::string {
        if (app.main && s == app.main->surface) return "main";
        if (app.dialog && s == app.dialog->surface) return "dialog";
        if (app.popup && s == app.popup->surface) return "popup";
        return "other";
    };

    app.main = create_window(app, "main", app.opt.default_width, app.opt.default_height, nullptr);
    if (app.opt.dialog) {
        app.dialog = create_window(app, "dialog", app.opt.dialog_width, app.opt.dialog_height, app.main.get());
    }

    // --crash-after-ms: mid-frame, a new buffer attached and damaged, then
    // death before the commit.
    auto crash_watch = [&](std::vector<FdWatch>& watches) {
        if (app.crash_timer < 0) return;
        watches.push_back({app.crash_timer, [&] {
                               Window* w = app.main.get();
                               SolidBuffer* b = SolidBuffer::create(app.shm, w->width, w->height, 0xff00ff);
                               wl_surface_attach(w->surface, b->buffer, 0, 0);
                               wl_surface_damage_buffer(w->surface, 0, 0, w->width, w->height);
                               wl_display_flush(app.display);
                               emit({{"event", "crashing"}});
                               std::abort();
                           }});
    };
    if (!run_client_loop(
            app.display, signal_fd, [&] { return app.quit; },
            [&](const std::string& line) { handle_command(app, line); }, crash_watch))
        return 1;
    if (app.popup) app.popup->destroy();
    if (app.dialog) app.dialog->destroy();
    if (app.main) app.main->destroy();
    app.seat.release();
    destroy_proxies({app.decoration_manager, app.wm_base, app.shm, app.compositor, registry});
    wl_display_roundtrip(app.display);
    wl_display_disconnect(app.display);
    return app.exit_status;
}

}  // namespace cirrus_test::client
