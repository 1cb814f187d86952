#include "layouts.hpp"

#include <utility>

namespace cirrus::keyboard {

namespace {

Key text(std::string t, double width = 1) {
    Key k;
    k.text = std::move(t);
    k.width = width;
    return k;
}

Key special(KeyAction action, std::string label, double width) {
    Key k;
    k.action = action;
    k.label = std::move(label);
    k.width = width;
    return k;
}

Row text_row(std::initializer_list<const char*> keys) {
    Row row;
    for (const char* k : keys) row.keys.push_back(text(k));
    return row;
}

Row letters_bottom_row(Variant variant, bool show_language) {
    Row row;
    row.keys.push_back(special(KeyAction::Symbols, "?123", 1.5));
    switch (variant) {
    case Variant::Text:
        if (show_language) row.keys.push_back(special(KeyAction::Language, "中/EN", 1));
        row.keys.push_back(text(","));
        row.keys.push_back(special(KeyAction::Space, "", show_language ? 4 : 5));
        row.keys.push_back(text("."));
        break;
    case Variant::Url:
        // Chinese is typed into address bars too (searches): the 中 key stays.
        if (show_language) row.keys.push_back(special(KeyAction::Language, "中/EN", 1));
        row.keys.push_back(text("/"));
        row.keys.push_back(special(KeyAction::Space, "", show_language ? 2.5 : 3.5));
        row.keys.push_back(text("."));
        row.keys.push_back(text(".com", 1.5));
        break;
    case Variant::Email:
        row.keys.push_back(text("@"));
        row.keys.push_back(special(KeyAction::Space, "", 5));
        row.keys.push_back(text("."));
        break;
    }
    row.keys.push_back(special(KeyAction::Return, "⏎", 1.5));
    return row;
}

Row symbols_bottom_row() {
    Row row;
    row.keys.push_back(special(KeyAction::Letters, "ABC", 1.5));
    row.keys.push_back(text(","));
    row.keys.push_back(special(KeyAction::Space, "", 5));
    row.keys.push_back(text("."));
    row.keys.push_back(special(KeyAction::Return, "⏎", 1.5));
    return row;
}

}  // namespace

Layout make_layout(Page page, Variant variant, bool show_language) {
    Layout layout;
    layout.page = page;
    layout.variant = variant;
    switch (page) {
    case Page::Letters: {
        layout.rows.push_back(text_row({"q", "w", "e", "r", "t", "y", "u", "i", "o", "p"}));
        Row middle;
        middle.keys.push_back(special(KeyAction::Spacer, "", 0.5));
        for (const char* k : {"a", "s", "d", "f", "g", "h", "j", "k", "l"}) middle.keys.push_back(text(k));
        middle.keys.push_back(special(KeyAction::Spacer, "", 0.5));
        layout.rows.push_back(std::move(middle));
        Row third;
        third.keys.push_back(special(KeyAction::Shift, "⇧", 1.5));
        for (const char* k : {"z", "x", "c", "v", "b", "n", "m"}) third.keys.push_back(text(k));
        third.keys.push_back(special(KeyAction::Backspace, "⌫", 1.5));
        layout.rows.push_back(std::move(third));
        layout.rows.push_back(letters_bottom_row(variant, show_language));
        break;
    }
    case Page::Symbols: {
        layout.rows.push_back(text_row({"1", "2", "3", "4", "5", "6", "7", "8", "9", "0"}));
        layout.rows.push_back(text_row({"@", "#", "$", "%", "&", "-", "+", "(", ")", "/"}));
        Row third;
        third.keys.push_back(special(KeyAction::MoreSymbols, "=\\<", 1.5));
        for (const char* k : {"*", "\"", "'", ":", ";", "!", "?"}) third.keys.push_back(text(k));
        third.keys.push_back(special(KeyAction::Backspace, "⌫", 1.5));
        layout.rows.push_back(std::move(third));
        layout.rows.push_back(symbols_bottom_row());
        break;
    }
    case Page::MoreSymbols: {
        layout.rows.push_back(text_row({"~", "`", "|", "•", "√", "π", "÷", "×", "¶", "∆"}));
        layout.rows.push_back(text_row({"£", "€", "¥", "^", "°", "=", "{", "}", "\\", "_"}));
        Row third;
        third.keys.push_back(special(KeyAction::Symbols, "?123", 1.5));
        for (const char* k : {"©", "®", "™", "✓", "[", "]", "<"}) third.keys.push_back(text(k));
        third.keys.push_back(special(KeyAction::Backspace, "⌫", 1.5));
        layout.rows.push_back(std::move(third));
        layout.rows.push_back(symbols_bottom_row());
        break;
    }
    case Page::NumberPad:
    case Page::PhonePad: {
        const bool phone = page == Page::PhonePad;
        Row r1 = text_row({"1", "2", "3"});
        r1.keys.push_back(text(phone ? "+" : "-"));
        Row r2 = text_row({"4", "5", "6"});
        r2.keys.push_back(special(KeyAction::Space, "␣", 1));
        Row r3 = text_row({"7", "8", "9"});
        r3.keys.push_back(special(KeyAction::Backspace, "⌫", 1));
        Row r4 = phone ? text_row({"*", "0", "#"}) : text_row({",", "0", "."});
        r4.keys.push_back(special(KeyAction::Return, "⏎", 1));
        layout.rows = {std::move(r1), std::move(r2), std::move(r3), std::move(r4)};
        break;
    }
    }
    return layout;
}

const char* page_name(Page page) {
    switch (page) {
    case Page::Letters:
        return "letters";
    case Page::Symbols:
        return "symbols";
    case Page::MoreSymbols:
        return "more-symbols";
    case Page::NumberPad:
        return "number";
    case Page::PhonePad:
        return "phone";
    }
    return "?";
}

const char* variant_name(Variant variant) {
    switch (variant) {
    case Variant::Text:
        return "text";
    case Variant::Url:
        return "url";
    case Variant::Email:
        return "email";
    }
    return "?";
}

}  // namespace cirrus::keyboard
