// cirrus-test-toplevels — a zwlr_foreign_toplevel_manager_v1 client (a task
// switcher in miniature). Connect it through the trusted socket.
//
// Events (JSON lines on stdout):
//   {"event":"toplevels","toplevels":[{"title","app_id","state":[...]}...]}
//       after every "done" of a handle and when a handle closes; "state" holds
//       "maximized", "minimized", "activated", "fullscreen"
//   {"event":"toplevel_closed","title","app_id"}
//   {"event":"sent","cmd":"activate"|"close","app_id"} once the compositor has
//       processed the request (after a roundtrip)
//   {"event":"finished"}, terminated, disconnected, error
//
// stdin commands: "activate APP_ID", "close APP_ID", "list", "quit".
// Exits 3 when zwlr_foreign_toplevel_manager_v1 or wl_seat is not offered.

#include "common.hpp"

#include "wlr-foreign-toplevel-management-unstable-v1-client-protocol.h"

#include <algorithm>
#include <list>

using namespace cirrus_test;

namespace cirrus_test::toplevels {

struct Toplevel {
    zwlr_foreign_toplevel_handle_v1* handle = nullptr;
    std::string title;
    std::string app_id;
    std::vector<std::string> state;
    bool done = false;  // has had at least one "done"
};

struct App {
    wl_display* display = nullptr;
    wl_seat* seat = nullptr;
    zwlr_foreign_toplevel_manager_v1* manager = nullptr;
    std::list<Toplevel> toplevels;
    bool quit = false;
    bool finished = false;
};

json describe(const Toplevel& t) { return {{"title", t.title}, {"app_id", t.app_id}, {"state", t.state}}; }

void emit_list(App& app) {
    json list = json::array();
    for (auto& t : app.toplevels)
        if (t.done) list.push_back(describe(t));
    emit({{"event", "toplevels"}, {"toplevels", list}});
}

Toplevel* find(App& app, const std::string& app_id) {
    for (auto& t : app.toplevels)
        if (t.app_id == app_id) return &t;
    return nullptr;
}

App* g_app = nullptr;

Toplevel* of(void* data) { return static_cast<Toplevel*>(data); }

void on_title(void* data, zwlr_foreign_toplevel_handle_v1*, const char* title) { of(data)->title = title; }
void on_app_id(void* data, zwlr_foreign_toplevel_handle_v1*, const char* app_id) { of(data)->app_id = app_id; }
void on_output_enter(void*, zwlr_foreign_toplevel_handle_v1*, wl_output*) {}
void on_output_leave(void*, zwlr_foreign_toplevel_handle_v1*, wl_output*) {}
void on_state(void* data, zwlr_foreign_toplevel_handle_v1*, wl_array* states) {
    auto* t = of(data);
    t->state.clear();
    for (auto* s = static_cast<uint32_t*>(states->data);
         reinterpret_cast<char*>(s) < static_cast<char*>(states->data) + states->size; ++s) {
        switch (*s) {
        case ZWLR_FOREIGN_TOPLEVEL_HANDLE_V1_STATE_MAXIMIZED:
            t->state.push_back("maximized");
            break;
        case ZWLR_FOREIGN_TOPLEVEL_HANDLE_V1_STATE_MINIMIZED:
            t->state.push_back("minimized");
            break;
        case ZWLR_FOREIGN_TOPLEVEL_HANDLE_V1_STATE_ACTIVATED:
            t->state.push_back("activated");
            break;
        case ZWLR_FOREIGN_TOPLEVEL_HANDLE_V1_STATE_FULLSCREEN:
            t->state.push_back("fullscreen");
            break;
        default:
            t->state.push_back("unknown");
            break;
        }
    }
}
void on_done(void* data, zwlr_foreign_toplevel_handle_v1*) {
    of(data)->done = true;
    emit_list(*g_app);
}
void on_closed(void* data, zwlr_foreign_toplevel_handle_v1* handle) {
    auto* t = of(data);
    emit({{"event", "toplevel_closed"}, {"title", t->title}, {"app_id", t->app_id}});
    zwlr_foreign_toplevel_handle_v1_destroy(handle);
    g_app->toplevels.remove_if([t](const Toplevel& x) { return &x == t; });
    emit_list(*g_app);
}
void on_parent(void*, zwlr_foreign_toplevel_handle_v1*, zwlr_foreign_toplevel_handle_v1*) {}

const zwlr_foreign_toplevel_handle_v1_listener kHandleListener = {
    on_title, on_app_id, on_output_enter, on_output_leave, on_state, on_done, on_closed, on_parent,
};

void on_toplevel(void* data, zwlr_foreign_toplevel_manager_v1*, zwlr_foreign_toplevel_handle_v1* handle) {
    auto* app = static_cast<App*>(data);
    app->toplevels.emplace_back();
    app->toplevels.back().handle = handle;
    zwlr_foreign_toplevel_handle_v1_add_listener(handle, &kHandleListener, &app->toplevels.back());
}
void on_finished(void* data, zwlr_foreign_toplevel_manager_v1*) {
    auto* app = static_cast<App*>(data);
    app->finished = true;
    emit({{"event", "finished"}});
}

const zwlr_foreign_toplevel_manager_v1_listener kManagerListener = {on_toplevel, on_finished};

void registry_global(void* data, wl_registry* registry, uint32_t name, const char* iface, uint32_t version) {
    auto* app = static_cast<App*>(data);
    std::string_view i = iface;
    if (i == zwlr_foreign_toplevel_manager_v1_interface.name) {
        app->manager = static_cast<zwlr_foreign_toplevel_manager_v1*>(wl_registry_bind(
            registry, name, &zwlr_foreign_toplevel_manager_v1_interface, std::min<uint32_t>(version, 3)));
        zwlr_foreign_toplevel_manager_v1_add_listener(app->manager, &kManagerListener, app);
    } else if (i == wl_seat_interface.name && !app->seat) {
        app->seat = static_cast<wl_seat*>(wl_registry_bind(registry, name, &wl_seat_interface, 1));
    }
}

void registry_global_remove(void*, wl_registry*, uint32_t) {}

const wl_registry_listener kRegistryListener = {registry_global, registry_global_remove};

void handle_command(App& app, const std::string& line) {
    auto words = split(line, ' ');
    if (words.empty() || words[0].empty()) return;
    if (words[0] == "quit") {
        app.quit = true;
    } else if (words[0] == "list") {
        emit_list(app);
    } else if ((words[0] == "activate" || words[0] == "close") && words.size() == 2) {
        Toplevel* t = find(app, words[1]);
        if (!t) {
            emit({{"event", "error"}, {"message", "no toplevel with app_id " + words[1]}});
            return;
        }
        if (words[0] == "activate") zwlr_foreign_toplevel_handle_v1_activate(t->handle, app.seat);
        else zwlr_foreign_toplevel_handle_v1_close(t->handle);
        // Report once the compositor has processed the request.
        wl_display_roundtrip(app.display);
        emit({{"event", "sent"}, {"cmd", words[0]}, {"app_id", words[1]}});
    } else {
        emit({{"event", "error"}, {"message", "unknown command: " + line}});
    }
}

int run(int, char**) {
    App app;
    g_app = &app;
    int signal_fd = make_signal_fd();

    app.display = wl_display_connect(nullptr);
    if (!app.display) die("cannot connect to the Wayland display");
    wl_registry* registry = wl_display_get_registry(app.display);
    wl_registry_add_listener(registry, &kRegistryListener, &app);
    wl_display_roundtrip(app.display);
    if (!app.manager || !app.seat) {
        emit({{"event", "error"}, {"message", "zwlr_foreign_toplevel_manager_v1 or wl_seat not offered"}});
        destroy_proxies({app.manager, app.seat, registry});
        wl_display_disconnect(app.display);
        return 3;
    }
    wl_display_roundtrip(app.display);
    emit_list(app);  // the state at start, even when there are no toplevels

    int status = 0;
    if (!run_client_loop(
            app.display, signal_fd, [&] { return app.quit || app.finished; },
            [&](const std::string& line) { handle_command(app, line); }))
        return 1;
    for (auto& t : app.toplevels) zwlr_foreign_toplevel_handle_v1_destroy(t.handle);
    app.toplevels.clear();
    if (!app.finished) {
        // Stop, and wait for "finished" before the manager proxy goes.
        zwlr_foreign_toplevel_manager_v1_stop(app.manager);
        wl_display_roundtrip(app.display);
    }
    // Handles announced after stop (before finished) are still ours.
    for (auto& t : app.toplevels) zwlr_foreign_toplevel_handle_v1_destroy(t.handle);
    destroy_proxies({app.manager, app.seat, registry});
    wl_display_roundtrip(app.display);
    wl_display_disconnect(app.display);
    return status;
}

}  // namespace cirrus_test::toplevels
