// The page's side of the app lifecycle (compositor/lifecycle.hpp): what the
// page hears before its host is stopped and after it runs again, what is
// saved when the app is discarded, and the restore of it at the next launch.
//
// WebKitGTK 2.50 has no Page Lifecycle API (no freeze/resume events, no
// document.wasDiscarded), and under this compositor the page gets no
// visibilitychange either: a window put away stays mapped (wlroots 0.15 has
// no xdg_toplevel "suspended" state), so GTK and WebKit still think it is
// visible. The host therefore dispatches them itself with
// webkit_web_view_evaluate_javascript: before a freeze, document.hidden and
// visibilityState read "hidden" and visibilitychange then freeze fire on the
// document; after it, resume then visibilitychange (visible again). A
// restored page sees document.wasDiscarded === true through a user script
// run at document start of that one load.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include <webkit2/webkit2.h>

namespace cirrus::webapp {

class PageLifecycle {
public:
    // `state_dir`: the app's data folder's "discarded" folder (it survives a
    // reboot), where a discard writes and a launch looks.
    PageLifecycle(WebKitWebView* view, WebKitUserContentManager* content, std::filesystem::path state_dir,
                  std::string log_prefix);
    ~PageLifecycle();
    PageLifecycle(const PageLifecycle&) = delete;
    PageLifecycle& operator=(const PageLifecycle&) = delete;

    void freeze();
    void resume();
    // Saves the URL, the back/forward list (WebKit's serialized session
    // state), the scroll position and form contents, then calls `done` (the
    // host exits). Asked once; later calls do nothing.
    void discard(std::function<void()> done);
    // A saved state: restores the back/forward list and loads its current
    // page, with the scroll position and form contents once it has loaded.
    // False when there is none (then the host loads its start page). The
    // state is used once.
    bool restore();

private:
    static void on_load_changed(WebKitWebView* view, WebKitLoadEvent event, gpointer self);
    void write_state(const std::string& page_json);

    WebKitWebView* view_;
    WebKitUserContentManager* content_;
    std::filesystem::path state_dir_;
    std::string prefix_;
    std::function<void()> done_;
    bool discarding_ = false;
    std::string restore_page_;  // the saved page state (JSON), until the restored page loaded
    WebKitUserScript* was_discarded_ = nullptr;
    gulong load_handler_ = 0;
};

}  // namespace cirrus::webapp
