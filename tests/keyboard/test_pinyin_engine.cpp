// PinyinEngine against the real librime and the installed Luna Pinyin data
// (rime-data-luna-pinyin): each test opens the engine on a user folder of its
// own and drives it with keysyms as the keyboard does.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "../temp_dir.hpp"
#include "pinyin_engine.hpp"

using cirrus::keyboard::PinyinEngine;
using cirrus::keyboard::PinyinState;
using cirrus::test::TempDir;

namespace {

const std::filesystem::path kRimeSharedData = "/usr/share/rime-data";
constexpr std::uint32_t kBackSpace = 0xff08;
constexpr std::uint32_t kReturn = 0xff0d;
constexpr std::uint32_t kEscape = 0xff1b;

std::unique_ptr<PinyinEngine> open_engine(const std::filesystem::path& user_folder) {
    std::string error;
    auto engine = PinyinEngine::open(kRimeSharedData, user_folder, error);
    INFO("open error: " << error);
    REQUIRE(engine);
    CHECK(error.empty());
    return engine;
}

void type(PinyinEngine& engine, const std::string& letters) {
    for (char c : letters) CHECK(engine.press(static_cast<unsigned char>(c)));
}

std::string first_candidate(const PinyinEngine& engine) {
    auto state = engine.state();
    return state.candidates.empty() ? std::string() : state.candidates.front();
}

}  // namespace

TEST_CASE("nihao then space or the first candidate gives 你好") {
    TempDir user("pinyin-test");
    auto engine = open_engine(user / "rime");
    type(*engine, "nihao");
    CHECK(engine->composing());
    PinyinState state = engine->state();
    CHECK(state.preedit == "ni hao");
    CHECK(state.caret == state.preedit.size());
    REQUIRE(state.candidates.size() == PinyinEngine::kDefaultPageSize);
    CHECK(state.candidates[0] == "你好");
    CHECK(state.highlighted == 0);
    CHECK_FALSE(state.has_previous_page);
    CHECK(state.has_next_page);
    CHECK(engine->take_commit().empty());

    CHECK(engine->press(' '));
    CHECK(engine->take_commit() == "你好");
    CHECK_FALSE(engine->composing());
    CHECK(engine->state().preedit.empty());
    CHECK(engine->state().candidates.empty());

    type(*engine, "nihao");
    CHECK(engine->select(0));
    CHECK(engine->take_commit() == "你好");
    CHECK(engine->take_commit().empty());  // taken once
}

TEST_CASE("zhongguo gives 中国: simplified, not 中國") {
    TempDir user("pinyin-test");
    auto engine = open_engine(user / "rime");
    type(*engine, "zhongguo");
    CHECK(first_candidate(*engine) == "中国");
    CHECK(engine->press(' '));
    CHECK(engine->take_commit() == "中国");
}

TEST_CASE("paging forward and back changes the candidates") {
    TempDir user("pinyin-test");
    auto engine = open_engine(user / "rime");
    type(*engine, "shi");
    PinyinState first_page = engine->state();
    REQUIRE(first_page.candidates.size() == PinyinEngine::kDefaultPageSize);
    CHECK_FALSE(engine->page(-1));  // nothing before the first page

    REQUIRE(engine->page(1));
    PinyinState second_page = engine->state();
    CHECK(second_page.has_previous_page);
    CHECK(second_page.candidates.size() == PinyinEngine::kDefaultPageSize);
    CHECK(second_page.candidates != first_page.candidates);
    for (const auto& candidate : second_page.candidates) {
        CHECK(std::find(first_page.candidates.begin(), first_page.candidates.end(), candidate) ==
              first_page.candidates.end());
    }
    CHECK(second_page.preedit == first_page.preedit);

    // Tapping a candidate on the second page commits that one.
    const std::string chosen = second_page.candidates[2];
    REQUIRE(engine->page(-1));
    CHECK(engine->state().candidates == first_page.candidates);
    REQUIRE(engine->page(1));
    CHECK(engine->select(2));
    CHECK(engine->take_commit() == chosen);

    // Space on a later page takes that page's first candidate.
    type(*engine, "shi");
    REQUIRE(engine->page(1));
    const std::string page_first = engine->state().candidates[0];
    CHECK(engine->press(' '));
    CHECK(engine->take_commit() == page_first);

    // The page size is the keyboard's to choose, within 5..9.
    engine->set_page_size(100);
    CHECK(engine->page_size() == PinyinEngine::kMaxPageSize);
    type(*engine, "shi");
    CHECK(engine->state().candidates.size() == PinyinEngine::kMaxPageSize);
    CHECK_FALSE(engine->select(PinyinEngine::kMaxPageSize));  // past the page
    CHECK(engine->take_commit().empty());
    engine->set_page_size(1);
    CHECK(engine->page_size() == PinyinEngine::kMinPageSize);
}

