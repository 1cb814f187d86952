// cirrus-test-app-link — stands in for cirrus-webapp-host where the shell is
// under test: a plain xdg_toplevel of one colour that speaks cirrus_app_v1
// the way a host does (first_frame after its first commit, notifications,
// permission questions), without WebKit. The compositor offers
// cirrus_app_v1 only to processes it started as app hosts, so a test runs
// it through `--app-host` with a wrapper script that execs it (the pid must
// stay the one the compositor started).
//
// Options: --app-id ID (the toplevel's app_id; default cirrus-test-app-link),
//          --color RRGGBB (default 336699)
//
// stdin commands (one per line):
//   notify TAG TITLE [BODY...]   a notification (TITLE one word; BODY the rest)
//   withdraw TAG                 take it back
//   permission NAME [SERIAL]     ask (SERIAL defaults to 1, 2, ...)
//   theme AARRGGBB               set_theme_color
//   title TEXT...                xdg_toplevel.set_title (the rest of the line)
//   open URL [SERIAL]            hand a link over (open_url) now
//   open-on-touch URL            hand it over at the next touch on the window,
//                                as a page's link followed on a tap does
//   link-sample BYTES HEADERS_MS TOTAL_MS FAILED
//                                one transfer for the link estimate, as a
//                                host's offline cache reports it
//   quit
//
// Events (JSON lines on stdout): {"event":"bound","cirrus_app_v1":bool},
// configure, mapped, close, {"event":"sent","cmd"} once the compositor has
// processed a command, {"event":"notification_activated","tag"},
// {"event":"permission_answered","serial","answer":"denied"|"granted"|"unasked"},
// {"event":"url_opened","serial","opened"}, {"event":"touch_down"},
// {"event":"cirrus_app_v1","name":"open_url","url"}, and
// {"event":"cirrus_app_v1","name"} for any other event of the protocol.

#include "common.hpp"

#include "cirrus-app-unstable-v1-client-protocol.h"
#include "xdg-shell-client-protocol.h"

#include <algorithm>
#include <string_view>

using namespace cirrus_test;

