// The focused text field. Kept in view when the window gets shorter: when
// the on-screen keyboard shows, the compositor gives the app a smaller work
// area and so the window a shorter configure; WebKitGTK (2.50) relays the
// new viewport to the page but, unlike mobile browsers, does not scroll the
// focused field back into it, so a field in the lower part of the page
// would stay hidden under the keyboard while the user types into it. And
// given the keyboard its `inputmode` asks for, which WebKitGTK 2.50 reads on
// a <textarea> or contenteditable only (input_mode.hpp).
#pragma once

#include <webkit2/webkit2.h>

namespace cirrus::webapp {

// Adds, to the top frame of every page, a script in its own script world
// (the page's scripts cannot see or replace it) that scrolls the focused
// editable element into view, as little as needed, when the viewport's
// height shrinks and the element is no longer wholly inside it.
void add_focused_field_script(WebKitUserContentManager* content);

// From then on, the focused <input>'s `inputmode` sets the purpose of the
// view's input method context (which GTK's Wayland module sends to the
// compositor as the text-input content type); WebKit's own purpose comes
// back when the field loses the focus. Call once the view exists.
void follow_input_mode(WebKitWebView* view);

}  // namespace cirrus::webapp
