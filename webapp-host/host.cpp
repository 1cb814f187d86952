// cirrus-webapp-host: one process per running web app. The compositor
// starts it as `cirrus-webapp-host --app ID` with a clean environment (no
// session bus); it shows the app's start page in an undecorated GTK3 window
// whose Wayland app_id is the app's id, with the app's own WebKit storage,
// and serves packaged apps' files at app://ID/ from their package folder.
// It may also be started ahead of any launch as a standby host (--standby,
// standby.hpp): it then does all that needs no app and waits for the
// compositor to name the app, which it then opens exactly as --app would.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include <fcntl.h>
#include <glib-unix.h>
#include <gtk/gtk.h>
#include <gdk/gdkwayland.h>
#include <webkit2/webkit2.h>

#include "app_config.hpp"
#include "catalogue_bridge.hpp"
#include "compositor_link.hpp"
#include "navigation_policy.hpp"
#include "network_process.hpp"
#include "offline_cache.hpp"
#include "online_state.hpp"
#include "package_files.hpp"
#include "page_lifecycle.hpp"
#include "permission_policy.hpp"
#include "personal_data_bridge.hpp"
#include "request_log.hpp"
#include "service_worker_watch.hpp"
#include "settings_bridge.hpp"
#include "focused_field.hpp"
#include "inspector_server.hpp"
#include "shell_presence.hpp"
#include "standby.hpp"
#include "startup_trace.hpp"
#include "top_bar.hpp"
#include "worker_routing.hpp"
#include "write_replay.hpp"
#include "common/file_text.hpp"
#include "common/protocol_text.hpp"
#include "common/sync_paths.hpp"
#include "common/url_routing.hpp"
#include "common/web_memory.hpp"

namespace {

using namespace cirrus::webapp;
namespace launcher = cirrus::launcher;
namespace protocol_text = cirrus::protocol_text;
using cirrus::write_file_replacing;
using Clock = std::chrono::steady_clock;

// More crashes than this within kCrashWindow stop the automatic reloads.
constexpr int kMaxCrashReloads = 3;
constexpr auto kCrashWindow = std::chrono::seconds(60);
// How long a refusal message stays at the bottom of the window.
constexpr guint kNoticeSeconds = 6;
// An unresponsive web process is reloaded after this long.
constexpr guint kHangReloadSeconds = 10;
// A page is reloaded this long after its network process ended, so that
// WebKit has seen the end of its connection and starts a new one.
constexpr guint kNetworkRestartReloadMs = 300;

struct Host {
    HostOptions options;
    LoadedApp app;
    // The app's own folders, taken from the phone's cache home before the
    // host's became the app's (confine_cache_home).
    AppDataDirs dirs;
    GtkWidget* window = nullptr;
    WebKitWebView* view = nullptr;
    // The system browser's chrome (absent for other apps).
    std::unique_ptr<BrowserBar> browser_bar;
    // The apps catalogue's runtime calls (absent for other apps).
    std::unique_ptr<CatalogueBridge> catalogue;
    // window.cirrus.contacts and .notes (absent for the browser, the
    // catalogue and Settings): the phone's contacts and notes, asked for once.
    std::unique_ptr<PersonalDataBridge> personal_data;
    // The Settings app's account and sync calls (absent for other apps).
    std::unique_ptr<SettingsBridge> settings;
    std::deque<Clock::time_point> crashes;
    std::string pending_reload;
    // The refusal message over the bottom of the page.
    GtkWidget* notice = nullptr;
    GtkWidget* notice_label = nullptr;
    guint notice_timer = 0;
    // "Not responding" bar with Reload and Wait.
    GtkWidget* hang_bar = nullptr;
    guint hang_timer = 0;
    bool reloading_hung = false;
    // The compositor's cirrus_app_v1 (absent under other compositors), and
    // what the app shows through it: first frame, theme colour, banners.
    std::unique_ptr<CompositorLink> link;
    std::unique_ptr<ShellPresence> presence;
    // Hosted apps only: their pages and own-origin requests go through the
    // offline store (offline_cache.hpp).
    std::unique_ptr<OfflineCache> offline;
    std::unique_ptr<OnlineState> online;
    // Hosted apps only: whether the app's own service worker answers
    // instead of the offline store (worker_routing.hpp).
    std::unique_ptr<ServiceWorkerWatch> workers;
    // WebKit's network process, whose end reloads the page.
    std::unique_ptr<NetworkProcessWatch> network;
    // Freeze, resume and discard as the compositor says (page_lifecycle.hpp).
    std::unique_ptr<PageLifecycle> lifecycle;
    // The profile's memory-pressure settings for the app's web process
    // (null: WebKit's own); see use_web_memory_settings.
    WebKitMemoryPressureSettings* web_memory = nullptr;
};

// Every load of one of the app's own pages that the host starts itself.
void load_page(Host& host, const std::string& url) {
    // An app whose service worker answers gets WebKit's own navigation,
    // which the worker sees, also offline.
    const bool worker_answers = host.workers && host.workers->worker_mode();
    if (host.offline && !worker_answers) {
        host.offline->open_document(host.view, url);
    } else {
        webkit_web_view_load_uri(host.view, url.c_str());
    }
}

std::string prefix(const Host& host) { return "cirrus-webapp-host[" + host.options.app_id + "]: "; }

// The folder of the phone's contacts and notes: beside the registry, where
// cirrus-sync's --data defaults.
std::filesystem::path personal_data_folder() { return launcher::default_registry_path().parent_path(); }

// An app changed a contact or a note: cirrus-sync watches its state folder
// (the default one, as Settings' backup request uses) for this file and
// sends the change now, not at its next poll (30 s).
void ask_sync_now(const Host& host) {
    const std::filesystem::path request = cirrus::sync::changes_request_path(cirrus::sync::default_state_dir());
    std::error_code error;
    std::filesystem::create_directories(request.parent_path(), error);
    if (!write_file_replacing(request, ""))
        std::fprintf(stderr, "%scannot write %s (%s): the change goes at cirrus-sync's next look\n",
                     prefix(host).c_str(), request.c_str(), std::generic_category().message(errno).c_str());
}

// --- app:// ----------------------------------------------------------------

void finish_with_status(WebKitURISchemeRequest* request, int status, const char* reason, const std::string& text) {
    const std::string body = std::to_string(status) + " " + reason + ": " + text + "\n";
    GInputStream* stream = g_memory_input_stream_new_from_data(g_memdup2(body.data(), body.size()),
                                                               static_cast<gssize>(body.size()), g_free);
    WebKitURISchemeResponse* response = webkit_uri_scheme_response_new(stream, static_cast<gint64>(body.size()));
    webkit_uri_scheme_response_set_status(response, static_cast<guint>(status), reason);
    webkit_uri_scheme_response_set_content_type(response, "text/plain");
    webkit_uri_scheme_request_finish_with_response(request, response);
    g_object_unref(response);
    g_object_unref(stream);
}

void serve_app_scheme(WebKitURISchemeRequest* request, gpointer data) {
    const Host& host = *static_cast<const Host*>(data);
    const char* uri = webkit_uri_scheme_request_get_uri(request);
    const char* method = webkit_uri_scheme_request_get_http_method(request);
    // Only GET (and HEAD) for now; a request body is never read here. When
    // bodies are needed, read them asynchronously: reading a Blob body
    // synchronously crashes (docs/ARCHITECTURE.md, offline request, writes).
    if (method && g_strcmp0(method, "GET") != 0 && g_strcmp0(method, "HEAD") != 0) {
        finish_with_status(request, 405, "Method Not Allowed", "app:// serves GET only");
        return;
    }
    const PackageLookup found = resolve_package_uri(uri ? uri : "", host.options.app_id, host.app.record.package_dir);
    if (request_log_enabled()) {
        std::error_code size_error;
        const auto bytes = found.status == 200 ? std::filesystem::file_size(found.file, size_error) : 0;
        log_request({method ? method : "GET", uri ? uri : "", found.status, size_error ? 0 : bytes, 0, "package"});
    }
    if (found.status == 403) {
        g_printerr("%srefused %s: %s\n", prefix(host).c_str(), uri, found.reason.c_str());
        finish_with_status(request, 403, "Forbidden", found.reason);
        return;
    }
    if (found.status != 200) {
        finish_with_status(request, 404, "Not Found", found.reason);
        return;
    }
    GFile* file = g_file_new_for_path(found.file.c_str());
    GError* error = nullptr;
    GFileInputStream* stream = g_file_read(file, nullptr, &error);
    g_object_unref(file);
    std::error_code ec;
    const auto size = std::filesystem::file_size(found.file, ec);
    if (!stream || ec) {
        finish_with_status(request, 404, "Not Found", error ? error->message : "unreadable");
        if (error) g_error_free(error);
        if (stream) g_object_unref(stream);
        return;
    }
    const std::string mime(mime_type_for(found.file));
    WebKitURISchemeResponse* response =
        webkit_uri_scheme_response_new(G_INPUT_STREAM(stream), static_cast<gint64>(size));
    webkit_uri_scheme_response_set_status(response, 200, "OK");
    webkit_uri_scheme_response_set_content_type(response, mime.c_str());
    SoupMessageHeaders* headers = soup_message_headers_new(SOUP_MESSAGE_HEADERS_RESPONSE);
    const std::string content_type = is_text_mime_type(mime) ? mime + "; charset=utf-8" : mime;
    soup_message_headers_append(headers, "Content-Type", content_type.c_str());
    soup_message_headers_append(headers, "X-Content-Type-Options", "nosniff");
    webkit_uri_scheme_response_set_http_headers(response, headers);  // takes the headers
    webkit_uri_scheme_request_finish_with_response(request, response);
    g_object_unref(response);
    g_object_unref(stream);
}

// --- console (--inspector, or CIRRUS_WEBAPP_CONSOLE=1 as `cirrus dev` sets) --

constexpr const char* kConsoleScript = R"JS(
(function () {
  const handlers = window.webkit && window.webkit.messageHandlers;
  const sink = handlers && handlers.cirrusConsole;
  if (!sink) return;
  const show = (v) => {
    if (typeof v === 'string') return v;
    if (v instanceof Error) return v.stack ? v.message + '\n' + v.stack : String(v);
    try { return JSON.stringify(v); } catch (e) { return String(v); }
  };
  // Where the page called from: the first stack frame outside this script
  // ("fn@app://id/app.js:3:12" in JavaScriptCore), as " (at FILE:LINE:COLUMN)".
  const frameUrl = (frame) => { const m = /@(.*):\d+:\d+$/.exec(frame); return m ? m[1] : ''; };
  const own = frameUrl((new Error().stack || '').split('\n')[0] || '');
  const caller = () => {
    for (const frame of (new Error().stack || '').split('\n')) {
      const m = /@(.*):(\d+):(\d+)$/.exec(frame);
      if (m && m[1] !== own) return ' (at ' + m[1] + ':' + m[2] + ':' + m[3] + ')';
    }
    return '';
  };
  for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
    const original = console[level];
    console[level] = function (...args) {
      try { sink.postMessage(level + ': ' + args.map(show).join(' ') + caller()); } catch (e) {}
      return original.apply(this, args);
    };
  }
  window.addEventListener('error', (e) => {
    const stack = e.error && e.error.stack ? '\n' + e.error.stack : '';
    try { sink.postMessage('uncaught: ' + e.message + ' (at ' + e.filename + ':' + e.lineno + ':' + e.colno + ')' + stack); } catch (x) {}
  });
  window.addEventListener('unhandledrejection', (e) => {
    try { sink.postMessage('unhandled rejection: ' + show(e.reason)); } catch (x) {}
  });
})();
)JS";

