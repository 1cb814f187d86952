// The WebKit glue of worker_routing.hpp: a script in Cirrus's own script
// world (the page can neither see nor imitate its messages) reports what
// navigator.serviceWorker says about the app's start URL; this keeps the
// app's record (common/service_worker_record.hpp) and says when the app
// changes path: worker mode (WebKit's navigation, nothing rewritten, the
// worker answers) or Cirrus's own.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include <webkit2/webkit2.h>

#include "common/service_worker_record.hpp"

namespace cirrus::webapp {

class ServiceWorkerWatch {
public:
    // Reads the app's record: worker_mode() is the path this launch takes.
    ServiceWorkerWatch(std::filesystem::path app_data_dir, std::string origin, std::string start_url,
                       std::string log_prefix);
    ~ServiceWorkerWatch();
    ServiceWorkerWatch(const ServiceWorkerWatch&) = delete;
    ServiceWorkerWatch& operator=(const ServiceWorkerWatch&) = delete;

    // Adds the reporting script and its message handler to the view's content.
    void watch(WebKitUserContentManager* content);

    bool worker_mode() const { return worker_mode_; }
    // Called when worker_mode() changes during the run.
    std::function<void(bool worker_mode)> on_mode_changed;

private:
    static void on_message(WebKitUserContentManager*, WebKitJavascriptResult* result, gpointer self);
    void handle(const std::string& text);
    void set_mode(bool worker_mode, const std::string& why);

    std::filesystem::path app_data_dir_;
    std::string origin_;
    std::string start_url_;
    std::string prefix_;
    std::optional<offline::ServiceWorkerRecord> record_;
    bool worker_mode_ = false;
    WebKitUserContentManager* content_ = nullptr;
    gulong handler_ = 0;
};

}  // namespace cirrus::webapp
