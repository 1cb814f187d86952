#include "virtual_keyboard.hpp"

#include <wayland-client.h>
#include <xkbcommon/xkbcommon.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <sys/mman.h>
#include <unistd.h>

#include "protocols.hpp"

namespace cirrus::keyboard {

namespace {

// The keymap as text (NUL included, as wl_keyboard.keymap requires), or "".
std::string us_keymap() {
    xkb_context* context = xkb_context_new(XKB_CONTEXT_NO_FLAGS);
    if (!context) return {};
    const xkb_rule_names names{"evdev", "pc105", "us", "", ""};
    xkb_keymap* keymap = xkb_keymap_new_from_names(context, &names, XKB_KEYMAP_COMPILE_NO_FLAGS);
    std::string text;
    if (keymap) {
        char* s = xkb_keymap_get_as_string(keymap, XKB_KEYMAP_FORMAT_TEXT_V1);
        if (s) {
            text.assign(s, std::strlen(s) + 1);
            std::free(s);
        }
        xkb_keymap_unref(keymap);
    }
    xkb_context_unref(context);
    return text;
}

}  // namespace

bool VirtualKeyboard::create(zwp_virtual_keyboard_manager_v1* manager, wl_seat* seat) {
    const std::string keymap = us_keymap();
    if (keymap.empty()) {
        std::fprintf(stderr, "cirrus-keyboard: cannot compile the US keymap (xkeyboard-config missing?)\n");
        return false;
    }
    const int fd = memfd_create("cirrus-keyboard-keymap", MFD_CLOEXEC);
    if (fd < 0 || write(fd, keymap.data(), keymap.size()) != static_cast<ssize_t>(keymap.size())) {
        std::fprintf(stderr, "cirrus-keyboard: cannot write the keymap\n");
        if (fd >= 0) close(fd);
        return false;
    }
    keyboard_ = zwp_virtual_keyboard_manager_v1_create_virtual_keyboard(manager, seat);
    if (!keyboard_) {
        close(fd);
        return false;
    }
    zwp_virtual_keyboard_v1_keymap(keyboard_, WL_KEYBOARD_KEYMAP_FORMAT_XKB_V1, fd,
                                   static_cast<std::uint32_t>(keymap.size()));
    close(fd);
    return true;
}

VirtualKeyboard::~VirtualKeyboard() {
    if (keyboard_) zwp_virtual_keyboard_v1_destroy(keyboard_);
}

void VirtualKeyboard::tap(std::uint32_t evdev_code, std::uint32_t time_ms) {
    if (!keyboard_) return;
    zwp_virtual_keyboard_v1_key(keyboard_, time_ms, evdev_code, WL_KEYBOARD_KEY_STATE_PRESSED);
    zwp_virtual_keyboard_v1_key(keyboard_, time_ms, evdev_code, WL_KEYBOARD_KEY_STATE_RELEASED);
}

}  // namespace cirrus::keyboard
