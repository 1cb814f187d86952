// cirrus-test-virtual-input — a zwp_virtual_keyboard_v1 (with xkbcommon's
// default keymap) and a zwlr_virtual_pointer_v1 on the seat. Connect it
// through the trusted socket.
//
// stdin commands, each answered by {"event":"sent","cmd":...} once the
// compositor has processed it (after a roundtrip):
//   "key KEYCODE"                  press and release an evdev keycode
//   "press KEYCODE" / "release KEYCODE"
//   "motion X Y W H"               motion_absolute to X,Y within extent WxH
//                                  (in layout pixels with W,H the layout size), frame
//   "button BUTTON"                press and release (evdev code, e.g. 272 = BTN_LEFT),
//                                  each followed by a frame
//   "button-down BUTTON" / "button-up BUTTON"
//                                  only the press or the release (a drag between)
//   "quit"
//
// Events: ready {keyboard,pointer}, sent, terminated, disconnected, error.
// Exits 3 when a virtual input manager or wl_seat is not offered.

#include "common.hpp"

#include "virtual-keyboard-unstable-v1-client-protocol.h"
#include "wlr-virtual-pointer-unstable-v1-client-protocol.h"

#include <xkbcommon/xkbcommon.h>

#include <algorithm>
#include <ctime>

using namespace cirrus_test;

