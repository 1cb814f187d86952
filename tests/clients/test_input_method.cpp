// cirrus-test-input-method — an input method (zwp_input_method_v2) on the
// seat, as the on-screen keyboard is one. Connect it through the trusted
// socket.
//
// Events: ready; activate, deactivate, surrounding_text {text,cursor,anchor},
//         content_type {hint,purpose}, text_change_cause {cause}, each as it
//         comes; done {serial,active} (serial: done events so far, what
//         commits carry); unavailable; popup_rectangle {x,y,width,height};
//         sent {cmd}; error; disconnected.
// stdin: "commit TEXT", "preedit TEXT" (cursor at its end), "delete BEFORE
//        AFTER": each followed by commit(serial); "commit-hex HEX" (raw
//        bytes, e.g. invalid UTF-8), "commit-long N" (N bytes of 'a');
//        "popup WxH" (a popup surface of that size); "quit".
// Exits 3 when the input-method manager is not offered.

#include "common.hpp"

#include "input-method-unstable-v2-client-protocol.h"

using namespace cirrus_test;

namespace cirrus_test::input_method {

struct App {
    wl_display* display = nullptr;
    wl_compositor* compositor = nullptr;
    wl_shm* shm = nullptr;
    wl_seat* seat = nullptr;
    zwp_input_method_manager_v2* manager = nullptr;
    zwp_input_method_v2* im = nullptr;
    wl_surface* popup_surface = nullptr;
    zwp_input_popup_surface_v2* popup = nullptr;
    SolidBuffer* popup_buffer = nullptr;
    uint32_t serial = 0;
    bool active = false;
    bool quit = false;
};

void im_activate(void* data, zwp_input_method_v2*) {
    static_cast<App*>(data)->active = true;
    emit({{"event", "activate"}});
}
void im_deactivate(void* data, zwp_input_method_v2*) {
    static_cast<App*>(data)->active = false;
    emit({{"event", "deactivate"}});
}
void im_surrounding(void*, zwp_input_method_v2*, const char* text, uint32_t cursor, uint32_t anchor) {
    json e = {{"event", "surrounding_text"}, {"text", text ? text : ""}, {"cursor", cursor}, {"anchor", anchor}};
    const std::string line = e.dump(-1, ' ', false, json::error_handler_t::replace);
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
}
void im_cause(void*, zwp_input_method_v2*, uint32_t cause) { emit({{"event", "text_change_cause"}, {"cause", cause}}); }
void im_content_type(void*, zwp_input_method_v2*, uint32_t hint, uint32_t purpose) {
    emit({{"event", "content_type"}, {"hint", hint}, {"purpose", purpose}});
}
void im_done(void* data, zwp_input_method_v2*) {
    auto* app = static_cast<App*>(data);
    ++app->serial;
    emit({{"event", "done"}, {"serial", app->serial}, {"active", app->active}});
}
void im_unavailable(void*, zwp_input_method_v2*) { emit({{"event", "unavailable"}}); }

const zwp_input_method_v2_listener kImListener = {im_activate,     im_deactivate, im_surrounding, im_cause,
                                                  im_content_type, im_done,       im_unavailable};

void popup_rectangle(void*, zwp_input_popup_surface_v2*, int32_t x, int32_t y, int32_t w, int32_t h) {
    emit({{"event", "popup_rectangle"}, {"x", x}, {"y", y}, {"width", w}, {"height", h}});
}
const zwp_input_popup_surface_v2_listener kPopupListener = {popup_rectangle};

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
    else if (i == zwp_input_method_manager_v2_interface.name)
        app->manager = static_cast<zwp_input_method_manager_v2*>(bind(&zwp_input_method_manager_v2_interface, 1));
}
void registry_global_remove(void*, wl_registry*, uint32_t) {}
const wl_registry_listener kRegistryListener = {registry_global, registry_global_remove};

std::string from_hex(const std::string& hex) {
    std::string bytes;
    for (size_t k = 0; k + 1 < hex.size(); k += 2)
        bytes.push_back(static_cast<char>(std::stoi(hex.substr(k, 2), nullptr, 16)));
    return bytes;
}

