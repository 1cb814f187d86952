// CIRRUS_WEBAPP_TRACE=1: where a host's start-up time goes. Each phase is a
// line on stderr, "cirrus-webapp-host[PID]: startup PHASE MS", MS on
// CLOCK_MONOTONIC (the clock bench/m2_m3_webapps.py and the compositor use),
// so a launch can be split into exec, display connection, WebKit set-up,
// web process start and first paint. Off (and free) unless asked for.
#pragma once

typedef struct _WebKitWebContext WebKitWebContext;
typedef struct _WebKitWebView WebKitWebView;

namespace cirrus::webapp {

bool startup_trace_enabled();
void trace_startup(const char* phase);
// "web-process" when WebKit starts one for the context (connect before the
// view exists: creating it starts the process).
void trace_web_process_start(WebKitWebContext* context);
// "committed" and "finished" for the view's first load.
void trace_first_load(WebKitWebView* view);

}  // namespace cirrus::webapp
