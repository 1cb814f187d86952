// Long-press variants of a key (accented letters, related symbols).
#pragma once

#include <string>
#include <vector>

namespace cirrus::keyboard {

// The variants offered for a key's lower-case text, in popup order; empty
// when the key has none. Upper case is the caller's (shift applies to them).
const std::vector<std::string>& accent_variants(const std::string& key_text);

// UTF-8 upper case of the letters this keyboard types (ASCII and the
// accented Latin letters of the variants); other text unchanged.
std::string to_upper(const std::string& text);

}  // namespace cirrus::keyboard
