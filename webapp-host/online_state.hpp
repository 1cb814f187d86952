// navigator.onLine, and the window's online/offline events, follow the
// compositor's link estimate (cirrus_app_v1.link_state), so that a page sees
// the same state the status bar shows, and sees "offline" when the phone has
// a route but nothing gets through, which WebKit's own check (is there a
// route?) cannot tell. Pages without the compositor keep WebKit's value.
#pragma once

#include <webkit2/webkit2.h>

namespace cirrus::webapp {

class OnlineState {
public:
    // Adds the document-start script to `content`; `online` is the state
    // new documents start with.
    OnlineState(WebKitUserContentManager* content, bool online);
    ~OnlineState();
    OnlineState(const OnlineState&) = delete;
    OnlineState& operator=(const OnlineState&) = delete;

    // Tells the page in `view` (events fire only on a change) and every
    // later document.
    void set_online(WebKitWebView* view, bool online);
    bool online() const { return online_; }

private:
    void install_script();

    WebKitUserContentManager* content_;
    WebKitUserScript* script_ = nullptr;
    bool online_;
};

}  // namespace cirrus::webapp
