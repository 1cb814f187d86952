// screen_probe — a Wayland client that watches what a compositor shows, for
// bench/m6_shell_start.py (and, with --pointer, to give phoc its seat).
//
// --frames FILE: captures the first output with wlr-screencopy
//   copy_with_damage, over and over: every frame the compositor commits with
//   new damage is read back, and one line per frame is appended to FILE:
//     F <ready_ns> <received_ns> <width> <height> <signature>
//   ready_ns is the frame's own timestamp from zwlr_screencopy_frame_v1.ready
//   (the output commit, CLOCK_MONOTONIC on wlroots), received_ns when the
//   probe had it. The signature is the frame shrunk to GRID_W x GRID_H cells,
//   each the average RGB of its pixels, as hex: enough to tell an empty
//   output from a drawn shell, and a finished screen from a half-drawn one.
//   A first line "C <ns>" says when the probe was connected.
// --pointer: creates a zwlr_virtual_pointer_v1 with no seat and keeps it.
//   phoc makes its wl_seat only when an input device appears, and phosh
//   crashes without one; the headless backend has no input devices.
// --seconds S: exits after S seconds (default: runs until killed).
// --background: once connected (and the pointer made), goes on in a child
//   process and the command returns, so that `screen_probe --pointer
//   --background && exec phosh` starts phosh only once the seat exists.
//
// The compositor is WAYLAND_DISPLAY / WAYLAND_SOCKET, as for any client (for
// Cirrus, screencopy is offered to trusted clients only: run it with
// --trusted, or on the trusted socket).

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <wayland-client.h>

#include "wlr-screencopy-unstable-v1-client-protocol.h"
#include "wlr-virtual-pointer-unstable-v1-client-protocol.h"

namespace {

constexpr int GRID_W = 24;
constexpr int GRID_H = 40;

int64_t now_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

[[noreturn]] void die(const std::string& msg) {
    std::fprintf(stderr, "screen_probe: %s\n", msg.c_str());
    std::exit(1);
}

struct Probe {
    wl_display* display = nullptr;
    wl_shm* shm = nullptr;
    wl_output* output = nullptr;
    zwlr_screencopy_manager_v1* screencopy = nullptr;
    uint32_t screencopy_version = 0;
    zwlr_virtual_pointer_manager_v1* pointer_manager = nullptr;
    zwlr_virtual_pointer_v1* pointer = nullptr;

    std::FILE* out = nullptr;
    zwlr_screencopy_frame_v1* frame = nullptr;
    // The shm buffer, kept while the size stays.
    wl_buffer* buffer = nullptr;
    void* data = nullptr;
    size_t size = 0;
    uint32_t format = 0, width = 0, height = 0, stride = 0;
    bool have_shm_format = false;
    uint32_t flags = 0;
    bool failed = false;
    uint64_t frames = 0;
};

void registry_global(void* data, wl_registry* registry, uint32_t name, const char* interface, uint32_t version) {
    auto* p = static_cast<Probe*>(data);
    const std::string iface = interface;
    if (iface == wl_shm_interface.name) {
        p->shm = static_cast<wl_shm*>(wl_registry_bind(registry, name, &wl_shm_interface, 1));
    } else if (iface == wl_output_interface.name && !p->output) {
        p->output = static_cast<wl_output*>(wl_registry_bind(registry, name, &wl_output_interface, 1));
    } else if (iface == zwlr_screencopy_manager_v1_interface.name) {
        p->screencopy_version = version < 3 ? version : 3;
        p->screencopy = static_cast<zwlr_screencopy_manager_v1*>(
            wl_registry_bind(registry, name, &zwlr_screencopy_manager_v1_interface, p->screencopy_version));
    } else if (iface == zwlr_virtual_pointer_manager_v1_interface.name) {
        p->pointer_manager = static_cast<zwlr_virtual_pointer_manager_v1*>(
            wl_registry_bind(registry, name, &zwlr_virtual_pointer_manager_v1_interface, 1));
    }
}

void registry_global_remove(void*, wl_registry*, uint32_t) {}

const wl_registry_listener kRegistryListener = {registry_global, registry_global_remove};

void request_frame(Probe& p);

void ensure_buffer(Probe& p) {
    const size_t need = size_t(p.stride) * p.height;
    if (p.buffer && need == p.size) return;
    if (p.buffer) {
        wl_buffer_destroy(p.buffer);
        munmap(p.data, p.size);
        p.buffer = nullptr;
    }
    const int fd = memfd_create("screen_probe", MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, off_t(need)) != 0) die(std::string("memfd: ") + std::strerror(errno));
    p.data = mmap(nullptr, need, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p.data == MAP_FAILED) die(std::string("mmap: ") + std::strerror(errno));
    wl_shm_pool* pool = wl_shm_create_pool(p.shm, fd, int32_t(need));
    p.buffer = wl_shm_pool_create_buffer(pool, 0, int32_t(p.width), int32_t(p.height), int32_t(p.stride), p.format);
    wl_shm_pool_destroy(pool);
    close(fd);
    p.size = need;
}