void on_console_message(WebKitUserContentManager*, WebKitJavascriptResult* result, gpointer data) {
    const Host& host = *static_cast<const Host*>(data);
    JSCValue* value = webkit_javascript_result_get_js_value(result);
    gchar* text = jsc_value_to_string(value);
    std::printf("[%s] console.%s\n", host.options.app_id.c_str(), text ? text : "");
    std::fflush(stdout);
    g_free(text);
}

// --- the window ------------------------------------------------------------

void update_title(Host& host) {
    const char* title = webkit_web_view_get_title(host.view);
    const std::string text = (title && *title) ? title : host.app.record.name;
    // GTK sends it as the xdg title: a page's title over libwayland's message
    // limit would cut this host's connection.
    gtk_window_set_title(GTK_WINDOW(host.window), protocol_text::bounded(text, protocol_text::kMaxTitleBytes).c_str());
}

void on_title_changed(GObject*, GParamSpec*, gpointer data) { update_title(*static_cast<Host*>(data)); }

void on_load_changed(WebKitWebView*, WebKitLoadEvent event, gpointer data) {
    Host& host = *static_cast<Host*>(data);
    // A load has a network process (WebKit starts one for the first, and a
    // new one after the last ended): watch it.
    if (event == WEBKIT_LOAD_COMMITTED && host.network) host.network->look();
}

// Records a crash; true when there were too many lately to reload again.
bool too_many_crashes(Host& host) {
    const auto now = Clock::now();
    host.crashes.push_back(now);
    while (!host.crashes.empty() && now - host.crashes.front() > kCrashWindow) host.crashes.pop_front();
    return static_cast<int>(host.crashes.size()) > kMaxCrashReloads;
}

gboolean reload_after_crash(gpointer data) {
    Host& host = *static_cast<Host*>(data);
    load_page(host, host.pending_reload);
    return G_SOURCE_REMOVE;
}

void on_web_process_terminated(WebKitWebView* view, WebKitWebProcessTerminationReason reason, gpointer data) {
    Host& host = *static_cast<Host*>(data);
    if (reason == WEBKIT_WEB_PROCESS_TERMINATED_BY_API && host.reloading_hung) {
        // reload_hung() ended it; not a crash.
        host.reloading_hung = false;
        std::fprintf(stderr, "%sreloading %s\n", prefix(host).c_str(), host.pending_reload.c_str());
        std::fflush(stderr);
        g_idle_add(reload_after_crash, &host);
        return;
    }
    const char* why = reason == WEBKIT_WEB_PROCESS_CRASHED                 ? "crashed"
                      : reason == WEBKIT_WEB_PROCESS_EXCEEDED_MEMORY_LIMIT ? "exceeded its memory limit"
                                                                           : "was terminated";
    const char* current = webkit_web_view_get_uri(view);
    host.pending_reload = (current && *current) ? current : host.app.record.start_url;

    if (too_many_crashes(host)) {
        std::fprintf(stderr, "%sthe web process %s again (%zu times in %llds); not reloading %s\n",
                     prefix(host).c_str(), why, host.crashes.size(), static_cast<long long>(kCrashWindow.count()),
                     host.pending_reload.c_str());
        const std::string page =
            "<!doctype html><meta name=viewport content='width=device-width'>"
            "<body style='font:16px sans-serif;padding:1em'><h1>This app keeps stopping</h1>"
            "<p>Its page stopped working several times in a row.</p>"
            "<button onclick='location.reload()'>Try again</button>";
        webkit_web_view_load_alternate_html(view, page.c_str(), host.pending_reload.c_str(), nullptr);
        return;
    }
    std::fprintf(stderr, "%sthe web process %s; reloading %s\n", prefix(host).c_str(), why,
                 host.pending_reload.c_str());
    std::fflush(stderr);
    g_idle_add(reload_after_crash, &host);
}

void show_notice(Host& host, const std::string& text);

