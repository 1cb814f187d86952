#include "pinyin_engine_adapter.hpp"

#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "pinyin_engine.hpp"

namespace cirrus::keyboard {

namespace {

// Opens librime on the first key and closes it when the keyboard hides: an
// idle keyboard then holds none of its dictionaries (issue 15: idle PSS at
// most 8 MiB; open, about 15 MiB). Reopening in the same process takes
// about 50 ms, once per show, before the first pinyin key is answered.
class PinyinComposition : public CompositionEngine {
public:
    PinyinComposition(std::filesystem::path shared, std::filesystem::path user)
        : shared_(std::move(shared)), user_(std::move(user)) {}
    bool press(std::uint32_t keysym) override { return open() && engine_->press(keysym); }
    bool select(std::size_t index_on_page) override { return open() && engine_->select(index_on_page); }
    bool page(int direction) override { return open() && engine_->page(direction); }
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
    bool open() {
        if (engine_) return true;
        std::string error;
        engine_ = PinyinEngine::open(shared_, user_, error);
        if (!engine_ && error != last_error_) {
            std::fprintf(stderr, "cirrus-keyboard: pinyin is off: %s\n", error.c_str());
            last_error_ = error;
        }
        return engine_ != nullptr;
    }

    std::filesystem::path shared_;
    std::filesystem::path user_;
    std::unique_ptr<PinyinEngine> engine_;
    std::string last_error_;
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
    // Only the schema is looked for now: opening librime would touch its
    // libraries and dictionaries, which an idle keyboard must not hold. A
    // later failure to open is said then, and the keys type English.
    std::error_code ec;
    if (!std::filesystem::exists(shared / "luna_pinyin_simp.schema.yaml", ec) &&
        !std::filesystem::exists(shared / "build" / "luna_pinyin_simp.schema.yaml", ec)) {
        std::fprintf(
            stderr,
            "cirrus-keyboard: pinyin is off: no luna_pinyin_simp schema in %s (install rime-data-luna-pinyin)\n",
            shared.c_str());
        return nullptr;
    }
    return std::make_unique<PinyinComposition>(shared, user_data_folder());
}

}  // namespace cirrus::keyboard
