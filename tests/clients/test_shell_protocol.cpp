// cirrus-test-shell-protocol — a cirrus_shell_v1 client without any drawing:
// the compositor's side of the shell protocol, seen from a test. Connect it
// through the trusted socket (or spawn it trusted).
//
// Events (JSON lines on stdout), one per protocol event, each batch followed
// by {"event":"done"}:
//   {"event":"app_state","app","state":"launching"|"running"|"closed"}
//   {"event":"app_title","app","title"}   {"event":"launch_failed","app","reason"}
//   {"event":"front_app","app","theme_color":"#aarrggbb"}
//   {"event":"gesture","gesture":"home"|"switcher"|"home_key"|"power_key"}
//   {"event":"locked","locked":bool}
//   {"event":"notification","id","app","title","body"}  {"event":"notification_closed","id"}
//   {"event":"permission_request","id","app","permission"}
//   {"event":"sent","cmd"} after each command, once the compositor processed it
//   {"event":"capture","app","width","height","buffer_width","buffer_height",
//    "centre","top_left","bottom_right","outside"} for a capture that is ready:
//    width x height is what the window covers; the pixels (#aarrggbb) are the
//    covered part's centre, its corners (one pixel in), and the buffer's last
//    pixel (transparent when the window does not reach it)
//   {"event":"capture_failed","app","reason","message"} (reason: unknown_app,
//    no_content, bad_buffer, render_failed)
//
// stdin commands: "launch APP", "home", "activate APP", "close APP",
// "locked 0|1", "switcher 0|1", "tap-notification ID", "dismiss ID",
// "answer ID 0|1", "capture APP WxH" (an argb8888 wl_shm buffer of that
// size), "quit". Exits 3 when cirrus_shell_v1 is not offered.
//
// --exit-on-notification: exits 70 at the first notification event, as a
// shell that crashes on one would (the compositor's replay tests).

#include "common.hpp"

#include "cirrus-shell-unstable-v1-client-protocol.h"

#include <algorithm>
#include <cinttypes>
#include <memory>

using namespace cirrus_test;

namespace cirrus_test::shell_protocol {

struct App {
    wl_display* display = nullptr;
    cirrus_shell_v1* shell = nullptr;
    wl_shm* shm = nullptr;
    bool quit = false;
};

// One capture in flight: its buffer, mapped, and what to report.
struct Capture {
    std::string app;
    cirrus_app_capture_v1* proxy = nullptr;
    wl_buffer* buffer = nullptr;
    uint32_t* pixels = nullptr;
    size_t size = 0;
    int width = 0;
    int height = 0;

