#include <doctest/doctest.h>

#include <cmath>

#include "content_type.hpp"
#include "geometry.hpp"
#include "layouts.hpp"

using namespace cirrus::keyboard;

namespace {

std::vector<std::string> texts(const Row& row) {
    std::vector<std::string> out;
    for (const Key& k : row.keys)
        if (k.action != KeyAction::Spacer) out.push_back(k.shown());
    return out;
}

bool has_action(const Layout& layout, KeyAction action) {
    for (const Row& r : layout.rows)
        for (const Key& k : r.keys)
            if (k.action == action) return true;
    return false;
}

bool has_text(const Layout& layout, const std::string& text) {
    for (const Row& r : layout.rows)
        for (const Key& k : r.keys)
            if (k.action == KeyAction::Text && k.text == text) return true;
    return false;
}

}  // namespace

TEST_CASE("the letters page is qwerty with shift, backspace, symbols, space and return") {
    const Layout l = make_layout(Page::Letters, Variant::Text, true);
    REQUIRE(l.rows.size() == 4);
    CHECK(texts(l.rows[0]) == std::vector<std::string>{"q", "w", "e", "r", "t", "y", "u", "i", "o", "p"});
    CHECK(texts(l.rows[1]).size() == 9);
    CHECK(l.rows[2].keys.front().action == KeyAction::Shift);
    CHECK(l.rows[2].keys.back().action == KeyAction::Backspace);
    CHECK(has_action(l, KeyAction::Symbols));
    CHECK(has_action(l, KeyAction::Space));
    CHECK(has_action(l, KeyAction::Return));
    CHECK(has_action(l, KeyAction::Language));
    CHECK_FALSE(has_action(make_layout(Page::Letters, Variant::Text, false), KeyAction::Language));
}

TEST_CASE("URL and e-mail variants carry their keys") {
    const Layout url = make_layout(Page::Letters, Variant::Url, true);
    CHECK(has_text(url, "/"));
    CHECK(has_text(url, "."));
    CHECK(has_text(url, ".com"));
    const Layout email = make_layout(Page::Letters, Variant::Email, true);
    CHECK(has_text(email, "@"));
    CHECK(has_text(email, "."));
    CHECK_FALSE(has_action(email, KeyAction::Language));
}

TEST_CASE("number pad and phone pad") {
    const Layout number = make_layout(Page::NumberPad, Variant::Text, false);
    for (const char* d : {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}) CHECK(has_text(number, d));
    CHECK(has_action(number, KeyAction::Backspace));
    CHECK_FALSE(has_text(number, "+"));
    const Layout phone = make_layout(Page::PhonePad, Variant::Text, false);
    for (const char* k : {"+", "*", "#", "0", "9"}) CHECK(has_text(phone, k));
    CHECK(has_action(phone, KeyAction::Return));
}

TEST_CASE("the symbols pages have digits and lead back to the letters") {
    const Layout s = make_layout(Page::Symbols, Variant::Text, true);
    CHECK(texts(s.rows[0]) == std::vector<std::string>{"1", "2", "3", "4", "5", "6", "7", "8", "9", "0"});
    CHECK(has_action(s, KeyAction::Letters));
    CHECK(has_action(s, KeyAction::MoreSymbols));
    CHECK(has_action(make_layout(Page::MoreSymbols, Variant::Text, true), KeyAction::Symbols));
}

