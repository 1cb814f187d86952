// cirrus-keyboard: the on-screen keyboard (docs/ARCHITECTURE.md, "The
// on-screen keyboard"). A trusted layer-shell client of the compositor,
// started and restarted by its [keyboard] command slot; an input method
// (input-method-v2) that shows when a text field is focused.
//
//   cirrus-keyboard [--events]
//     --events  JSON lines on stdout (ready, shown, hidden) for tests
#include <wayland-client.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "keyboard_client.hpp"

#include "pinyin_engine_adapter.hpp"

int main(int argc, char** argv) {
    cirrus::keyboard::KeyboardClient::Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--events") {
            options.events = true;
        } else if (arg == "--help" || arg == "-h") {
            std::printf("usage: cirrus-keyboard [--events]\n");
            return 0;
        } else {
            std::fprintf(stderr, "cirrus-keyboard: unknown argument %s (try --help)\n", arg.c_str());
            return 2;
        }
    }
    wl_display* display = wl_display_connect(nullptr);
    if (!display) {
        std::fprintf(stderr,
                     "cirrus-keyboard: cannot connect to the Wayland display (WAYLAND_DISPLAY or "
                     "WAYLAND_SOCKET)\n");
        return 1;
    }
    int status = 1;
    {
        cirrus::keyboard::KeyboardClient client(display, cirrus::keyboard::open_pinyin_engine(), options);
        if (client.start()) status = client.run();
    }
    wl_display_disconnect(display);
    return status;
}
