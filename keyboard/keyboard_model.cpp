#include "keyboard_model.hpp"

#include <algorithm>
#include <cmath>

#include "accents.hpp"

namespace cirrus::keyboard {

namespace {

// Event times wrap around (32-bit milliseconds).
bool reached(std::uint32_t now, std::uint32_t deadline) { return static_cast<std::int32_t>(now - deadline) >= 0; }

bool is_ascii_letter(const std::string& text) {
    return text.size() == 1 && ((text[0] >= 'a' && text[0] <= 'z') || (text[0] >= 'A' && text[0] <= 'Z'));
}

bool is_ascii_punctuation(const std::string& text) {
    if (text.size() != 1) return false;
    const char c = text[0];
    return (c > 0x20 && c < 0x7f) && !(c >= '0' && c <= '9') && !is_ascii_letter(text);
}

bool ends_sentence(const std::string& before) {
    std::size_t end = before.size();
    while (end > 0 && before[end - 1] == ' ') --end;
    if (end == 0) return true;               // an empty field starts a sentence
    if (end == before.size()) return false;  // still in a word
    const char c = before[end - 1];
    return c == '.' || c == '!' || c == '?' || c == '\n';
}

}  // namespace

KeyboardModel::KeyboardModel(TextSink& sink, Composition& composition, Measure measure)
    : sink_(sink), composition_(composition), measure_(std::move(measure)) {
    rebuild();
}

void KeyboardModel::activate(const LayoutChoice& choice) {
    choice_ = choice;
    page_ = choice.page;
    shift_ = choice.caps_lock ? Shift::Locked : Shift::Off;
    shift_tap_time_.reset();
    touch_cancel();
    rebuild();
}

void KeyboardModel::deactivate() {
    composition_.clear();
    touch_cancel();
    layout_bar();
    dirty_ = true;
}

void KeyboardModel::surrounding_text(const std::string& before_cursor) {
    if (!choice_.auto_capitalize || shift_ == Shift::Locked || page_ != Page::Letters) return;
    const Shift wanted = ends_sentence(before_cursor) ? Shift::Once : Shift::Off;
    if (wanted != shift_) {
        shift_ = wanted;
        dirty_ = true;
    }
}

void KeyboardModel::resize(double width, double screen_width, double screen_height) {
    if (width == width_ && screen_width == screen_width_ && screen_height == screen_height_) return;
    width_ = width;
    screen_width_ = screen_width;
    screen_height_ = screen_height;
    touch_cancel();
    rebuild();
}

void KeyboardModel::set_page(Page page) {
    page_ = page;
    rebuild();
}

bool KeyboardModel::pinyin_active() const {
    return pinyin_on_ && choice_.pinyin_allowed && composition_.available() && page_ == Page::Letters;
}

void KeyboardModel::rebuild() {
    const bool show_language = choice_.pinyin_allowed && composition_.available();
    layout_ = make_layout(page_, choice_.variant, show_language);
    geometry_ = compute_geometry(layout_, width_, metrics_for(width_, screen_width_, screen_height_));
    layout_bar();
    dirty_ = true;
}

void KeyboardModel::layout_bar() {
    bar_items_.clear();
    const Rect bar = geometry_.bar;
    const double button = std::round(bar.h * 1.2);
    bar_items_.push_back({BarItem::Kind::Hide, 0, {bar.x + bar.w - button, bar.y, button, bar.h}});
    if (!composition_.composing()) return;
    const CompositionState& state = composition_.state();
    double left = bar.x;
    double right = bar.x + bar.w - button;
    bar_items_.push_back({BarItem::Kind::Previous, 0, {left, bar.y, button, bar.h}});
    left += button;
    right -= button;
    bar_items_.push_back({BarItem::Kind::Next, 0, {right, bar.y, button, bar.h}});
    const double padding = 12;
    for (std::size_t i = 0; i < state.candidates.size(); ++i) {
        const double w = std::max(measure_(state.candidates[i]) + 2 * padding, button);
        if (left + w > right) break;  // the rest are on the next page
        bar_items_.push_back({BarItem::Kind::Candidate, i, {left, bar.y, w, bar.h}});
        left += w;
    }
}

const Key& KeyboardModel::key(std::size_t geometry_index) const {
    const KeyBox& box = geometry_.keys.at(geometry_index);
    return layout_.rows.at(box.row).keys.at(box.index);
}

std::string KeyboardModel::key_output(const Key& k) const {
    if (shift_ != Shift::Off && page_ == Page::Letters) return to_upper(k.text);
    return k.text;
}

bool KeyboardModel::take_dirty() {
    const bool was = dirty_;
    dirty_ = false;
    return was;
}

std::optional<std::size_t> KeyboardModel::bar_hit(double x, double y) const {
    if (!geometry_.bar.contains(x, y)) return std::nullopt;
    for (std::size_t i = 0; i < bar_items_.size(); ++i)
        if (bar_items_[i].rect.contains(x, y)) return i;
    return std::nullopt;
}

void KeyboardModel::touch_down(int id, double x, double y, std::uint32_t time) {
    // A second finger while one is down (fast two-thumb typing): the first
    // key is typed as if released, then the new one is pressed.
    if (touch_id_) touch_up(*touch_id_, time);
    touch_id_ = id;
    if (const auto item = bar_hit(x, y)) {
        pressed_bar_ = item;
        dirty_ = true;
        return;
    }
    if (const auto k = geometry_.hit(x, y)) press_key(*k, time);
}

void KeyboardModel::press_key(std::size_t index, std::uint32_t time) {
    pressed_ = index;
    const Key& k = key(index);
    preview_ = k.previews() ? std::optional<std::size_t>(index) : std::nullopt;
    long_press_at_.reset();
    repeat_at_.reset();
    if (k.action == KeyAction::Text && !accent_variants(k.text).empty()) long_press_at_ = time + kLongPressMs;
    if (k.action == KeyAction::Backspace) {
        do_backspace();  // at once, then repeated while held
        repeat_at_ = time + kRepeatDelayMs;
    }
    dirty_ = true;
}

void KeyboardModel::touch_motion(int id, double x, double y, std::uint32_t time) {
    if (!touch_id_ || *touch_id_ != id) return;
    if (popup_) {
        select_in_popup(x);
        return;
    }
    if (pressed_bar_) {
        const auto item = bar_hit(x, y);
        if (item != pressed_bar_) {
            pressed_bar_ = item;  // sliding off a candidate: nothing is picked
            dirty_ = true;
        }
        return;
    }
    if (!pressed_) return;
    const auto k = geometry_.hit(x, y);
    if (k && *k != *pressed_) {
        if (key(*pressed_).action == KeyAction::Backspace) {
            // Held backspace slid away: it stops, nothing else is pressed.
            repeat_at_.reset();
            pressed_.reset();
            preview_.reset();
            dirty_ = true;
            return;
        }
        pressed_ = k;
        preview_ = key(*k).previews() ? k : std::nullopt;
        long_press_at_.reset();
        if (key(*k).action == KeyAction::Text && !accent_variants(key(*k).text).empty())
            long_press_at_ = time + kLongPressMs;
        dirty_ = true;
    }
}

void KeyboardModel::touch_up(int id, std::uint32_t time) {
    if (!touch_id_ || *touch_id_ != id) return;
    touch_id_.reset();
    long_press_at_.reset();
    repeat_at_.reset();
    if (popup_) {
        const std::string chosen = popup_->variants.at(popup_->selected);
        popup_.reset();
        pressed_.reset();
        preview_.reset();
        dirty_ = true;
        type_text(shift_ != Shift::Off ? to_upper(chosen) : chosen);
        return;
    }
    if (pressed_bar_) {
        const std::size_t item = *pressed_bar_;
        pressed_bar_.reset();
        dirty_ = true;
        release_bar(item);
        return;
    }
    if (!pressed_) return;
    const std::size_t index = *pressed_;
    pressed_.reset();
    preview_.reset();
    dirty_ = true;
    release_key(index, time);
}

void KeyboardModel::touch_cancel() {
    if (touch_id_ || pressed_ || popup_ || pressed_bar_) dirty_ = true;
    touch_id_.reset();
    pressed_.reset();
    preview_.reset();
    pressed_bar_.reset();
    popup_.reset();
    long_press_at_.reset();
    repeat_at_.reset();
}

void KeyboardModel::release_key(std::size_t index, std::uint32_t time) {
    const Key k = key(index);  // a copy: the layout may be rebuilt below
    switch (k.action) {
    case KeyAction::Text:
        type_text(key_output(k));
        break;
    case KeyAction::Space:
        if (pinyin_active() && composition_.composing()) {
            composition_.press(kKeysymSpace, sink_);
            layout_bar();
        } else {
            type_text(" ");
        }
        break;
    case KeyAction::Return:
        if (composition_.composing()) {
            composition_.press(kKeysymReturn, sink_);
            layout_bar();
        } else {
            sink_.press_return();
        }
        break;
    case KeyAction::Backspace:
        break;  // acted on press
    case KeyAction::Shift:
        if (shift_ == Shift::Off) {
            shift_ = Shift::Once;
            shift_tap_time_ = time;
        } else if (shift_ == Shift::Once && shift_tap_time_ && !reached(time, *shift_tap_time_ + kDoubleTapMs)) {
            shift_ = Shift::Locked;
            shift_tap_time_.reset();
        } else {
            shift_ = Shift::Off;
            shift_tap_time_.reset();
        }
        break;
    case KeyAction::Symbols:
        page_ = Page::Symbols;
        rebuild();
        break;
    case KeyAction::MoreSymbols:
        page_ = Page::MoreSymbols;
        rebuild();
        break;
    case KeyAction::Letters:
        page_ = Page::Letters;
        rebuild();
        break;
    case KeyAction::Language:
        if (pinyin_on_) composition_.finish(sink_);
        pinyin_on_ = !pinyin_on_;
        layout_bar();
        break;
    case KeyAction::Spacer:
        break;
    }
    dirty_ = true;
}

void KeyboardModel::type_text(const std::string& text) {
    if (pinyin_active()) {
        const bool lower_letter = text.size() == 1 && text[0] >= 'a' && text[0] <= 'z';
        // Letters compose; ASCII punctuation becomes full width (the engine
        // commits the first candidate before it); anything else (an upper
        // case letter, a digit, an accented letter) ends the composition
        // with its first candidate and is typed as it is.
        if (lower_letter || is_ascii_punctuation(text)) {
            const bool taken = composition_.press(static_cast<std::uint8_t>(text[0]), sink_);
            layout_bar();
            if (taken) {
                if (shift_ == Shift::Once) shift_ = Shift::Off;
                return;
            }
        } else if (composition_.composing()) {
            composition_.press(kKeysymSpace, sink_);
            layout_bar();
        }
    }
    sink_.commit_text(text);
    if (shift_ == Shift::Once && page_ == Page::Letters) shift_ = Shift::Off;
    dirty_ = true;
}

void KeyboardModel::do_backspace() {
    if (composition_.composing()) {
        composition_.press(kKeysymBackSpace, sink_);
        layout_bar();
        return;
    }
    sink_.backspace();
}

void KeyboardModel::open_popup(std::size_t index) {
    const Key& k = key(index);
    const auto& variants = accent_variants(k.text);
    if (variants.empty()) return;
    AccentPopup popup;
    popup.key = index;
    popup.variants = variants;
    const Rect& r = geometry_.keys[index].rect;
    const double cell_w = std::min(r.w, geometry_.width / static_cast<double>(variants.size()));
    const double total = cell_w * static_cast<double>(variants.size());
    // Centred over the key, kept inside the keyboard; one row above it (the
    // bar holds the top row's popup).
    double x = std::clamp(r.x + r.w / 2 - total / 2, 0.0, std::max(geometry_.width - total, 0.0));
    const double h = r.h;
    const double y = std::max(r.y - h, 0.0);
    for (std::size_t i = 0; i < variants.size(); ++i) popup.cells.push_back({x + cell_w * double(i), y, cell_w, h});
    popup_ = std::move(popup);
    preview_.reset();
    dirty_ = true;
}

void KeyboardModel::select_in_popup(double x) {
    std::size_t best = 0;
    double best_d = 1e18;
    for (std::size_t i = 0; i < popup_->cells.size(); ++i) {
        const double d = popup_->cells[i].distance_to(x, popup_->cells[i].y);
        if (d < best_d) {
            best_d = d;
            best = i;
        }
    }
    if (best != popup_->selected) {
        popup_->selected = best;
        dirty_ = true;
    }
}

void KeyboardModel::release_bar(std::size_t item_index) {
    if (item_index >= bar_items_.size()) return;
    const BarItem item = bar_items_[item_index];
    switch (item.kind) {
    case BarItem::Kind::Hide:
        composition_.finish(sink_);
        layout_bar();
        sink_.hide();
        break;
    case BarItem::Kind::Previous:
        composition_.page(-1, sink_);
        layout_bar();
        break;
    case BarItem::Kind::Next:
        composition_.page(+1, sink_);
        layout_bar();
        break;
    case BarItem::Kind::Candidate:
        composition_.select(item.index, sink_);
        layout_bar();
        break;
    }
}

void KeyboardModel::tick(std::uint32_t time) {
    if (long_press_at_ && reached(time, *long_press_at_)) {
        long_press_at_.reset();
        if (pressed_) open_popup(*pressed_);
    }
    if (repeat_at_ && reached(time, *repeat_at_)) {
        do_backspace();
        // From the deadline, not from now: a late wake-up does not slow the rate.
        *repeat_at_ += kRepeatIntervalMs;
        if (reached(time, *repeat_at_)) *repeat_at_ = time + kRepeatIntervalMs;
        dirty_ = true;
    }
}

std::optional<std::uint32_t> KeyboardModel::next_deadline() const {
    if (long_press_at_ && repeat_at_)
        return static_cast<std::int32_t>(*long_press_at_ - *repeat_at_) < 0 ? long_press_at_ : repeat_at_;
    return long_press_at_ ? long_press_at_ : repeat_at_;
}

}  // namespace cirrus::keyboard