TEST_CASE("BackSpace edits the composition; Escape drops it") {
    TempDir user("pinyin-test");
    auto engine = open_engine(user / "rime");
    type(*engine, "nihaoma");
    CHECK(engine->state().preedit == "ni hao ma");
    CHECK(engine->press(kBackSpace));
    CHECK(engine->press(kBackSpace));
    CHECK(engine->state().preedit == "ni hao");
    CHECK(first_candidate(*engine) == "你好");
    for (int i = 0; i < 4; ++i) CHECK(engine->press(kBackSpace));
    CHECK(engine->state().preedit == "n");
    CHECK(engine->press(kBackSpace));
    CHECK_FALSE(engine->composing());
    CHECK(engine->take_commit().empty());
    // Not composing: BackSpace is the app's.
    CHECK_FALSE(engine->press(kBackSpace));

    type(*engine, "zhong");
    CHECK(engine->press(kEscape));
    CHECK_FALSE(engine->composing());
    CHECK(engine->take_commit().empty());
    CHECK_FALSE(engine->press(kEscape));
}

TEST_CASE("Return commits the raw letters") {
    TempDir user("pinyin-test");
    auto engine = open_engine(user / "rime");
    type(*engine, "nihao");
    CHECK(engine->press(kReturn));
    CHECK(engine->take_commit() == "nihao");
    CHECK_FALSE(engine->composing());
    CHECK_FALSE(engine->press(kReturn));  // not composing: the app gets Return
}

TEST_CASE("an apostrophe separates syllables") {
    TempDir user("pinyin-test");
    auto engine = open_engine(user / "rime");
    type(*engine, "xian");
    CHECK(first_candidate(*engine) == "先");
    CHECK(engine->press(kEscape));
    type(*engine, "xi'an");
    CHECK(engine->state().preedit == "xi'an");
    CHECK(first_candidate(*engine) == "西安");
}

TEST_CASE("punctuation is full width, and first commits the composition") {
    TempDir user("pinyin-test");
    auto engine = open_engine(user / "rime");
    const std::vector<std::pair<char, std::string>> marks = {{',', "，"}, {'.', "。"}, {'?', "？"}, {'!', "！"},
                                                             {':', "："}, {';', "；"}, {'(', "（"}, {')', "）"}};
    for (const auto& [key, full_width] : marks) {
        CAPTURE(key);
        CHECK(engine->press(static_cast<unsigned char>(key)));
        CHECK(engine->take_commit() == full_width);
        CHECK_FALSE(engine->composing());
    }
    // A mark with alternatives in Rime's table takes the first one at once.
    CHECK(engine->press('/'));
    CHECK(engine->take_commit() == "、");
    CHECK_FALSE(engine->composing());

    type(*engine, "nihao");
    CHECK(engine->press(','));
    CHECK(engine->take_commit() == "你好，");
    type(*engine, "zhongguo");
    CHECK(engine->press('.'));
    CHECK(engine->take_commit() == "中国。");
    CHECK_FALSE(engine->composing());

    // Digits are typed by the app, or follow the composition.
    CHECK_FALSE(engine->press('7'));
    type(*engine, "nihao");
    CHECK(engine->press('7'));
    CHECK(engine->take_commit() == "你好7");
}

TEST_CASE("choosing a candidate teaches the user dictionary: it ranks first next session") {
    TempDir user("pinyin-test");
    std::string chosen;
    {
        auto engine = open_engine(user / "rime");
        CHECK(engine->learning());
        type(*engine, "zhongguo");
        PinyinState state = engine->state();
        REQUIRE(state.candidates.size() > 2);
        chosen = state.candidates[2];  // 忠果: zhong guo, all the letters
        REQUIRE(chosen != state.candidates[0]);
        CHECK(engine->select(2));
        CHECK(engine->take_commit() == chosen);
        CHECK_FALSE(engine->composing());
    }
    auto engine = open_engine(user / "rime");
    type(*engine, "zhongguo");
    CHECK(first_candidate(*engine) == chosen);
    CHECK(std::filesystem::is_directory(user / "rime" / "luna_pinyin.userdb"));
}

