#include "focused_field.hpp"

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

}  // namespace

void add_focused_field_script(WebKitUserContentManager* content) {
    WebKitUserScript* script =
        webkit_user_script_new_for_world(kScript, WEBKIT_USER_CONTENT_INJECT_TOP_FRAME,
                                         WEBKIT_USER_SCRIPT_INJECT_AT_DOCUMENT_START, kWorld, nullptr, nullptr);
    if (!script) return;  // an invalid world name only: nothing to add
    webkit_user_content_manager_add_script(content, script);
    webkit_user_script_unref(script);
}

}  // namespace cirrus::webapp
