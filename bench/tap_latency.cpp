// M4 — input-to-screen latency benchmark client.
//
// Maps a full-screen xdg toplevel, then repeatedly:
//   t0      = CLOCK_MONOTONIC, then inject pointer motion to the window centre +
//             button press/release through zwlr_virtual_pointer_v1;
//   on wl_pointer.button (pressed) on our own surface: repaint with another
//             colour, attach, damage, request wp_presentation feedback, commit
//             (t_commit = CLOCK_MONOTONIC right after the flush);
//   on wp_presentation_feedback.presented: t1 = presentation timestamp
//             (converted to CLOCK_MONOTONIC if the compositor uses another clock).
// latency = t1 - t0; commit->present = (t1 - t_commit) / refresh period.
//
// The compositor is the one in WAYLAND_DISPLAY (for Cirrus: the absolute path
// of $XDG_RUNTIME_DIR/cirrus-NAME-trusted.sock, where the virtual pointer
// manager is visible). Prints a human summary and one machine-readable line
// starting with "RESULT " (JSON) for bench/m4_tap_latency.py.

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include <fcntl.h>
#include <linux/input-event-codes.h>
#include <poll.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <wayland-client.h>

#include "presentation-time-client-protocol.h"
#include "wlr-virtual-pointer-unstable-v1-client-protocol.h"
#include "xdg-shell-client-protocol.h"