TEST_CASE("with learning off, choices are committed but not learnt") {
    TempDir user("pinyin-test");
    std::string first;
    {
        auto engine = open_engine(user / "rime");
        engine->set_learning(false);
        CHECK_FALSE(engine->learning());
        type(*engine, "zhongguo");
        PinyinState state = engine->state();
        REQUIRE(state.candidates.size() > 3);
        first = state.candidates[0];
        const std::string chosen = state.candidates[2];
        CHECK(engine->select(2));
        CHECK(engine->take_commit() == chosen);
        CHECK_FALSE(engine->composing());

        // A choice that covers part of the letters (中古: zhong gu) leaves
        // the rest (o) composing; space then commits the whole.
        type(*engine, "zhongguo");
        REQUIRE(engine->state().candidates[3] == "中古");
        CHECK(engine->select(3));
        CHECK(engine->take_commit().empty());
        CHECK(engine->composing());
        CHECK(engine->state().preedit.rfind("中古", 0) == 0);
        CHECK(engine->press(' '));
        const std::string sentence = engine->take_commit();
        CHECK(sentence.rfind("中古", 0) == 0);
        CHECK(sentence.size() > std::string("中古").size());
        CHECK_FALSE(engine->composing());

        // Punctuation also commits without learning.
        type(*engine, "zhongguo");
        CHECK(engine->press(','));
        CHECK(engine->take_commit() == first + "，");
    }
    auto engine = open_engine(user / "rime");
    type(*engine, "zhongguo");
    CHECK(first_candidate(*engine) == first);
}

TEST_CASE("the composition is capped at kMaxLetters letters") {
    TempDir user("pinyin-test");
    auto engine = open_engine(user / "rime");
    const std::string phrase = "woshizhongguoren";
    std::string typed;
    while (typed.size() < PinyinEngine::kMaxLetters + 20) typed += phrase;
    for (char c : typed) CHECK(engine->press(static_cast<unsigned char>(c)));  // all consumed
    CHECK(engine->press(kReturn));
    const std::string raw = engine->take_commit();
    CHECK(raw.size() == PinyinEngine::kMaxLetters);
    CHECK(raw == typed.substr(0, PinyinEngine::kMaxLetters));
    // A long composition still converts, and BackSpace makes room again.
    for (char c : typed) engine->press(static_cast<unsigned char>(c));
    CHECK_FALSE(engine->state().candidates.empty());
    CHECK(engine->press(kBackSpace));
    CHECK(engine->press('x'));
    CHECK(engine->press(' '));
    CHECK_FALSE(engine->take_commit().empty());
    CHECK_FALSE(engine->composing());
}

TEST_CASE("a missing schema folder gives an error naming it and the package") {
    TempDir user("pinyin-test");
    std::string error;
    auto engine = PinyinEngine::open(user / "no-such-rime-data", user / "rime", error);
    CHECK_FALSE(engine);
    CHECK(error.find((user / "no-such-rime-data").string()) != std::string::npos);
    CHECK(error.find("rime-data-luna-pinyin") != std::string::npos);

    // A shared folder without the prebuilt schema names the missing file.
    std::filesystem::create_directories(user / "empty-rime-data" / "build");
    engine = PinyinEngine::open(user / "empty-rime-data", user / "rime", error);
    CHECK_FALSE(engine);
    CHECK(error.find("luna_pinyin_simp.schema.yaml") != std::string::npos);
    CHECK(error.find("install rime-data-luna-pinyin") != std::string::npos);

    // The failures left Rime usable: the real data opens afterwards.
    auto working = open_engine(user / "rime");
    type(*working, "nihao");
    CHECK(first_candidate(*working) == "你好");
}

TEST_CASE("a user folder that cannot be created, or is a file, gives a clear error") {
    TempDir user("pinyin-test");
    {
        std::ofstream file(user / "a-file");
        file << "x";
    }
    std::string error;
    auto engine = PinyinEngine::open(kRimeSharedData, user / "a-file", error);
    CHECK_FALSE(engine);
    CHECK(error.find((user / "a-file").string()) != std::string::npos);
    CHECK(error.find("not a folder") != std::string::npos);

    engine = PinyinEngine::open(kRimeSharedData, user / "a-file" / "rime", error);
    CHECK_FALSE(engine);
    CHECK(error.find("cannot create the pinyin user folder") != std::string::npos);
}