void handle_command(App& app, const std::string& line) {
    const auto space = line.find(' ');
    const std::string cmd = line.substr(0, space);
    const std::string rest = space == std::string::npos ? "" : line.substr(space + 1);
    if (cmd == "quit") {
        app.quit = true;
        return;
    }
    if (cmd == "commit") {
        zwp_input_method_v2_commit_string(app.im, rest.c_str());
    } else if (cmd == "commit-hex") {
        zwp_input_method_v2_commit_string(app.im, from_hex(rest).c_str());
    } else if (cmd == "commit-long") {
        zwp_input_method_v2_commit_string(app.im, std::string(std::stoul(rest), 'a').c_str());
    } else if (cmd == "preedit") {
        const auto end = static_cast<int32_t>(rest.size());
        zwp_input_method_v2_set_preedit_string(app.im, rest.c_str(), end, end);
    } else if (cmd == "delete") {
        unsigned before = 0, after = 0;
        if (std::sscanf(rest.c_str(), "%u %u", &before, &after) != 2) die("delete BEFORE AFTER");
        zwp_input_method_v2_delete_surrounding_text(app.im, before, after);
    } else if (cmd == "popup") {
        int w = 0, h = 0;
        if (!parse_size(rest, w, h) || w <= 0 || h <= 0) die("popup WxH");
        app.popup_surface = wl_compositor_create_surface(app.compositor);
        app.popup = zwp_input_method_v2_get_input_popup_surface(app.im, app.popup_surface);
        zwp_input_popup_surface_v2_add_listener(app.popup, &kPopupListener, &app);
        app.popup_buffer = SolidBuffer::create(app.shm, w, h, 0x00ff00);
        wl_surface_attach(app.popup_surface, app.popup_buffer->buffer, 0, 0);
        app.popup_buffer->busy = true;
        wl_surface_damage(app.popup_surface, 0, 0, w, h);
        wl_surface_commit(app.popup_surface);
    } else {
        emit({{"event", "error"}, {"message", "bad command: " + cmd}});
        return;
    }
    if (cmd != "popup") zwp_input_method_v2_commit(app.im, app.serial);
    if (wl_display_roundtrip(app.display) < 0) return;
    emit({{"event", "sent"}, {"cmd", cmd}});
}

int run(int, char**) {
    App app;
    const int signal_fd = make_signal_fd();
    app.display = wl_display_connect(nullptr);
    if (!app.display) die("cannot connect to the Wayland display");
    wl_registry* registry = wl_display_get_registry(app.display);
    wl_registry_add_listener(registry, &kRegistryListener, &app);
    wl_display_roundtrip(app.display);
    if (!app.compositor || !app.shm || !app.seat) die("core globals missing");
    if (!app.manager) {
        emit({{"event", "error"}, {"message", "zwp_input_method_manager_v2 not offered"}});
        // Freed, not left to the exit, as the other clients do: LeakSanitizer
        // (the tests' sanitizer build) reports what only a returned frame
        // still pointed to.
        destroy_proxies({app.seat, app.shm, app.compositor, registry});
        wl_display_disconnect(app.display);
        return 3;
    }
    app.im = zwp_input_method_manager_v2_get_input_method(app.manager, app.seat);
    zwp_input_method_v2_add_listener(app.im, &kImListener, &app);
    wl_display_roundtrip(app.display);
    emit({{"event", "ready"}});
    if (!run_client_loop(
            app.display, signal_fd, [&] { return app.quit; },
            [&](const std::string& line) { handle_command(app, line); }))
        return 1;
    if (app.popup) zwp_input_popup_surface_v2_destroy(app.popup);
    if (app.popup_surface) wl_surface_destroy(app.popup_surface);
    if (app.popup_buffer) app.popup_buffer->drop();
    zwp_input_method_v2_destroy(app.im);
    destroy_proxies({app.manager, app.seat, app.shm, app.compositor, registry});
    wl_display_roundtrip(app.display);
    wl_display_disconnect(app.display);
    return 0;
}

}  // namespace cirrus_test::input_method