namespace cirrus_test::app_link {

struct App {
    std::string app_id = "cirrus-test-app-link";
    uint32_t color = 0x336699;
    wl_display* display = nullptr;
    wl_compositor* compositor = nullptr;
    wl_shm* shm = nullptr;
    xdg_wm_base* wm_base = nullptr;
    cirrus_app_v1* link = nullptr;
    wl_seat* seat = nullptr;
    wl_touch* touch = nullptr;
    std::string open_on_touch;  // a link to hand over at the next touch down
    wl_surface* surface = nullptr;
    xdg_surface* xsurface = nullptr;
    xdg_toplevel* toplevel = nullptr;
    SolidBuffer* buffer = nullptr;
    int width = 0, height = 0;
    int pending_width = 0, pending_height = 0;
    bool mapped = false;
    bool quit = false;
    uint32_t next_serial = 1;
};

// Events through a dispatcher, by name: the protocol grows (other work adds
// events), and a listener struct with a missing entry would abort the client
// when such an event came.
int dispatch_link(const void*, void*, uint32_t, const wl_message* message, wl_argument* args) {
    const std::string_view name = message->name;
    if (name == "notification_activated") {
        emit({{"event", "notification_activated"}, {"tag", args[0].u}});
    } else if (name == "permission_answered") {
        const uint32_t answer = args[1].u;
        emit({{"event", "permission_answered"},
              {"serial", args[0].u},
              {"answer", answer == CIRRUS_APP_V1_ANSWER_GRANTED  ? "granted"
                         : answer == CIRRUS_APP_V1_ANSWER_DENIED ? "denied"
                                                                 : "unasked"}});
    } else if (name == "url_opened") {
        emit({{"event", "url_opened"}, {"serial", args[0].u}, {"opened", args[1].u}});
    } else if (name == "open_url") {
        emit({{"event", "cirrus_app_v1"}, {"name", "open_url"}, {"url", args[0].s ? args[0].s : ""}});
    } else {
        emit({{"event", "cirrus_app_v1"}, {"name", message->name}});
    }
    return 0;
}

// Touch: only the down matters (it sends an armed link at once, as a page
// reacting to a tap does).
void touch_down(void* data, wl_touch*, uint32_t, uint32_t, wl_surface*, int32_t, wl_fixed_t, wl_fixed_t) {
    auto& app = *static_cast<App*>(data);
    if (!app.open_on_touch.empty() && app.link) {
        cirrus_app_v1_open_url(app.link, app.next_serial++, app.open_on_touch.c_str());
        app.open_on_touch.clear();
    }
    emit({{"event", "touch_down"}});
}
void touch_up(void*, wl_touch*, uint32_t, uint32_t, int32_t) {}
void touch_motion(void*, wl_touch*, uint32_t, int32_t, wl_fixed_t, wl_fixed_t) {}
void touch_frame(void*, wl_touch*) {}
void touch_cancel(void*, wl_touch*) {}
const wl_touch_listener kTouchListener = {touch_down,   touch_up, touch_motion, touch_frame,
                                          touch_cancel, nullptr,  nullptr};

void seat_capabilities(void* data, wl_seat* seat, uint32_t caps) {
    auto& app = *static_cast<App*>(data);
    if ((caps & WL_SEAT_CAPABILITY_TOUCH) && !app.touch) {
        app.touch = wl_seat_get_touch(seat);
        wl_touch_add_listener(app.touch, &kTouchListener, &app);
    }
}
void seat_name(void*, wl_seat*, const char*) {}
const wl_seat_listener kSeatListener = {seat_capabilities, seat_name};

void draw_and_commit(App& app) {
    SolidBuffer* next = SolidBuffer::create(app.shm, app.width, app.height, app.color);
    wl_surface_attach(app.surface, next->buffer, 0, 0);
    next->busy = true;
    wl_surface_damage_buffer(app.surface, 0, 0, app.width, app.height);
    wl_surface_commit(app.surface);
    if (app.buffer) app.buffer->drop();
    app.buffer = next;
    if (app.mapped) return;
    app.mapped = true;
    // As a host does: the frame is the app's own content, after the commit
    // that carried it (this takes the splash down).
    if (app.link) cirrus_app_v1_first_frame(app.link, app.surface);
    wl_callback* sync = wl_display_sync(app.display);
    static const wl_callback_listener listener = {
        [](void* data, wl_callback* cb, uint32_t) {
            auto* a = static_cast<App*>(data);
            wl_callback_destroy(cb);
            emit({{"event", "mapped"}, {"width", a->width}, {"height", a->height}});
        },
    };
    wl_callback_add_listener(sync, &listener, &app);
}

void xdg_surface_configure(void* data, xdg_surface* xs, uint32_t serial) {
    auto& app = *static_cast<App*>(data);
    xdg_surface_ack_configure(xs, serial);
    const int w = app.pending_width > 0 ? app.pending_width : 320;
    const int h = app.pending_height > 0 ? app.pending_height : 240;
    emit({{"event", "configure"}, {"width", app.pending_width}, {"height", app.pending_height}});
    if (!app.mapped || w != app.width || h != app.height) {
        app.width = w;
        app.height = h;
        draw_and_commit(app);
    } else {
        wl_surface_commit(app.surface);
    }
}

void toplevel_configure(void* data, xdg_toplevel*, int32_t width, int32_t height, wl_array*) {
    auto& app = *static_cast<App*>(data);
    app.pending_width = width;
    app.pending_height = height;
}

void toplevel_close(void* data, xdg_toplevel*) {
    emit({{"event", "close"}});
    static_cast<App*>(data)->quit = true;
}

const xdg_surface_listener kXdgSurfaceListenerImpl = {xdg_surface_configure};
const xdg_toplevel_listener kToplevelListenerImpl = {toplevel_configure, toplevel_close, nullptr, nullptr};

void registry_global(void* data, wl_registry* registry, uint32_t name, const char* iface, uint32_t version) {
    auto& app = *static_cast<App*>(data);
    const std::string_view i = iface;
    if (i == wl_compositor_interface.name) {
        app.compositor = static_cast<wl_compositor*>(
            wl_registry_bind(registry, name, &wl_compositor_interface, std::min<uint32_t>(version, 4)));
    } else if (i == wl_shm_interface.name) {
        app.shm = static_cast<wl_shm*>(wl_registry_bind(registry, name, &wl_shm_interface, 1));
    } else if (i == xdg_wm_base_interface.name) {
        app.wm_base = static_cast<xdg_wm_base*>(wl_registry_bind(registry, name, &xdg_wm_base_interface, 1));
        static const xdg_wm_base_listener listener = {
            [](void*, xdg_wm_base* base, uint32_t serial) { xdg_wm_base_pong(base, serial); },
        };
        xdg_wm_base_add_listener(app.wm_base, &listener, &app);
    } else if (i == wl_seat_interface.name && !app.seat) {
        // Version 5 at most: the touch listener has no shape or orientation
        // handlers (events of version 6).
        app.seat =
            static_cast<wl_seat*>(wl_registry_bind(registry, name, &wl_seat_interface, std::min<uint32_t>(version, 5)));
        wl_seat_add_listener(app.seat, &kSeatListener, &app);
    } else if (i == cirrus_app_v1_interface.name) {
        app.link = static_cast<cirrus_app_v1*>(wl_registry_bind(registry, name, &cirrus_app_v1_interface, 1));
        wl_proxy_add_dispatcher(reinterpret_cast<wl_proxy*>(app.link), dispatch_link, nullptr, &app);
    }
}

void registry_global_remove(void*, wl_registry*, uint32_t) {}

const wl_registry_listener kRegistryListener = {registry_global, registry_global_remove};

// Reports a command once the compositor has processed it.
void report_sent(App& app, const std::string& command) {
    wl_callback* sync = wl_display_sync(app.display);
    struct Sent {
        std::string command;
    };
    static const wl_callback_listener listener = {
        [](void* data, wl_callback* cb, uint32_t) {
            auto* sent = static_cast<Sent*>(data);
            wl_callback_destroy(cb);
            emit({{"event", "sent"}, {"cmd", sent->command}});
            delete sent;
        },
    };
    wl_callback_add_listener(sync, &listener, new Sent{command});
}

void handle_command(App& app, const std::string& line) {
    const std::vector<std::string> words = split(line, ' ');
    if (words.empty() || words[0].empty()) return;
    const std::string& cmd = words[0];
    if (cmd == "quit") {
        app.quit = true;
        return;
    }
    if (!app.link) {
        emit({{"event", "error"}, {"message", "cirrus_app_v1 is not offered to this client"}});
        return;
    }
    if (cmd == "notify" && words.size() >= 3) {
        std::string body;
        for (size_t k = 3; k < words.size(); ++k) body += (k > 3 ? " " : "") + words[k];
        cirrus_app_v1_notify(app.link, static_cast<uint32_t>(std::stoul(words[1])), words[2].c_str(), body.c_str());
    } else if (cmd == "withdraw" && words.size() == 2) {
        cirrus_app_v1_withdraw_notification(app.link, static_cast<uint32_t>(std::stoul(words[1])));
    } else if (cmd == "permission" && (words.size() == 2 || words.size() == 3)) {
        const uint32_t serial = words.size() == 3 ? static_cast<uint32_t>(std::stoul(words[2])) : app.next_serial++;
        cirrus_app_v1_request_permission(app.link, serial, words[1].c_str());
    } else if (cmd == "title" && words.size() >= 2) {
        xdg_toplevel_set_title(app.toplevel, line.substr(line.find(' ') + 1).c_str());
        wl_surface_commit(app.surface);
    } else if (cmd == "theme" && words.size() == 2) {
        cirrus_app_v1_set_theme_color(app.link, static_cast<uint32_t>(std::stoul(words[1], nullptr, 16)));
    } else if (cmd == "open" && (words.size() == 2 || words.size() == 3)) {
        const uint32_t serial = words.size() == 3 ? static_cast<uint32_t>(std::stoul(words[2])) : app.next_serial++;
        cirrus_app_v1_open_url(app.link, serial, words[1].c_str());
    } else if (cmd == "open-on-touch" && words.size() == 2) {
        app.open_on_touch = words[1];
    } else if (cmd == "link-sample" && words.size() == 5) {
        cirrus_app_v1_link_sample(
            app.link, static_cast<uint32_t>(std::stoul(words[1])), static_cast<uint32_t>(std::stoul(words[2])),
            static_cast<uint32_t>(std::stoul(words[3])), static_cast<uint32_t>(std::stoul(words[4])));
    } else {
        emit({{"event", "error"}, {"message", "unknown command: " + line}});
        return;
    }
    report_sent(app, cmd);
}

[[noreturn]] void usage(const std::string& message) {
    std::fprintf(stderr, "%s\nusage: cirrus-test-app-link [--app-id ID] [--color RRGGBB]\n", message.c_str());
    std::exit(2);
}

int run(int argc, char** argv) {
    App app;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--app-id" && i + 1 < argc) {
            app.app_id = argv[++i];
        } else if (a == "--color" && i + 1 < argc) {
            if (!parse_color(argv[++i], app.color)) usage("bad --color");
        } else {
            usage("unknown option " + a);
        }
    }
    const int signal_fd = make_signal_fd();
    app.display = wl_display_connect(nullptr);
    if (!app.display) die("cannot connect to the Wayland display");
    wl_registry* registry = wl_display_get_registry(app.display);
    wl_registry_add_listener(registry, &kRegistryListener, &app);
    wl_display_roundtrip(app.display);
    if (!app.compositor || !app.shm || !app.wm_base) die("missing wl_compositor, wl_shm or xdg_wm_base");
    emit({{"event", "bound"}, {"cirrus_app_v1", app.link != nullptr}});

    app.surface = wl_compositor_create_surface(app.compositor);
    app.xsurface = xdg_wm_base_get_xdg_surface(app.wm_base, app.surface);
    xdg_surface_add_listener(app.xsurface, &kXdgSurfaceListenerImpl, &app);
    app.toplevel = xdg_surface_get_toplevel(app.xsurface);
    xdg_toplevel_add_listener(app.toplevel, &kToplevelListenerImpl, &app);
    xdg_toplevel_set_app_id(app.toplevel, app.app_id.c_str());
    xdg_toplevel_set_title(app.toplevel, app.app_id.c_str());
    wl_surface_commit(app.surface);

    const bool ok = run_client_loop(
        app.display, signal_fd, [&] { return app.quit; },
        [&](const std::string& line) {
            try {
                handle_command(app, line);
            } catch (const std::exception& e) {  // a bad number
                emit({{"event", "error"}, {"message", std::string(e.what()) + ": " + line}});
            }
        });
    if (!ok) return 1;
    if (app.link) cirrus_app_v1_destroy(app.link);
    if (app.touch) wl_touch_destroy(app.touch);
    if (app.seat) wl_seat_destroy(app.seat);
    xdg_toplevel_destroy(app.toplevel);
    xdg_surface_destroy(app.xsurface);
    wl_surface_destroy(app.surface);
    if (app.buffer) app.buffer->drop();
    destroy_proxies({app.wm_base, app.shm, app.compositor, registry});
    wl_display_roundtrip(app.display);
    wl_display_disconnect(app.display);
    return 0;
}

}  // namespace cirrus_test::app_link
