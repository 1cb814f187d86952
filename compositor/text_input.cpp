#include "text_input.hpp"

#include <cstdlib>

#include <stdexcept>
#include <string_view>

#include "layer_surface.hpp"
#include "output.hpp"
#include "seat.hpp"
#include "server.hpp"
#include "xdg_view.hpp"

namespace cirrus {

struct TextInputRelay::TextInput {
    wlr_text_input_v3* wlr = nullptr;
    Listener enable;
    Listener commit;
    Listener disable;
    Listener destroy;
};

struct TextInputRelay::Popup {
    wlr_input_popup_surface_v2* wlr = nullptr;
    wlr_scene_tree* tree = nullptr;
    Rect box;
    Listener map;
    Listener unmap;
    Listener commit;
    Listener destroy;
    ~Popup() {
        if (tree) wlr_scene_node_destroy(&tree->node);
    }
};

namespace {

wl_client* client_of(wlr_surface* surface) { return surface ? wl_resource_get_client(surface->resource) : nullptr; }

Rect to_rect(const wlr_box& box) { return {box.x, box.y, box.width, box.height}; }

}  // namespace

TextInputRelay::TextInputRelay(Server& server) : server_(server) {
    text_inputs_ = wlr_text_input_manager_v3_create(server_.display);
    input_methods_ = wlr_input_method_manager_v2_create(server_.display);
    if (!text_inputs_ || !input_methods_)
        throw std::runtime_error("cannot create the text-input-v3 and input-method-v2 globals");
    new_text_input_.connect(&text_inputs_->events.text_input,
                            [this](void* data) { handle_new_text_input(static_cast<wlr_text_input_v3*>(data)); });
    new_input_method_.connect(&input_methods_->events.input_method,
                              [this](void* data) { handle_new_input_method(static_cast<wlr_input_method_v2*>(data)); });
    focus_change_.connect(&server_.seat->wlr->keyboard_state.events.focus_change, [this](void* data) {
        set_focus(static_cast<wlr_seat_keyboard_focus_change_event*>(data)->new_surface);
    });
}

TextInputRelay::~TextInputRelay() {
    // The managers go with the display; only our listeners leave here.
    popups_.clear();
    text_input_list_.clear();
    for (Listener* listener : {&new_text_input_, &new_input_method_, &focus_change_, &input_method_commit_,
                               &input_method_new_popup_, &input_method_destroy_}) {
        listener->disconnect();
    }
}

void TextInputRelay::set_focus(wlr_surface* surface) {
    focus_ = surface;
    for (auto& text_input : text_input_list_) {
        wlr_text_input_v3* wlr = text_input->wlr;
        if (wlr->focused_surface == surface) continue;
        if (wlr->focused_surface) wlr_text_input_v3_send_leave(wlr);
        if (surface && wl_resource_get_client(wlr->resource) == client_of(surface)) {
            wlr_text_input_v3_send_enter(wlr, surface);
        }
    }
    refresh();
}

void TextInputRelay::handle_new_text_input(wlr_text_input_v3* wlr) {
    auto owned = std::make_unique<TextInput>();
    TextInput* text_input = owned.get();
    text_input->wlr = wlr;
    text_input->enable.connect(&wlr->events.enable, [this](void*) { refresh(); });
    text_input->disable.connect(&wlr->events.disable, [this](void*) { refresh(); });
    text_input->commit.connect(&wlr->events.commit, [this, text_input](void*) {
        // A state change of the field being typed into: tell the input method.
        if (active_ == text_input && input_method_ && text_input->wlr->current_enabled) {
            send_state(*text_input);
            send_done();
            place_popups();
        }
        refresh();
    });
    text_input->destroy.connect(&wlr->events.destroy, [this, text_input](void*) { remove_text_input(text_input); });
    text_input_list_.push_back(std::move(owned));
    if (focus_ && wl_resource_get_client(wlr->resource) == client_of(focus_)) wlr_text_input_v3_send_enter(wlr, focus_);
}

void TextInputRelay::remove_text_input(TextInput* text_input) {
    text_input_list_.remove_if([text_input](const std::unique_ptr<TextInput>& t) { return t.get() == text_input; });
    if (active_ == text_input) {
        active_ = nullptr;
        if (input_method_) {
            wlr_input_method_v2_send_deactivate(input_method_);
            send_done();
        }
    }
    refresh();
}

TextInputRelay::TextInput* TextInputRelay::focused_enabled() const {
    for (const auto& text_input : text_input_list_) {
        if (text_input->wlr->focused_surface && text_input->wlr->focused_surface == focus_ &&
            text_input->wlr->current_enabled) {
            return text_input.get();
        }
    }
    return nullptr;
}

void TextInputRelay::refresh() {
    if (server_.shutting_down) return;
    TextInput* focused = focused_enabled();
    InputMethodFacts facts;
    facts.show = server_.config.keyboard.show;
    facts.hardware_keyboard = server_.seat->hardware_keyboards() > 0;
    facts.input_method = input_method_ != nullptr;
    facts.text_input_enabled = focused != nullptr;
    TextInput* wanted = input_method_should_be_active(facts) ? focused : nullptr;
    if (wanted == active_) return;
    if (!input_method_) {
        active_ = nullptr;
        return;
    }
    if (active_) {
        wlr_input_method_v2_send_deactivate(input_method_);
        send_done();
        active_ = nullptr;
    }
    if (wanted) {
        active_ = wanted;
        wlr_input_method_v2_send_activate(input_method_);
        send_state(*wanted);
        send_done();
    }
    place_popups();
}

void TextInputRelay::send_state(const TextInput& text_input) {
    const wlr_text_input_v3* wlr = text_input.wlr;
    const wlr_text_input_v3_state& state = wlr->current;
    if (wlr->active_features & WLR_TEXT_INPUT_V3_FEATURE_SURROUNDING_TEXT) {
        const std::string_view text = state.surrounding.text ? state.surrounding.text : "";
        // An app's text the keyboard cannot read safely does not reach it
        // (the keyboard then works without context).
        if (check_text_input_text(text) == TextVerdict::ok &&
            valid_surrounding_offsets(text, state.surrounding.cursor, state.surrounding.anchor)) {
            wlr_input_method_v2_send_surrounding_text(input_method_,
                                                      state.surrounding.text ? state.surrounding.text : "",
                                                      state.surrounding.cursor, state.surrounding.anchor);
        } else {
            wlr_log(WLR_INFO, "text input: surrounding text not forwarded (%s, or offsets outside it)",
                    describe(check_text_input_text(text)));
        }
    }
    wlr_input_method_v2_send_text_change_cause(input_method_, state.text_change_cause);
    if (wlr->active_features & WLR_TEXT_INPUT_V3_FEATURE_CONTENT_TYPE) {
        wlr_input_method_v2_send_content_type(input_method_, state.content_type.hint, state.content_type.purpose);
    }
}

void TextInputRelay::send_done() { wlr_input_method_v2_send_done(input_method_); }

void TextInputRelay::handle_new_input_method(wlr_input_method_v2* wlr) {
    if (input_method_) {
        // One per seat, says the protocol; the first keeps it.
        wlr_log(WLR_INFO, "a second input method asked for the seat; it is told unavailable");
        wlr_input_method_v2_send_unavailable(wlr);
        return;
    }
    input_method_ = wlr;
    input_method_commit_.connect(&wlr->events.commit, [this](void*) { handle_input_method_commit(); });
    input_method_new_popup_.connect(&wlr->events.new_popup_surface, [this](void* data) {
        handle_new_popup(static_cast<wlr_input_popup_surface_v2*>(data));
    });
    input_method_destroy_.connect(&wlr->events.destroy, [this](void*) { handle_input_method_destroy(); });
    refresh();
}

void TextInputRelay::handle_input_method_destroy() {
    input_method_commit_.disconnect();
    input_method_new_popup_.disconnect();
    input_method_destroy_.disconnect();
    input_method_ = nullptr;
    popups_.clear();
    if (active_) {
        // A done with no preedit clears what the field was showing.
        if (active_->wlr->focused_surface) wlr_text_input_v3_send_done(active_->wlr);
        active_ = nullptr;
    }
}

namespace {

// wlroots 0.15's commit handler replaces the input method's `current` state
// with `pending` without freeing the strings `current` held, and frees them
// only when the input method goes: every commit with text would leak it.
// The relay is their last reader, so it frees them once read.
struct ReleaseCommittedText {
    wlr_input_method_v2_state& state;
    ~ReleaseCommittedText() {
        std::free(state.commit_text);
        state.commit_text = nullptr;
        std::free(state.preedit.text);
        state.preedit.text = nullptr;
    }
};

}  // namespace

void TextInputRelay::handle_input_method_commit() {
    const ReleaseCommittedText release{input_method_->current};
    const wlr_input_method_v2_state& state = input_method_->current;
    // A commit whose serial is not the number of done events sent was made
    // before the input method saw the app's latest state (the app answered
    // the previous key while this one was on its way: fast typing, a busy
    // phone). input-method-v2 says the compositor "must proceed as normal"
    // then (only the input method object's own state stays as it was), and
    // sway's relay delivers it: dropping it lost keystrokes.
    if (!active_ || !active_->wlr->focused_surface) return;
    wlr_text_input_v3* text_input = active_->wlr;
    if (state.preedit.text) {
        const std::string_view preedit = state.preedit.text;
        const TextVerdict verdict = check_text_input_text(preedit);
        if (verdict == TextVerdict::ok) {
            const auto length = static_cast<std::int32_t>(preedit.size());
            std::int32_t begin = state.preedit.cursor_begin;
            std::int32_t end = state.preedit.cursor_end;
            // Outside the text, or not on a character: the cursor is hidden (-1).
            if (begin < -1 || begin > length || end < -1 || end > length ||
                !valid_surrounding_offsets(preedit, begin < 0 ? 0 : begin, end < 0 ? 0 : end)) {
                begin = end = -1;
            }
            wlr_text_input_v3_send_preedit_string(text_input, state.preedit.text, begin, end);
        } else {
            ++commits_dropped_;
            wlr_log(WLR_ERROR, "input method: a preedit string %s was dropped", describe(verdict));
        }
    }
    if (state.commit_text) {
        const TextVerdict verdict = check_text_input_text(state.commit_text);
        if (verdict == TextVerdict::ok) {
            wlr_text_input_v3_send_commit_string(text_input, state.commit_text);
        } else {
            ++commits_dropped_;
            wlr_log(WLR_ERROR, "input method: a commit string %s was dropped", describe(verdict));
        }
    }
    if (state.delete_.before_length || state.delete_.after_length) {
        wlr_text_input_v3_send_delete_surrounding_text(text_input, state.delete_.before_length,
                                                       state.delete_.after_length);
    }
    wlr_text_input_v3_send_done(text_input);
}

void TextInputRelay::handle_new_popup(wlr_input_popup_surface_v2* wlr) {
    auto owned = std::make_unique<Popup>();
    Popup* popup = owned.get();
    popup->wlr = wlr;
    popup->tree = wlr_scene_tree_create(&server_.scene_layer(SceneLayer::overlay)->node);
    if (!popup->tree || !wlr_scene_subsurface_tree_create(&popup->tree->node, wlr->surface)) {
        wlr_log(WLR_ERROR, "out of memory for the input method's popup; it is not shown");
        return;  // owned destroys the tree; the popup stays unshown
    }
    wlr_scene_node_set_enabled(&popup->tree->node, false);
    popup->map.connect(&wlr->events.map, [this](void*) { place_popups(); });
    popup->unmap.connect(&wlr->events.unmap, [this](void*) { place_popups(); });
    popup->commit.connect(&wlr->surface->events.commit, [this](void*) { place_popups(); });
    popup->destroy.connect(&wlr->events.destroy, [this, popup](void*) { remove_popup(popup); });
    popups_.push_back(std::move(owned));
    place_popups();
}

void TextInputRelay::remove_popup(Popup* popup) {
    popups_.remove_if([popup](const std::unique_ptr<Popup>& p) { return p.get() == popup; });
}

bool TextInputRelay::surface_origin(wlr_surface* surface, int* lx, int* ly) const {
    if (!surface) return false;
    wlr_surface* root = wlr_surface_get_root_surface(surface);
    if (XdgView* view = server_.view_for_surface(root); view && view->scene_node()) {
        // The xdg tree is placed at the window's geometry; the surface is
        // offset inside it by the geometry's origin.
        struct Search {
            wlr_surface* wanted;
            int x, y;
            bool found;
        } search{surface, 0, 0, false};
        wlr_scene_node_for_each_surface(
            view->scene_node(),
            [](wlr_surface* s, int sx, int sy, void* data) {
                auto* found = static_cast<Search*>(data);
                if (s == found->wanted && !found->found) *found = {s, sx, sy, true};
            },
            &search);
        int nx = 0, ny = 0;
        if (!search.found || !wlr_scene_node_coords(view->scene_node(), &nx, &ny)) return false;
        *lx = nx + search.x;
        *ly = ny + search.y;
        return true;
    }
    for (const auto& layer : server_.layer_surfaces) {
        if (layer->wlr->surface != root || !layer->output()) continue;
        const Rect output = layer->output()->box();
        *lx = output.x + layer->box().x;
        *ly = output.y + layer->box().y;
        return true;
    }
    return false;
}

Rect TextInputRelay::cursor_in_layout(const TextInput& text_input) const {
    Rect cursor = to_rect(text_input.wlr->current.cursor_rectangle);
    int lx = 0, ly = 0;
    if (surface_origin(text_input.wlr->focused_surface, &lx, &ly)) {
        cursor.x += lx;
        cursor.y += ly;
    }
    return cursor;
}

void TextInputRelay::place_popups() {
    Output* output = server_.primary_output();
    for (auto& popup : popups_) {
        const bool shown = popup->wlr->mapped && active_ && output;
        wlr_scene_node_set_enabled(&popup->tree->node, shown);
        if (!shown) continue;
        const Rect cursor = cursor_in_layout(*active_);
        const Size size{popup->wlr->surface->current.width, popup->wlr->surface->current.height};
        const Rect box = place_input_popup(cursor, size, output->box());
        wlr_scene_node_set_position(&popup->tree->node, box.x, box.y);
        if (box != popup->box) {
            // The cursor rectangle relative to the popup, so that it can
            // point at the text.
            wlr_box relative{cursor.x - box.x, cursor.y - box.y, cursor.width, cursor.height};
            wlr_input_popup_surface_v2_send_text_input_rectangle(popup->wlr, &relative);
            popup->box = box;
        }
    }
}

TextInputRelay::Report TextInputRelay::report() const {
    Report r;
    const TextInput* shown = active_ ? active_ : focused_enabled();
    if (!shown) {
        for (const auto& text_input : text_input_list_) {
            if (text_input->wlr->focused_surface && text_input->wlr->focused_surface == focus_)
                shown = text_input.get();
        }
    }
    if (shown) {
        const wlr_text_input_v3_state& state = shown->wlr->current;
        r.focused = true;
        r.enabled = shown->wlr->current_enabled;
        r.purpose = state.content_type.purpose;
        r.hints = state.content_type.hint;
        r.surrounding_text = state.surrounding.text ? state.surrounding.text : "";
        r.cursor = state.surrounding.cursor;
        r.anchor = state.surrounding.anchor;
        r.cursor_rectangle = to_rect(state.cursor_rectangle);
        r.cursor_rectangle_layout = cursor_in_layout(*shown);
    }
    r.input_method = input_method_ != nullptr;
    if (input_method_)
        wl_client_get_credentials(wl_resource_get_client(input_method_->resource), &r.input_method_pid, nullptr,
                                  nullptr);
    r.active = active_ != nullptr;
    for (const auto& popup : popups_) {
        if (popup->wlr->mapped && popup->tree->node.state.enabled) {
            r.popup_mapped = true;
            r.popup = popup->box;
        }
    }
    r.commits_dropped = commits_dropped_;
    return r;
}

}  // namespace cirrus