    ~Capture() {
        if (proxy) cirrus_app_capture_v1_destroy(proxy);
        if (buffer) wl_buffer_destroy(buffer);
        if (pixels) munmap(pixels, size);
    }
    std::string pixel(int x, int y) const {
        x = std::clamp(x, 0, width - 1);
        y = std::clamp(y, 0, height - 1);
        char text[16];
        std::snprintf(text, sizeof text, "#%08" PRIx32, pixels[static_cast<size_t>(y) * width + x]);
        return text;
    }
};

const char* failure_name(uint32_t reason) {
    switch (reason) {
    case CIRRUS_APP_CAPTURE_V1_FAILURE_UNKNOWN_APP:
        return "unknown_app";
    case CIRRUS_APP_CAPTURE_V1_FAILURE_NO_CONTENT:
        return "no_content";
    case CIRRUS_APP_CAPTURE_V1_FAILURE_BAD_BUFFER:
        return "bad_buffer";
    case CIRRUS_APP_CAPTURE_V1_FAILURE_RENDER_FAILED:
        return "render_failed";
    }
    return "unknown";
}

void on_capture_ready(void* data, cirrus_app_capture_v1*, uint32_t width, uint32_t height) {
    auto* c = static_cast<Capture*>(data);
    const int w = static_cast<int>(width), h = static_cast<int>(height);
    emit({{"event", "capture"},
          {"app", c->app},
          {"width", width},
          {"height", height},
          {"buffer_width", c->width},
          {"buffer_height", c->height},
          {"centre", c->pixel(w / 2, h / 2)},
          {"top_left", c->pixel(1, 1)},
          {"bottom_right", c->pixel(w - 2, h - 2)},
          {"outside", c->pixel(c->width - 1, c->height - 1)}});
    delete c;
}

void on_capture_failed(void* data, cirrus_app_capture_v1*, uint32_t reason, const char* message) {
    auto* c = static_cast<Capture*>(data);
    emit({{"event", "capture_failed"}, {"app", c->app}, {"reason", failure_name(reason)}, {"message", message}});
    delete c;
}

const cirrus_app_capture_v1_listener kCaptureListener = {on_capture_ready, on_capture_failed};

// Starts a capture; its event reports and frees it.
bool start_capture(App& app, const std::string& id, int width, int height) {
    auto c = std::make_unique<Capture>();
    c->app = id;
    c->width = width;
    c->height = height;
    c->size = static_cast<size_t>(width) * static_cast<size_t>(height) * 4;
    const int fd = create_shm_fd(c->size);
    void* data = mmap(nullptr, c->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (data == MAP_FAILED) {
        close(fd);
        return false;
    }
    c->pixels = static_cast<uint32_t*>(data);
    // Opaque magenta: what the compositor does not write stays visible.
    for (size_t i = 0; i < c->size / 4; ++i) c->pixels[i] = 0xffff00ffu;
    wl_shm_pool* pool = wl_shm_create_pool(app.shm, fd, static_cast<int32_t>(c->size));
    close(fd);
    c->buffer = wl_shm_pool_create_buffer(pool, 0, width, height, width * 4, WL_SHM_FORMAT_ARGB8888);
    wl_shm_pool_destroy(pool);
    c->proxy = cirrus_shell_v1_capture_app(app.shell, id.c_str(), c->buffer);
    cirrus_app_capture_v1_add_listener(c->proxy, &kCaptureListener, c.get());
    c.release();  // its ready or failed event frees it
    return true;
}

const char* state_name(uint32_t state) {
    switch (state) {
    case CIRRUS_SHELL_V1_APP_STATE_LAUNCHING:
        return "launching";
    case CIRRUS_SHELL_V1_APP_STATE_RUNNING:
        return "running";
    case CIRRUS_SHELL_V1_APP_STATE_CLOSED:
        return "closed";
    }
    return "unknown";
}

const char* gesture_name(uint32_t gesture) {
    switch (gesture) {
    case CIRRUS_SHELL_V1_GESTURE_HOME:
        return "home";
    case CIRRUS_SHELL_V1_GESTURE_SWITCHER:
        return "switcher";
    case CIRRUS_SHELL_V1_GESTURE_HOME_KEY:
        return "home_key";
    case CIRRUS_SHELL_V1_GESTURE_POWER_KEY:
        return "power_key";
    }
    return "unknown";
}

void on_app_state(void*, cirrus_shell_v1*, const char* app, uint32_t state) {
    emit({{"event", "app_state"}, {"app", app}, {"state", state_name(state)}});
}
void on_app_title(void*, cirrus_shell_v1*, const char* app, const char* title) {
    emit({{"event", "app_title"}, {"app", app}, {"title", title}});
}
void on_launch_failed(void*, cirrus_shell_v1*, const char* app, const char* reason) {
    emit({{"event", "launch_failed"}, {"app", app}, {"reason", reason}});
}
void on_front_app(void*, cirrus_shell_v1*, const char* app, uint32_t argb) {
    char colour[16];
    std::snprintf(colour, sizeof colour, "#%08" PRIx32, argb);
    emit({{"event", "front_app"}, {"app", app}, {"theme_color", colour}});
}
void on_gesture(void*, cirrus_shell_v1*, uint32_t gesture) {
    emit({{"event", "gesture"}, {"gesture", gesture_name(gesture)}});
}
void on_locked(void*, cirrus_shell_v1*, uint32_t locked) { emit({{"event", "locked"}, {"locked", locked != 0}}); }
bool exit_on_notification = false;

void on_notification(void*, cirrus_shell_v1*, uint32_t id, const char* app, const char* title, const char* body) {
    emit({{"event", "notification"}, {"id", id}, {"app", app}, {"title", title}, {"body", body}});
    if (exit_on_notification) std::_Exit(70);
}
void on_notification_closed(void*, cirrus_shell_v1*, uint32_t id) {
    emit({{"event", "notification_closed"}, {"id", id}});
}
void on_permission_request(void*, cirrus_shell_v1*, uint32_t id, const char* app, const char* permission) {
    emit({{"event", "permission_request"}, {"id", id}, {"app", app}, {"permission", permission}});
}
void on_link_state(void*, cirrus_shell_v1*, uint32_t link) { emit({{"event", "link_state"}, {"link", link}}); }
void on_done(void*, cirrus_shell_v1*) { emit({{"event", "done"}}); }
// Version 2 (installs): this client binds version 1, so these never come.
void on_install_offer(void*, cirrus_shell_v1*, uint32_t, const char*, const char*, const char*, const char*, uint32_t,
                      uint32_t, uint32_t, const char*) {}
void on_install_progress(void*, cirrus_shell_v1*, const char*, const char*, const char*, uint32_t, uint32_t) {}
void on_install_finished(void*, cirrus_shell_v1*, const char*) {}
void on_install_failed(void*, cirrus_shell_v1*, const char*, const char*) {}
// Versions 3 (updates) and 4 (link kind): never come either.
void on_update_offer(void*, cirrus_shell_v1*, uint32_t, const char*, const char*, const char*, const char*, const char*,
                     uint32_t, uint32_t) {}
void on_link_kind(void*, cirrus_shell_v1*, uint32_t) {}

const cirrus_shell_v1_listener kShellListener = {
    on_app_state,    on_app_title,     on_launch_failed,    on_front_app,           on_gesture,
    on_link_state,   on_locked,        on_notification,     on_notification_closed, on_permission_request,
    on_done,         on_install_offer, on_install_progress, on_install_finished,    on_install_failed,
    on_update_offer, on_link_kind,
};

void registry_global(void* data, wl_registry* registry, uint32_t name, const char* iface, uint32_t) {
    auto* app = static_cast<App*>(data);
    if (std::string_view(iface) == wl_shm_interface.name && !app->shm) {
        app->shm = static_cast<wl_shm*>(wl_registry_bind(registry, name, &wl_shm_interface, 1));
    } else if (std::string_view(iface) == cirrus_shell_v1_interface.name && !app->shell) {
        app->shell = static_cast<cirrus_shell_v1*>(wl_registry_bind(registry, name, &cirrus_shell_v1_interface, 1));
        cirrus_shell_v1_add_listener(app->shell, &kShellListener, app);
    }
}

void registry_global_remove(void*, wl_registry*, uint32_t) {}

const wl_registry_listener kRegistryListener = {registry_global, registry_global_remove};

uint32_t number(const std::string& text) { return static_cast<uint32_t>(std::strtoul(text.c_str(), nullptr, 10)); }

void handle_command(App& app, const std::string& line) {
    const auto w = split(line, ' ');
    if (w.empty() || w[0].empty()) return;
    const std::string& cmd = w[0];
    if (cmd == "quit") {
        app.quit = true;
        return;
    }
    if (cmd == "home" && w.size() == 1) {
        cirrus_shell_v1_show_home(app.shell);
    } else if (cmd == "launch" && w.size() == 2) {
        cirrus_shell_v1_launch(app.shell, w[1].c_str());
    } else if (cmd == "activate" && w.size() == 2) {
        cirrus_shell_v1_activate(app.shell, w[1].c_str());
    } else if (cmd == "close" && w.size() == 2) {
        cirrus_shell_v1_close(app.shell, w[1].c_str());
    } else if (cmd == "locked" && w.size() == 2) {
        cirrus_shell_v1_set_locked(app.shell, number(w[1]));
    } else if (cmd == "switcher" && w.size() == 2) {
        cirrus_shell_v1_set_switcher(app.shell, number(w[1]));
    } else if (cmd == "tap-notification" && w.size() == 2) {
        cirrus_shell_v1_activate_notification(app.shell, number(w[1]));
    } else if (cmd == "dismiss" && w.size() == 2) {
        cirrus_shell_v1_dismiss_notification(app.shell, number(w[1]));
    } else if (cmd == "answer" && w.size() == 3) {
        cirrus_shell_v1_answer_permission(app.shell, number(w[1]), number(w[2]));
    } else if (cmd == "capture" && w.size() == 3) {
        int width = 0, height = 0;
        if (!parse_size(w[2], width, height) || width <= 0 || height <= 0 || !app.shm ||
            !start_capture(app, w[1], width, height)) {
            emit({{"event", "error"}, {"message", "cannot start: " + line}});
            return;
        }
    } else {
        emit({{"event", "error"}, {"message", "unknown command: " + line}});
        return;
    }
    wl_display_roundtrip(app.display);
    emit({{"event", "sent"}, {"cmd", cmd}});
}

int run(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        if (std::string_view(argv[i]) == "--exit-on-notification") {
            exit_on_notification = true;
        } else {
            die(std::string("unknown option ") + argv[i] + " (known: --exit-on-notification)");
        }
    }
    App app;
    const int signal_fd = make_signal_fd();
    app.display = wl_display_connect(nullptr);
    if (!app.display) die("cannot connect to the Wayland display");
    wl_registry* registry = wl_display_get_registry(app.display);
    wl_registry_add_listener(registry, &kRegistryListener, &app);
    wl_display_roundtrip(app.display);
    if (!app.shell) {
        emit({{"event", "error"}, {"message", "cirrus_shell_v1 not offered"}});
        destroy_proxies({registry});
        wl_display_disconnect(app.display);
        return 3;
    }
    wl_display_roundtrip(app.display);  // the initial state
    emit({{"event", "ready"}});
    const bool ok = run_client_loop(
        app.display, signal_fd, [&] { return app.quit; }, [&](const std::string& line) { handle_command(app, line); });
    cirrus_shell_v1_destroy(app.shell);
    if (app.shm) wl_shm_destroy(app.shm);
    destroy_proxies({registry});
    wl_display_roundtrip(app.display);
    wl_display_disconnect(app.display);
    return ok ? 0 : 1;
}

}  // namespace cirrus_test::shell_protocol
