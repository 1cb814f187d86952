// What the host's page APIs (catalogue_bridge, personal_data_bridge) share:
// a script given to the page's top frame at document start, and a WebKit
// script message handler with replies whose answers may come later.
#pragma once

#include <string>

#include <webkit2/webkit2.h>

namespace cirrus::webapp {

// One call's answer to come: its reply and the page's context (the reply's
// value is made in it), both referenced until sent or dropped.
struct PageReply {
    WebKitScriptMessageReply* reply = nullptr;
    JSCContext* context = nullptr;

    static PageReply hold(JSCValue* message, WebKitScriptMessageReply* reply);
    // Answers the page with `text` (a string the page's script parses).
    void send(const std::string& text) const;
    // Lets the call go unanswered (the page is going away).
    void drop() const;
};

// The message's text; "" when the page sent anything but a string.
std::string message_text(JSCValue* message);

// Registers `script` and the handler `name` on the view's content manager
// (`callback` is a script-message-with-reply-received handler); removes them
// when it ends.
class PageCallHandler {
public:
    PageCallHandler(WebKitWebView* view, std::string name, const char* script, GCallback callback, gpointer data);
    ~PageCallHandler();
    PageCallHandler(const PageCallHandler&) = delete;
    PageCallHandler& operator=(const PageCallHandler&) = delete;

private:
    WebKitUserContentManager* content_;
    std::string name_;
    gulong handler_ = 0;
};

}  // namespace cirrus::webapp
