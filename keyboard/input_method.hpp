// zwp_input_method_v2, the keyboard's side of the compositor's text-input
// relay. Events are double-buffered: activate, deactivate, surrounding
// text and content type are pending until `done`, which applies them and
// counts the serial that every commit must carry (the protocol: the serial
// is the number of done events received).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "surrounding.hpp"

struct zwp_input_method_manager_v2;
struct zwp_input_method_v2;
struct wl_seat;

namespace cirrus::keyboard {

struct InputMethodState {
    bool active = false;
    SurroundingText surrounding;
    std::uint32_t content_hint = 0;
    std::uint32_t content_purpose = 0;
};

class InputMethod {
public:
    struct Handlers {
        // After each done: the state now, and whether this done activated
        // (a new field: choose the layout again).
        std::function<void(const InputMethodState&, bool newly_activated)> done;
        // Another input method holds the seat: this one is inert.
        std::function<void()> unavailable;
    };

    InputMethod(zwp_input_method_manager_v2* manager, wl_seat* seat, Handlers handlers);
    ~InputMethod();
    InputMethod(const InputMethod&) = delete;
    InputMethod& operator=(const InputMethod&) = delete;

    bool usable() const { return method_ != nullptr && !unavailable_; }
    const InputMethodState& state() const { return current_; }

    // Text for the field, applied together by commit().
    void commit_string(const std::string& text);
    void set_preedit(const std::string& text, std::size_t caret);
    void delete_before(std::uint32_t bytes);
    void commit();
    // Our own change makes the reported surrounding text stale until the
    // app reports it again.
    void forget_surrounding() {
        current_.surrounding.known = false;
        pending_.surrounding.known = false;
    }

private:
    static void handle_activate(void* data, zwp_input_method_v2*);
    static void handle_deactivate(void* data, zwp_input_method_v2*);
    static void handle_surrounding_text(void* data, zwp_input_method_v2*, const char* text, std::uint32_t cursor,
                                        std::uint32_t anchor);
    static void handle_text_change_cause(void* data, zwp_input_method_v2*, std::uint32_t cause);
    static void handle_content_type(void* data, zwp_input_method_v2*, std::uint32_t hint, std::uint32_t purpose);
    static void handle_done(void* data, zwp_input_method_v2*);
    static void handle_unavailable(void* data, zwp_input_method_v2*);

    zwp_input_method_v2* method_ = nullptr;
    Handlers handlers_;
    InputMethodState pending_;
    InputMethodState current_;
    bool pending_activate_ = false;
    std::uint32_t serial_ = 0;
    bool unavailable_ = false;
};

}  // namespace cirrus::keyboard