// WebKit starts a new network process by itself, but the page keeps its
// dead storage connections (IndexedDB, caches): it is reloaded, as after a
// web process crash, and the user is told why.
void on_network_process_ended(Host& host, pid_t pid) {
    if (!host.window || gtk_main_level() == 0) return;  // the host is closing: it went with it
    const char* current = webkit_web_view_get_uri(host.view);
    host.pending_reload = (current && *current) ? current : host.app.record.start_url;
    if (too_many_crashes(host)) {
        std::fprintf(stderr, "%sthe network process (pid %d) stopped again (%zu times in %llds); not reloading %s\n",
                     prefix(host).c_str(), static_cast<int>(pid), host.crashes.size(),
                     static_cast<long long>(kCrashWindow.count()), host.pending_reload.c_str());
        std::fflush(stderr);
        show_notice(host, "The app's storage stopped working several times. Close and reopen the app.");
        return;
    }
    std::fprintf(stderr, "%sthe network process (pid %d) stopped; reloading %s\n", prefix(host).c_str(),
                 static_cast<int>(pid), host.pending_reload.c_str());
    std::fflush(stderr);
    show_notice(host, "The app's connection to its storage was restarted: the page was reloaded.");
    g_timeout_add(kNetworkRestartReloadMs, reload_after_crash, &host);
}

// --- scope (navigation_policy.hpp) -------------------------------------------

// Shows `widget` and its children: gtk_widget_show_all() skips a widget
// marked no-show-all (which keeps the window's first show_all off it).
void reveal(GtkWidget* widget) {
    gtk_widget_set_no_show_all(widget, FALSE);
    gtk_widget_show_all(widget);
    gtk_widget_set_no_show_all(widget, TRUE);
}

gboolean hide_notice(gpointer data) {
    Host& host = *static_cast<Host*>(data);
    host.notice_timer = 0;
    if (host.notice) gtk_widget_hide(host.notice);
    return G_SOURCE_REMOVE;
}

void show_notice(Host& host, const std::string& text) {
    gtk_label_set_text(GTK_LABEL(host.notice_label), text.c_str());
    reveal(host.notice);
    if (host.notice_timer) g_source_remove(host.notice_timer);
    host.notice_timer = g_timeout_add_seconds(kNoticeSeconds, hide_notice, &host);
}

void refuse_navigation(Host& host, const std::string& uri, const NavigationDecision& decision) {
    auto refuse = [&host, uri, decision]() {
        std::fprintf(stderr, "%srefused %s: %s\n", prefix(host).c_str(), uri.c_str(), decision.why.c_str());
        std::fflush(stderr);
        show_notice(host, decision.message);
    };
    if (!host.link || !host.link->present()) {
        refuse();
        return;
    }
    // The compositor opens it in the app whose scope holds it, or in the
    // system browser; only when nothing can does the user hear "not opened".
    host.link->open_url(uri, [&host, uri, refuse](bool opened) {
        if (!opened) {
            refuse();
            return;
        }
        std::fprintf(stderr, "%shanded %s over (outside the scope)\n", prefix(host).c_str(), uri.c_str());
        std::fflush(stderr);
    });
}

// The system browser shows any web page at the top level; other apps their scope.
bool may_show(const Host& host, const std::string& uri) {
    if (host.link && host.link->browser_role() && is_web_url(uri)) return true;
    return decide_navigation(uri, NavigationKind::top_level, host.app.record.scope, host.app.record.name).action ==
           NavigationAction::allow;
}

// A URL the compositor hands over (a link from another app, or the one a
// launch was for).
void show_url(Host& host, const std::string& uri) {
    if (!may_show(host, uri)) {
        std::fprintf(stderr, "%snot showing %s: outside the scope\n", prefix(host).c_str(), uri.c_str());
        return;
    }
    load_page(host, uri);
}

// window.open and target=_blank: within the scope, in this window.
void open_new_window(Host& host, const std::string& uri) {
    const NavigationDecision d =
        decide_navigation(uri, NavigationKind::new_window, host.app.record.scope, host.app.record.name);
    if (d.action == NavigationAction::load_in_window || may_show(host, uri)) {
        webkit_web_view_load_uri(host.view, uri.c_str());
    } else {
        refuse_navigation(host, uri, d);
    }
}

// WebKitGTK asks for navigation actions in every frame and does not say
// which frame, so an out-of-scope navigation is let through here and
// stopped where WebKit does say: at the response (main frame's main
// resource), or in load-failed (main frame only) when there is no response.
// A subframe navigation is the page's business (it does not replace the
// app's page). The cost: the request to the outside URL is sent, which a
// page could do with fetch() anyway.
gboolean on_decide_policy(WebKitWebView*, WebKitPolicyDecision* decision, WebKitPolicyDecisionType type,
                          gpointer data) {
    Host& host = *static_cast<Host*>(data);
    if (type == WEBKIT_POLICY_DECISION_TYPE_NEW_WINDOW_ACTION) {
        WebKitNavigationAction* action =
            webkit_navigation_policy_decision_get_navigation_action(WEBKIT_NAVIGATION_POLICY_DECISION(decision));
        const char* uri = webkit_uri_request_get_uri(webkit_navigation_action_get_request(action));
        webkit_policy_decision_ignore(decision);
        open_new_window(host, uri ? uri : "");
        return TRUE;
    }
    if (type == WEBKIT_POLICY_DECISION_TYPE_RESPONSE) {
        auto* response = WEBKIT_RESPONSE_POLICY_DECISION(decision);
        if (!webkit_response_policy_decision_is_main_frame_main_resource(response)) return FALSE;
        const char* uri = webkit_uri_request_get_uri(webkit_response_policy_decision_get_request(response));
        const std::string url = uri ? uri : "";
        if (host.link && host.link->browser_role() && is_web_url(url)) return FALSE;
        const NavigationDecision d =
            decide_navigation(url, NavigationKind::top_level, host.app.record.scope, host.app.record.name);
        if (d.action == NavigationAction::allow) return FALSE;
        webkit_policy_decision_ignore(decision);
        refuse_navigation(host, url, d);
        return TRUE;
    }
    return FALSE;
}

// A main-frame load that failed before its response (an unreachable or
// refused outside host): keep the app's page instead of WebKit's error page.
gboolean on_load_failed(WebKitWebView*, WebKitLoadEvent, gchar* failing_uri, GError* error, gpointer data) {
    Host& host = *static_cast<Host*>(data);
    const std::string url = failing_uri ? failing_uri : "";
    if (may_show(host, url)) return FALSE;  // the page's own failure: WebKit's error page
    const NavigationDecision d =
        decide_navigation(url, NavigationKind::top_level, host.app.record.scope, host.app.record.name);
    // Our own ignore() at the response ends here too: already reported.
    if (g_error_matches(error, WEBKIT_POLICY_ERROR, WEBKIT_POLICY_ERROR_FRAME_LOAD_INTERRUPTED_BY_POLICY_CHANGE)) {
        return TRUE;
    }
    refuse_navigation(host, url, d);
    return TRUE;
}

GtkWidget* on_create(WebKitWebView*, WebKitNavigationAction* action, gpointer data) {
    const char* uri = webkit_uri_request_get_uri(webkit_navigation_action_get_request(action));
    open_new_window(*static_cast<Host*>(data), uri ? uri : "");
    return nullptr;  // no second window: window.open() returns null
}

// --- permissions (permission_policy.hpp) -----------------------------------

PermissionRequest classify(WebKitPermissionRequest* request) {
    PermissionRequest r;
    if (WEBKIT_IS_GEOLOCATION_PERMISSION_REQUEST(request)) {
        r.kind = RequestKind::geolocation;
    } else if (WEBKIT_IS_NOTIFICATION_PERMISSION_REQUEST(request)) {
        r.kind = RequestKind::notifications;
    } else if (WEBKIT_IS_USER_MEDIA_PERMISSION_REQUEST(request)) {
        auto* media = WEBKIT_USER_MEDIA_PERMISSION_REQUEST(request);
        if (webkit_user_media_permission_is_for_display_device(media)) {
            r.kind = RequestKind::display_capture;
        } else {
            r.kind = RequestKind::user_media;
            r.audio = webkit_user_media_permission_is_for_audio_device(media);
            r.video = webkit_user_media_permission_is_for_video_device(media);
        }
    } else if (WEBKIT_IS_WEBSITE_DATA_ACCESS_PERMISSION_REQUEST(request)) {
        r.kind = RequestKind::website_data_access;
    }
    return r;
}

