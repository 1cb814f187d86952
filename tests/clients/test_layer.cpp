// cirrus-test-layer — a zwlr_layer_surface_v1 filled with one solid colour,
// which reports its configures as JSON lines on stdout.
//
// Options:
//   --layer background|bottom|top|overlay   (default top)
//   --anchor LIST      comma-separated top,bottom,left,right (default none)
//   --size WxH         requested size, 0 = stretch along the anchors (0x40)
//   --exclusive N      exclusive zone (default 0)
//   --margin T,R,B,L   margins (default 0,0,0,0)
//   --keyboard none|exclusive|on_demand   (default none)
//   --namespace NAME   (default cirrus-test-layer)
//   --color RRGGBB     (default cc3333)
//
// stdin commands: "exclusive N", "size W H", "color RRGGBB", "quit"; each
// applied with a commit and answered by {"event":"applied",...} once the
// compositor has processed it.
//
// Events: configure {width,height}, mapped, applied, closed, touch_*,
// pointer_*, keyboard_*, key, seat, terminated, disconnected, error.

#include "common.hpp"

// The generated header names an argument `namespace`, a C++ keyword.
#define namespace namespace_
#include "wlr-layer-shell-unstable-v1-client-protocol.h"
#undef namespace

#include <algorithm>

using namespace cirrus_test;

