// Chinese pinyin for the on-screen keyboard: librime (Rime) with the Luna
// Pinyin schema in its simplified form (luna_pinyin_simp), behind a small
// state machine the keyboard drives with keysyms and candidate taps.
//
// Data: the shared data folder (Debian: /usr/share/rime-data) is only read;
// its prebuilt build/ folder is used as it is, so nothing is compiled and the
// first open on a clean user folder takes tens of ms, not seconds. The user
// folder (created 0700) holds the user dictionary (luna_pinyin.userdb, the
// user's choices), plus build/default.yaml, the one file this class writes
// itself (it names the schema so that a session starts in it).
//
// Privacy: the keyboard must NOT create an engine, nor feed one, for a
// password or otherwise sensitive field (text-input-v3 purpose password or
// pin, or hint sensitive_data / hidden_text): those fields get the plain
// letter layout only, so nothing typed there reaches the user dictionary.
// set_learning(false) additionally lets a field be typed in pinyin without
// teaching the dictionary (e.g. a private tab).
//
// Rime is one process-wide C singleton (rime_get_api: setup once, then
// initialize/finalize). This class owns it: at most ONE PinyinEngine may be
// open per process at a time (open() fails with a clear error otherwise); a
// later open() after the first one is destroyed works (Rime is finalized and
// initialized again, e.g. on another user folder). Use from one thread.
// Rime's log (glog) goes to stderr only, like the rest of Cirrus's logs, at
// ERROR level (CIRRUS_LOG=debug: everything); it never writes log files
// (should this glog not allow that, its files go to <user folder>/log).
//
// Keys (press): a-z type pinyin; the apostrophe separates syllables (xi'an);
// BackSpace edits the composition; space commits the first candidate of the
// page shown; Return commits the raw letters; Escape drops the composition;
// Page_Up / Page_Down page. Punctuation (printable ASCII other than letters
// and digits) commits the composition's first candidates and then the
// full-width mark (，。？！：；（）“” …, Rime's punctuation table). Digits
// commit the composition and then themselves. While composing every other
// key is swallowed (returns true, does nothing); while not composing any key
// but a-z and punctuation returns false: the keyboard then sends it to the
// app as in English. At most kMaxLetters letters are composed: past that,
// further letters and apostrophes are ignored (swallowed) until the
// composition is committed or shortened. Send every BackSpace through
// press(), also when not composing (it then returns false and the app
// deletes): Rime takes a choice committed less than 3 s before back out of
// the user dictionary, as the user just undid it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace cirrus::keyboard {

struct PinyinState {
    std::string preedit;                  // UTF-8, shown underlined in the field
    std::size_t caret = 0;                // byte offset in preedit
    std::vector<std::string> candidates;  // this page's candidates
    std::size_t highlighted = 0;
    bool has_previous_page = false;
    bool has_next_page = false;
};

class PinyinEngine {
public:
    // Candidates per page of the bar: a 480-px-wide portrait phone fits six
    // two-character words (about 64 px each at 20 px CJK text) beside the two
    // paging arrows. set_page_size() takes kMinPageSize..kMaxPageSize (e.g. 9
    // in landscape).
    static constexpr std::size_t kDefaultPageSize = 6;
    static constexpr std::size_t kMinPageSize = 5;
    static constexpr std::size_t kMaxPageSize = 9;
    // Longest composition, in input bytes (letters and apostrophes).
    static constexpr std::size_t kMaxLetters = 64;
    static constexpr const char* kSchema = "luna_pinyin_simp";

    // Opens Rime on `shared_data` (read only; Debian: /usr/share/rime-data)
    // and `user_data` (created 0700 if missing). On failure returns null and
    // sets `error` to what is wrong and how to fix it. A user folder that
    // cannot be written still opens: pinyin works, nothing is learnt, and
    // notice() says why.
    static std::unique_ptr<PinyinEngine> open(const std::filesystem::path& shared_data,
                                              const std::filesystem::path& user_data, std::string& error);
    // Whether `shared_data` holds the prebuilt Luna Pinyin files open()
    // needs (a cheap check: nothing of Rime is loaded); else sets `error`.
    static bool data_present(const std::filesystem::path& shared_data, std::string& error);
    ~PinyinEngine();
    PinyinEngine(const PinyinEngine&) = delete;
    PinyinEngine& operator=(const PinyinEngine&) = delete;

    bool press(
        std::uint32_t
            keysym);  // letters, apostrophe, BackSpace, space (first candidate), Return (raw letters), Escape, punctuation (full width)
    bool select(std::size_t index_on_page);
    bool page(int direction);
    void clear();               // drops the composition and any commit not yet taken
    std::string take_commit();  // text to commit, if any
    PinyinState state() const;
    bool composing() const;

    // Whether choices teach the user dictionary (default true; false when the
    // user folder is read only).
    void set_learning(bool learning);
    bool learning() const { return learning_ && user_dictionary_writable_; }
    void set_page_size(std::size_t page_size);
    std::size_t page_size() const { return page_size_; }
    // Empty, or a warning to log once (e.g. the user folder is read only).
    const std::string& notice() const { return notice_; }

private:
    PinyinEngine() = default;

    bool type_letter(std::uint32_t keysym);
    bool press_while_composing(std::uint32_t keysym);
    bool type_punctuation(std::uint32_t keysym);
    bool select_absolute(std::size_t index);
    void confirm_composition();
    void finish_if_complete();
    void collect_commit();
    void refresh();

    std::uintptr_t session_ = 0;
    std::size_t page_ = 0;
    std::size_t page_size_ = kDefaultPageSize;
    bool learning_ = true;
    bool user_dictionary_writable_ = true;
    bool state_composing_ = false;
    std::string commit_;
    std::string notice_;
    PinyinState state_;
};

}  // namespace cirrus::keyboard