TEST_CASE("a new user folder is private (0700) and the shared data is not written") {
    TempDir user("pinyin-test");
    auto before = std::filesystem::last_write_time(kRimeSharedData / "build");
    auto engine = open_engine(user / "data" / "rime");
    struct stat info {};
    REQUIRE(::stat((user / "data" / "rime").c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0700);
    REQUIRE(::stat((user / "data").c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0700);
    CHECK(std::filesystem::last_write_time(kRimeSharedData / "build") == before);
    CHECK(std::filesystem::is_regular_file(user / "data" / "rime" / "build" / "default.yaml"));
    CHECK(engine->notice().empty());
}

TEST_CASE("a read-only user folder still types pinyin, without learning, and says why") {
    TempDir user("pinyin-test");
    // Root writes through mode bits, so as root a folder the kernel refuses
    // to create files in stands for it.
    std::filesystem::path read_only = "/proc/self/fdinfo";
    if (::geteuid() != 0) {
        read_only = user / "read-only";
        std::filesystem::create_directory(read_only);
        ::chmod(read_only.c_str(), 0500);
    }
    std::string error;
    auto engine = PinyinEngine::open(kRimeSharedData, read_only, error);
    INFO("open error: " << error);
    REQUIRE(engine);
    CHECK_FALSE(engine->learning());
    CHECK(engine->notice().find(read_only.string()) != std::string::npos);
    CHECK(engine->notice().find("does not learn") != std::string::npos);
    type(*engine, "nihao");
    CHECK(first_candidate(*engine) == "你好");
    CHECK(engine->select(0));
    CHECK(engine->take_commit() == "你好");
    if (::geteuid() != 0) ::chmod(read_only.c_str(), 0700);
}

TEST_CASE("Rime's log goes to stderr only: no log files in the working folder or $TMPDIR") {
    TempDir working("pinyin-cwd");
    const auto previous = std::filesystem::current_path();
    std::filesystem::current_path(working.path());
    auto rime_logs_in_tmp = [] {
        int count = 0;
        for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::temp_directory_path()))
            if (entry.path().filename().string().rfind("rime.", 0) == 0) ++count;
        return count;
    };
    const int logs_before = rime_logs_in_tmp();
    {
        // A read-only user folder makes Rime log errors (its user dictionary
        // cannot be opened).
        std::string error;
        auto engine = PinyinEngine::open(kRimeSharedData, "/proc/self/fdinfo", error);
        REQUIRE(engine);
        type(*engine, "nihao");
    }
    std::filesystem::current_path(previous);
    CHECK(std::filesystem::is_empty(working.path()));
    CHECK(rime_logs_in_tmp() == logs_before);
}

TEST_CASE("only one engine is open per process at a time") {
    TempDir user("pinyin-test");
    auto engine = open_engine(user / "rime");
    std::string error;
    auto second = PinyinEngine::open(kRimeSharedData, user / "other", error);
    CHECK_FALSE(second);
    CHECK(error.find("already open") != std::string::npos);
    engine.reset();
    auto again = open_engine(user / "other");
    type(*again, "nihao");
    CHECK(first_candidate(*again) == "你好");
}

TEST_CASE("10 000 random keysyms do not crash it") {
    TempDir user("pinyin-test");
    auto engine = open_engine(user / "rime");
    std::mt19937 random(15);
    std::uniform_int_distribution<std::uint32_t> any_value;
    std::uniform_int_distribution<int> kind(0, 9);
    std::uniform_int_distribution<std::uint32_t> letter('a', 'z');
    std::uniform_int_distribution<std::uint32_t> ascii(0, 0x7f);
    std::uniform_int_distribution<std::uint32_t> special(0xff00, 0xffff);
    for (int i = 0; i < 10000; ++i) {
        std::uint32_t keysym;
        switch (kind(random)) {
        case 0:
        case 1:
        case 2:
        case 3:
            keysym = letter(random);
            break;
        case 4:
        case 5:
            keysym = ascii(random);
            break;
        case 6:
            keysym = special(random);
            break;
        case 7:
            keysym = any_value(random);
            break;
        case 8:
            engine->select(random() % 12);
            continue;
        default:
            engine->page(static_cast<int>(random() % 3) - 1);
            continue;
        }
        engine->press(keysym);
        PinyinState state = engine->state();
        CHECK(state.candidates.size() <= engine->page_size());
        CHECK(state.caret <= state.preedit.size());
        CHECK(engine->composing() == !state.preedit.empty());
        engine->take_commit();
    }
    engine->clear();
    CHECK_FALSE(engine->composing());
    type(*engine, "nihao");
    CHECK(first_candidate(*engine) == "你好");
}
