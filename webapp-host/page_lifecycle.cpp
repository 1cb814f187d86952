#include "page_lifecycle.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <system_error>

#include <nlohmann/json.hpp>

namespace cirrus::webapp {
namespace {

using json = nlohmann::json;

constexpr const char* kSessionFile = "session.bin";
constexpr const char* kPageFile = "page.json";
// What a page's form may put in the saved state: no more than this many
// fields, of at most this many characters each.
constexpr int kMaxFields = 500;
constexpr int kMaxFieldChars = 100000;

constexpr const char* kFreezeScript = R"JS(
(function () {
  if (window.__cirrusFrozen) return;
  window.__cirrusFrozen = true;
  try {
    Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => 'hidden'});
    Object.defineProperty(document, 'hidden', {configurable: true, get: () => true});
  } catch (e) {}
  document.dispatchEvent(new Event('visibilitychange'));
  document.dispatchEvent(new Event('freeze'));
})();
)JS";

constexpr const char* kResumeScript = R"JS(
(function () {
  if (!window.__cirrusFrozen) return;
  delete window.__cirrusFrozen;
  document.dispatchEvent(new Event('resume'));
  delete document.visibilityState;
  delete document.hidden;
  document.dispatchEvent(new Event('visibilitychange'));
})();
)JS";

// Password and file fields are never saved.
const std::string kSaveScript = R"JS(
(function () {
  const fields = [];
  const all = document.querySelectorAll('input, textarea, select');
  for (let i = 0; i < all.length && fields.length < )JS" +
                                std::to_string(kMaxFields) + R"JS(; ++i) {
    const el = all[i];
    const type = (el.type || '').toLowerCase();
    if (type === 'password' || type === 'file' || type === 'hidden') continue;
    const f = {i: i, id: String(el.id || ''), name: String(el.name || '')};
    if (type === 'checkbox' || type === 'radio') f.checked = !!el.checked;
    else f.value = String(el.value).slice(0, )JS" +
                                std::to_string(kMaxFieldChars) + R"JS();
    fields.push(f);
  }
  return JSON.stringify({x: window.scrollX, y: window.scrollY, fields: fields});
})();
)JS";

// The scroll position is applied again until it holds, for 3 s or until the
// user touches the page, as browsers restore it: WebKit's own history
// restore may put the page back at the top after the load (seen under load),
// and a page whose content arrives late is not yet tall enough at first.
constexpr const char* kRestoreScript = R"JS(
(function (s) {
  const all = document.querySelectorAll('input, textarea, select');
  for (const f of s.fields || []) {
    const el = (f.id && document.getElementById(f.id)) || all[f.i];
    if (!el) continue;
    if ('checked' in f) el.checked = !!f.checked;
    else if (typeof f.value === 'string') el.value = f.value;
  }
  const x = Number(s.x) || 0, y = Number(s.y) || 0;
  const inputs = ['touchstart', 'wheel', 'keydown', 'mousedown'];
  let timer = 0;
  const done = () => {
    clearInterval(timer);
    for (const t of inputs) removeEventListener(t, done, true);
  };
  for (const t of inputs) addEventListener(t, done, {capture: true, passive: true});
  const until = Date.now() + 3000;
  const apply = () => {
    if (Math.round(scrollX) !== Math.round(x) || Math.round(scrollY) !== Math.round(y)) window.scrollTo(x, y);
    if (Date.now() >= until) done();
  };
  apply();
  timer = setInterval(apply, 50);
})
)JS";

constexpr const char* kWasDiscardedScript =
    "Object.defineProperty(document, 'wasDiscarded', {configurable: true, get: () => true});";

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

bool write_file_atomically(const std::filesystem::path& path, const void* data, std::size_t size) {
    const std::filesystem::path temp = path.string() + ".new";
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        if (!out) return false;
        out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
        out.flush();
        if (!out) return false;
    }
    std::error_code ec;
    std::filesystem::rename(temp, path, ec);
    return !ec;
}

void run(WebKitWebView* view, const std::string& script) {
    webkit_web_view_evaluate_javascript(view, script.c_str(), -1, nullptr, nullptr, nullptr, nullptr, nullptr);
}

}  // namespace

PageLifecycle::PageLifecycle(WebKitWebView* view, WebKitUserContentManager* content, std::filesystem::path state_dir,
                             std::string log_prefix)
    : view_(view), content_(content), state_dir_(std::move(state_dir)), prefix_(std::move(log_prefix)) {
    g_object_ref(content_);
    load_handler_ = g_signal_connect(view_, "load-changed", G_CALLBACK(&PageLifecycle::on_load_changed), this);
}

PageLifecycle::~PageLifecycle() {
    if (load_handler_) g_signal_handler_disconnect(view_, load_handler_);
    if (was_discarded_) {
        webkit_user_content_manager_remove_script(content_, was_discarded_);
        webkit_user_script_unref(was_discarded_);
    }
    g_object_unref(content_);
}

void PageLifecycle::freeze() { run(view_, kFreezeScript); }

void PageLifecycle::resume() { run(view_, kResumeScript); }

