// The relay between apps' text fields (text-input-v3, every client) and the
// on-screen keyboard (input-method-v2, trusted clients only), on the seat.
// The text inputs of the client that holds keyboard focus are entered; the
// one that is enabled is the field being typed into. The input method is
// activated for it when the policy says so (text_input_policy.hpp: not with
// a hardware keyboard attached, nor with [keyboard] show = never), and gets
// its surrounding text, content type and cursor rectangle; what the input
// method commits (preedit, commit string, delete-surrounding-text) goes to
// that field. One input method at a time: a second is told `unavailable`.
// Its popup surface (a candidate list) is drawn above everything, at the
// field's cursor rectangle, kept on the output.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <sys/types.h>

#include "geometry.hpp"
#include "listener.hpp"
#include "text_input_policy.hpp"
#include "wlr.hpp"

namespace cirrus {

class Server;

class TextInputRelay {
public:
    // Creates the text-input and input-method globals; throws
    // std::runtime_error when either cannot be created.
    explicit TextInputRelay(Server& server);
    ~TextInputRelay();
    TextInputRelay(const TextInputRelay&) = delete;
    TextInputRelay& operator=(const TextInputRelay&) = delete;

    wl_global* input_method_global() const { return input_methods_->global; }

    // Re-decides whether the input method is active (a keyboard device came
    // or went).
    void refresh();

    // What the control socket's text_input command reports.
    struct Report {
        bool focused = false;  // a text input of the focused client is entered
        bool enabled = false;
        std::uint32_t purpose = 0;
        std::uint32_t hints = 0;
        std::string surrounding_text;
        std::uint32_t cursor = 0;
        std::uint32_t anchor = 0;
        Rect cursor_rectangle;         // surface-local, as the app sent it
        Rect cursor_rectangle_layout;  // in layout coordinates
        bool input_method = false;
        pid_t input_method_pid = -1;
        bool active = false;
        bool popup_mapped = false;
        Rect popup;  // layout coordinates
        std::uint32_t commits_dropped = 0;
    };
    Report report() const;

private:
    struct TextInput;
    struct Popup;

    void set_focus(wlr_surface* surface);
    void handle_new_text_input(wlr_text_input_v3* wlr);
    void handle_new_input_method(wlr_input_method_v2* wlr);
    void handle_input_method_commit();
    void handle_input_method_destroy();
    void handle_new_popup(wlr_input_popup_surface_v2* wlr);
    void remove_text_input(TextInput* text_input);
    void remove_popup(Popup* popup);
    TextInput* focused_enabled() const;
    void send_state(const TextInput& text_input);
    void send_done();
    // The focused surface's origin in layout coordinates.
    bool surface_origin(wlr_surface* surface, int* lx, int* ly) const;
    Rect cursor_in_layout(const TextInput& text_input) const;
    void place_popups();

    Server& server_;
    wlr_text_input_manager_v3* text_inputs_ = nullptr;
    wlr_input_method_manager_v2* input_methods_ = nullptr;
    std::list<std::unique_ptr<TextInput>> text_input_list_;
    std::list<std::unique_ptr<Popup>> popups_;
    wlr_surface* focus_ = nullptr;
    wlr_input_method_v2* input_method_ = nullptr;
    TextInput* active_ = nullptr;  // the text input the input method is active for
    std::uint32_t commits_dropped_ = 0;

    Listener new_text_input_;
    Listener new_input_method_;
    Listener focus_change_;
    Listener input_method_commit_;
    Listener input_method_new_popup_;
    Listener input_method_destroy_;
};

}  // namespace cirrus
