#include <doctest/doctest.h>

#include <memory>

#include "accents.hpp"
#include "fakes.hpp"
#include "surrounding.hpp"

using namespace keyboard_test;

namespace {

struct Board {
    RecordingSink sink;
    Composition composition;
    KeyboardModel model;
    std::uint32_t now = 1000;
    int touch = 0;

    explicit Board(bool with_engine = true, LayoutChoice choice = {})
        : composition(with_engine ? std::make_unique<ScriptedEngine>() : nullptr),
          model(sink, composition, estimate_width) {
        model.resize(480, 480, 800);
        model.activate(choice);
    }

    // The centre of the first key showing `label` (its shown text or label).
    std::pair<double, double> centre(const std::string& label) const {
        for (std::size_t i = 0; i < model.geometry().keys.size(); ++i) {
            const Key& k = model.key(i);
            if (k.shown() == label) {
                const Rect& r = model.geometry().keys[i].rect;
                return {r.x + r.w / 2, r.y + r.h / 2};
            }
        }
        FAIL("no key " << label);
        return {0, 0};
    }
    void tap(const std::string& label) {
        const auto [x, y] = centre(label);
        model.touch_down(touch, x, y, now);
        now += 60;
        model.touch_up(touch, now);
        now += 60;
        ++touch;
    }
    void type(const std::string& letters) {
        for (char c : letters) tap(std::string(1, c));
    }
    std::string key_text(std::size_t index) const { return model.key(index).shown(); }
};

}  // namespace

TEST_CASE("a tap types on release; the preview shows while the finger is down") {
    Board b;
    const auto [x, y] = b.centre("h");
    b.model.touch_down(0, x, y, b.now);
    CHECK(b.sink.committed.empty());
    REQUIRE(b.model.preview());
    CHECK(b.key_text(*b.model.preview()) == "h");
    b.model.touch_up(0, b.now + 80);
    CHECK(b.sink.committed == "h");
    CHECK_FALSE(b.model.preview());
    CHECK_FALSE(b.model.next_deadline());  // idle: no timer
}

TEST_CASE("sliding to another key moves the preview and types the key under the finger") {
    Board b;
    const auto [x1, y1] = b.centre("e");
    const auto [x2, y2] = b.centre("r");
    b.model.touch_down(0, x1, y1, b.now);
    b.model.touch_motion(0, x2, y2, b.now + 30);
    REQUIRE(b.model.preview());
    CHECK(b.key_text(*b.model.preview()) == "r");
    b.model.touch_up(0, b.now + 60);
    CHECK(b.sink.committed == "r");
}

TEST_CASE("shift: one tap for the next letter, a double tap locks caps") {
    Board b;
    b.tap("⇧");
    CHECK(b.model.shift() == Shift::Once);
    b.type("ab");
    CHECK(b.sink.committed == "Ab");
    CHECK(b.model.shift() == Shift::Off);

    // Double tap within kDoubleTapMs: caps lock, which stays.
    const auto [x, y] = b.centre("⇧");
    b.model.touch_down(10, x, y, 5000);
    b.model.touch_up(10, 5040);
    b.model.touch_down(11, x, y, 5100);
    b.model.touch_up(11, 5140);
    CHECK(b.model.shift() == Shift::Locked);
    b.now = 6000;
    b.type("cd");
    CHECK(b.sink.committed == "AbCD");
    b.tap("⇧");
    CHECK(b.model.shift() == Shift::Off);

    // Two taps far apart: on, then off.
    b.model.touch_down(12, x, y, 8000);
    b.model.touch_up(12, 8040);
    b.model.touch_down(13, x, y, 9000);
    b.model.touch_up(13, 9040);
    CHECK(b.model.shift() == Shift::Off);
}

TEST_CASE("long press opens the accents; sliding picks one; release types it") {
    Board b;
    const auto [x, y] = b.centre("e");
    b.model.touch_down(0, x, y, 1000);
    REQUIRE(b.model.next_deadline());
    CHECK(*b.model.next_deadline() == 1000 + kLongPressMs);
    b.model.tick(1000 + kLongPressMs - 1);
    CHECK_FALSE(b.model.popup());
    b.model.tick(1000 + kLongPressMs);
    REQUIRE(b.model.popup());
    CHECK(b.model.popup()->variants == accent_variants("e"));
    CHECK(b.model.popup()->variants.front() == "é");
    CHECK_FALSE(b.model.preview());  // the popup replaces the bubble
    // Slide onto the second variant (è).
    const Rect cell = b.model.popup()->cells.at(1);
    b.model.touch_motion(0, cell.x + cell.w / 2, cell.y + cell.h / 2, 1600);
    CHECK(b.model.popup()->selected == 1);
    b.model.touch_up(0, 1700);
    CHECK(b.sink.committed == "è");
    CHECK_FALSE(b.model.popup());
    // A key without variants has no long press.
    const auto [qx, qy] = b.centre("q");
    b.model.touch_down(1, qx, qy, 2000);
    CHECK_FALSE(b.model.next_deadline());
    b.model.touch_up(1, 3000);
    CHECK(b.sink.committed == "èq");
}

