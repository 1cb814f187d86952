#include "catalogue_bridge.hpp"

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <system_error>

#include <nlohmann/json.hpp>

#include "common/registry.hpp"

namespace cirrus::webapp {

namespace {

using nlohmann::json;

constexpr const char* kHandler = "cirrusCatalogue";
constexpr std::size_t kMaxMessageBytes = 8 * 1024;
// A catalogue of a few hundred apps is tens of KiB; more is not a catalogue.
constexpr gsize kMaxCatalogueBytes = 1024 * 1024;
constexpr guint kCatalogueTimeoutSeconds = 20;

// In the page's own world (the catalogue's page calls it), top frame only.
constexpr const char* kScript = R"JS((() => {
  const handler = window.webkit && window.webkit.messageHandlers && window.webkit.messageHandlers.cirrusCatalogue;
  if (!handler) return;
  const call = (message) => handler.postMessage(JSON.stringify(message)).then((text) => {
    const answer = JSON.parse(text);
    if (answer && answer.error) throw new Error(answer.error);
    return answer;
  });
  Object.defineProperty(window, 'cirrus', { value: Object.freeze({
    catalogue: () => call({ op: 'catalogue' }),
    installed: () => call({ op: 'installed' }),
    install: (url) => call({ op: 'install', url: String(url) }),
    open: (id) => call({ op: 'open', id: String(id) }),
  }) });
})();)JS";

json error(const std::string& why) { return json{{"error", why}}; }

}  // namespace

CatalogueBridge::CatalogueBridge(WebKitWebView* view, std::string catalogue_url, std::filesystem::path keep_dir,
                                 Hooks hooks, std::string log_prefix)
    : url_(std::move(catalogue_url)),
      keep_file_(std::move(keep_dir) / "catalogue.json"),
      hooks_(std::move(hooks)),
      prefix_(std::move(log_prefix)),
      session_(soup_session_new_with_options("timeout", kCatalogueTimeoutSeconds, nullptr)),
      cancellable_(g_cancellable_new()),
      page_(view, kHandler, kScript, &handle_message, this) {}

CatalogueBridge::~CatalogueBridge() {
    g_cancellable_cancel(cancellable_);
    g_object_unref(cancellable_);
    g_object_unref(session_);
}

void CatalogueBridge::answer(const std::string& text, Pending pending) { answer_call(text, pending); }

gboolean CatalogueBridge::handle_message(WebKitUserContentManager*, JSCValue* message, WebKitScriptMessageReply* reply,
                                         gpointer data) {
    auto& self = *static_cast<CatalogueBridge*>(data);
    const Pending pending = hold_call(message, reply);
    const std::optional<json> call = parse_call(message, kMaxMessageBytes);
    if (!call) {
        answer(error("a catalogue call is a JSON object with an 'op'").dump(), pending);
        return TRUE;
    }
    const json& request = *call;
    const std::string op = request["op"];
    try {
        if (op == "catalogue") {
            self.fetch_catalogue(pending);
        } else if (op == "installed") {
            json apps = json::array();
            for (const auto& app : launcher::Registry::open(launcher::default_registry_path()).list()) {
                apps.push_back(
                    {{"id", app.id}, {"name", app.name}, {"source", app.source}, {"start_url", app.start_url}});
            }
            answer(apps.dump(-1, ' ', false, json::error_handler_t::replace), pending);
        } else if (op == "install" && request.value("url", json()).is_string() && self.hooks_.install) {
            self.hooks_.install(request["url"], [pending](const InstallOutcome& outcome) {
                answer(json{{"result", outcome.result}, {"app_id", outcome.app_id}, {"message", outcome.message}}.dump(
                           -1, ' ', false, json::error_handler_t::replace),
                       pending);
            });
        } else if (op == "open" && request.value("id", json()).is_string() && self.hooks_.open) {
            const auto app = launcher::Registry::open(launcher::default_registry_path())
                                 .get(request["id"].get_ref<const std::string&>());
            if (app) self.hooks_.open(app->start_url);
            answer(json(app.has_value()).dump(), pending);
        } else {
            answer(error("no catalogue call '" + op.substr(0, 40) + "' with these arguments")
                       .dump(-1, ' ', false, json::error_handler_t::replace),
                   pending);
        }
    } catch (const std::exception& e) {
        answer(error(std::string("the registry cannot be read: ") + e.what()).dump(), pending);
    }
    return TRUE;
}

std::string CatalogueBridge::kept_catalogue(bool stale) const {
    std::ifstream in(keep_file_, std::ios::binary);
    if (!in) return json(nullptr).dump();
    std::ostringstream text;
    text << in.rdbuf();
    return json{{"text", text.str()}, {"url", url_}, {"stale", stale}}.dump(-1, ' ', false,
                                                                            json::error_handler_t::replace);
}

// The document from the maker's server; on any failure the copy kept from
// the last good fetch (stale), else null (the page shows its sample).
void CatalogueBridge::fetch_catalogue(Pending pending) {
    if (url_.empty()) {
        answer(json(nullptr).dump(), pending);
        return;
    }
    SoupMessage* message = soup_message_new("GET", url_.c_str());
    if (!message) {
        answer(kept_catalogue(true), pending);
        return;
    }
    struct Fetch {
        CatalogueBridge* bridge;
        Pending pending;
        SoupMessage* message;
    };
    auto* fetch = new Fetch{this, pending, message};
    soup_session_send_and_read_async(
        session_, message, G_PRIORITY_DEFAULT, cancellable_,
        [](GObject* source, GAsyncResult* result, gpointer data) {
            std::unique_ptr<Fetch> fetch(static_cast<Fetch*>(data));
            GError* failure = nullptr;
            GBytes* body = soup_session_send_and_read_finish(SOUP_SESSION(source), result, &failure);
            const guint status = soup_message_get_status(fetch->message);
            g_object_unref(fetch->message);
            if (failure && g_error_matches(failure, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
                g_error_free(failure);  // the bridge is gone: the page is not answered
                drop_call(fetch->pending);
                if (body) g_bytes_unref(body);
                return;
            }
            CatalogueBridge& self = *fetch->bridge;
            gsize size = 0;
            const char* bytes = body ? static_cast<const char*>(g_bytes_get_data(body, &size)) : nullptr;
            if (failure || status != 200 || !bytes || size > kMaxCatalogueBytes) {
                std::fprintf(stderr, "%sthe catalogue %s: %s; the kept copy is used\n", self.prefix_.c_str(),
                             self.url_.c_str(),
                             failure                     ? failure->message
                             : status != 200             ? ("HTTP " + std::to_string(status)).c_str()
                             : size > kMaxCatalogueBytes ? "larger than 1 MiB"
                                                         : "empty");
                if (failure) g_error_free(failure);
                if (body) g_bytes_unref(body);
                answer(self.kept_catalogue(true), fetch->pending);
                return;
            }
            const std::string text(bytes, size);
            g_bytes_unref(body);
            // Kept whole or not at all: a new file renamed over the old.
            std::error_code ec;
            std::filesystem::create_directories(self.keep_file_.parent_path(), ec);
            const auto partial = self.keep_file_.string() + ".new";
            {
                std::ofstream out(partial, std::ios::binary | std::ios::trunc);
                out << text;
            }
            std::filesystem::rename(partial, self.keep_file_, ec);
            answer(json{{"text", text}, {"url", self.url_}, {"stale", false}}.dump(-1, ' ', false,
                                                                                   json::error_handler_t::replace),
                   fetch->pending);
        },
        fetch);
}

}  // namespace cirrus::webapp
