#include "composition.hpp"

namespace cirrus::keyboard {

Composition::Composition(std::unique_ptr<CompositionEngine> engine) : engine_(std::move(engine)) {}

bool Composition::press(std::uint32_t keysym, TextSink& sink) {
    if (!engine_) return false;
    const bool taken = engine_->press(keysym);
    sync(sink);
    return taken;
}

bool Composition::select(std::size_t index_on_page, TextSink& sink) {
    if (!engine_) return false;
    const bool done = engine_->select(index_on_page);
    sync(sink);
    return done;
}

bool Composition::page(int direction, TextSink& sink) {
    if (!engine_) return false;
    const bool done = engine_->page(direction);
    sync(sink);
    return done;
}

void Composition::finish(TextSink& sink) {
    if (!composing()) return;
    engine_->press(kKeysymReturn);
    sync(sink);
    if (engine_->composing()) {  // an engine that kept it: drop it
        engine_->clear();
        sync(sink);
    }
}

void Composition::clear() {
    if (engine_) engine_->clear();
    state_ = {};
    preedit_shown_ = false;
}

void Composition::release() {
    clear();
    if (engine_) engine_->release();
}

void Composition::sync(TextSink& sink) {
    // The commit replaces the preedit in the field (input-method-v2 applies
    // the commit string in place of the preedit), then the new preedit.
    const std::string committed = engine_->take_commit();
    state_ = engine_->composing() ? engine_->state() : CompositionState{};
    if (!committed.empty()) sink.commit_text(committed);
    if (!state_.preedit.empty() || preedit_shown_ || !committed.empty()) {
        sink.set_preedit(state_.preedit, state_.caret);
        preedit_shown_ = !state_.preedit.empty();
    }
}

}  // namespace cirrus::keyboard