TEST_CASE("accents follow shift") {
    Board b;
    b.tap("⇧");
    const auto [x, y] = b.centre("e");  // the layout names the key; shift changes what it types
    b.model.touch_down(0, x, y, 1000);
    b.model.tick(1000 + kLongPressMs);
    b.model.touch_up(0, 1500);
    CHECK(b.sink.committed == "É");
}

TEST_CASE("backspace acts on press, then repeats after a delay at a fixed rate until released") {
    Board b;
    const auto [x, y] = b.centre("⌫");
    b.model.touch_down(0, x, y, 1000);
    CHECK(b.sink.backspaces == 1);
    CHECK(*b.model.next_deadline() == 1000 + kRepeatDelayMs);
    b.model.tick(1000 + kRepeatDelayMs - 1);
    CHECK(b.sink.backspaces == 1);
    b.model.tick(1000 + kRepeatDelayMs);
    CHECK(b.sink.backspaces == 2);
    CHECK(*b.model.next_deadline() == 1000 + kRepeatDelayMs + kRepeatIntervalMs);
    b.model.tick(1000 + kRepeatDelayMs + kRepeatIntervalMs);
    CHECK(b.sink.backspaces == 3);
    b.model.touch_up(0, 1000 + kRepeatDelayMs + kRepeatIntervalMs + 10);
    CHECK(b.sink.backspaces == 3);
    CHECK_FALSE(b.model.next_deadline());
}

TEST_CASE("return goes as a key; space types a space; pages switch") {
    Board b;
    b.tap("⏎");
    CHECK(b.sink.returns == 1);
    b.tap("");  // the space bar has no label of its own
    CHECK(b.sink.committed == " ");
    b.tap("?123");
    CHECK(b.model.layout().page == Page::Symbols);
    b.tap("1");
    b.tap("=\\<");
    CHECK(b.model.layout().page == Page::MoreSymbols);
    b.tap("€");
    b.tap("ABC");
    CHECK(b.model.layout().page == Page::Letters);
    CHECK(b.sink.committed == " 1€");
}

TEST_CASE("the number purpose gives the number pad; its keys type digits") {
    LayoutChoice number;
    number.page = Page::NumberPad;
    number.pinyin_allowed = false;
    Board b(true, number);
    CHECK(b.model.layout().page == Page::NumberPad);
    b.type("42");
    CHECK(b.sink.committed == "42");
}

TEST_CASE("pinyin: letters compose, candidates are on the bar, a tap on one commits it") {
    Board b;
    b.tap("中/EN");
    CHECK(b.model.pinyin_active());
    b.type("nihao");
    CHECK(b.sink.committed.empty());
    CHECK(b.sink.preedit == "nihao");
    CHECK(b.model.composing());
    CHECK(b.model.composition_state().candidates.front() == "你好");
    // The bar: hide, previous, next and the candidates.
    const BarItem* first = nullptr;
    for (const BarItem& item : b.model.bar_items())
        if (item.kind == BarItem::Kind::Candidate && item.index == 0) first = &item;
    REQUIRE(first);
    const Rect r = first->rect;
    b.model.touch_down(7, r.x + r.w / 2, r.y + r.h / 2, 9000);
    CHECK(b.sink.committed.empty());
    b.model.touch_up(7, 9050);
    CHECK(b.sink.committed == "你好");
    CHECK(b.sink.preedit.empty());
    CHECK_FALSE(b.model.composing());
    // Only the hide button is left on the bar.
    CHECK(b.model.bar_items().size() == 1);
}

TEST_CASE("pinyin: space takes the first candidate, return the raw letters, backspace edits the preedit") {
    Board b;
    b.tap("中/EN");
    b.type("ni");
    b.tap("");
    CHECK(b.sink.committed == "你");
    b.type("nii");
    b.tap("⌫");
    CHECK(b.sink.preedit == "ni");
    CHECK(b.sink.backspaces == 0);
    b.tap("⏎");
    CHECK(b.sink.committed == "你ni");
    CHECK(b.sink.returns == 0);
    b.tap(",");
    CHECK(b.sink.committed == "你ni，");  // full width
    // Switching back to English: letters go straight to the field.
    b.tap("中/EN");
    b.type("ok");
    CHECK(b.sink.committed == "你ni，ok");
}