void settle_permission(WebKitPermissionRequest* request, const std::string& app_id,
                       const PermissionDecision& decision) {
    std::fprintf(stderr, "%s\n", permission_log_line(app_id, decision).c_str());
    std::fflush(stderr);
    if (decision.allow) {
        webkit_permission_request_allow(request);
    } else {
        webkit_permission_request_deny(request);
    }
}

// Until the user answers, "ask" is a no: the row notes when the app asked.
void note_asked(const Host& host, const std::vector<std::string>& names) {
    try {
        launcher::Registry registry = launcher::Registry::open(launcher::default_registry_path());
        for (const std::string& name : names) {
            registry.set_permission(host.options.app_id, name, launcher::PermissionState::ask);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%scannot note the permission request: %s\n", prefix(host).c_str(), e.what());
    }
}

// The names whose state is "ask" (or absent) go to the user through the
// compositor and the shell, one question each; the request is settled when
// every answer is in (the compositor has stored them in the registry).
void ask_the_user(Host& host, WebKitPermissionRequest* request, const PermissionRequest& what,
                  const PermissionDecision& by_default, std::vector<std::string> names) {
    struct Pending {
        WebKitPermissionRequest* request;
        PermissionRequest what;
        PermissionDecision by_default;
        std::vector<std::string> names;
        std::map<std::string, CompositorLink::Answer> answers;
    };
    auto pending = std::make_shared<Pending>(Pending{request, what, by_default, names, {}});
    g_object_ref(request);
    for (const std::string& name : names) {
        host.link->request_permission(name, [&host, pending, name](CompositorLink::Answer answer) {
            pending->answers[name] = answer;
            if (pending->answers.size() < pending->names.size()) return;
            bool unasked = false;
            for (const auto& [n, a] : pending->answers) unasked = unasked || a == CompositorLink::Answer::unasked;
            PermissionDecision decision = pending->by_default;
            if (unasked) {
                note_asked(host, pending->names);
            } else {
                try {
                    const launcher::Registry registry = launcher::Registry::open(launcher::default_registry_path());
                    decision = decide_permission(pending->what, [&](const std::string& n) {
                        auto it = pending->answers.find(n);
                        if (it == pending->answers.end()) return registry.permission(host.options.app_id, n);
                        return std::optional(it->second == CompositorLink::Answer::granted
                                                 ? launcher::PermissionState::granted
                                                 : launcher::PermissionState::denied);
                    });
                    decision.why += " (the user's answer)";
                } catch (const std::exception& e) {
                    decision.allow = false;
                    decision.name = "request";
                    decision.why = std::string("the registry cannot be read: ") + e.what();
                }
            }
            settle_permission(pending->request, host.options.app_id, decision);
            g_object_unref(pending->request);
        });
    }
}

// A page's first call to window.cirrus.contacts or .notes: the registry's
// answer, else the user's through the compositor and the shell (which keeps
// it in the registry: asked once), as for geolocation. `done("")` allows.
void gate_personal_data(Host& host, const std::string& name, std::function<void(const std::string&)> done) {
    std::optional<launcher::PermissionState> state;
    try {
        state = launcher::Registry::open(launcher::default_registry_path()).permission(host.options.app_id, name);
    } catch (const std::exception& e) {
        done(std::string("the registry cannot be read: ") + e.what());
        return;
    }
    PermissionDecision decision = decide_one(name, state);
    if (decision.allow) {
        done("");
        return;
    }
    const std::string grant = "`cirrus permission " + host.options.app_id + " " + name + " grant` allows it";
    auto refuse = [&host, done](PermissionDecision d, const std::string& why) {
        std::fprintf(stderr, "%s\n", permission_log_line(host.options.app_id, d).c_str());
        std::fflush(stderr);
        done(why);
    };
    if (state == launcher::PermissionState::denied) {
        refuse(decision, "denied for this app; " + grant);
        return;
    }
    if (host.link && host.link->present()) {
        host.link->request_permission(name, [&host, name, decision, grant, refuse, done](CompositorLink::Answer a) {
            PermissionDecision d = decision;
            if (a == CompositorLink::Answer::granted) {
                d.allow = true;
                d.why = "the user's answer";
                std::fprintf(stderr, "%s\n", permission_log_line(host.options.app_id, d).c_str());
                std::fflush(stderr);
                done("");
            } else if (a == CompositorLink::Answer::denied) {
                d.why = "the user's answer";
                refuse(d, "the user said no; " + grant);
            } else {
                note_asked(host, {name});
                refuse(d, "nobody could ask the user; " + grant);
            }
        });
        return;
    }
    note_asked(host, {name});
    refuse(decision, "nobody could ask the user; " + grant);
}

gboolean on_permission_request(WebKitWebView*, WebKitPermissionRequest* request, gpointer data) {
    Host& host = *static_cast<Host*>(data);
    const PermissionRequest what = classify(request);
    std::vector<std::string> undecided;
    bool refused = false;
    PermissionDecision decision;
    try {
        // Read afresh each time: `cirrus permission` may have changed it.
        launcher::Registry registry = launcher::Registry::open(launcher::default_registry_path());
        decision = decide_permission(what, [&](const std::string& name) {
            const auto state = registry.permission(host.options.app_id, name);
            if (!state || state == launcher::PermissionState::ask) undecided.push_back(name);
            if (state == launcher::PermissionState::denied) refused = true;
            return state;
        });
        if (!decision.allow && !refused && !undecided.empty() && host.link && host.link->present()) {
            ask_the_user(host, request, what, decision, undecided);
            return TRUE;
        }
        note_asked(host, undecided);
    } catch (const std::exception& e) {
        decision.allow = false;
        decision.name = "request";
        decision.why = std::string("the registry cannot be read: ") + e.what();
    }
    settle_permission(request, host.options.app_id, decision);
    return TRUE;
}

// --- an unresponsive web process -------------------------------------------

void hide_hang_bar(Host& host) {
    if (host.hang_bar) gtk_widget_hide(host.hang_bar);
    if (host.hang_timer) g_source_remove(host.hang_timer);
    host.hang_timer = 0;
}

// A hung web process does not answer a reload: end it; the termination
// handler then loads pending_reload.
void reload_hung(Host& host) {
    const char* current = webkit_web_view_get_uri(host.view);
    host.pending_reload = (current && *current) ? current : host.app.record.start_url;
    hide_hang_bar(host);
    host.reloading_hung = true;
    webkit_web_view_terminate_web_process(host.view);
}

gboolean on_hang_timeout(gpointer data) {
    Host& host = *static_cast<Host*>(data);
    host.hang_timer = 0;
    if (!webkit_web_view_get_is_web_process_responsive(host.view)) {
        const char* current = webkit_web_view_get_uri(host.view);
        std::fprintf(stderr, "%sthe page has not responded for %u s; reloading %s\n", prefix(host).c_str(),
                     kHangReloadSeconds, current ? current : host.app.record.start_url.c_str());
        std::fflush(stderr);
        reload_hung(host);
    }
    return G_SOURCE_REMOVE;
}

void start_hang_timer(Host& host) {
    if (host.hang_timer) g_source_remove(host.hang_timer);
    host.hang_timer = g_timeout_add_seconds(kHangReloadSeconds, on_hang_timeout, &host);
}

void on_responsive_changed(GObject*, GParamSpec*, gpointer data) {
    Host& host = *static_cast<Host*>(data);
    if (webkit_web_view_get_is_web_process_responsive(host.view)) {
        if (host.hang_bar && gtk_widget_get_visible(host.hang_bar)) {
            std::fprintf(stderr, "%sthe page responds again\n", prefix(host).c_str());
        }
        hide_hang_bar(host);
        return;
    }
    std::fprintf(stderr, "%sthe page is not responding; offering a reload (automatic in %u s)\n", prefix(host).c_str(),
                 kHangReloadSeconds);
    std::fflush(stderr);
    reveal(host.hang_bar);
    start_hang_timer(host);
}

enum HangResponse { kHangReload = 1, kHangWait = 2 };

void on_hang_response(GtkInfoBar*, gint response, gpointer data) {
    Host& host = *static_cast<Host*>(data);
    if (response == kHangReload) {
        std::fprintf(stderr, "%sreloading the unresponsive page (asked by the user)\n", prefix(host).c_str());
        reload_hung(host);
    } else if (response == kHangWait) {
        gtk_widget_hide(host.hang_bar);
        start_hang_timer(host);  // waits another while before reloading anyway
    }
}

GtkWidget* make_hang_bar(Host& host) {
    GtkWidget* bar = gtk_info_bar_new_with_buttons("Reload", kHangReload, "Wait", kHangWait, nullptr);
    gtk_info_bar_set_message_type(GTK_INFO_BAR(bar), GTK_MESSAGE_WARNING);
    const std::string text = host.app.record.name + " is not responding";
    gtk_container_add(GTK_CONTAINER(gtk_info_bar_get_content_area(GTK_INFO_BAR(bar))), gtk_label_new(text.c_str()));
    g_signal_connect(bar, "response", G_CALLBACK(on_hang_response), &host);
    gtk_widget_set_no_show_all(bar, TRUE);
    return bar;
}

GtkWidget* make_notice(Host& host) {
    host.notice = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 0);
    gtk_widget_set_name(host.notice, "cirrus-notice");
    gtk_widget_set_halign(host.notice, GTK_ALIGN_FILL);
    gtk_widget_set_valign(host.notice, GTK_ALIGN_END);
    host.notice_label = gtk_label_new("");
    gtk_label_set_line_wrap(GTK_LABEL(host.notice_label), TRUE);
    gtk_label_set_xalign(GTK_LABEL(host.notice_label), 0.0f);
    gtk_box_pack_start(GTK_BOX(host.notice), host.notice_label, TRUE, TRUE, 0);
    gtk_widget_set_no_show_all(host.notice, TRUE);
    GtkCssProvider* provider = gtk_css_provider_new();
    gtk_css_provider_load_from_data(provider,
                                    "#cirrus-notice { background: #303030; padding: 14px 12px; }\n"
                                    "#cirrus-notice label { color: #ffffff; }\n",
                                    -1, nullptr);
    gtk_style_context_add_provider_for_screen(gdk_screen_get_default(), GTK_STYLE_PROVIDER(provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
    g_object_unref(provider);
    return host.notice;
}

// The system browser's chrome: its runtime entries go through the compositor.
std::unique_ptr<BrowserBar> make_browser_bar(Host& host) {
    BrowserBar::Hooks hooks;
    hooks.installed_app = [&host](const std::string& uri) -> std::optional<std::string> {
        try {
            const auto apps = launcher::Registry::open(launcher::default_registry_path()).list();
            return launcher::app_for_url(apps, uri, host.options.app_id);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "%scannot read the registry: %s\n", prefix(host).c_str(), e.what());
            return std::nullopt;
        }
    };
    if (host.link && host.link->present()) {
        // The compositor routes it to the app whose scope holds it.
        hooks.open_in_app = [&host](const std::string& uri) {
            host.link->open_url(uri, [&host](bool opened) {
                if (!opened) show_notice(host, "No installed app opens this page");
            });
        };
    }
    if (host.link && host.link->present()) {
        // The runtime installs: the compositor asks the user through the
        // shell's sheet, which no page can fake or skip. The installer reads
        // the page's manifest (or its title and icons) from the page's URL.
        hooks.add_to_home = [&host](const std::string& uri) {
            host.link->install_app(uri, [&host](const CompositorLink::InstallAnswer& answer) {
                using Result = CompositorLink::InstallAnswer::Result;
                if ((answer.result == Result::failed || answer.result == Result::refused) && !answer.message.empty()) {
                    show_notice(host, answer.message);
                }
            });
        };
    }
    hooks.notice = [&host](const std::string& text) { show_notice(host, text); };
    return std::make_unique<BrowserBar>(host.view, std::move(hooks), host.app.record.theme_color);
}

// The apps catalogue's page: installs go through the compositor's sheet, as
// the browser's do; opening an app is a link to its start page, which the
// compositor routes to the app.
std::unique_ptr<CatalogueBridge> make_catalogue_bridge(Host& host, const std::string& catalogue_url) {
    CatalogueBridge::Hooks hooks;
    hooks.install = [&host](const std::string& url, std::function<void(const CatalogueBridge::InstallOutcome&)> done) {
        host.link->install_app(url, [done = std::move(done)](const CompositorLink::InstallAnswer& answer) {
            using Result = CompositorLink::InstallAnswer::Result;
            static const std::map<Result, std::string> names = {{Result::added, "added"},
                                                                {Result::opened, "opened"},
                                                                {Result::cancelled, "cancelled"},
                                                                {Result::failed, "failed"},
                                                                {Result::refused, "refused"}};
            done({names.at(answer.result), answer.app_id, answer.message});
        });
    };
    hooks.open = [&host](const std::string& start_url) { host.link->open_url(start_url, [](bool) {}); };
    return std::make_unique<CatalogueBridge>(host.view, catalogue_url, host.dirs.data, std::move(hooks), prefix(host));
}

void on_window_realize(GtkWidget* window, gpointer data) {
    const Host& host = *static_cast<const Host*>(data);
    GdkWindow* gdk_window = gtk_widget_get_window(window);
    if (gdk_window && GDK_IS_WAYLAND_WINDOW(gdk_window)) {
        gdk_wayland_window_set_application_id(gdk_window, host.options.app_id.c_str());
    }
}

void on_window_map(GtkWidget* window, gpointer data) {
    // The xdg_toplevel exists only once mapped; g_set_prgname() already named
    // it, this makes sure.
    on_window_realize(window, data);
}

void on_window_destroy(GtkWidget*, gpointer data) {
    static_cast<Host*>(data)->presence.reset();  // it watches the view, which goes with the window
    static_cast<Host*>(data)->window = nullptr;
    if (gtk_main_level() > 0) gtk_main_quit();
}

gboolean on_terminate_signal(gpointer) {
    if (gtk_main_level() > 0) gtk_main_quit();
    return G_SOURCE_REMOVE;
}

// SIGUSR2 (SIGUSR1 is JavaScriptCore's, for its garbage collector's thread
// suspension): `cirrus dev` saw the app's files change. The page loads again from
// them (no cache); its storage is the same web context's, so it is kept.
// A hosted app's document came through the offline cache (shown with its
// http(s) address): it is opened through the cache again, so that a reload
// under `cirrus dev --network offline` gets the stored copy, as a launch
// would, rather than WebKit's own fetch failing on the dead link.
gboolean on_reload_signal(gpointer data) {
    Host& host = *static_cast<Host*>(data);
    if (!host.view) return G_SOURCE_CONTINUE;
    const gchar* uri = webkit_web_view_get_uri(host.view);
    const std::string_view address = uri ? uri : "";
    const bool through_cache = host.offline && !(host.workers && host.workers->worker_mode()) &&
                               (address.starts_with("http://") || address.starts_with("https://"));
    if (through_cache) load_page(host, std::string(address));
    else webkit_web_view_reload_bypass_cache(host.view);
    return G_SOURCE_CONTINUE;
}

// A remembered notifications answer is the page's Notification.permission
// from its first line of script (WebKit only asks about origins it was not
// told of, and a page may not ask without a user gesture).
void initialize_notification_permission(const Host& host, WebKitWebContext* context) {
    std::optional<launcher::PermissionState> state;
    try {
        state = launcher::Registry::open(launcher::default_registry_path())
                    .permission(host.options.app_id, launcher::permission::kNotifications);
    } catch (const std::exception&) {
        return;  // no answer known: WebKit asks through permission-request
    }
    if (!state || *state == launcher::PermissionState::ask) return;
    WebKitSecurityOrigin* origin = webkit_security_origin_new_for_uri(host.app.record.start_url.c_str());
    GList* origins = g_list_append(nullptr, origin);
    const bool granted = *state == launcher::PermissionState::granted;
    webkit_web_context_initialize_notification_permissions(context, granted ? origins : nullptr,
                                                           granted ? nullptr : origins);
    g_list_free(origins);
    webkit_security_origin_unref(origin);
}

// WebKit binds the folder of GStreamer's registry file into every web
// process's sandbox, read-write. Unset, the registry is
// $XDG_CACHE_HOME/gstreamer-1.0, and "its folder" is the whole cache home:
// every app's HTTP cache, CacheStorage and HSTS store. The app's own
// registry file, in a folder of its own in the app's cache folder, keeps
// that bind to the one folder. Set before WebKit starts a web process (the
// first load); a standby host has the variable already (wait_as_standby),
// so that setting it here does not grow the environment under WebKit's
// threads.
void confine_gstreamer_registry(const Host& host, const AppDataDirs& dirs) {
    const std::filesystem::path folder = dirs.cache / "gstreamer-1.0";
    if (g_mkdir_with_parents(folder.c_str(), 0700) != 0) {
        std::fprintf(stderr, "%scannot create %s; media plugins will be looked up on every start\n",
                     prefix(host).c_str(), folder.c_str());
    }
    g_setenv("GST_REGISTRY", (folder / "registry.bin").c_str(), TRUE);
}

// WebKit binds the fontconfig folder of the cache home (GLib's
// g_get_user_cache_dir(), read once per process) into every web process's
// sandbox, read-write, when it exists: $XDG_CACHE_HOME/fontconfig, the font
// cache the shell and every app read, so one app's page could rewrite what
// all the others load. From the moment the host knows its app, its cache
// home is the app's own cache folder: WebKit then binds the app's own
// font cache (made here, so that fontconfig can keep what it builds), and
// the web process's fontconfig, which inherits the variable, writes there.
// The system's caches (/var/cache/fontconfig) stay read-only. A standby host
// reaches this after it is named: GLib has not read the variable by then
// (nothing before the app's context asks for the cache home), and the
// variable exists since its start (main), so this replaces it in place.
void confine_cache_home(Host& host) {
    host.dirs = app_data_dirs(host.options.app_id);
    const std::filesystem::path fonts = host.dirs.cache / "fontconfig";
    if (g_mkdir_with_parents(fonts.c_str(), 0700) != 0) {
        std::fprintf(stderr, "%scannot create %s; the app's fonts will be looked up on every start\n",
                     prefix(host).c_str(), fonts.c_str());
    }
    g_setenv("XDG_CACHE_HOME", host.dirs.cache.c_str(), TRUE);
    if (std::filesystem::path(g_get_user_cache_dir()) != host.dirs.cache) {
        std::fprintf(stderr,
                     "%sthe cache home was read before the app was known (%s): the web process will see that "
                     "folder's font cache, shared with other apps\n",
                     prefix(host).c_str(), g_get_user_cache_dir());
    }
}

WebKitWebContext* make_context(Host& host) {
    const AppDataDirs& dirs = host.dirs;
    for (const auto& dir : {dirs.data, dirs.cache}) {
        if (g_mkdir_with_parents(dir.c_str(), 0700) != 0) {
            std::fprintf(stderr, "%scannot create %s; the app's data will not be kept\n", prefix(host).c_str(),
                         dir.c_str());
        }
    }
    confine_gstreamer_registry(host, dirs);
    // One data manager per app: two apps from the same origin share nothing
    // (localStorage, IndexedDB, cookies, caches).
    WebKitWebsiteDataManager* manager = webkit_website_data_manager_new(
        "base-data-directory", dirs.data.c_str(), "base-cache-directory", dirs.cache.c_str(), nullptr);
    if (!host.options.proxy.empty()) {
        // `cirrus dev --network`: the page's own requests (WebKit's network
        // process) cross the weak link too, not only the offline cache's.
        WebKitNetworkProxySettings* proxy = webkit_network_proxy_settings_new(host.options.proxy.c_str(), nullptr);
        webkit_website_data_manager_set_network_proxy_settings(manager, WEBKIT_NETWORK_PROXY_MODE_CUSTOM, proxy);
        webkit_network_proxy_settings_free(proxy);
        std::fprintf(stderr, "%sall traffic through the proxy %s\n", prefix(host).c_str(), host.options.proxy.c_str());
    }
    // The memory-pressure settings can only be given when the context is
    // made (a construct-only property).
    WebKitWebContext* context =
        host.web_memory ? WEBKIT_WEB_CONTEXT(g_object_new(WEBKIT_TYPE_WEB_CONTEXT, "website-data-manager", manager,
                                                          "memory-pressure-settings", host.web_memory, nullptr))
                        : webkit_web_context_new_with_website_data_manager(manager);
    g_object_unref(manager);
    webkit_web_context_set_cache_model(context, WEBKIT_CACHE_MODEL_DOCUMENT_VIEWER);
    // WebKitGTK keeps cookies in memory unless told where to store them: an
    // app's login must survive its host being stopped, like its localStorage.
    const std::string cookies = (dirs.data / "cookies.sqlite").string();
    webkit_cookie_manager_set_persistent_storage(
        webkit_website_data_manager_get_cookie_manager(webkit_web_context_get_website_data_manager(context)),
        cookies.c_str(), WEBKIT_COOKIE_PERSISTENT_STORAGE_SQLITE);

    // The WebKit sandbox needs bubblewrap; without it the web process would
    // not start at all.
    if (gchar* bwrap = g_find_program_in_path("bwrap")) {
        webkit_web_context_set_sandbox_enabled(context, TRUE);
        g_free(bwrap);
    } else {
        std::fprintf(stderr, "%sbubblewrap (bwrap) is missing: running the web process without its sandbox\n",
                     prefix(host).c_str());
    }

    const std::string package_scheme(cirrus::kPackageScheme);
    webkit_web_context_register_uri_scheme(context, package_scheme.c_str(), serve_app_scheme, &host, nullptr);
    WebKitSecurityManager* security = webkit_web_context_get_security_manager(context);
    webkit_security_manager_register_uri_scheme_as_secure(security, package_scheme.c_str());
    webkit_security_manager_register_uri_scheme_as_cors_enabled(security, package_scheme.c_str());
    initialize_notification_permission(host, context);
    host.offline = OfflineCache::for_app(host.options.app_id, host.app.record.start_url,
                                         stored_write_endpoints(host.app.record.manifest_json));
    if (host.offline) {
        host.workers = std::make_unique<ServiceWorkerWatch>(
            dirs.data, http_origin(host.app.record.start_url).value_or(""), host.app.record.start_url, prefix(host));
        const bool worker_mode = host.workers->worker_mode();
        host.offline->attach(context, rewrite_requests(worker_mode), host.options.proxy);
        if (worker_mode && !stored_write_endpoints(host.app.record.manifest_json).empty()) {
            std::fprintf(stderr,
                         "%sits writes go to its service worker: the manifest's cirrus_offline.write_endpoints are "
                         "not queued while it has one (writes queued before are still sent)\n",
                         prefix(host).c_str());
        }
    }
    return context;
}

WebKitWebView* make_view(Host& host, WebKitWebContext* context) {
    WebKitSettings* settings = webkit_settings_new();
    // No GPU on the reference phones: never composite with GL.
    webkit_settings_set_hardware_acceleration_policy(settings, WEBKIT_HARDWARE_ACCELERATION_POLICY_NEVER);
    webkit_settings_set_enable_back_forward_navigation_gestures(settings, FALSE);
    webkit_settings_set_enable_smooth_scrolling(settings, FALSE);
    webkit_settings_set_enable_developer_extras(settings, host.options.inspector);
    // getUserMedia exists so that its permission request reaches the policy.
    webkit_settings_set_enable_media_stream(settings, TRUE);
    // window.open() never opens a second window here (within the scope it
    // loads in this one, otherwise it is refused: see on_create), so the
    // popup blocker has nothing to guard; without this, window.open() from
    // a script without a user gesture would not reach the scope policy.
    webkit_settings_set_javascript_can_open_windows_automatically(settings, TRUE);

    WebKitUserContentManager* content = webkit_user_content_manager_new();
    ShellPresence::add_first_frame_script(content);
    if (host.workers) host.workers->watch(content);
    add_focused_field_script(content);
    const auto& link = host.link->link_state();
    host.online =
        std::make_unique<OnlineState>(content, !link || link->link != CompositorLink::LinkState::Class::offline);
    if (host.options.inspector || host.options.console) {
        enable_request_log(host.options.app_id);
        g_signal_connect(content, "script-message-received::cirrusConsole", G_CALLBACK(on_console_message), &host);
        webkit_user_content_manager_register_script_message_handler(content, "cirrusConsole");
        WebKitUserScript* script =
            webkit_user_script_new(kConsoleScript, WEBKIT_USER_CONTENT_INJECT_ALL_FRAMES,
                                   WEBKIT_USER_SCRIPT_INJECT_AT_DOCUMENT_START, nullptr, nullptr);
        webkit_user_content_manager_add_script(content, script);
        webkit_user_script_unref(script);
    }

    GtkWidget* view = GTK_WIDGET(g_object_new(WEBKIT_TYPE_WEB_VIEW, "web-context", context, "settings", settings,
                                              "user-content-manager", content, nullptr));
    g_object_unref(settings);
    g_object_unref(content);

    // Paint the app's background colour until its page does.
    if (host.app.record.background_color) {
        GdkRGBA rgba;
        if (gdk_rgba_parse(&rgba, host.app.record.background_color->c_str())) {
            rgba.alpha = 1.0;
            webkit_web_view_set_background_color(WEBKIT_WEB_VIEW(view), &rgba);
        }
    }
    return WEBKIT_WEB_VIEW(view);
}

void build_window(Host& host, WebKitWebContext* context) {
    host.window = gtk_window_new(GTK_WINDOW_TOPLEVEL);
    GtkWindow* window = GTK_WINDOW(host.window);
    gtk_window_set_decorated(window, FALSE);  // no client-side header bar: the shell frames apps
    gtk_window_set_default_size(window, 480, 800);
    gtk_window_set_title(window, protocol_text::bounded(host.app.record.name, protocol_text::kMaxTitleBytes).c_str());
    g_signal_connect(host.window, "realize", G_CALLBACK(on_window_realize), &host);
    g_signal_connect(host.window, "map", G_CALLBACK(on_window_map), &host);
    g_signal_connect(host.window, "destroy", G_CALLBACK(on_window_destroy), &host);

    host.link = std::make_unique<CompositorLink>();
    host.view = make_view(host, context);
    host.link->on_link_state = [&host](const CompositorLink::LinkState& state) {
        const bool offline = state.link == CompositorLink::LinkState::Class::offline;
        if (host.online) host.online->set_online(host.view, !offline);
        // The link's return replays the app's queued writes.
        if (host.offline && host.offline->writes()) host.offline->writes()->link_changed(offline);
    };
    if (host.offline) host.offline->set_link(host.link.get());
    if (host.workers) {
        host.workers->on_mode_changed = [&host](bool worker_mode) {
            if (host.offline) host.offline->set_rewriting(host.view, rewrite_requests(worker_mode));
        };
    }
    if (WriteReplay* writes = host.offline ? host.offline->writes() : nullptr) {
        writes->attach_view(host.view);  // its pages hear what became of queued writes
        const auto& state = host.link->link_state();
        writes->link_changed(state && state->link == CompositorLink::LinkState::Class::offline);
    }
    host.link->on_open_url = [&host](const std::string& url) { show_url(host, url); };
    host.lifecycle = std::make_unique<PageLifecycle>(host.view, webkit_web_view_get_user_content_manager(host.view),
                                                     host.dirs.data / "discarded", prefix(host));
    host.link->on_freeze = [&host] { host.lifecycle->freeze(); };
    host.link->on_resume = [&host] { host.lifecycle->resume(); };
    // Discarded: the page's state is saved, then the host ends as if closed.
    host.link->on_discard = [&host] { host.lifecycle->discard([] { gtk_main_quit(); }); };
    host.network = std::make_unique<NetworkProcessWatch>([&host](pid_t pid) { on_network_process_ended(host, pid); });
    host.presence = std::make_unique<ShellPresence>(*host.link, host.window, host.view);
    follow_input_mode(host.view);
    g_signal_connect(host.view, "notify::title", G_CALLBACK(on_title_changed), &host);
    g_signal_connect(host.view, "load-changed", G_CALLBACK(on_load_changed), &host);
    g_signal_connect(host.view, "web-process-terminated", G_CALLBACK(on_web_process_terminated), &host);
    g_signal_connect(host.view, "decide-policy", G_CALLBACK(on_decide_policy), &host);
    g_signal_connect(host.view, "load-failed", G_CALLBACK(on_load_failed), &host);
    g_signal_connect(host.view, "create", G_CALLBACK(on_create), &host);
    g_signal_connect(host.view, "permission-request", G_CALLBACK(on_permission_request), &host);
    g_signal_connect(host.view, "notify::is-web-process-responsive", G_CALLBACK(on_responsive_changed), &host);

    GtkWidget* box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
    if (const auto& catalogue = host.link->catalogue_role())
        host.catalogue = make_catalogue_bridge(host, catalogue->url);
    if (host.link->settings_role()) host.settings = std::make_unique<SettingsBridge>(host.view, prefix(host));
    // Not for the system browser: its pages are any site, and one answer
    // for "browser" would hand the phone's contacts to all of them. Not for
    // the catalogue and Settings either: each has its own window.cirrus.
    if (!host.catalogue && !host.settings && !host.link->browser_role()) {
        host.personal_data = std::make_unique<PersonalDataBridge>(
            host.view, personal_data_folder(),
            [&host](const std::string& name, std::function<void(const std::string&)> done) {
                gate_personal_data(host, name, std::move(done));
            },
            [&host] { ask_sync_now(host); });
    }
    if (host.link->browser_role()) {
        host.browser_bar = make_browser_bar(host);
        gtk_box_pack_start(GTK_BOX(box), host.browser_bar->widget(), FALSE, FALSE, 0);
    } else if (host.app.display == DisplayMode::minimal_ui || host.app.display == DisplayMode::browser) {
        gtk_box_pack_start(GTK_BOX(box), make_minimal_bar(host.view, host.app.record.theme_color), FALSE, FALSE, 0);
    }
    // The refusal message floats over the bottom of the page.
    GtkWidget* overlay = gtk_overlay_new();
    gtk_container_add(GTK_CONTAINER(overlay), GTK_WIDGET(host.view));
    gtk_overlay_add_overlay(GTK_OVERLAY(overlay), make_notice(host));
    if (host.browser_bar) gtk_overlay_add_overlay(GTK_OVERLAY(overlay), host.browser_bar->menu());
    gtk_box_pack_start(GTK_BOX(box), overlay, TRUE, TRUE, 0);
    host.hang_bar = make_hang_bar(host);
    gtk_box_pack_end(GTK_BOX(box), host.hang_bar, FALSE, FALSE, 0);
    gtk_container_add(GTK_CONTAINER(host.window), box);
    // The page has the keyboard from the start, not the browser's address
    // field (GTK's default focus: the first widget that takes it), which
    // would bring the on-screen keyboard up over a page nobody touched.
    gtk_widget_grab_focus(GTK_WIDGET(host.view));
    if (host.app.display == DisplayMode::fullscreen) gtk_window_fullscreen(window);
}

// Without a session bus (the compositor gives hosts none), nothing may wait
// for one: no accessibility bridge, no dconf, no gvfs. Values already set
// (a developer's own session) are kept.
void quiet_session_services() {
    g_setenv("NO_AT_BRIDGE", "1", FALSE);
    g_setenv("GTK_A11Y", "none", FALSE);
    g_setenv("GSETTINGS_BACKEND", "memory", FALSE);
    g_setenv("GIO_USE_VFS", "local", FALSE);
    g_setenv("GTK_OVERLAY_SCROLLING", "1", FALSE);
}

// Pages are never composited with GL (make_view): without this WebKit still
// opens an EGL display in every host, and on a phone with no GPU driver Mesa
// answers with llvmpipe, which maps libLLVM: 15 MiB of dirty memory and
// 45 MiB of page cache per host, for nothing (measured on a standby host).
void no_gl_display() { g_setenv("WEBKIT_DISABLE_COMPOSITING_MODE", "1", FALSE); }

// The profile's memory-pressure settings ([apps] web_memory_limit, passed as
// CIRRUS_WEB_MEMORY: common/web_memory.hpp). The network process's must be
// set before WebKit makes any data manager (a standby host's warm-up makes
// one), the web process's go to the app's context (make_context). Above a
// third of the limit WebKit frees caches, above half it collects garbage
// harder; there is no kill threshold, so the front app's page is never
// ended by it (were it ended, on_web_process_terminated reloads the page,
// but what the user typed would be gone).
void use_web_memory_settings(Host& host) {
    const char* value = g_getenv(std::string(cirrus::kWebMemoryVariable).c_str());
    if (!value) return;
    const auto settings = cirrus::parse_web_memory(value);
    if (!settings) {
        std::fprintf(stderr,
                     "cirrus-webapp-host: ignoring %s=%s (expected LIMIT_MIB,POLL_MS, e.g. 160,2000, as the "
                     "compositor sets from [apps] web_memory_limit); WebKit keeps its own memory settings\n",
                     std::string(cirrus::kWebMemoryVariable).c_str(), value);
        return;
    }
    host.web_memory = webkit_memory_pressure_settings_new();
    webkit_memory_pressure_settings_set_memory_limit(host.web_memory, settings->limit_mib);
    webkit_memory_pressure_settings_set_poll_interval(host.web_memory, settings->poll_ms / 1000.0);
    webkit_website_data_manager_set_memory_pressure_settings(host.web_memory);
}

// What every app needs and none decides: the display connection and GTK.
bool start_toolkit(int& argc, char**& argv) {
    quiet_session_services();
    no_gl_display();
    if (!gtk_init_check(&argc, &argv)) {
        std::fprintf(stderr, "cirrus-webapp-host: cannot open a display (is WAYLAND_DISPLAY set?)\n");
        return false;
    }
    trace_startup("display");
    return true;
}

// Opens host.app: the one path for "open app X", taken by `--app X` and by
// a standby host once the compositor has named X. Everything the app decides
// (its data folders, app:// files, settings, name) is applied here, after the
// id is known, never before.
int run_app(Host& host) {
    // The web process inherits it. In a standby host WebKit's threads run
    // already: the variable exists since before they started (see
    // wait_as_standby), so this replaces its value in place rather than
    // growing the environment.
    if (host.options.no_jit) g_setenv("JSC_useJIT", "0", TRUE);
    // The Wayland app_id: GTK3 names the xdg_toplevel after the program.
    g_set_prgname(host.options.app_id.c_str());
    g_set_application_name(host.app.record.name.c_str());
    g_unix_signal_add(SIGTERM, on_terminate_signal, nullptr);
    g_unix_signal_add(SIGINT, on_terminate_signal, nullptr);
    g_unix_signal_add(SIGUSR2, on_reload_signal, &host);

    confine_cache_home(host);
    publish_inspector_server(host.options.app_id);
    WebKitWebContext* context = make_context(host);
    trace_startup("context");
    trace_web_process_start(context);
    build_window(host, context);
    trace_first_load(host.view);
    // A launch for a link opens at that link, if the app may show it.
    const std::string link = host.link->take_launch_url();
    const bool at_link = !link.empty() && may_show(host, link);
    // A discarded app comes back where the user left it (page_lifecycle.hpp).
    if (at_link || !host.lifecycle->restore()) load_page(host, at_link ? link : host.app.record.start_url);
    gtk_widget_show_all(host.window);
    trace_startup("shown");
    // Writes an earlier run (or a killed host) left are replayed from the
    // main loop on.
    if (host.offline && host.offline->writes()) host.offline->writes()->start();
    gtk_main();

    host.lifecycle.reset();
    host.network.reset();  // its end now is the host's own
    host.presence.reset();
    if (host.window) gtk_widget_destroy(host.window);
    host.workers.reset();
    host.offline.reset();
    host.online.reset();
    host.link.reset();
    g_object_unref(context);
    if (host.web_memory) webkit_memory_pressure_settings_free(host.web_memory);  // WebKit kept copies
    return 0;
}

// --standby: all that needs no app, then wait for the compositor to name
// it. Fills host.options.app_id, or returns the exit code.
std::optional<int> wait_as_standby(Host& host, int& argc, char**& argv) {
    const int fd = host.options.standby_fd;
    // Not for WebKit's children (GLib closes stray descriptors in them too).
    if (fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
        std::fprintf(stderr, "cirrus-webapp-host: --standby-fd %d is not open (the compositor passes it)\n", fd);
        return kExitUsage;
    }
    // An app may need JSC_useJIT=0, known only later. Setting a variable
    // that does not exist yet would grow the environment while WebKit's
    // threads may read it; so it exists from now on (1 is JSC's default).
    g_setenv("JSC_useJIT", host.options.no_jit ? "0" : "1", FALSE);
    // The same for GST_REGISTRY (confine_gstreamer_registry), whose value
    // until then no web process uses: none starts before the app is named.
    g_setenv("GST_REGISTRY", "/dev/null", TRUE);
    if (!start_toolkit(argc, argv)) return kExitNoDisplay;
    warm_up_webkit();
    trace_startup("warm");
    StandbyWait named = wait_for_app(fd);
    if (!named.app_id) {
        if (!named.message.empty()) std::fprintf(stderr, "cirrus-webapp-host (standby): %s\n", named.message.c_str());
        return named.exit_code;
    }
    trace_startup("named");
    host.options.app_id = *named.app_id;
    return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
    trace_startup("main");
    const ParsedOptions parsed = parse_options(std::vector<std::string>(argv + 1, argv + argc));
    if (parsed.error) {
        std::fprintf(stderr, "cirrus-webapp-host: %s\n%s", parsed.error->c_str(), usage_text().c_str());
        return kExitUsage;
    }
    if (parsed.options.help) {
        std::printf("%s", usage_text().c_str());
        return 0;
    }

    static Host host;  // outlives every callback
    host.options = parsed.options;
    // The cache home becomes the app's own once it is known
    // (confine_cache_home); the variable exists from here on, before any
    // thread, so that changing it later replaces it in place.
    try {
        g_setenv("XDG_CACHE_HOME", launcher::cache_home().c_str(), FALSE);
    } catch (const std::exception&) {
        // No home: GLib has no cache home either, and the app fails later.
    }
    use_web_memory_settings(host);
    prepare_inspector_server();  // before WebKit's first context, standby or not
    if (host.options.standby) {
        if (const auto exit_code = wait_as_standby(host, argc, argv)) return *exit_code;
    }
    // An unknown app fails here, before a display is needed (--app).
    const LoadResult loaded = load_app(launcher::default_registry_path(), host.options.app_id);
    if (!loaded.app) {
        std::fprintf(stderr, "cirrus-webapp-host: %s\n", loaded.message.c_str());
        return loaded.exit_code;
    }
    host.app = *loaded.app;
    if (!host.options.standby && !start_toolkit(argc, argv)) return kExitNoDisplay;
    return run_app(host);
}
