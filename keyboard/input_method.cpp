#include "input_method.hpp"

#include <cstdio>
#include <cstring>

#include "common/protocol_text.hpp"
#include "protocols.hpp"

namespace cirrus::keyboard {

namespace {

// The protocol bounds text to 4000 bytes; what the compositor relays is
// checked again here, and ours never exceeds it.
constexpr std::size_t kMaxTextBytes = 4000;

}  // namespace

InputMethod::InputMethod(zwp_input_method_manager_v2* manager, wl_seat* seat, Handlers handlers)
    : handlers_(std::move(handlers)) {
    method_ = zwp_input_method_manager_v2_get_input_method(manager, seat);
    if (!method_) {
        std::fprintf(stderr, "cirrus-keyboard: the compositor refused an input method\n");
        return;
    }
    static const zwp_input_method_v2_listener listener = {
        handle_activate,     handle_deactivate, handle_surrounding_text, handle_text_change_cause,
        handle_content_type, handle_done,       handle_unavailable,
    };
    zwp_input_method_v2_add_listener(method_, &listener, this);
}

InputMethod::~InputMethod() {
    if (method_) zwp_input_method_v2_destroy(method_);
}

void InputMethod::handle_activate(void* data, zwp_input_method_v2*) {
    auto* self = static_cast<InputMethod*>(data);
    // activate resets the state the app reports: a new field.
    self->pending_ = {};
    self->pending_.active = true;
    self->pending_activate_ = true;
}

void InputMethod::handle_deactivate(void* data, zwp_input_method_v2*) {
    auto* self = static_cast<InputMethod*>(data);
    self->pending_.active = false;
    self->pending_activate_ = false;
}

void InputMethod::handle_surrounding_text(void* data, zwp_input_method_v2*, const char* text, std::uint32_t cursor,
                                          std::uint32_t anchor) {
    auto* self = static_cast<InputMethod*>(data);
    const std::size_t length = text ? strnlen(text, kMaxTextBytes + 1) : 0;
    SurroundingText& s = self->pending_.surrounding;
    // Text past the bound or a cursor outside it cannot be trusted for byte
    // counts: the surrounding text is then unknown (backspace goes as a key).
    s.known = length <= kMaxTextBytes && cursor <= length && anchor <= length;
    s.text = s.known ? std::string(text, length) : std::string();
    s.cursor = s.known ? cursor : 0;
    s.anchor = s.known ? anchor : 0;
}

void InputMethod::handle_text_change_cause(void*, zwp_input_method_v2*, std::uint32_t) {}

void InputMethod::handle_content_type(void* data, zwp_input_method_v2*, std::uint32_t hint, std::uint32_t purpose) {
    auto* self = static_cast<InputMethod*>(data);
    self->pending_.content_hint = hint;
    self->pending_.content_purpose = purpose;
}

void InputMethod::handle_done(void* data, zwp_input_method_v2*) {
    auto* self = static_cast<InputMethod*>(data);
    ++self->serial_;
    const bool newly = self->pending_activate_;
    self->pending_activate_ = false;
    // Surrounding text and content type persist until changed or reset by
    // activate (our own edits make the surrounding text stale: forget_surrounding).
    self->current_ = self->pending_;
    if (self->handlers_.done) self->handlers_.done(self->current_, newly);
}

void InputMethod::handle_unavailable(void* data, zwp_input_method_v2*) {
    auto* self = static_cast<InputMethod*>(data);
    std::fprintf(stderr, "cirrus-keyboard: another input method holds the seat; this one stays idle\n");
    self->unavailable_ = true;
    self->current_ = {};
    if (self->handlers_.unavailable) self->handlers_.unavailable();
}

void InputMethod::commit_string(const std::string& text) {
    if (!usable() || text.empty()) return;
    zwp_input_method_v2_commit_string(method_, protocol_text::bounded(text, kMaxTextBytes).c_str());
    forget_surrounding();
}

void InputMethod::set_preedit(const std::string& text, std::size_t caret) {
    if (!usable()) return;
    const std::string bounded = protocol_text::bounded(text, kMaxTextBytes);
    const auto at = static_cast<std::int32_t>(caret <= bounded.size() ? caret : bounded.size());
    zwp_input_method_v2_set_preedit_string(method_, bounded.c_str(), at, at);
}

void InputMethod::delete_before(std::uint32_t bytes) {
    if (!usable()) return;
    zwp_input_method_v2_delete_surrounding_text(method_, bytes, 0);
    forget_surrounding();
}

void InputMethod::commit() {
    if (!usable()) return;
    zwp_input_method_v2_commit(method_, serial_);
}

}  // namespace cirrus::keyboard
