// One window.cirrus call from a page (a WebKit script message with a reply),
// as the host's bridges take it (catalogue_bridge, settings_bridge,
// personal_data_bridge): the reply held until answered, and the message read as
// hostile input: a string of at most `max_bytes`, a JSON object with a
// string "op", else nothing.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>
#include <webkit2/webkit2.h>

namespace cirrus::webapp {

// A call's answer to come: its reply and the page's context (the reply's
// value is made in it), both referenced until answered or dropped.
struct ScriptCall {
    WebKitScriptMessageReply* reply;
    JSCContext* context;
};

ScriptCall hold_call(JSCValue* message, WebKitScriptMessageReply* reply);

// Answers the page with `text` (a JSON text) and lets the call go.
void answer_call(const std::string& text, ScriptCall call);

// Lets the call go unanswered (the bridge went before its answer came).
void drop_call(ScriptCall call);

// The message's text; "" when the page sent anything but a string.
std::string message_text(JSCValue* message);

// The message as a JSON object with a string "op"; nullopt otherwise.
std::optional<nlohmann::json> parse_call(JSCValue* message, std::size_t max_bytes);

// A bridge's page side: `script` added to the view's top frame at document
// start (the page's own world), and the handler `name` with replies, its
// messages to `on_message`; both taken away when it goes.
class ScriptHandler {
public:
    using OnMessage = gboolean (*)(WebKitUserContentManager*, JSCValue* message, WebKitScriptMessageReply* reply,
                                   gpointer data);
    ScriptHandler(WebKitWebView* view, std::string name, const char* script, OnMessage on_message, gpointer data);
    ~ScriptHandler();
    ScriptHandler(const ScriptHandler&) = delete;
    ScriptHandler& operator=(const ScriptHandler&) = delete;

private:
    WebKitUserContentManager* content_;
    std::string name_;
    gulong handler_ = 0;
};

}  // namespace cirrus::webapp