namespace {

[[noreturn]] void die(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    std::fputs("tap_latency: error: ", stderr);
    std::vfprintf(stderr, fmt, ap);
    std::fputc('\n', stderr);
    va_end(ap);
    std::exit(1);
}

int64_t now_ns(clockid_t clk = CLOCK_MONOTONIC) {
    timespec ts{};
    clock_gettime(clk, &ts);
    return int64_t(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

struct Options {
    int count = 200;
    int warmup = 5;
    int pause_min_ms = 40;
    int pause_max_ms = 100;
    int timeout_ms = 3000;
    unsigned seed = 12345;
    bool verbose = false;
    bool raw = false;
    std::string t1_source = "auto";
};

struct Buffer {
    wl_buffer* buffer = nullptr;
    uint32_t* pixels = nullptr;
    size_t size = 0;
    bool busy = false;
};

struct Sample {
    int64_t t0 = 0;            // injection start (CLOCK_MONOTONIC)
    int64_t t_button = 0;      // wl_pointer.button received
    int64_t t_commit = 0;      // commit flushed
    int64_t t_present = 0;     // presentation time (converted to CLOCK_MONOTONIC)
    int64_t t_frame_done = 0;  // wl_surface.frame 'done' received by us
    uint32_t refresh_ns = 0;
    uint32_t flags = 0;
    bool committed = false;
    bool presented = false;
    bool discarded = false;
    bool frame_done = false;
};

struct App {
    Options opt;
    wl_display* display = nullptr;
    wl_registry* registry = nullptr;
    wl_compositor* compositor = nullptr;
    wl_shm* shm = nullptr;
    xdg_wm_base* wm_base = nullptr;
    wl_seat* seat = nullptr;
    wl_pointer* pointer = nullptr;
    wl_output* output = nullptr;
    wp_presentation* presentation = nullptr;
    zwlr_virtual_pointer_manager_v1* vp_manager = nullptr;
    zwlr_virtual_pointer_v1* vp = nullptr;

    wl_surface* surface = nullptr;
    xdg_surface* xsurface = nullptr;
    xdg_toplevel* toplevel = nullptr;

    clockid_t pres_clock = CLOCK_MONOTONIC;
    bool have_pres_clock = false;
    int32_t output_refresh_mhz = 0;

    int32_t pending_w = 0, pending_h = 0;
    int32_t width = 0, height = 0;
    bool configured = false;
    bool closed = false;
    std::vector<Buffer> buffers;
    uint32_t colour_index = 0;

    bool pointer_entered = false;

    // samples[i] is tap i (warm-up taps included); -1 is the initial frame.
    bool waiting_press = false;
    int current = -1;
    Sample initial;
    std::vector<Sample> samples;

    Sample& sample(int index) { return index < 0 ? initial : samples[size_t(index)]; }
};

App app;

// ---------------------------------------------------------------- shm buffers

int create_shm_file(size_t size) {
    int fd = memfd_create("tap_latency", MFD_CLOEXEC);
    if (fd < 0) die("memfd_create: %s", std::strerror(errno));
    if (ftruncate(fd, off_t(size)) < 0) die("ftruncate: %s", std::strerror(errno));
    return fd;
}

void buffer_release(void* data, wl_buffer*) { static_cast<Buffer*>(data)->busy = false; }

const wl_buffer_listener kBufferListener = {buffer_release};

void destroy_buffers() {
    for (auto& b : app.buffers) {
        if (b.buffer) wl_buffer_destroy(b.buffer);
        if (b.pixels) munmap(b.pixels, b.size);
    }
    app.buffers.clear();
}

void create_buffers(int32_t w, int32_t h) {
    destroy_buffers();
    const int n = 3;
    app.buffers.resize(n);
    int32_t stride = w * 4;
    size_t size = size_t(stride) * size_t(h);
    for (auto& b : app.buffers) {
        int fd = create_shm_file(size);
        void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (p == MAP_FAILED) die("mmap: %s", std::strerror(errno));
        wl_shm_pool* pool = wl_shm_create_pool(app.shm, fd, int32_t(size));
        b.buffer = wl_shm_pool_create_buffer(pool, 0, w, h, stride, WL_SHM_FORMAT_XRGB8888);
        wl_shm_pool_destroy(pool);
        close(fd);
        b.pixels = static_cast<uint32_t*>(p);
        b.size = size;
        b.busy = false;
        wl_buffer_add_listener(b.buffer, &kBufferListener, &b);
    }
}

Buffer* free_buffer() {
    for (auto& b : app.buffers)
        if (!b.busy) return &b;
    return nullptr;
}

const uint32_t kColours[] = {0xff3060c0, 0xffc03060, 0xff30c060, 0xffc0a030};

// ------------------------------------------------------------ presentation

void pres_clock_id(void*, wp_presentation*, uint32_t clk_id) {
    app.pres_clock = clockid_t(clk_id);
    app.have_pres_clock = true;
}
const wp_presentation_listener kPresentationListener = {pres_clock_id};

// Converts a timestamp in the presentation clock to CLOCK_MONOTONIC.
int64_t to_monotonic(int64_t t) {
    if (app.pres_clock == CLOCK_MONOTONIC) return t;
    int64_t a = now_ns(CLOCK_MONOTONIC);
    int64_t b = now_ns(app.pres_clock);
    int64_t c = now_ns(CLOCK_MONOTONIC);
    return t - b + (a + c) / 2;
}

void fb_sync_output(void*, struct wp_presentation_feedback*, wl_output*) {}

// Feedback and frame-callback user data is the sample index (-1: initial frame).
int index_of(void* data) { return int(reinterpret_cast<intptr_t>(data)); }
void* data_of(int index) { return reinterpret_cast<void*>(intptr_t(index)); }

void fb_presented(void* data, struct wp_presentation_feedback* fb, uint32_t tv_sec_hi, uint32_t tv_sec_lo,
                  uint32_t tv_nsec, uint32_t refresh, uint32_t, uint32_t, uint32_t flags) {
    Sample& s = app.sample(index_of(data));
    int64_t sec = (int64_t(tv_sec_hi) << 32) | tv_sec_lo;
    s.t_present = to_monotonic(sec * 1000000000LL + tv_nsec);
    s.refresh_ns = refresh;
    s.flags = flags;
    s.presented = true;
    wp_presentation_feedback_destroy(fb);
}

void fb_discarded(void* data, struct wp_presentation_feedback* fb) {
    app.sample(index_of(data)).discarded = true;
    wp_presentation_feedback_destroy(fb);
}

const wp_presentation_feedback_listener kFeedbackListener = {fb_sync_output, fb_presented, fb_discarded};

void frame_done(void* data, wl_callback* cb, uint32_t) {
    Sample& s = app.sample(index_of(data));
    s.t_frame_done = now_ns();
    s.frame_done = true;
    wl_callback_destroy(cb);
}
const wl_callback_listener kFrameListener = {frame_done};

// Paints the next colour, attaches, damages, requests a presentation feedback
// and a frame callback for sample `index`, commits. False if no buffer is free.
bool paint_and_commit(int index) {
    Buffer* b = free_buffer();
    if (!b) return false;
    uint32_t c = kColours[app.colour_index++ % (sizeof kColours / sizeof kColours[0])];
    size_t n = size_t(app.width) * size_t(app.height);
    std::fill(b->pixels, b->pixels + n, c);
    wl_surface_attach(app.surface, b->buffer, 0, 0);
    wl_surface_damage_buffer(app.surface, 0, 0, app.width, app.height);
    auto* fb = wp_presentation_feedback(app.presentation, app.surface);
    wp_presentation_feedback_add_listener(fb, &kFeedbackListener, data_of(index));
    wl_callback* cb = wl_surface_frame(app.surface);
    wl_callback_add_listener(cb, &kFrameListener, data_of(index));
    wl_surface_commit(app.surface);
    b->busy = true;
    Sample& s = app.sample(index);
    Sample fresh;
    fresh.t0 = s.t0;
    fresh.t_button = s.t_button;
    fresh.committed = true;
    s = fresh;
    return true;
}

// ------------------------------------------------------------------ pointer

void ptr_enter(void*, wl_pointer* p, uint32_t serial, wl_surface* s, wl_fixed_t, wl_fixed_t) {
    if (s == app.surface) {
        app.pointer_entered = true;
        // Hide the cursor so that cursor image updates do not add repaints.
        wl_pointer_set_cursor(p, serial, nullptr, 0, 0);
    }
}
void ptr_leave(void*, wl_pointer*, uint32_t, wl_surface* s) {
    if (s == app.surface) app.pointer_entered = false;
}
void ptr_motion(void*, wl_pointer*, uint32_t, wl_fixed_t, wl_fixed_t) {}
void ptr_button(void*, wl_pointer*, uint32_t, uint32_t, uint32_t button, uint32_t state) {
    if (button != BTN_LEFT || state != WL_POINTER_BUTTON_STATE_PRESSED) return;
    if (!app.waiting_press) return;
    app.waiting_press = false;
    Sample& s = app.sample(app.current);
    s.t_button = now_ns();
    if (!paint_and_commit(app.current)) {
        // All buffers held by the compositor: should not happen with 3.
        std::fprintf(stderr, "tap_latency: warning: no free buffer at button press\n");
        return;
    }
    wl_display_flush(app.display);
    s.t_commit = now_ns();
}
void ptr_axis(void*, wl_pointer*, uint32_t, uint32_t, wl_fixed_t) {}
void ptr_frame(void*, wl_pointer*) {}
void ptr_axis_source(void*, wl_pointer*, uint32_t) {}
void ptr_axis_stop(void*, wl_pointer*, uint32_t, uint32_t) {}
void ptr_axis_discrete(void*, wl_pointer*, uint32_t, int32_t) {}

wl_pointer_listener make_pointer_listener() {
    wl_pointer_listener l{};
    l.enter = ptr_enter;
    l.leave = ptr_leave;
    l.motion = ptr_motion;
    l.button = ptr_button;
    l.axis = ptr_axis;
    l.frame = ptr_frame;
    l.axis_source = ptr_axis_source;
    l.axis_stop = ptr_axis_stop;
    l.axis_discrete = ptr_axis_discrete;
    return l;
}
const wl_pointer_listener kPointerListener = make_pointer_listener();

void seat_caps(void*, wl_seat* seat, uint32_t caps) {
    if ((caps & WL_SEAT_CAPABILITY_POINTER) && !app.pointer) {
        app.pointer = wl_seat_get_pointer(seat);
        wl_pointer_add_listener(app.pointer, &kPointerListener, nullptr);
    }
}
void seat_name(void*, wl_seat*, const char*) {}
const wl_seat_listener kSeatListener = {seat_caps, seat_name};

// ------------------------------------------------------------------ output

void out_geometry(void*, wl_output*, int32_t, int32_t, int32_t, int32_t, int32_t, const char*, const char*, int32_t) {}
void out_mode(void*, wl_output*, uint32_t flags, int32_t, int32_t, int32_t refresh) {
    if (flags & WL_OUTPUT_MODE_CURRENT) app.output_refresh_mhz = refresh;
}
void out_done(void*, wl_output*) {}
void out_scale(void*, wl_output*, int32_t) {}
wl_output_listener make_output_listener() {
    wl_output_listener l{};
    l.geometry = out_geometry;
    l.mode = out_mode;
    l.done = out_done;
    l.scale = out_scale;
    return l;
}
const wl_output_listener kOutputListener = make_output_listener();

// ----------------------------------------------------------------- xdg-shell

void wm_ping(void*, xdg_wm_base* b, uint32_t serial) { xdg_wm_base_pong(b, serial); }
const xdg_wm_base_listener kWmBaseListener = {wm_ping};

void xsurf_configure(void*, xdg_surface* s, uint32_t serial) {
    xdg_surface_ack_configure(s, serial);
    int32_t w = app.pending_w > 0 ? app.pending_w : 480;
    int32_t h = app.pending_h > 0 ? app.pending_h : 800;
    bool resized = (w != app.width || h != app.height);
    app.width = w;
    app.height = h;
    if (resized || app.buffers.empty()) create_buffers(w, h);
    if (!app.configured || resized) {
        app.configured = true;
        paint_and_commit(-1);
    } else {
        wl_surface_commit(app.surface);
    }
}
const xdg_surface_listener kXsurfaceListener = {xsurf_configure};

void top_configure(void*, xdg_toplevel*, int32_t w, int32_t h, wl_array*) {
    app.pending_w = w;
    app.pending_h = h;
}
void top_close(void*, xdg_toplevel*) { app.closed = true; }
xdg_toplevel_listener make_toplevel_listener() {
    xdg_toplevel_listener l{};
    l.configure = top_configure;
    l.close = top_close;
    return l;
}
const xdg_toplevel_listener kToplevelListener = make_toplevel_listener();

// ------------------------------------------------------------------ registry

void reg_global(void*, wl_registry* r, uint32_t name, const char* iface, uint32_t version) {
    std::string i = iface;
    if (i == wl_compositor_interface.name) {
        app.compositor =
            static_cast<wl_compositor*>(wl_registry_bind(r, name, &wl_compositor_interface, std::min(version, 4u)));
    } else if (i == wl_shm_interface.name) {
        app.shm = static_cast<wl_shm*>(wl_registry_bind(r, name, &wl_shm_interface, 1));
    } else if (i == xdg_wm_base_interface.name) {
        app.wm_base = static_cast<xdg_wm_base*>(wl_registry_bind(r, name, &xdg_wm_base_interface, 1));
        xdg_wm_base_add_listener(app.wm_base, &kWmBaseListener, nullptr);
    } else if (i == wl_seat_interface.name && !app.seat) {
        app.seat = static_cast<wl_seat*>(wl_registry_bind(r, name, &wl_seat_interface, std::min(version, 5u)));
        wl_seat_add_listener(app.seat, &kSeatListener, nullptr);
    } else if (i == wl_output_interface.name && !app.output) {
        app.output = static_cast<wl_output*>(wl_registry_bind(r, name, &wl_output_interface, std::min(version, 2u)));
        wl_output_add_listener(app.output, &kOutputListener, nullptr);
    } else if (i == wp_presentation_interface.name) {
        app.presentation = static_cast<wp_presentation*>(wl_registry_bind(r, name, &wp_presentation_interface, 1));
        wp_presentation_add_listener(app.presentation, &kPresentationListener, nullptr);
    } else if (i == zwlr_virtual_pointer_manager_v1_interface.name) {
        app.vp_manager = static_cast<zwlr_virtual_pointer_manager_v1*>(
            wl_registry_bind(r, name, &zwlr_virtual_pointer_manager_v1_interface, 1));
    }
}
void reg_remove(void*, wl_registry*, uint32_t) {}
const wl_registry_listener kRegistryListener = {reg_global, reg_remove};

// ---------------------------------------------------------------- event loop

// Dispatches events until pred() is true or timeout_ms elapses. Returns pred().
bool dispatch_until(const std::function<bool()>& pred, int timeout_ms) {
    int64_t deadline = now_ns() + int64_t(timeout_ms) * 1000000LL;
    while (!pred()) {
        if (app.closed) die("the compositor closed our window");
        while (wl_display_prepare_read(app.display) != 0) {
            if (wl_display_dispatch_pending(app.display) < 0) die("wayland connection error: %s", std::strerror(errno));
        }
        if (pred()) {
            wl_display_cancel_read(app.display);
            break;
        }
        if (wl_display_flush(app.display) < 0 && errno != EAGAIN) {
            wl_display_cancel_read(app.display);
            die("wayland connection lost: %s", std::strerror(errno));
        }
        int64_t left = deadline - now_ns();
        if (left <= 0) {
            wl_display_cancel_read(app.display);
            return pred();
        }
        pollfd pfd{wl_display_get_fd(app.display), POLLIN, 0};
        int r = poll(&pfd, 1, int((left + 999999) / 1000000));
        if (r < 0 && errno != EINTR) {
            wl_display_cancel_read(app.display);
            die("poll: %s", std::strerror(errno));
        }
        if (r > 0) {
            if (wl_display_read_events(app.display) < 0) die("wayland connection lost: %s", std::strerror(errno));
        } else {
            wl_display_cancel_read(app.display);
        }
        if (wl_display_dispatch_pending(app.display) < 0) die("wayland connection error: %s", std::strerror(errno));
    }
    return true;
}

void sleep_dispatching(int ms) {
    int64_t until = now_ns() + int64_t(ms) * 1000000LL;
    dispatch_until([&] { return now_ns() >= until; }, ms + 1);
}

uint32_t ms_time() { return uint32_t(now_ns() / 1000000); }

void inject_tap() {
    uint32_t x = uint32_t(app.width / 2), y = uint32_t(app.height / 2);
    zwlr_virtual_pointer_v1_motion_absolute(app.vp, ms_time(), x, y, uint32_t(app.width), uint32_t(app.height));
    zwlr_virtual_pointer_v1_frame(app.vp);
    zwlr_virtual_pointer_v1_button(app.vp, ms_time(), BTN_LEFT, WL_POINTER_BUTTON_STATE_PRESSED);
    zwlr_virtual_pointer_v1_frame(app.vp);
    zwlr_virtual_pointer_v1_button(app.vp, ms_time(), BTN_LEFT, WL_POINTER_BUTTON_STATE_RELEASED);
    zwlr_virtual_pointer_v1_frame(app.vp);
    wl_display_flush(app.display);
}

// Injects tap `index` and waits until the frame it caused is done (frame
// callback), presented or discarded. False on timeout.
bool run_iteration(int index) {
    Sample& s = app.sample(index);
    s = Sample{};
    app.current = index;
    s.t0 = now_ns();
    app.waiting_press = true;
    inject_tap();
    if (!dispatch_until([] { return !app.waiting_press; }, app.opt.timeout_ms)) {
        app.waiting_press = false;
        std::fprintf(stderr,
                     "tap_latency: tap %d: no wl_pointer.button press reached our surface within "
                     "%d ms (pointer entered: %s)\n",
                     index, app.opt.timeout_ms, app.pointer_entered ? "yes" : "no");
        return false;
    }
    if (!s.committed) return false;
    if (!dispatch_until([&] { return s.frame_done || s.presented; }, app.opt.timeout_ms)) {
        std::fprintf(stderr,
                     "tap_latency: tap %d: neither a frame callback nor presentation feedback "
                     "within %d ms of the commit\n",
                     index, app.opt.timeout_ms);
        return false;
    }
    return true;
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return NAN;
    std::sort(v.begin(), v.end());
    double idx = p / 100.0 * double(v.size() - 1);
    size_t lo = size_t(std::floor(idx)), hi = size_t(std::ceil(idx));
    double f = idx - double(lo);
    return v[lo] * (1 - f) + v[hi] * f;
}

void usage(const char* argv0) {
    std::printf(
        "usage: %s [options]\n"
        "Measures injected tap (zwlr_virtual_pointer_v1) -> wp_presentation 'presented'\n"
        "latency for a full-screen client on the compositor in WAYLAND_DISPLAY.\n\n"
        "  --count N          measured taps (default 200)\n"
        "  --warmup N         unmeasured taps first (default 5)\n"
        "  --pause-min MS     minimum pause between taps (default 40)\n"
        "  --pause-max MS     maximum pause between taps (default 100)\n"
        "  --timeout MS       per-step timeout (default 3000)\n"
        "  --seed N           seed for the pauses (default 12345)\n"
        "  --raw              print every sample\n"
        "  --t1 SOURCE        auto|presentation|frame-done: what marks the frame on screen\n"
        "                     (auto: the presentation time if every frame got one, else\n"
        "                     when the commit's wl_surface.frame callback reached us)\n"
        "  -v, --verbose      progress on stderr\n",
        argv0);
}

int parse_int(const char* s, const char* what) {
    char* end = nullptr;
    long v = std::strtol(s, &end, 10);
    if (!s[0] || *end || v < 0 || v > 1000000000) die("bad value for %s: %s", what, s);
    return int(v);
}

}  // namespace

int main(int argc, char** argv) {
    Options& o = app.opt;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        auto next = [&](const char* what) -> const char* {
            if (i + 1 >= argc) die("%s needs a value", what);
            return argv[++i];
        };
        if (a == "--count") o.count = parse_int(next("--count"), "--count");
        else if (a == "--warmup") o.warmup = parse_int(next("--warmup"), "--warmup");
        else if (a == "--pause-min") o.pause_min_ms = parse_int(next("--pause-min"), "--pause-min");
        else if (a == "--pause-max") o.pause_max_ms = parse_int(next("--pause-max"), "--pause-max");
        else if (a == "--timeout") o.timeout_ms = parse_int(next("--timeout"), "--timeout");
        else if (a == "--seed") o.seed = unsigned(parse_int(next("--seed"), "--seed"));
        else if (a == "--raw") o.raw = true;
        else if (a == "--t1") {
            o.t1_source = next("--t1");
            if (o.t1_source != "auto" && o.t1_source != "presentation" && o.t1_source != "frame-done")
                die("--t1 must be auto, presentation or frame-done");
        } else if (a == "-v" || a == "--verbose") o.verbose = true;
        else if (a == "-h" || a == "--help") {
            usage(argv[0]);
            return 0;
        } else die("unknown option %s (see --help)", a.c_str());
    }
    if (o.pause_max_ms < o.pause_min_ms) o.pause_max_ms = o.pause_min_ms;

    app.display = wl_display_connect(nullptr);
    if (!app.display) {
        const char* wd = std::getenv("WAYLAND_DISPLAY");
        die("cannot connect to the Wayland display '%s'", wd ? wd : "(unset)");
    }
    app.registry = wl_display_get_registry(app.display);
    wl_registry_add_listener(app.registry, &kRegistryListener, nullptr);
    wl_display_roundtrip(app.display);
    wl_display_roundtrip(app.display);

    if (!app.compositor) die("no wl_compositor global");
    if (!app.shm) die("no wl_shm global");
    if (!app.wm_base) die("no xdg_wm_base global");
    if (!app.seat) die("no wl_seat global");
    if (!app.presentation) die("no wp_presentation global");
    if (!app.vp_manager)
        die("no zwlr_virtual_pointer_manager_v1 global (for Cirrus connect through the trusted "
            "socket)");

    app.vp = zwlr_virtual_pointer_manager_v1_create_virtual_pointer(app.vp_manager, app.seat);

    app.surface = wl_compositor_create_surface(app.compositor);
    app.xsurface = xdg_wm_base_get_xdg_surface(app.wm_base, app.surface);
    xdg_surface_add_listener(app.xsurface, &kXsurfaceListener, nullptr);
    app.toplevel = xdg_surface_get_toplevel(app.xsurface);
    xdg_toplevel_add_listener(app.toplevel, &kToplevelListener, nullptr);
    xdg_toplevel_set_title(app.toplevel, "tap_latency");
    xdg_toplevel_set_app_id(app.toplevel, "cirrus.bench.tap_latency");
    xdg_toplevel_set_fullscreen(app.toplevel, nullptr);
    wl_surface_commit(app.surface);

    if (!dispatch_until([] { return app.configured; }, 5000)) die("the toplevel was not configured within 5 s");
    if (!dispatch_until([] { return app.initial.frame_done || app.initial.presented; }, 5000))
        die("the first frame was neither presented nor frame-done within 5 s");
    // Let any map animation / re-layout settle.
    sleep_dispatching(300);
    if (o.verbose)
        std::fprintf(stderr, "tap_latency: mapped %dx%d, presentation clock %d\n", app.width, app.height,
                     int(app.pres_clock));

    uint64_t rng = o.seed ? o.seed : 1;
    auto next_pause = [&]() {
        rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
        int span = o.pause_max_ms - o.pause_min_ms + 1;
        return o.pause_min_ms + int((rng >> 33) % uint64_t(span));
    };

    int total = o.warmup + o.count;
    app.samples.assign(size_t(total), Sample{});
    std::vector<bool> completed(size_t(total), false);
    int failures = 0;
    for (int i = 0; i < total; i++) {
        if (run_iteration(i)) {
            completed[size_t(i)] = true;
        } else if (++failures >= 3) {
            die("giving up after %d failed taps", failures);
        }
        if (o.verbose && (i + 1) % 50 == 0) std::fprintf(stderr, "tap_latency: %d/%d\n", i + 1, total);
        sleep_dispatching(next_pause());
    }
    // Late presentation feedback.
    sleep_dispatching(300);

    // Which timestamp is t1: the presentation time if every measured frame got
    // one; otherwise (e.g. wlroots 0.15 headless never sends 'presented' for
    // feedback registered with wlr_presentation_surface_sampled_on_output) the
    // moment the frame callback of that commit reached us.
    // A feedback can be discarded although the frame was shown: wlroots
    // discards a surface's not-yet-sampled feedback on its next commit (e.g.
    // the ack of a configure that arrives right after the press). With
    // t1 = frame-done such samples still count; with presentation they don't.
    int presented = 0, discarded = 0, frame_only = 0, failed = 0;
    for (int i = o.warmup; i < total; i++) {
        const Sample& s = app.samples[size_t(i)];
        if (!completed[size_t(i)]) failed++;
        else if (s.presented) presented++;
        else if (s.discarded) discarded++;
        else if (s.frame_done) frame_only++;
        else failed++;
    }
    std::string source = o.t1_source;
    if (source == "auto") source = (frame_only == 0 && presented > 0) ? "presentation" : "frame-done";

    double fallback_refresh_ns = app.output_refresh_mhz > 0 ? 1e12 / app.output_refresh_mhz : 1e9 / 60.0;
    std::vector<double> lat_ms, c2p_frames, c2p_ms, in_ms;
    double refresh_sum = 0;
    int refresh_n = 0;
    for (int i = o.warmup; i < total; i++) {
        const Sample& s = app.samples[size_t(i)];
        if (!completed[size_t(i)]) continue;
        int64_t t1;
        if (source == "presentation") {
            if (!s.presented) continue;
            t1 = s.t_present;
        } else {
            if (!s.frame_done) {
                // Iteration ended on 'discarded' before the frame callback:
                // it may still arrive late (collected by the final wait).
                continue;
            }
            t1 = s.t_frame_done;
        }
        double refresh_ns = s.refresh_ns ? double(s.refresh_ns) : fallback_refresh_ns;
        if (s.refresh_ns) {
            refresh_sum += s.refresh_ns;
            refresh_n++;
        }
        lat_ms.push_back(double(t1 - s.t0) / 1e6);
        c2p_ms.push_back(double(t1 - s.t_commit) / 1e6);
        c2p_frames.push_back(double(t1 - s.t_commit) / refresh_ns);
        in_ms.push_back(double(s.t_button - s.t0) / 1e6);
    }
    if (o.raw) {
        std::printf("# i tap_to_t1_ms tap_to_button_ms commit_to_t1_ms frames\n");
        for (size_t i = 0; i < lat_ms.size(); i++)
            std::printf("%zu %.3f %.3f %.3f %.3f\n", i, lat_ms[i], in_ms[i], c2p_ms[i], c2p_frames[i]);
    }
    double refresh_ms = refresh_n ? refresh_sum / refresh_n / 1e6 : fallback_refresh_ns / 1e6;
    auto maxv = [](const std::vector<double>& v) { return v.empty() ? NAN : *std::max_element(v.begin(), v.end()); };
    auto j = [](double v) {
        char buf[64];
        if (std::isnan(v)) return std::string("null");
        std::snprintf(buf, sizeof buf, "%.4f", v);
        return std::string(buf);
    };
    std::printf(
        "taps %d: feedback presented %d, feedback discarded %d, no feedback "
        "(frame callback only) %d, failed %d\n",
        o.count, presented, discarded, frame_only, failed);
    std::printf("t1 = %s; refresh %.3f ms; presentation clock %d\n", source.c_str(), refresh_ms, int(app.pres_clock));
    std::printf("tap->t1         p50 %.2f ms  p95 %.2f ms  max %.2f ms  (n=%zu)\n", percentile(lat_ms, 50),
                percentile(lat_ms, 95), maxv(lat_ms), lat_ms.size());
    std::printf("tap->button     p50 %.2f ms  p95 %.2f ms  max %.2f ms\n", percentile(in_ms, 50), percentile(in_ms, 95),
                maxv(in_ms));
    std::printf("commit->t1      p50 %.2f ms (%.2f frames)  p95 %.2f ms (%.2f frames)  max %.2f ms\n",
                percentile(c2p_ms, 50), percentile(c2p_frames, 50), percentile(c2p_ms, 95), percentile(c2p_frames, 95),
                maxv(c2p_ms));
    std::printf(
        "RESULT {\"source\":\"%s\",\"samples\":%zu,\"taps\":%d,\"presented\":%d,"
        "\"discarded\":%d,\"frame_done_only\":%d,\"failed\":%d,\"refresh_ms\":%s,"
        "\"clock\":%d,\"lat_p50_ms\":%s,\"lat_p95_ms\":%s,\"lat_max_ms\":%s,"
        "\"button_p50_ms\":%s,\"button_p95_ms\":%s,\"c2p_p50_ms\":%s,\"c2p_p95_ms\":%s,"
        "\"c2p_max_ms\":%s,\"c2p_p50_frames\":%s,\"c2p_p95_frames\":%s,"
        "\"c2p_max_frames\":%s}\n",
        source.c_str(), lat_ms.size(), o.count, presented, discarded, frame_only, failed, j(refresh_ms).c_str(),
        int(app.pres_clock), j(percentile(lat_ms, 50)).c_str(), j(percentile(lat_ms, 95)).c_str(),
        j(maxv(lat_ms)).c_str(), j(percentile(in_ms, 50)).c_str(), j(percentile(in_ms, 95)).c_str(),
        j(percentile(c2p_ms, 50)).c_str(), j(percentile(c2p_ms, 95)).c_str(), j(maxv(c2p_ms)).c_str(),
        j(percentile(c2p_frames, 50)).c_str(), j(percentile(c2p_frames, 95)).c_str(), j(maxv(c2p_frames)).c_str());
    std::fflush(stdout);

    zwlr_virtual_pointer_v1_destroy(app.vp);
    xdg_toplevel_destroy(app.toplevel);
    xdg_surface_destroy(app.xsurface);
    wl_surface_destroy(app.surface);
    destroy_buffers();
    wl_display_roundtrip(app.display);
    wl_display_disconnect(app.display);
    return lat_ms.empty() ? 1 : 0;
}
