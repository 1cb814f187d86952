// The one place that knows PinyinEngine (librime): it opens the engine with
// the phone's data folders and wraps it as the keyboard's CompositionEngine.
#pragma once

#include <memory>

#include "composition.hpp"

namespace cirrus::keyboard {

// Shared data: $CIRRUS_RIME_SHARED_DATA or /usr/share/rime-data. The user's
// dictionary: $XDG_DATA_HOME/cirrus/keyboard/rime (~/.local/share/...).
// Null, with the reason on stderr, when the pinyin data are missing: the
// keyboard is then English only. Rime itself is opened at the first pinyin
// key, not here (an English-only keyboard never loads its dictionaries).
std::unique_ptr<CompositionEngine> open_pinyin_engine();

}  // namespace cirrus::keyboard
