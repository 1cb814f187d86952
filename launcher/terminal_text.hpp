// Text a stranger chose (an app's name, a URL, a manifest's warning), made
// safe to print on a terminal: an escape sequence in a name must not recolour
// or clear the user's terminal, and a newline must not forge a line of
// `cirrus list`.
#pragma once

#include <string>
#include <string_view>

namespace cirrus::launcher {

// `text` with every character that a terminal acts on written out: C0
// controls and DEL as \n, \t, \r or \xNN; C1 controls as \u0080..\u009f; the
// bidirectional overrides and isolates (which reorder what follows them on
// the line) as \u202e and the like; a byte that is not well-formed UTF-8 as
// \xNN. Everything else, other scripts included, is kept.
std::string terminal_safe(std::string_view text);

}  // namespace cirrus::launcher
