#include "pinyin_engine_adapter.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "pinyin_engine.hpp"

namespace cirrus::keyboard {

namespace {

class PinyinComposition : public CompositionEngine {
public:
    explicit PinyinComposition(std::unique_ptr<PinyinEngine> engine) : engine_(std::move(engine)) {}
    bool press(std::uint32_t keysym) override { return engine_->press(keysym); }
    bool select(std::size_t index_on_page) override { return engine_->select(index_on_page); }
    bool page(int direction) override { return engine_->page(direction); }
    void clear() override { engine_->clear(); }
    std::string take_commit() override { return engine_->take_commit(); }
    CompositionState state() const override {
        const PinyinState s = engine_->state();
        return {s.preedit, s.caret, s.candidates, s.highlighted, s.has_previous_page, s.has_next_page};
    }
    bool composing() const override { return engine_->composing(); }

private:
    std::unique_ptr<PinyinEngine> engine_;
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
    auto engine = PinyinEngine::open(shared, user_data_folder(), error);
    if (!engine) {
        std::fprintf(stderr, "cirrus-keyboard: pinyin is off: %s\n", error.c_str());
        return nullptr;
    }
    return std::make_unique<PinyinComposition>(std::move(engine));
}

}  // namespace cirrus::keyboard