void start_copy(Probe& p) {
    if (!p.have_shm_format) die("the compositor offers no shm buffer for screencopy");
    ensure_buffer(p);
    zwlr_screencopy_frame_v1_copy_with_damage(p.frame, p.buffer);
}

void frame_buffer(void* data, zwlr_screencopy_frame_v1*, uint32_t format, uint32_t width, uint32_t height,
                  uint32_t stride) {
    auto* p = static_cast<Probe*>(data);
    p->format = format;
    p->width = width;
    p->height = height;
    p->stride = stride;
    p->have_shm_format = true;
    if (p->screencopy_version < 3) start_copy(*p);  // v1/v2 have no buffer_done
}

void frame_flags(void* data, zwlr_screencopy_frame_v1*, uint32_t flags) { static_cast<Probe*>(data)->flags = flags; }

void write_signature(Probe& p, int64_t ready_ns) {
    const int64_t received = now_ns();
    // Byte order of a pixel in memory (little-endian wl_shm formats).
    int ri = 2, gi = 1, bi = 0;  // ARGB8888 / XRGB8888: B G R A
    if (p.format == WL_SHM_FORMAT_ABGR8888 || p.format == WL_SHM_FORMAT_XBGR8888) {
        ri = 0;
        bi = 2;
    }
    const bool invert = p.flags & ZWLR_SCREENCOPY_FRAME_V1_FLAGS_Y_INVERT;
    std::vector<uint64_t> sum(size_t(GRID_W) * GRID_H * 3, 0);
    std::vector<uint64_t> count(size_t(GRID_W) * GRID_H, 0);
    const auto* base = static_cast<const uint8_t*>(p.data);
    for (uint32_t y = 0; y < p.height; ++y) {
        const uint32_t sy = invert ? p.height - 1 - y : y;
        const uint8_t* row = base + size_t(sy) * p.stride;
        const size_t cy = size_t(y) * GRID_H / p.height;
        for (uint32_t x = 0; x < p.width; ++x) {
            const size_t cell = cy * GRID_W + size_t(x) * GRID_W / p.width;
            const uint8_t* px = row + size_t(x) * 4;
            sum[cell * 3] += px[ri];
            sum[cell * 3 + 1] += px[gi];
            sum[cell * 3 + 2] += px[bi];
            ++count[cell];
        }
    }
    std::string hex;
    hex.reserve(sum.size() * 2);
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < sum.size(); ++i) {
        const uint64_t n = count[i / 3] ? count[i / 3] : 1;
        const unsigned v = unsigned((sum[i] + n / 2) / n);
        hex += digits[(v >> 4) & 15];
        hex += digits[v & 15];
    }
    std::fprintf(p.out, "F %lld %lld %u %u %s\n", static_cast<long long>(ready_ns), static_cast<long long>(received),
                 p.width, p.height, hex.c_str());
    std::fflush(p.out);
}

void frame_ready(void* data, zwlr_screencopy_frame_v1*, uint32_t sec_hi, uint32_t sec_lo, uint32_t nsec) {
    auto* p = static_cast<Probe*>(data);
    const int64_t sec = (int64_t(sec_hi) << 32) | sec_lo;
    write_signature(*p, sec * 1000000000LL + nsec);
    ++p->frames;
    zwlr_screencopy_frame_v1_destroy(p->frame);
    p->frame = nullptr;
    request_frame(*p);
}

void frame_failed(void* data, zwlr_screencopy_frame_v1*) {
    auto* p = static_cast<Probe*>(data);
    zwlr_screencopy_frame_v1_destroy(p->frame);
    p->frame = nullptr;
    p->failed = true;
}

