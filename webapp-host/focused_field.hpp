// Keeps the focused text field in view when the window gets shorter. When
// the on-screen keyboard shows, the compositor gives the app a smaller work
// area and so the window a shorter configure; WebKitGTK (2.50) relays the
// new viewport to the page but, unlike mobile browsers, does not scroll the
// focused field back into it, so a field in the lower part of the page
// would stay hidden under the keyboard while the user types into it.
#pragma once

#include <webkit2/webkit2.h>

namespace cirrus::webapp {

// Adds, to the top frame of every page, a script in its own script world
// (the page's scripts cannot see or replace it) that scrolls the focused
// editable element into view, as little as needed, when the viewport's
// height shrinks and the element is no longer wholly inside it.
void add_focused_field_script(WebKitUserContentManager* content);

}  // namespace cirrus::webapp
