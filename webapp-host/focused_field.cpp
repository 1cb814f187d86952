#include "focused_field.hpp"

#include <cstring>
#include <optional>
#include <string>

#include "input_mode.hpp"

namespace cirrus::webapp {
namespace {

// Its own world: the page's own scripts cannot replace scrollIntoView or
// getBoundingClientRect for it (the DOM is shared, the prototypes are not).
constexpr const char* kWorld = "cirrus-focused-field";

constexpr const char* kScript = R"JS(
(function () {
  const notText = ['button', 'submit', 'reset', 'checkbox', 'radio', 'range', 'color', 'file', 'image', 'hidden'];
  const takesText = (e) => !!e && (e.isContentEditable || e.tagName === 'TEXTAREA' || e.tagName === 'IFRAME' ||
    (e.tagName === 'INPUT' && !notText.includes(e.type)));
  // The focused input's inputmode, once WebKit has told the host its own
  // purpose for the focus (its message is sent as the focus moves; this
  // one after the task).
  const sink = window.webkit && window.webkit.messageHandlers && window.webkit.messageHandlers.cirrusInputMode;
  const reportMode = () => setTimeout(() => {
    const e = document.activeElement;
    const mode = e && e.tagName === 'INPUT' && takesText(e) ? e.inputMode : '';
    sink.postMessage(mode + (mode && e.type === 'password' ? ' password' : ''));
  }, 0);
  if (sink) {
    document.addEventListener('focusin', reportMode, true);
    document.addEventListener('focusout', reportMode, true);
  }
  let height = window.innerHeight;
  window.addEventListener('resize', () => {
    const shrank = window.innerHeight < height;
    height = window.innerHeight;
    const field = document.activeElement;
    if (!shrank || !takesText(field)) return;
    const box = field.getBoundingClientRect();
    if (box.top >= 0 && box.bottom <= height) return;
    field.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  });
})();
)JS";

constexpr const char* kInputModeHandler = "cirrusInputMode";
// Longer is not one of the script's messages.
constexpr std::size_t kMaxInputModeMessage = 32;

WebKitInputPurpose webkit_purpose(FieldPurpose purpose) {
    switch (purpose) {
    case FieldPurpose::digits:
        return WEBKIT_INPUT_PURPOSE_DIGITS;
    case FieldPurpose::number:
        return WEBKIT_INPUT_PURPOSE_NUMBER;
    case FieldPurpose::phone:
        return WEBKIT_INPUT_PURPOSE_PHONE;
    case FieldPurpose::email:
        return WEBKIT_INPUT_PURPOSE_EMAIL;
    case FieldPurpose::url:
        return WEBKIT_INPUT_PURPOSE_URL;
    case FieldPurpose::normal:
        break;
    }
    return WEBKIT_INPUT_PURPOSE_FREE_FORM;
}

// What the host changed on the context, to give WebKit's purpose back.
struct InputModeOverride {
    std::optional<WebKitInputPurpose> webkits;  // set while ours is in force
    WebKitInputPurpose ours = WEBKIT_INPUT_PURPOSE_FREE_FORM;
};

void on_input_mode_message(WebKitUserContentManager*, WebKitJavascriptResult* result, gpointer data) {
    auto* view = static_cast<WebKitWebView*>(data);
    auto* state = static_cast<InputModeOverride*>(g_object_get_data(G_OBJECT(view), kInputModeHandler));
    WebKitInputMethodContext* context = webkit_web_view_get_input_method_context(view);
    JSCValue* value = webkit_javascript_result_get_js_value(result);
    if (!state || !context || !jsc_value_is_string(value)) return;
    char* text = jsc_value_to_string(value);
    const std::string message = text && std::strlen(text) <= kMaxInputModeMessage ? text : "";
    g_free(text);
    const WebKitInputPurpose current = webkit_input_method_context_get_input_purpose(context);
    // WebKit set another field's purpose since: that one is WebKit's now.
    if (state->webkits && current != state->ours) state->webkits.reset();
    if (const auto wanted = purpose_for_input_mode(message)) {
        if (!state->webkits) state->webkits = current;
        state->ours = webkit_purpose(*wanted);
        webkit_input_method_context_set_input_purpose(context, state->ours);
    } else if (state->webkits) {
        webkit_input_method_context_set_input_purpose(context, *state->webkits);
        state->webkits.reset();
    }
}

}  // namespace

void follow_input_mode(WebKitWebView* view) {
    WebKitUserContentManager* content = webkit_web_view_get_user_content_manager(view);
    // In the script's own world: the page cannot post to it.
    if (!webkit_user_content_manager_register_script_message_handler_in_world(content, kInputModeHandler, kWorld))
        return;
    g_object_set_data_full(G_OBJECT(view), kInputModeHandler, new InputModeOverride,
                           [](gpointer p) { delete static_cast<InputModeOverride*>(p); });
    // Disconnected when the view goes (the content manager may outlive it).
    g_signal_connect_object(content, "script-message-received::cirrusInputMode", G_CALLBACK(on_input_mode_message),
                            view, GConnectFlags(0));
}

void add_focused_field_script(WebKitUserContentManager* content) {
    WebKitUserScript* script =
        webkit_user_script_new_for_world(kScript, WEBKIT_USER_CONTENT_INJECT_TOP_FRAME,
                                         WEBKIT_USER_SCRIPT_INJECT_AT_DOCUMENT_START, kWorld, nullptr, nullptr);
    if (!script) return;  // an invalid world name only: nothing to add
    webkit_user_content_manager_add_script(content, script);
    webkit_user_script_unref(script);
}

}  // namespace cirrus::webapp
