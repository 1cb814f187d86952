#include "online_state.hpp"

#include <string>

namespace cirrus::webapp {

namespace {

// In the page's own world (navigator is the page's). The setter is a
// property only the host calls; a page that calls it only lies to itself.
std::string script_for(bool online) {
    return std::string(R"((() => {
  let online = )") +
           (online ? "true" : "false") + R"(;
  Object.defineProperty(Navigator.prototype, 'onLine', { get() { return online; }, configurable: true });
  Object.defineProperty(window, '__cirrusSetOnline', { value(next) {
    if (next === online) return;
    online = next;
    window.dispatchEvent(new Event(next ? 'online' : 'offline'));
  } });
})();)";
}

}  // namespace

OnlineState::OnlineState(WebKitUserContentManager* content, bool online)
    : content_(WEBKIT_USER_CONTENT_MANAGER(g_object_ref(content))), online_(online) {
    install_script();
}

OnlineState::~OnlineState() {
    if (script_) webkit_user_script_unref(script_);
    g_object_unref(content_);
}

void OnlineState::install_script() {
    if (script_) {
        webkit_user_content_manager_remove_script(content_, script_);
        webkit_user_script_unref(script_);
    }
    script_ = webkit_user_script_new(script_for(online_).c_str(), WEBKIT_USER_CONTENT_INJECT_ALL_FRAMES,
                                     WEBKIT_USER_SCRIPT_INJECT_AT_DOCUMENT_START, nullptr, nullptr);
    webkit_user_content_manager_add_script(content_, script_);
}

void OnlineState::set_online(WebKitWebView* view, bool online) {
    if (online == online_) return;
    online_ = online;
    install_script();
    const std::string call =
        std::string("window.__cirrusSetOnline && window.__cirrusSetOnline(") + (online ? "true" : "false") + ");";
    webkit_web_view_evaluate_javascript(view, call.c_str(), -1, nullptr, nullptr, nullptr, nullptr, nullptr);
}

}  // namespace cirrus::webapp
