// A text sink that records what the keyboard sent, and a scripted pinyin
// engine (a few fixed syllables) standing in for librime, so that the
// keyboard's side of the pinyin seam is tested without it.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "composition.hpp"
#include "keyboard_model.hpp"

namespace keyboard_test {

using namespace cirrus::keyboard;

struct RecordingSink : TextSink {
    std::string committed;         // every commit_text, concatenated
    std::vector<std::string> log;  // "commit:x", "preedit:x", "backspace", "return", "hide"
    std::string preedit;
    int backspaces = 0;
    int returns = 0;
    int hides = 0;
    void commit_text(const std::string& text) override {
        committed += text;
        log.push_back("commit:" + text);
    }
    void set_preedit(const std::string& text, std::size_t) override {
        preedit = text;
        log.push_back("preedit:" + text);
    }
    void backspace() override {
        ++backspaces;
        log.push_back("backspace");
    }
    void press_return() override {
        ++returns;
        log.push_back("return");
    }
    void hide() override {
        ++hides;
        log.push_back("hide");
    }
};

class ScriptedEngine : public CompositionEngine {
public:
    bool press(std::uint32_t keysym) override {
        if (keysym >= 'a' && keysym <= 'z') {
            preedit_ += static_cast<char>(keysym);
            page_ = 0;
            return true;
        }
        if (keysym == kKeysymBackSpace) {
            if (preedit_.empty()) return false;
            preedit_.pop_back();
            return true;
        }
        if (!composing()) {
            if (keysym == ',') return commit("，");
            if (keysym == '.') return commit("。");
            return false;
        }
        if (keysym == kKeysymSpace) return select(0);
        if (keysym == kKeysymReturn) return commit(preedit_);
        if (keysym == ',') {
            select(0);
            commit_ += "，";
            return true;
        }
        return false;
    }
    bool select(std::size_t index) override {
        const auto c = candidates();
        if (index >= c.size()) return false;
        return commit(c[index]);
    }
    bool page(int direction) override {
        if (direction > 0 && page_ == 0) page_ = 1;
        else if (direction < 0 && page_ == 1) page_ = 0;
        else return false;
        return true;
    }
    void clear() override { preedit_.clear(); }
    std::string take_commit() override { return std::exchange(commit_, std::string()); }
    CompositionState state() const override {
        CompositionState s;
        s.preedit = preedit_;
        s.caret = preedit_.size();
        s.candidates = candidates();
        s.has_previous_page = page_ == 1;
        s.has_next_page = page_ == 0;
        return s;
    }
    bool composing() const override { return !preedit_.empty(); }

private:
    bool commit(const std::string& text) {
        commit_ += text;
        preedit_.clear();
        return true;
    }
    std::vector<std::string> candidates() const {
        if (preedit_.empty()) return {};
        if (page_ == 1) return {"拟", "逆"};
        if (preedit_ == "nihao") return {"你好", "你", "尼", "泥"};
        if (preedit_ == "ni") return {"你", "尼", "泥", "呢"};
        return {"字", "子"};
    }
    std::string preedit_;
    std::string commit_;
    int page_ = 0;
};

// A candidate's width without Pango: 20 px a character (UTF-8 lead bytes).
inline double estimate_width(const std::string& text) {
    double n = 0;
    for (unsigned char c : text)
        if ((c & 0xc0) != 0x80) n += 20;
    return n;
}

}  // namespace keyboard_test
