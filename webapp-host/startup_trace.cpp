#include "startup_trace.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <unistd.h>

#include <webkit2/webkit2.h>

namespace cirrus::webapp {

bool startup_trace_enabled() {
    static const bool enabled = [] {
        const char* value = std::getenv("CIRRUS_WEBAPP_TRACE");
        return value && std::strcmp(value, "1") == 0;
    }();
    return enabled;
}

void trace_startup(const char* phase) {
    if (!startup_trace_enabled()) return;
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    std::fprintf(stderr, "cirrus-webapp-host[%d]: startup %s %.1f\n", static_cast<int>(getpid()), phase,
                 static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6);
    std::fflush(stderr);
}

namespace {

void on_web_process(WebKitWebContext*, gpointer) { trace_startup("web-process"); }

void on_load_changed(WebKitWebView* view, WebKitLoadEvent event, gpointer) {
    if (event == WEBKIT_LOAD_COMMITTED) trace_startup("committed");
    if (event == WEBKIT_LOAD_FINISHED) {
        trace_startup("finished");
        g_signal_handlers_disconnect_by_func(view, reinterpret_cast<gpointer>(on_load_changed), nullptr);
    }
}

}  // namespace

void trace_web_process_start(WebKitWebContext* context) {
    // Emitted right before WebKit launches a web process.
    if (startup_trace_enabled())
        g_signal_connect(context, "initialize-web-extensions", G_CALLBACK(on_web_process), nullptr);
}

void trace_first_load(WebKitWebView* view) {
    if (startup_trace_enabled()) g_signal_connect(view, "load-changed", G_CALLBACK(on_load_changed), nullptr);
}

}  // namespace cirrus::webapp
