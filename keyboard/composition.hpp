// The pinyin seam: one class (Composition) owns the composition state and
// talks to the engine; the rest of the keyboard sees only it. The engine is
// behind CompositionEngine so that the keyboard builds, runs and is tested
// (with a scripted engine) without librime; pinyin_engine_adapter.cpp wraps
// PinyinEngine (keyboard/pinyin_engine.hpp, librime) into it when that is
// built.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace cirrus::keyboard {

// The same fields as PinyinState.
struct CompositionState {
    std::string preedit;
    std::size_t caret = 0;
    std::vector<std::string> candidates;
    std::size_t highlighted = 0;
    bool has_previous_page = false;
    bool has_next_page = false;
};

class CompositionEngine {
public:
    virtual ~CompositionEngine() = default;
    virtual bool press(std::uint32_t keysym) = 0;
    virtual bool select(std::size_t index_on_page) = 0;
    virtual bool page(int direction) = 0;
    virtual void clear() = 0;
    virtual std::string take_commit() = 0;
    virtual CompositionState state() const = 0;
    virtual bool composing() const = 0;
    // Gives back what the engine holds while the keyboard is hidden (librime's
    // dictionaries: most of the keyboard's memory); the next key opens it
    // again. The composition is cleared first.
    virtual void release() {}
};

// Where the keyboard's text goes (the input method, or a test's recorder).
class TextSink {
public:
    virtual ~TextSink() = default;
    virtual void commit_text(const std::string& text) = 0;
    // Empty text: no preedit. `caret` is a byte offset in text.
    virtual void set_preedit(const std::string& text, std::size_t caret) = 0;
    virtual void backspace() = 0;
    virtual void press_return() = 0;
    // The user asked the keyboard away (the hide key).
    virtual void hide() = 0;
};

// XKB keysyms the engine is given (letters and ASCII punctuation are their
// own code).
inline constexpr std::uint32_t kKeysymSpace = 0x20;
inline constexpr std::uint32_t kKeysymBackSpace = 0xff08;
inline constexpr std::uint32_t kKeysymReturn = 0xff0d;
inline constexpr std::uint32_t kKeysymEscape = 0xff1b;

class Composition {
public:
    // `engine` may be null: no pinyin (the 中 key does nothing).
    explicit Composition(std::unique_ptr<CompositionEngine> engine);

    bool available() const { return engine_ != nullptr; }
    bool composing() const { return engine_ && engine_->composing(); }
    const CompositionState& state() const { return state_; }

    // Gives the key to the engine; what it commits and the new preedit go
    // to `sink`. False when the engine did not take the key (type it then).
    bool press(std::uint32_t keysym, TextSink& sink);
    bool select(std::size_t index_on_page, TextSink& sink);
    bool page(int direction, TextSink& sink);
    // Ends a composition keeping what was typed (the raw letters), e.g. on
    // a switch to English; nothing when not composing.
    void finish(TextSink& sink);
    // Drops the composition without committing (the field went away).
    void clear();
    // The keyboard went away: clear, and let the engine give back its memory.
    void release();

private:
    void sync(TextSink& sink);

    std::unique_ptr<CompositionEngine> engine_;
    CompositionState state_;
    bool preedit_shown_ = false;
};

}  // namespace cirrus::keyboard