void frame_damage(void*, zwlr_screencopy_frame_v1*, uint32_t, uint32_t, uint32_t, uint32_t) {}

void frame_linux_dmabuf(void*, zwlr_screencopy_frame_v1*, uint32_t, uint32_t, uint32_t) {}

void frame_buffer_done(void* data, zwlr_screencopy_frame_v1*) { start_copy(*static_cast<Probe*>(data)); }

const zwlr_screencopy_frame_v1_listener kFrameListener = {
    frame_buffer, frame_flags, frame_ready, frame_failed, frame_damage, frame_linux_dmabuf, frame_buffer_done,
};

void request_frame(Probe& p) {
    p.have_shm_format = false;
    p.flags = 0;
    p.frame = zwlr_screencopy_manager_v1_capture_output(p.screencopy, 0, p.output);
    zwlr_screencopy_frame_v1_add_listener(p.frame, &kFrameListener, &p);
}

void usage() {
    std::fputs(
        "usage: screen_probe [--frames FILE] [--pointer] [--seconds S] [--background]\n"
        "  --frames FILE  append one line per captured output frame (screencopy with damage)\n"
        "  --pointer      create a virtual pointer with no seat and keep it (phoc's seat)\n"
        "  --seconds S    exit after S seconds (default: until killed)\n"
        "  --background   return once connected, and go on in a child process\n",
        stderr);
}

}  // namespace

int main(int argc, char** argv) {
    std::string frames_path;
    bool want_pointer = false;
    bool background = false;
    double seconds = -1;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--frames" && i + 1 < argc) frames_path = argv[++i];
        else if (a == "--pointer") want_pointer = true;
        else if (a == "--background") background = true;
        else if (a == "--seconds" && i + 1 < argc) seconds = std::atof(argv[++i]);
        else {
            usage();
            return a == "-h" || a == "--help" ? 0 : 2;
        }
    }
    const int64_t start = now_ns();
    Probe p;
    p.display = wl_display_connect(nullptr);
    if (!p.display) die("cannot connect to the Wayland display");
    wl_registry* registry = wl_display_get_registry(p.display);
    wl_registry_add_listener(registry, &kRegistryListener, &p);
    if (wl_display_roundtrip(p.display) < 0) die("roundtrip failed");

    if (want_pointer) {
        if (!p.pointer_manager) die("no zwlr_virtual_pointer_manager_v1");
        p.pointer = zwlr_virtual_pointer_manager_v1_create_virtual_pointer(p.pointer_manager, nullptr);
    }
    if (!frames_path.empty()) {
        if (!p.screencopy) die("no zwlr_screencopy_manager_v1 (for Cirrus: run as a trusted client)");
        if (!p.output) die("no wl_output");
        if (!p.shm) die("no wl_shm");
        p.out = std::fopen(frames_path.c_str(), "ae");
        if (!p.out) die("cannot open " + frames_path + ": " + std::strerror(errno));
        std::fprintf(p.out, "C %lld\n", static_cast<long long>(now_ns()));
        std::fflush(p.out);
        request_frame(p);
    }
    if (wl_display_roundtrip(p.display) < 0) die("roundtrip failed");
    if (background) {
        std::fflush(nullptr);
        const pid_t child = fork();
        if (child < 0) die(std::string("fork: ") + std::strerror(errno));
        if (child > 0) _exit(0);
    }

    const int fd = wl_display_get_fd(p.display);
    for (;;) {
        if (p.failed) die("screencopy failed");
        int timeout = -1;
        if (seconds >= 0) {
            const int64_t left = start + int64_t(seconds * 1e9) - now_ns();
            if (left <= 0) break;
            timeout = int(left / 1000000) + 1;
        }
        while (wl_display_prepare_read(p.display) != 0) wl_display_dispatch_pending(p.display);
        if (wl_display_flush(p.display) < 0 && errno != EAGAIN) {
            wl_display_cancel_read(p.display);
            break;
        }
        pollfd pfd{fd, POLLIN, 0};
        const int r = poll(&pfd, 1, timeout);
        if (r <= 0) {
            wl_display_cancel_read(p.display);
            if (r < 0 && errno != EINTR) break;
            continue;
        }
        if (wl_display_read_events(p.display) < 0) break;  // the compositor went away
        wl_display_dispatch_pending(p.display);
    }
    if (p.out) std::fclose(p.out);
    wl_display_disconnect(p.display);
    return 0;
}
