#include "pinyin_engine_adapter.hpp"

#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "pinyin_engine.hpp"

namespace cirrus::keyboard {

namespace {

// Rime is opened at the first key given to it (the user switched to 中 and
// typed), not when the keyboard starts, and closed when the keyboard hides:
// its dictionaries and schema (about 6 MiB of PSS) stay out of an idle
// keyboard. The first pinyin key after a show pays the open (about 50 ms in
// the same process).
class LazyPinyinComposition : public CompositionEngine {
public:
    LazyPinyinComposition(std::filesystem::path shared, std::filesystem::path user)
        : shared_(std::move(shared)), user_(std::move(user)) {}
    bool press(std::uint32_t keysym) override { return opened() && engine_->press(keysym); }
    bool select(std::size_t index_on_page) override { return engine_ && engine_->select(index_on_page); }
    bool page(int direction) override { return engine_ && engine_->page(direction); }
    void clear() override {
        if (engine_) engine_->clear();
    }
    std::string take_commit() override { return engine_ ? engine_->take_commit() : std::string(); }
    CompositionState state() const override {
        if (!engine_) return {};
        const PinyinState s = engine_->state();
        return {s.preedit, s.caret, s.candidates, s.highlighted, s.has_previous_page, s.has_next_page};
    }
    bool composing() const override { return engine_ && engine_->composing(); }
    void release() override {
        if (!engine_) return;
        engine_.reset();
        malloc_trim(0);  // what librime freed goes back to the system, not to a later allocation
    }

private:
    bool opened() {
        if (engine_ || failed_) return engine_ != nullptr;
        std::string error;
        engine_ = PinyinEngine::open(shared_, user_, error);
        if (!engine_) {
            failed_ = true;  // said once; the keys then type letters
            std::fprintf(stderr, "cirrus-keyboard: pinyin is off: %s\n", error.c_str());
        } else if (!engine_->notice().empty()) {
            std::fprintf(stderr, "cirrus-keyboard: %s\n", engine_->notice().c_str());
        }
        return engine_ != nullptr;
    }

    std::filesystem::path shared_, user_;
    std::unique_ptr<PinyinEngine> engine_;
    bool failed_ = false;
};

std::filesystem::path user_data_folder() {
    if (const char* data = std::getenv("XDG_DATA_HOME"); data && *data)
        return std::filesystem::path(data) / "cirrus" / "keyboard" / "rime";
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home && *home ? home : "/tmp") / ".local" / "share" / "cirrus" / "keyboard" / "rime";
}

}  // namespace

std::unique_ptr<CompositionEngine> open_pinyin_engine() {
    const char* shared_env = std::getenv("CIRRUS_RIME_SHARED_DATA");
    const std::filesystem::path shared = shared_env && *shared_env ? shared_env : "/usr/share/rime-data";
    std::string error;
    if (!PinyinEngine::data_present(shared, error)) {
        std::fprintf(stderr, "cirrus-keyboard: pinyin is off: %s\n", error.c_str());
        return nullptr;
    }
    return std::make_unique<LazyPinyinComposition>(shared, user_data_folder());
}

}  // namespace cirrus::keyboard