void PageLifecycle::discard(std::function<void()> done) {
    if (discarding_) return;
    discarding_ = true;
    done_ = std::move(done);
    webkit_web_view_evaluate_javascript(
        view_, kSaveScript.c_str(), -1, nullptr, nullptr, nullptr,
        [](GObject* source, GAsyncResult* result, gpointer data) {
            auto* self = static_cast<PageLifecycle*>(data);
            std::string page = "{}";
            GError* error = nullptr;
            if (JSCValue* value = webkit_web_view_evaluate_javascript_finish(WEBKIT_WEB_VIEW(source), result, &error)) {
                if (jsc_value_is_string(value)) {
                    gchar* text = jsc_value_to_string(value);
                    page = text ? text : "{}";
                    g_free(text);
                }
                g_object_unref(value);
            } else {
                // A page that cannot answer still keeps its URL and history.
                std::fprintf(stderr, "%sdiscard: the page's scroll and form state could not be read: %s\n",
                             self->prefix_.c_str(), error ? error->message : "unknown error");
                if (error) g_error_free(error);
            }
            self->write_state(page);
            if (self->done_) self->done_();
        },
        this);
}

void PageLifecycle::write_state(const std::string& page_json) {
    std::error_code ec;
    std::filesystem::create_directories(state_dir_, ec);
    json saved;
    const char* uri = webkit_web_view_get_uri(view_);
    saved["url"] = uri ? uri : "";
    // The page's answer is its own: kept only if it is JSON.
    saved["page"] = json::parse(page_json, nullptr, false);
    if (saved["page"].is_discarded()) saved["page"] = json::object();
    WebKitWebViewSessionState* state = webkit_web_view_get_session_state(view_);
    GBytes* bytes = webkit_web_view_session_state_serialize(state);
    gsize size = 0;
    const void* data = g_bytes_get_data(bytes, &size);
    const bool session_ok = write_file_atomically(state_dir_ / kSessionFile, data, size);
    g_bytes_unref(bytes);
    webkit_web_view_session_state_unref(state);
    const std::string text = saved.dump(-1, ' ', false, json::error_handler_t::replace);
    const bool page_ok = write_file_atomically(state_dir_ / kPageFile, text.data(), text.size());
    std::fprintf(stderr, "%sdiscard: %s (%s)\n", prefix_.c_str(),
                 session_ok && page_ok ? "state saved" : "the state could not be saved", state_dir_.c_str());
    std::fflush(stderr);
}

bool PageLifecycle::restore() {
    const std::filesystem::path page_path = state_dir_ / kPageFile;
    std::error_code ec;
    if (!std::filesystem::exists(page_path, ec)) return false;
    const json saved = json::parse(read_file(page_path), nullptr, false);
    const std::string session = read_file(state_dir_ / kSessionFile);
    // Used once: a crash during the restore must not restore it again.
    std::filesystem::remove_all(state_dir_, ec);
    if (saved.is_discarded() || !saved.is_object() || !saved.value("url", json()).is_string()) return false;
    const std::string url = saved["url"].get<std::string>();
    const json page = saved.value("page", json::object());
    restore_page_ = page.is_object() ? page.dump(-1, ' ', true, json::error_handler_t::replace) : "{}";

    was_discarded_ = webkit_user_script_new(kWasDiscardedScript, WEBKIT_USER_CONTENT_INJECT_TOP_FRAME,
                                            WEBKIT_USER_SCRIPT_INJECT_AT_DOCUMENT_START, nullptr, nullptr);
    webkit_user_content_manager_add_script(content_, was_discarded_);

    bool loaded = false;
    if (!session.empty()) {
        GBytes* bytes = g_bytes_new(session.data(), session.size());
        if (WebKitWebViewSessionState* state = webkit_web_view_session_state_new(bytes)) {
            webkit_web_view_restore_session_state(view_, state);
            webkit_web_view_session_state_unref(state);
            WebKitBackForwardList* list = webkit_web_view_get_back_forward_list(view_);
            if (WebKitBackForwardListItem* current = webkit_back_forward_list_get_current_item(list)) {
                webkit_web_view_go_to_back_forward_list_item(view_, current);
                loaded = true;
            }
        }
        g_bytes_unref(bytes);
    }
    if (!loaded) {
        if (url.empty()) return false;
        webkit_web_view_load_uri(view_, url.c_str());
    }
    std::fprintf(stderr, "%srestoring the discarded page %s\n", prefix_.c_str(), url.c_str());
    std::fflush(stderr);
    return true;
}

void PageLifecycle::on_load_changed(WebKitWebView* view, WebKitLoadEvent event, gpointer data) {
    auto* self = static_cast<PageLifecycle*>(data);
    if (event != WEBKIT_LOAD_FINISHED || !self->was_discarded_) return;
    // Only the restored load sees wasDiscarded.
    webkit_user_content_manager_remove_script(self->content_, self->was_discarded_);
    webkit_user_script_unref(self->was_discarded_);
    self->was_discarded_ = nullptr;
    run(view, std::string(kRestoreScript) + "(" + self->restore_page_ + ");");
    self->restore_page_.clear();
}

}  // namespace cirrus::webapp
