// The keyboard's behaviour, without a display: which page and shift state,
// what a touch does (down shows the key's preview, a slide moves it, up
// types, a long press opens the accents, a held backspace repeats), the
// candidate bar. The Wayland glue feeds it touches, times and the field's
// content type, arms a timer for next_deadline(), and draws when dirty.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "composition.hpp"
#include "content_type.hpp"
#include "geometry.hpp"
#include "layouts.hpp"

namespace cirrus::keyboard {

inline constexpr std::uint32_t kLongPressMs = 450;
inline constexpr std::uint32_t kRepeatDelayMs = 500;
inline constexpr std::uint32_t kRepeatIntervalMs = 50;
// Two taps on shift within this time: caps lock.
inline constexpr std::uint32_t kDoubleTapMs = 350;

enum class Shift { Off, Once, Locked };

struct AccentPopup {
    std::size_t key = 0;  // index into geometry().keys
    std::vector<std::string> variants;
    std::vector<Rect> cells;
    std::size_t selected = 0;
};

struct BarItem {
    enum class Kind { Candidate, Previous, Next, Hide } kind = Kind::Hide;
    std::size_t index = 0;  // the candidate's index on the page
    Rect rect;
};

class KeyboardModel {
public:
    // Width of a candidate's text in logical pixels (Pango in the program,
    // an estimate in tests).
    using Measure = std::function<double(const std::string&)>;

    KeyboardModel(TextSink& sink, Composition& composition, Measure measure);

    // A field was focused (input-method activate) with this content type.
    void activate(const LayoutChoice& choice);
    // The field went away: a composition in progress is dropped.
    void deactivate();
    // The text before the cursor, when the app reports it (auto-capitals).
    void surrounding_text(const std::string& before_cursor);
    // The surface's logical width and the screen's logical size.
    void resize(double width, double screen_width, double screen_height);

    // Touch (or a pointer with its button held); times in ms.
    void touch_down(int id, double x, double y, std::uint32_t time);
    void touch_motion(int id, double x, double y, std::uint32_t time);
    void touch_up(int id, std::uint32_t time);
    void touch_cancel();
    // Time passed (the timer for next_deadline() fired).
    void tick(std::uint32_t time);
    // When tick() must next run; nullopt while nothing is held (idle).
    std::optional<std::uint32_t> next_deadline() const;

    // Something visible changed since the last call.
    bool take_dirty();

    const Layout& layout() const { return layout_; }
    const Geometry& geometry() const { return geometry_; }
    const LayoutChoice& choice() const { return choice_; }
    Shift shift() const { return shift_; }
    bool pinyin_active() const;
    bool composing() const { return composition_.composing(); }
    const CompositionState& composition_state() const { return composition_.state(); }
    const std::vector<BarItem>& bar_items() const { return bar_items_; }
    // The pressed key (geometry index), the previewed one, the open popup.
    std::optional<std::size_t> pressed() const { return pressed_; }
    std::optional<std::size_t> preview() const { return preview_; }
    const std::optional<AccentPopup>& popup() const { return popup_; }
    std::optional<std::size_t> pressed_bar_item() const { return pressed_bar_; }
    const Key& key(std::size_t geometry_index) const;
    // The text a key types now (shift applied).
    std::string key_output(const Key& key) const;

    // For tests: a page directly.
    void set_page(Page page);

private:
    void rebuild();
    void layout_bar();
    void press_key(std::size_t index, std::uint32_t time);
    void release_key(std::size_t index, std::uint32_t time);
    void type_text(const std::string& text);
    void do_backspace();
    void open_popup(std::size_t index);
    void select_in_popup(double x);
    void release_bar(std::size_t item);
    std::optional<std::size_t> bar_hit(double x, double y) const;

    TextSink& sink_;
    Composition& composition_;
    Measure measure_;
    LayoutChoice choice_;
    Page page_ = Page::Letters;
    Layout layout_;
    Geometry geometry_;
    double width_ = 0, screen_width_ = 0, screen_height_ = 0;
    Shift shift_ = Shift::Off;
    std::optional<std::uint32_t> shift_tap_time_;
    bool pinyin_on_ = false;  // the user's choice, kept across fields
    std::vector<BarItem> bar_items_;

    std::optional<int> touch_id_;
    std::optional<std::size_t> pressed_;
    std::optional<std::size_t> preview_;
    std::optional<std::size_t> pressed_bar_;
    std::optional<AccentPopup> popup_;
    std::optional<std::uint32_t> long_press_at_;
    std::optional<std::uint32_t> repeat_at_;
    bool dirty_ = true;
};

}  // namespace cirrus::keyboard
