#include "service_worker_watch.hpp"

#include <chrono>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "worker_routing.hpp"

namespace cirrus::webapp {

namespace {

// Cirrus's script world: the page's own scripts share none of its objects.
constexpr const char* kWorld = "cirrus-service-worker";
constexpr const char* kWorkerHandler = "cirrusServiceWorker";

// Reports getRegistration(start URL) and whether a worker controls this
// page, after the page's load and at each change, when it changed.
std::string script_for(const std::string& start_url) {
    return "(() => {\n  const startUrl = " + nlohmann::json(start_url).dump() + R"(;
  const handlers = window.webkit && window.webkit.messageHandlers;
  const sink = handlers && handlers.cirrusServiceWorker;
  const container = navigator.serviceWorker;
  if (!sink || !container) return;
  let last = '';
  const report = () => {
    container.getRegistration(startUrl).then((registration) => {
      const active = registration && registration.active;
      const text = JSON.stringify({
        registered: !!registration,
        scope: registration ? registration.scope : '',
        script: active ? active.scriptURL : '',
        state: active ? active.state : '',
        controlled: !!container.controller,
      });
      if (text === last) return;
      last = text;
      sink.postMessage(text);
    }, () => {});
  };
  window.addEventListener('load', report);
  container.ready.then((registration) => {
    report();
    if (registration.active) registration.active.addEventListener('statechange', report);
  }, () => {});
  container.addEventListener('controllerchange', report);
})();
)";
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

ServiceWorkerWatch::ServiceWorkerWatch(std::filesystem::path app_data_dir, std::string origin, std::string start_url,
                                       std::string log_prefix)
    : app_data_dir_(std::move(app_data_dir)),
      origin_(std::move(origin)),
      start_url_(std::move(start_url)),
      prefix_(std::move(log_prefix)),
      record_(offline::read_service_worker_record(app_data_dir_)) {
    worker_mode_ = launch_path(record_, start_url_) == LaunchPath::webkit_navigation;
    if (worker_mode_) {
        std::fprintf(stderr, "%sits service worker %s answers (WebKit's navigation, no rewriting)\n", prefix_.c_str(),
                     record_->script_url.c_str());
        std::fflush(stderr);
    }
}

ServiceWorkerWatch::~ServiceWorkerWatch() {
    if (!content_) return;
    if (handler_) g_signal_handler_disconnect(content_, handler_);
    webkit_user_content_manager_unregister_script_message_handler_in_world(content_, kWorkerHandler, kWorld);
    g_object_unref(content_);
}

void ServiceWorkerWatch::watch(WebKitUserContentManager* content) {
    if (content_) return;
    content_ = WEBKIT_USER_CONTENT_MANAGER(g_object_ref(content));
    handler_ = g_signal_connect(content, "script-message-received::cirrusServiceWorker", G_CALLBACK(on_message), this);
    webkit_user_content_manager_register_script_message_handler_in_world(content, kWorkerHandler, kWorld);
    WebKitUserScript* script =
        webkit_user_script_new_for_world(script_for(start_url_).c_str(), WEBKIT_USER_CONTENT_INJECT_TOP_FRAME,
                                         WEBKIT_USER_SCRIPT_INJECT_AT_DOCUMENT_START, kWorld, nullptr, nullptr);
    webkit_user_content_manager_add_script(content, script);
    webkit_user_script_unref(script);
}

void ServiceWorkerWatch::on_message(WebKitUserContentManager*, WebKitJavascriptResult* result, gpointer self) {
    JSCValue* value = webkit_javascript_result_get_js_value(result);
    if (!jsc_value_is_string(value)) return;
    gchar* text = jsc_value_to_string(value);
    if (!text) return;
    const std::string message(text);
    g_free(text);
    try {
        static_cast<ServiceWorkerWatch*>(self)->handle(message);
    } catch (const std::exception& e) {  // a GLib callback: nothing may leave
        std::fprintf(stderr, "cirrus-webapp-host: service worker report: %s\n", e.what());
    }
}

void ServiceWorkerWatch::handle(const std::string& text) {
    const auto report = parse_worker_report(text);
    if (!report) return;
    const RecordChange change = apply_report(record_, *report, origin_, start_url_, now_ms());
    if (change.kind == RecordChange::Kind::write) {
        std::string error;
        if (offline::write_service_worker_record(app_data_dir_, change.record, &error)) {
            record_ = change.record;
            std::fprintf(stderr, "%s%s: later launches go to it\n", prefix_.c_str(), change.why.c_str());
        } else {
            std::fprintf(stderr, "%scannot record its service worker (%s): launches keep Cirrus's path\n",
                         prefix_.c_str(), error.c_str());
        }
        std::fflush(stderr);
    } else if (change.kind == RecordChange::Kind::erase) {
        offline::remove_service_worker_record(app_data_dir_);
        record_.reset();
        std::fprintf(stderr, "%s%s: back to Cirrus's offline store\n", prefix_.c_str(), change.why.c_str());
        std::fflush(stderr);
        set_mode(false, change.why);
        return;
    }
    if (report->controlled && record_ && !worker_mode_) set_mode(true, "its service worker controls the page");
}

void ServiceWorkerWatch::set_mode(bool worker_mode, const std::string& why) {
    if (worker_mode == worker_mode_) return;
    worker_mode_ = worker_mode;
    std::fprintf(stderr, "%s%s: %s\n", prefix_.c_str(), why.c_str(),
                 worker_mode ? "its requests go to the worker" : "its requests go through Cirrus's store");
    std::fflush(stderr);
    if (on_mode_changed) on_mode_changed(worker_mode);
}

}  // namespace cirrus::webapp
