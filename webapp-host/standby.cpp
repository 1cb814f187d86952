#include "standby.hpp"

#include <cerrno>
#include <cstring>
#include <exception>

#include <glib-unix.h>
#include <gtk/gtk.h>
#include <sys/socket.h>
#include <unistd.h>
#include <webkit2/webkit2.h>

#include "app_config.hpp"
#include "common/standby_protocol.hpp"

namespace cirrus::webapp {

void warm_up_webkit() {
    // The first web context of a process pays for WebKit's one-time set-up
    // (70-130 ms here, measured with CIRRUS_WEBAPP_TRACE=1: first use of its
    // libraries, its threads); later ones take
    // 5-20 ms. An ephemeral context has no folders and no app's data;
    // creating and dropping it leaves that set-up done, and its network
    // process goes with it. The app's own context can only be made once the
    // app is known: WebKitGTK 4.1 binds the website data manager (the app's
    // folders) to a context when it is created, and the web and network
    // processes to the context (a second context starts its own network
    // process even while another's runs), so neither can be started ahead.
    // The price: the idle host holds more dirty memory (14 MiB in all, with
    // no EGL display: host.cpp, no_gl_display).
    WebKitWebContext* context = webkit_web_context_new_ephemeral();
    g_object_unref(context);
    g_type_ensure(WEBKIT_TYPE_WEB_VIEW);
    g_type_ensure(WEBKIT_TYPE_SETTINGS);
    g_type_ensure(WEBKIT_TYPE_USER_CONTENT_MANAGER);
}

namespace {

struct Waiter {
    GMainLoop* loop = nullptr;
    standby::OpenRequest request;
    StandbyWait result;
};

void finish(Waiter& w, int exit_code, std::string message) {
    w.result.exit_code = exit_code;
    w.result.message = std::move(message);
    g_main_loop_quit(w.loop);
}

gboolean read_channel(gint fd, GIOCondition condition, Waiter& w) {
    char buffer[256];
    for (;;) {
        const ssize_t n = recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (n > 0) {
            const auto state = w.request.add(std::string_view(buffer, static_cast<std::size_t>(n)));
            if (state == standby::OpenRequest::State::open) {
                w.result.app_id = w.request.app_id();
                g_main_loop_quit(w.loop);
                return G_SOURCE_REMOVE;
            }
            if (state == standby::OpenRequest::State::refused) {
                finish(w, kExitUsage, "the compositor sent " + w.request.error() + " on --standby-fd");
                return G_SOURCE_REMOVE;
            }
            continue;
        }
        if (n == 0) {
            finish(w, 0, "");  // the compositor closed the channel: it is going away
            return G_SOURCE_REMOVE;
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        finish(w, kExitUsage, std::string("cannot read --standby-fd: ") + std::strerror(errno));
        return G_SOURCE_REMOVE;
    }
    if (condition & (G_IO_HUP | G_IO_ERR)) {
        finish(w, 0, "");
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

// A GLib callback: no C++ exception may unwind through GLib's C frames.
gboolean on_channel(gint fd, GIOCondition condition, gpointer data) {
    Waiter& w = *static_cast<Waiter*>(data);
    try {
        return read_channel(fd, condition, w);
    } catch (const std::exception& e) {
        finish(w, kExitUsage, std::string("reading --standby-fd: ") + e.what());
        return G_SOURCE_REMOVE;
    }
}

gboolean on_stop_signal(gpointer data) {
    finish(*static_cast<Waiter*>(data), 0, "");
    return G_SOURCE_CONTINUE;  // removed below, with the others
}

}  // namespace

StandbyWait wait_for_app(int fd) {
    Waiter w;
    if (send(fd, standby::kReadyLine.data(), standby::kReadyLine.size(), MSG_NOSIGNAL) !=
            static_cast<ssize_t>(standby::kReadyLine.size()) &&
        errno != EPIPE) {
        // Not a socket.
        w.result.exit_code = kExitUsage;
        w.result.message = std::string("cannot write to --standby-fd ") + std::to_string(fd) + ": " +
                           std::strerror(errno) + " (it must be the socket the compositor passed)";
        close(fd);
        return w.result;
    }
    // EPIPE: the compositor closed its end. It may have named the app
    // already: it hands an app to a host still warming up and closes the
    // channel once the line is sent, so the line is read below before the
    // end of the channel (which, with no line, ends this host quietly).
    // Giving up here lost the app: `cirrus dev`'s d then o, whose launch
    // took the standby host started when the discarded one exited.
    w.loop = g_main_loop_new(nullptr, FALSE);
    const guint sources[] = {
        g_unix_fd_add(fd, static_cast<GIOCondition>(G_IO_IN | G_IO_HUP | G_IO_ERR), on_channel, &w),
        g_unix_signal_add(SIGTERM, on_stop_signal, &w),
        g_unix_signal_add(SIGINT, on_stop_signal, &w),
    };
    g_main_loop_run(w.loop);
    for (guint source : sources) {
        // on_channel may have removed its own source already.
        if (GSource* s = g_main_context_find_source_by_id(nullptr, source); s && !g_source_is_destroyed(s)) {
            g_source_remove(source);
        }
    }
    g_main_loop_unref(w.loop);
    close(fd);
    return w.result;
}

}  // namespace cirrus::webapp
