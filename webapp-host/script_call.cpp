// See script_call.hpp.
#include "script_call.hpp"

namespace cirrus::webapp {

ScriptCall hold_call(JSCValue* message, WebKitScriptMessageReply* reply) {
    webkit_script_message_reply_ref(reply);
    return {reply, JSC_CONTEXT(g_object_ref(jsc_value_get_context(message)))};
}

void answer_call(const std::string& text, ScriptCall call) {
    JSCValue* value = jsc_value_new_string(call.context, text.c_str());
    webkit_script_message_reply_return_value(call.reply, value);
    g_object_unref(value);
    drop_call(call);
}

void drop_call(ScriptCall call) {
    webkit_script_message_reply_unref(call.reply);
    g_object_unref(call.context);
}

std::string message_text(JSCValue* message) {
    char* raw = jsc_value_is_string(message) ? jsc_value_to_string(message) : nullptr;
    std::string text = raw ? raw : "";
    g_free(raw);
    return text;
}

std::optional<nlohmann::json> parse_call(JSCValue* message, std::size_t max_bytes) {
    const std::string text = message_text(message);
    if (text.empty() || text.size() > max_bytes) return std::nullopt;
    nlohmann::json request = nlohmann::json::parse(text, nullptr, false);
    if (!request.is_object() || !request.value("op", nlohmann::json()).is_string()) return std::nullopt;
    return request;
}

ScriptHandler::ScriptHandler(WebKitWebView* view, std::string name, const char* script, OnMessage on_message,
                             gpointer data)
    : content_(WEBKIT_USER_CONTENT_MANAGER(g_object_ref(webkit_web_view_get_user_content_manager(view)))),
      name_(std::move(name)) {
    WebKitUserScript* user_script = webkit_user_script_new(
        script, WEBKIT_USER_CONTENT_INJECT_TOP_FRAME, WEBKIT_USER_SCRIPT_INJECT_AT_DOCUMENT_START, nullptr, nullptr);
    webkit_user_content_manager_add_script(content_, user_script);
    webkit_user_script_unref(user_script);
    handler_ = g_signal_connect(content_, ("script-message-with-reply-received::" + name_).c_str(),
                                G_CALLBACK(on_message), data);
    webkit_user_content_manager_register_script_message_handler_with_reply(content_, name_.c_str(), nullptr);
}

ScriptHandler::~ScriptHandler() {
    g_signal_handler_disconnect(content_, handler_);
    webkit_user_content_manager_unregister_script_message_handler(content_, name_.c_str());
    g_object_unref(content_);
}

}  // namespace cirrus::webapp