TEST_CASE("pinyin: paging through the bar arrows") {
    Board b;
    b.tap("中/EN");
    b.type("ni");
    const auto find = [&](BarItem::Kind kind) {
        for (const BarItem& item : b.model.bar_items())
            if (item.kind == kind) return item.rect;
        FAIL("no bar item");
        return Rect{};
    };
    Rect next = find(BarItem::Kind::Next);
    b.model.touch_down(3, next.x + 5, next.y + 5, 100);
    b.model.touch_up(3, 150);
    CHECK(b.model.composition_state().candidates.front() == "拟");
    CHECK(b.model.composition_state().has_previous_page);
}

TEST_CASE("no 中 key and no composition in a password field, even with pinyin on") {
    Board b;
    b.tap("中/EN");
    CHECK(b.model.pinyin_active());
    b.model.activate(choose_layout(static_cast<std::uint32_t>(Purpose::Password), 0));
    CHECK_FALSE(b.model.pinyin_active());
    for (std::size_t i = 0; i < b.model.geometry().keys.size(); ++i)
        CHECK(b.model.key(i).action != KeyAction::Language);
    b.type("ni");
    CHECK(b.sink.committed == "ni");
    CHECK(b.sink.preedit.empty());
    // Back in a normal field, the choice of pinyin is remembered.
    b.model.activate(choose_layout(0, 0));
    CHECK(b.model.pinyin_active());
}

TEST_CASE("English keeps working without an engine: no 中 key") {
    Board b(false);
    for (std::size_t i = 0; i < b.model.geometry().keys.size(); ++i)
        CHECK(b.model.key(i).action != KeyAction::Language);
    b.type("hi");
    CHECK(b.sink.committed == "hi");
}

TEST_CASE("the hide key on the bar asks the keyboard away") {
    Board b;
    const Rect hide = b.model.bar_items().front().rect;
    b.model.touch_down(0, hide.x + 3, hide.y + 3, 10);
    b.model.touch_up(0, 20);
    CHECK(b.sink.hides == 1);
}

TEST_CASE("a second finger types the first key") {
    Board b;
    const auto [x1, y1] = b.centre("a");
    const auto [x2, y2] = b.centre("s");
    b.model.touch_down(0, x1, y1, 10);
    b.model.touch_down(1, x2, y2, 20);
    CHECK(b.sink.committed == "a");
    b.model.touch_up(0, 30);  // already done: nothing
    b.model.touch_up(1, 40);
    CHECK(b.sink.committed == "as");
}

TEST_CASE("a cancelled touch types nothing") {
    Board b;
    const auto [x, y] = b.centre("a");
    b.model.touch_down(0, x, y, 10);
    b.model.touch_cancel();
    b.model.touch_up(0, 30);
    CHECK(b.sink.committed.empty());
}

TEST_CASE("auto-capitalisation at the start of a sentence") {
    Board b(true, choose_layout(0, hint::kAutoCapitalization));
    b.model.surrounding_text("");
    CHECK(b.model.shift() == Shift::Once);
    b.type("hi");
    CHECK(b.sink.committed == "Hi");
    b.model.surrounding_text("Hi. ");
    CHECK(b.model.shift() == Shift::Once);
    b.model.surrounding_text("Hi there");
    CHECK(b.model.shift() == Shift::Off);
}

TEST_CASE(
    "backspace plan: the key when there is a virtual keyboard, else whole UTF-8 characters when the text is known") {
    CHECK(previous_character_bytes("a你", 4) == 3);
    CHECK(previous_character_bytes("a你", 1) == 1);
    CHECK(previous_character_bytes("é", 2) == 2);
    CHECK(previous_character_bytes("😀", 4) == 4);
    CHECK(previous_character_bytes("abc", 0) == 0);
    CHECK(previous_character_bytes("abc", 9) == 0);
    CHECK(previous_character_bytes("a\x80", 2) == 1);  // a stray continuation byte

    SurroundingText s{"hello 你", 9, 9, true};
    CHECK(plan_backspace(s, true).how == BackspacePlan::How::Key);
    BackspacePlan plan = plan_backspace(s, false);
    CHECK(plan.how == BackspacePlan::How::DeleteSurrounding);
    CHECK(plan.before_bytes == 3);
    s.known = false;  // stale after our own commit
    CHECK(plan_backspace(s, false).how == BackspacePlan::How::Nothing);
    CHECK(plan_backspace(s, true).how == BackspacePlan::How::Key);
    s = {"hello", 5, 2, true};  // a selection
    CHECK(plan_backspace(s, false).how == BackspacePlan::How::Nothing);
    CHECK(plan_backspace(s, true).how == BackspacePlan::How::Key);
    s = {"hello", 0, 0, true};
    CHECK(plan_backspace(s, false).how == BackspacePlan::How::Nothing);
    s = {"hi", 7, 7, true};  // a cursor beyond the text: hostile
    CHECK(plan_backspace(s, false).how == BackspacePlan::How::Nothing);
    CHECK(text_before_cursor({"Hi. there", 4, 4, true}) == "Hi. ");
}