TEST_CASE("the layout follows the content purpose and hints") {
    CHECK(choose_layout(static_cast<std::uint32_t>(Purpose::Normal), 0).page == Page::Letters);
    CHECK(choose_layout(static_cast<std::uint32_t>(Purpose::Number), 0).page == Page::NumberPad);
    CHECK(choose_layout(static_cast<std::uint32_t>(Purpose::Digits), 0).page == Page::NumberPad);
    CHECK(choose_layout(static_cast<std::uint32_t>(Purpose::Pin), 0).page == Page::NumberPad);
    CHECK(choose_layout(static_cast<std::uint32_t>(Purpose::Phone), 0).page == Page::PhonePad);
    CHECK(choose_layout(static_cast<std::uint32_t>(Purpose::Date), 0).page == Page::Symbols);
    CHECK(choose_layout(static_cast<std::uint32_t>(Purpose::Url), 0).variant == Variant::Url);
    CHECK(choose_layout(static_cast<std::uint32_t>(Purpose::Email), 0).variant == Variant::Email);
    CHECK(choose_layout(9999, 0).page == Page::Letters);  // unknown: normal
    // Pinyin (and its learning) never in secrets.
    CHECK(choose_layout(0, 0).pinyin_allowed);
    CHECK(choose_layout(static_cast<std::uint32_t>(Purpose::Url), 0).pinyin_allowed);
    CHECK_FALSE(choose_layout(static_cast<std::uint32_t>(Purpose::Password), 0).pinyin_allowed);
    CHECK_FALSE(choose_layout(0, hint::kHiddenText).pinyin_allowed);
    CHECK_FALSE(choose_layout(0, hint::kSensitiveData).pinyin_allowed);
    CHECK_FALSE(choose_layout(0, hint::kLatin).pinyin_allowed);
    CHECK_FALSE(choose_layout(static_cast<std::uint32_t>(Purpose::Email), 0).pinyin_allowed);
    CHECK(choose_layout(0, hint::kUppercase).caps_lock);
    CHECK(choose_layout(0, hint::kAutoCapitalization).auto_capitalize);
    CHECK_FALSE(
        choose_layout(static_cast<std::uint32_t>(Purpose::Password), hint::kAutoCapitalization).auto_capitalize);
}

TEST_CASE("rows fill the width at any width, portrait and landscape") {
    for (double width : {320.0, 360.0, 480.0, 720.0, 800.0, 1080.0}) {
        for (Page page : {Page::Letters, Page::Symbols, Page::NumberPad, Page::PhonePad}) {
            const Layout l = make_layout(page, Variant::Url, true);
            const Geometry g = compute_geometry(l, width, metrics_for(width, width, width * 1.6));
            double right_edge_max = 0;
            for (const KeyBox& k : g.keys) {
                CHECK(k.rect.x >= -1e-9);
                CHECK(k.rect.x + k.rect.w <= width + 1e-9);
                right_edge_max = std::max(right_edge_max, k.rect.x + k.rect.w);
            }
            CHECK(right_edge_max == doctest::Approx(width));
            // Each non-letters row starts at 0 and ends at the width.
            CHECK(g.keys.front().rect.x == 0);
        }
    }
    const Metrics portrait = metrics_for(480, 480, 800);
    const Metrics landscape = metrics_for(800, 800, 480);
    CHECK(landscape.row_height < portrait.row_height);
    const Geometry lg = compute_geometry(make_layout(Page::Letters, Variant::Text, true), 800, landscape);
    CHECK(lg.height <= 480 * 0.5);
    const Geometry pg = compute_geometry(make_layout(Page::Letters, Variant::Text, true), 480, portrait);
    CHECK(pg.height <= 800 * 0.4);
    CHECK(pg.height == portrait.bar_height + 4 * portrait.row_height);
}

TEST_CASE("a touch between keys lands on the nearest key") {
    const Layout l = make_layout(Page::Letters, Variant::Text, true);
    const Geometry g = compute_geometry(l, 480, metrics_for(480, 480, 800));
    const auto row_y = [&](std::size_t row) {
        for (const KeyBox& k : g.keys)
            if (k.row == row) return k.rect.y + k.rect.h / 2;
        return -1.0;
    };
    const auto text_at = [&](double x, double y) {
        const auto i = g.hit(x, y);
        REQUIRE(i);
        const KeyBox& k = g.keys[*i];
        return l.rows[k.row].keys[k.index].shown();
    };
    CHECK(text_at(1, row_y(0)) == "q");
    CHECK(text_at(479, row_y(0)) == "p");
    // The half-key margin left of "a" (a spacer): "a".
    CHECK(text_at(2, row_y(1)) == "a");
    CHECK(text_at(478, row_y(1)) == "l");
    // Exactly on the border between q and w: one of them, never nothing.
    const double border = 48;
    const std::string s = text_at(border, row_y(0));
    CHECK((s == "q" || s == "w"));
    // The bar is not a key.
    CHECK_FALSE(g.hit(100, 5));
    CHECK_FALSE(g.hit(100, g.height + 1));
}