namespace cirrus_test::layer {

struct Options {
    uint32_t layer = ZWLR_LAYER_SHELL_V1_LAYER_TOP;
    uint32_t anchor = 0;
    int width = 0;
    int height = 40;
    int exclusive = 0;
    int margin[4] = {0, 0, 0, 0};
    uint32_t keyboard = ZWLR_LAYER_SURFACE_V1_KEYBOARD_INTERACTIVITY_NONE;
    std::string name_space = "cirrus-test-layer";
    uint32_t color = 0xcc3333;
};

struct App {
    Options opt;
    wl_display* display = nullptr;
    wl_compositor* compositor = nullptr;
    wl_shm* shm = nullptr;
    zwlr_layer_shell_v1* layer_shell = nullptr;
    uint32_t layer_shell_version = 0;
    SeatReporter seat;
    wl_surface* surface = nullptr;
    zwlr_layer_surface_v1* layer_surface = nullptr;
    SolidBuffer* buffer = nullptr;
    int width = 0;
    int height = 0;
    bool configured = false;
    bool mapped = false;
    bool quit = false;
    int exit_status = 0;
};

[[noreturn]] void usage(const std::string& msg) {
    std::fprintf(stderr,
                 "%s\nusage: cirrus-test-layer [--layer L] [--anchor top,left,...] [--size WxH]\n"
                 "       [--exclusive N] [--margin T,R,B,L] [--keyboard none|exclusive|on_demand]\n"
                 "       [--namespace NAME] [--color RRGGBB]\n",
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
        if (a == "--layer") {
            std::string v = value();
            if (v == "background") o.layer = ZWLR_LAYER_SHELL_V1_LAYER_BACKGROUND;
            else if (v == "bottom") o.layer = ZWLR_LAYER_SHELL_V1_LAYER_BOTTOM;
            else if (v == "top") o.layer = ZWLR_LAYER_SHELL_V1_LAYER_TOP;
            else if (v == "overlay") o.layer = ZWLR_LAYER_SHELL_V1_LAYER_OVERLAY;
            else usage("bad --layer");
        } else if (a == "--anchor") {
            o.anchor = 0;
            for (auto& part : split(value(), ',')) {
                if (part == "top") o.anchor |= ZWLR_LAYER_SURFACE_V1_ANCHOR_TOP;
                else if (part == "bottom") o.anchor |= ZWLR_LAYER_SURFACE_V1_ANCHOR_BOTTOM;
                else if (part == "left") o.anchor |= ZWLR_LAYER_SURFACE_V1_ANCHOR_LEFT;
                else if (part == "right") o.anchor |= ZWLR_LAYER_SURFACE_V1_ANCHOR_RIGHT;
                else if (!part.empty() && part != "none") usage("bad --anchor part " + part);
            }
        } else if (a == "--size") {
            if (!parse_size(value(), o.width, o.height)) usage("bad --size");
        } else if (a == "--exclusive") {
            o.exclusive = std::atoi(value().c_str());
        } else if (a == "--margin") {
            auto parts = split(value(), ',');
            if (parts.size() != 4) usage("bad --margin");
            for (int k = 0; k < 4; ++k) o.margin[k] = std::atoi(parts[static_cast<size_t>(k)].c_str());
        } else if (a == "--keyboard") {
            std::string v = value();
            if (v == "none") o.keyboard = ZWLR_LAYER_SURFACE_V1_KEYBOARD_INTERACTIVITY_NONE;
            else if (v == "exclusive") o.keyboard = ZWLR_LAYER_SURFACE_V1_KEYBOARD_INTERACTIVITY_EXCLUSIVE;
            else if (v == "on_demand") o.keyboard = ZWLR_LAYER_SURFACE_V1_KEYBOARD_INTERACTIVITY_ON_DEMAND;
            else usage("bad --keyboard");
        } else if (a == "--namespace") {
            o.name_space = value();
        } else if (a == "--color") {
            if (!parse_color(value(), o.color)) usage("bad --color");
        } else if (a == "-h" || a == "--help") {
            usage("cirrus-test-layer: a solid-colour layer-shell test client");
        } else {
            usage("unknown option " + a);
        }
    }
    return o;
}

void draw_and_commit(App& app) {
    SolidBuffer* next = SolidBuffer::create(app.shm, app.width, app.height, app.opt.color);
    wl_surface_attach(app.surface, next->buffer, 0, 0);
    next->busy = true;
    wl_surface_damage_buffer(app.surface, 0, 0, app.width, app.height);
    wl_surface_commit(app.surface);
    if (app.buffer) app.buffer->drop();
    app.buffer = next;
}

// Emits `event` once the compositor has processed everything sent so far.
void emit_after_sync(App& app, json event) {
    struct Pending {
        json event;
    };
    auto* pending = new Pending{std::move(event)};
    wl_callback* cb = wl_display_sync(app.display);
    static const wl_callback_listener listener = {
        [](void* data, wl_callback* cb, uint32_t) {
            auto* p = static_cast<Pending*>(data);
            wl_callback_destroy(cb);
            emit(p->event);
            delete p;
        },
    };
    wl_callback_add_listener(cb, &listener, pending);
}

void layer_configure(void* data, zwlr_layer_surface_v1* surface, uint32_t serial, uint32_t width, uint32_t height) {
    auto* app = static_cast<App*>(data);
    zwlr_layer_surface_v1_ack_configure(surface, serial);
    emit({{"event", "configure"}, {"surface", "layer"}, {"width", width}, {"height", height}});
    int w = width ? static_cast<int>(width) : std::max(app->opt.width, 1);
    int h = height ? static_cast<int>(height) : std::max(app->opt.height, 1);
    bool resized = w != app->width || h != app->height;
    app->width = w;
    app->height = h;
    if (!app->configured || resized) {
        app->configured = true;
        draw_and_commit(*app);
    } else {
        wl_surface_commit(app->surface);
    }
    if (!app->mapped) {
        app->mapped = true;
        emit_after_sync(*app, {{"event", "mapped"}, {"surface", "layer"}, {"width", w}, {"height", h}});
    }
}

void layer_closed(void* data, zwlr_layer_surface_v1*) {
    auto* app = static_cast<App*>(data);
    emit({{"event", "closed"}});
    app->quit = true;
}

const zwlr_layer_surface_v1_listener kLayerListener = {layer_configure, layer_closed};

void registry_global(void* data, wl_registry* registry, uint32_t name, const char* iface, uint32_t version) {
    auto* app = static_cast<App*>(data);
    std::string_view i = iface;
    if (i == wl_compositor_interface.name) {
        app->compositor = static_cast<wl_compositor*>(
            wl_registry_bind(registry, name, &wl_compositor_interface, std::min<uint32_t>(version, 4)));
    } else if (i == wl_shm_interface.name) {
        app->shm = static_cast<wl_shm*>(wl_registry_bind(registry, name, &wl_shm_interface, 1));
    } else if (i == zwlr_layer_shell_v1_interface.name) {
        app->layer_shell_version = std::min<uint32_t>(version, 4);
        app->layer_shell = static_cast<zwlr_layer_shell_v1*>(
            wl_registry_bind(registry, name, &zwlr_layer_shell_v1_interface, app->layer_shell_version));
    } else if (i == wl_seat_interface.name) {
        app->seat.bind(registry, name, version);
    }
}

void registry_global_remove(void*, wl_registry*, uint32_t) {}

const wl_registry_listener kRegistryListener = {registry_global, registry_global_remove};

void handle_command(App& app, const std::string& line) {
    auto words = split(line, ' ');
    if (words.empty() || words[0].empty()) return;
    if (words[0] == "quit") {
        app.quit = true;
    } else if (words[0] == "exclusive" && words.size() == 2) {
        app.opt.exclusive = std::atoi(words[1].c_str());
        zwlr_layer_surface_v1_set_exclusive_zone(app.layer_surface, app.opt.exclusive);
        wl_surface_commit(app.surface);
        emit_after_sync(app, {{"event", "applied"}, {"exclusive", app.opt.exclusive}});
    } else if (words[0] == "size" && words.size() == 3) {
        app.opt.width = std::atoi(words[1].c_str());
        app.opt.height = std::atoi(words[2].c_str());
        zwlr_layer_surface_v1_set_size(app.layer_surface, static_cast<uint32_t>(app.opt.width),
                                       static_cast<uint32_t>(app.opt.height));
        wl_surface_commit(app.surface);
        emit_after_sync(app, {{"event", "applied"}, {"width", app.opt.width}, {"height", app.opt.height}});
    } else if (words[0] == "color" && words.size() == 2 && parse_color(words[1], app.opt.color)) {
        if (app.configured) draw_and_commit(app);
        emit_after_sync(app, {{"event", "applied"}, {"color", words[1]}});
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
    if (!app.compositor || !app.shm) die("missing wl_compositor or wl_shm");
    if (!app.layer_shell) die("zwlr_layer_shell_v1 not offered", 3);

    app.seat.name_of = [&app](wl_surface* s) -> std::string { return s == app.surface ? "layer" : "other"; };

    app.surface = wl_compositor_create_surface(app.compositor);
    app.layer_surface = zwlr_layer_shell_v1_get_layer_surface(app.layer_shell, app.surface, nullptr, app.opt.layer,
                                                              app.opt.name_space.c_str());
    zwlr_layer_surface_v1_add_listener(app.layer_surface, &kLayerListener, &app);
    zwlr_layer_surface_v1_set_size(app.layer_surface, static_cast<uint32_t>(app.opt.width),
                                   static_cast<uint32_t>(app.opt.height));
    zwlr_layer_surface_v1_set_anchor(app.layer_surface, app.opt.anchor);
    zwlr_layer_surface_v1_set_exclusive_zone(app.layer_surface, app.opt.exclusive);
    zwlr_layer_surface_v1_set_margin(app.layer_surface, app.opt.margin[0], app.opt.margin[1], app.opt.margin[2],
                                     app.opt.margin[3]);
    uint32_t keyboard = app.opt.keyboard;
    if (keyboard == ZWLR_LAYER_SURFACE_V1_KEYBOARD_INTERACTIVITY_ON_DEMAND && app.layer_shell_version < 4)
        keyboard = ZWLR_LAYER_SURFACE_V1_KEYBOARD_INTERACTIVITY_EXCLUSIVE;
    zwlr_layer_surface_v1_set_keyboard_interactivity(app.layer_surface, keyboard);
    wl_surface_commit(app.surface);

    if (!run_client_loop(
            app.display, signal_fd, [&] { return app.quit; },
            [&](const std::string& line) { handle_command(app, line); }))
        return 1;
    zwlr_layer_surface_v1_destroy(app.layer_surface);
    wl_surface_destroy(app.surface);
    if (app.buffer) app.buffer->drop();
    app.seat.release();
    destroy_proxies({app.layer_shell, app.shm, app.compositor, registry});
    wl_display_roundtrip(app.display);
    wl_display_disconnect(app.display);
    return app.exit_status;
}

}  // namespace cirrus_test::layer