namespace cirrus_test::virtual_input {

struct App {
    wl_display* display = nullptr;
    wl_seat* seat = nullptr;
    zwp_virtual_keyboard_manager_v1* keyboard_manager = nullptr;
    zwlr_virtual_pointer_manager_v1* pointer_manager = nullptr;
    zwp_virtual_keyboard_v1* keyboard = nullptr;
    zwlr_virtual_pointer_v1* pointer = nullptr;
    bool quit = false;
};

uint32_t now_ms() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint32_t>(ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

void registry_global(void* data, wl_registry* registry, uint32_t name, const char* iface, uint32_t version) {
    auto* app = static_cast<App*>(data);
    std::string_view i = iface;
    if (i == zwp_virtual_keyboard_manager_v1_interface.name) {
        app->keyboard_manager = static_cast<zwp_virtual_keyboard_manager_v1*>(
            wl_registry_bind(registry, name, &zwp_virtual_keyboard_manager_v1_interface, 1));
    } else if (i == zwlr_virtual_pointer_manager_v1_interface.name) {
        app->pointer_manager = static_cast<zwlr_virtual_pointer_manager_v1*>(wl_registry_bind(
            registry, name, &zwlr_virtual_pointer_manager_v1_interface, std::min<uint32_t>(version, 2)));
    } else if (i == wl_seat_interface.name && !app->seat) {
        app->seat = static_cast<wl_seat*>(wl_registry_bind(registry, name, &wl_seat_interface, 1));
    }
}

void registry_global_remove(void*, wl_registry*, uint32_t) {}

const wl_registry_listener kRegistryListener = {registry_global, registry_global_remove};

// xkbcommon's default keymap (XKB_DEFAULT_* or its built-in defaults) as a
// keymap fd, the way a virtual keyboard must announce it before any key.
void send_keymap(App& app) {
    xkb_context* context = xkb_context_new(XKB_CONTEXT_NO_FLAGS);
    if (!context) die("xkb_context_new failed");
    xkb_rule_names names{};
    xkb_keymap* keymap = xkb_keymap_new_from_names(context, &names, XKB_KEYMAP_COMPILE_NO_FLAGS);
    if (!keymap) die("cannot compile the default keymap");
    char* text = xkb_keymap_get_as_string(keymap, XKB_KEYMAP_FORMAT_TEXT_V1);
    if (!text) die("xkb_keymap_get_as_string failed");
    size_t size = std::strlen(text) + 1;
    int fd = create_shm_fd(size);
    void* map = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) die(std::string("mmap: ") + std::strerror(errno));
    std::memcpy(map, text, size);
    munmap(map, size);
    std::free(text);
    xkb_keymap_unref(keymap);
    xkb_context_unref(context);
    zwp_virtual_keyboard_v1_keymap(app.keyboard, WL_KEYBOARD_KEYMAP_FORMAT_XKB_V1, fd, static_cast<uint32_t>(size));
    close(fd);
}

bool parse_uint(const std::string& text, uint32_t& out) {
    if (text.empty()) return false;
    char* end = nullptr;
    unsigned long v = std::strtoul(text.c_str(), &end, 10);
    if (*end) return false;
    out = static_cast<uint32_t>(v);
    return true;
}

void handle_command(App& app, const std::string& line) {
    auto words = split(line, ' ');
    if (words.empty() || words[0].empty()) return;
    const std::string& cmd = words[0];
    auto bad = [&] { emit({{"event", "error"}, {"message", "bad command: " + line}}); };
    if (cmd == "quit") {
        app.quit = true;
        return;
    }
    if ((cmd == "key" || cmd == "press" || cmd == "release") && words.size() == 2) {
        uint32_t key;
        if (!parse_uint(words[1], key)) return bad();
        if (cmd != "release") zwp_virtual_keyboard_v1_key(app.keyboard, now_ms(), key, WL_KEYBOARD_KEY_STATE_PRESSED);
        if (cmd != "press") zwp_virtual_keyboard_v1_key(app.keyboard, now_ms(), key, WL_KEYBOARD_KEY_STATE_RELEASED);
    } else if (cmd == "motion" && words.size() == 5) {
        uint32_t v[4];
        for (int k = 0; k < 4; ++k)
            if (!parse_uint(words[static_cast<size_t>(k) + 1], v[k])) return bad();
        zwlr_virtual_pointer_v1_motion_absolute(app.pointer, now_ms(), v[0], v[1], v[2], v[3]);
        zwlr_virtual_pointer_v1_frame(app.pointer);
    } else if ((cmd == "button" || cmd == "button-down" || cmd == "button-up") && words.size() == 2) {
        uint32_t button;
        if (!parse_uint(words[1], button)) return bad();
        if (cmd != "button-up") {
            zwlr_virtual_pointer_v1_button(app.pointer, now_ms(), button, WL_POINTER_BUTTON_STATE_PRESSED);
            zwlr_virtual_pointer_v1_frame(app.pointer);
        }
        if (cmd != "button-down") {
            zwlr_virtual_pointer_v1_button(app.pointer, now_ms(), button, WL_POINTER_BUTTON_STATE_RELEASED);
            zwlr_virtual_pointer_v1_frame(app.pointer);
        }
    } else {
        return bad();
    }
    wl_display_roundtrip(app.display);
    emit({{"event", "sent"}, {"cmd", line}});
}

int run(int, char**) {
    App app;
    int signal_fd = make_signal_fd();

    app.display = wl_display_connect(nullptr);
    if (!app.display) die("cannot connect to the Wayland display");
    wl_registry* registry = wl_display_get_registry(app.display);
    wl_registry_add_listener(registry, &kRegistryListener, &app);
    wl_display_roundtrip(app.display);
    if (!app.keyboard_manager || !app.pointer_manager || !app.seat) {
        emit({{"event", "error"},
              {"message", "zwp_virtual_keyboard_manager_v1, zwlr_virtual_pointer_manager_v1 or wl_seat not offered"}});
        destroy_proxies({app.keyboard_manager, app.pointer_manager, app.seat, registry});
        wl_display_disconnect(app.display);
        return 3;
    }
    app.keyboard = zwp_virtual_keyboard_manager_v1_create_virtual_keyboard(app.keyboard_manager, app.seat);
    send_keymap(app);
    app.pointer = zwlr_virtual_pointer_manager_v1_create_virtual_pointer(app.pointer_manager, app.seat);
    if (wl_display_roundtrip(app.display) < 0) {
        report_disconnect(app.display);
        return 1;
    }
    emit({{"event", "ready"}, {"keyboard", true}, {"pointer", true}});

    if (!run_client_loop(
            app.display, signal_fd, [&] { return app.quit; },
            [&](const std::string& line) { handle_command(app, line); }))
        return 1;
    zwp_virtual_keyboard_v1_destroy(app.keyboard);
    zwlr_virtual_pointer_v1_destroy(app.pointer);
    destroy_proxies({app.keyboard_manager, app.pointer_manager, app.seat, registry});
    wl_display_roundtrip(app.display);
    wl_display_disconnect(app.display);
    return 0;
}

}  // namespace cirrus_test::virtual_input
