#include "worker_routing.hpp"

#include <nlohmann/json.hpp>

#include "common/url.hpp"

namespace cirrus::webapp {

namespace {

// A URL of the app's own origin: "http://host:port" followed by '/'.
bool of_origin(std::string_view url, std::string_view origin) {
    return !origin.empty() && url.size() > origin.size() && url.starts_with(origin) && url[origin.size()] == '/';
}

bool is_active(std::string_view state) { return state == "activating" || state == "activated"; }

}  // namespace

std::optional<WorkerReport> parse_worker_report(std::string_view json_text) {
    if (json_text.size() > kMaxWorkerReportBytes) return std::nullopt;
    const nlohmann::json j = nlohmann::json::parse(json_text, nullptr, false);
    if (!j.is_object()) return std::nullopt;
    const auto text = [&j](const char* key) -> std::optional<std::string> {
        const auto it = j.find(key);
        if (it == j.end()) return std::string();
        if (!it->is_string()) return std::nullopt;
        const std::string value = it->get<std::string>();
        if (value.size() > offline::kMaxWorkerUrlBytes) return std::nullopt;
        return value;
    };
    const auto flag = [&j](const char* key) -> std::optional<bool> {
        const auto it = j.find(key);
        if (it == j.end() || !it->is_boolean()) return std::nullopt;
        return it->get<bool>();
    };
    const auto registered = flag("registered");
    const auto controlled = flag("controlled");
    const auto scope = text("scope");
    const auto script = text("script");
    const auto state = text("state");
    if (!registered || !controlled || !scope || !script || !state) return std::nullopt;
    return WorkerReport{*registered, *scope, *script, *state, *controlled};
}

LaunchPath launch_path(const std::optional<offline::ServiceWorkerRecord>& record, std::string_view url) {
    if (record && launcher::is_within_scope(url, record->scope)) return LaunchPath::webkit_navigation;
    return LaunchPath::cirrus_document;
}

RecordChange apply_report(const std::optional<offline::ServiceWorkerRecord>& current, const WorkerReport& report,
                          std::string_view origin, std::string_view start_url, std::int64_t now_ms) {
    RecordChange change;
    if (!report.registered) {
        // No worker for this page. Only a page the recorded scope holds
        // speaks for it: the start page does (the record's scope holds it).
        if (current) {
            change.kind = RecordChange::Kind::erase;
            change.why = "no service worker is registered for the app's pages any more";
        }
        return change;
    }
    if (!of_origin(report.scope, origin) || !launcher::is_within_scope(start_url, report.scope)) return change;
    if (!is_active(report.active_state) || !of_origin(report.active_script, origin)) return change;
    offline::ServiceWorkerRecord record{report.scope, report.active_script, now_ms};
    if (current && current->scope == record.scope && current->script_url == record.script_url) {
        return change;  // known: not written again on every page
    }
    change.kind = RecordChange::Kind::write;
    change.record = record;
    change.why = "its service worker " + record.script_url + " is active for " + record.scope;
    return change;
}

bool rewrite_requests(bool worker_mode) { return !worker_mode; }

}  // namespace cirrus::webapp
