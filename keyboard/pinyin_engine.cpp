// Pinyin through librime's C API (rime_api.h). See pinyin_engine.hpp for
// what the keyboard gets; this file is the glue and the process-wide setup.
#include "pinyin_engine.hpp"

#include <dlfcn.h>
#include <rime_api.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <system_error>
#include <vector>

namespace cirrus::keyboard {

namespace fs = std::filesystem;

namespace {

// X keysyms the engine handles (xkbcommon-keysyms.h values; no dependency
// on xkbcommon for six numbers).
constexpr std::uint32_t kKeyBackSpace = 0xff08;
constexpr std::uint32_t kKeyReturn = 0xff0d;
constexpr std::uint32_t kKeyKpEnter = 0xff8d;
constexpr std::uint32_t kKeyEscape = 0xff1b;
constexpr std::uint32_t kKeyPageUp = 0xff55;
constexpr std::uint32_t kKeyPageDown = 0xff56;
constexpr std::uint32_t kKeySpace = 0x20;
constexpr std::uint32_t kKeyApostrophe = 0x27;

// The prebuilt files a session of kSchema loads (rime-data-luna-pinyin).
constexpr const char* kPrebuiltFiles[] = {"luna_pinyin_simp.schema.yaml", "luna_pinyin_simp.prism.bin",
                                          "luna_pinyin.table.bin"};
// Names the schema the session starts in, so that no other schema (nor
// Rime's ".default") is loaded first: the whole "deployment".
constexpr const char* kDefaultYaml =
    "# Written by cirrus-keyboard: the pinyin session starts in luna_pinyin_simp.\n"
    "config_version: \"cirrus-1\"\n"
    "schema_list:\n"
    "  - schema: luna_pinyin_simp\n"
    "# The keyboard sends no Shift or Caps_Lock: no switching to ASCII.\n"
    "ascii_composer:\n"
    "  switch_key: {}\n";
constexpr const char* kInstallHint = "install rime-data-luna-pinyin (Rime's prebuilt Luna Pinyin data)";

bool is_lower_letter(std::uint32_t keysym) { return keysym >= 'a' && keysym <= 'z'; }
bool is_printable_ascii(std::uint32_t keysym) { return keysym >= 0x21 && keysym <= 0x7e; }
bool is_punctuation(std::uint32_t keysym) {
    return is_printable_ascii(keysym) && !(keysym >= '0' && keysym <= '9') && !(keysym >= 'a' && keysym <= 'z') &&
           !(keysym >= 'A' && keysym <= 'Z');
}

RimeApi* rime() {
    static RimeApi* api = rime_get_api();
    return api;
}

// Rime is one per process: this guards "one engine open at a time".
std::mutex g_rime_mutex;
bool g_engine_open = false;
bool g_rime_set_up = false;
// RimeSetup copies these into std::strings, but glog keeps app_name.
std::string g_app_name = "rime.cirrus-keyboard";
std::string g_log_dir;

int rime_log_level() {
    const char* level = std::getenv("CIRRUS_LOG");
    return (level && std::strcmp(level, "debug") == 0) ? 0 : 2;  // glog: 0 INFO .. 2 ERROR
}

// glog writes files into its log dir ($TMPDIR or /tmp when unset) besides
// stderr. librime links glog, which exports its flags: ask for stderr only,
// where every Cirrus program logs. Returns false if this glog has no such
// flag (then the caller names a log dir in the user folder).
bool send_rime_log_to_stderr_only() {
    auto* logtostderr = static_cast<bool*>(dlsym(RTLD_DEFAULT, "_ZN3fLB17FLAGS_logtostderrE"));
    if (!logtostderr) return false;
    *logtostderr = true;
    return true;
}

std::string describe(const std::error_code& ec) { return ec.message(); }

// Creates `folder` (and missing parents) with mode 0700; the user dictionary
// is the user's typing history.
bool create_private_folder(const fs::path& folder, std::string& error) {
    std::error_code ec;
    if (fs::is_directory(folder, ec)) return true;
    if (fs::exists(folder, ec)) {
        error = "the pinyin user folder " + folder.string() + " exists but is not a folder (remove or rename it)";
        return false;
    }
    std::vector<fs::path> missing;
    for (fs::path p = folder; !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
        missing.push_back(p);
        if (p == p.parent_path()) break;
    }
    for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
        if (::mkdir(it->c_str(), 0700) != 0 && errno != EEXIST) {
            error = "cannot create the pinyin user folder " + it->string() + ": " + std::strerror(errno) +
                    " (fix: make its parent writable, or give the keyboard another data folder)";
            return false;
        }
    }
    return true;
}

// True if a file can be created in `folder` (the user dictionary's writes).
bool folder_writable(const fs::path& folder, std::string& why) {
    std::string pattern = (folder / ".cirrus-write-test-XXXXXX").string();
    int fd = ::mkstemp(pattern.data());
    if (fd < 0) {
        why = std::strerror(errno);
        return false;
    }
    bool ok = ::write(fd, "x", 1) == 1;
    if (!ok) why = std::strerror(errno);
    ::close(fd);
    ::unlink(pattern.c_str());
    return ok;
}

bool write_default_yaml(const fs::path& user_data, std::string& why) {
    const fs::path build = user_data / "build";
    const fs::path file = build / "default.yaml";
    {
        std::ifstream in(file, std::ios::binary);
        std::ostringstream current;
        current << in.rdbuf();
        if (in && current.str() == kDefaultYaml) return true;
    }
    if (::mkdir(build.c_str(), 0700) != 0 && errno != EEXIST) {
        why = "cannot create " + build.string() + ": " + std::strerror(errno);
        return false;
    }
    const fs::path temporary = build / "default.yaml.tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << kDefaultYaml;
        out.flush();
        if (!out) {
            why = "cannot write " + temporary.string();
            std::error_code ignored;
            fs::remove(temporary, ignored);
            return false;
        }
    }
    std::error_code ec;
    fs::rename(temporary, file, ec);
    if (ec) {
        why = "cannot write " + file.string() + ": " + describe(ec);
        fs::remove(temporary, ec);
        return false;
    }
    return true;
}

bool find_opencc_t2s(const fs::path& shared_data, const fs::path& user_data) {
    std::error_code ec;
    // Where librime's simplifier looks (user, shared), then OpenCC's own data.
    for (const fs::path& folder : {user_data / "opencc", shared_data / "opencc", fs::path("/usr/share/opencc")})
        if (fs::exists(folder / "t2s.json", ec)) return true;
    return false;
}

std::string current_schema(RimeSessionId session) {
    char buffer[128] = {0};
    if (!rime()->get_current_schema(session, buffer, sizeof buffer - 1)) return {};
    return buffer;
}

}  // namespace

bool PinyinEngine::data_present(const std::filesystem::path& shared_data, std::string& error) {
    std::error_code ec;
    if (shared_data.empty() || !fs::is_directory(shared_data, ec)) {
        error = "Rime's shared data folder " + shared_data.string() + " does not exist (" + kInstallHint +
                "; Debian puts it in /usr/share/rime-data)";
        return false;
    }
    const fs::path prebuilt = shared_data / "build";
    for (const char* name : kPrebuiltFiles) {
        if (!fs::is_regular_file(prebuilt / name, ec)) {
            error = "pinyin data missing: " + (prebuilt / name).string() + " (" + kInstallHint + ")";
            return false;
        }
    }
    return true;
}

std::unique_ptr<PinyinEngine> PinyinEngine::open(const fs::path& shared_data, const fs::path& user_data,
                                                 std::string& error) {
    error.clear();
    std::lock_guard lock(g_rime_mutex);
    if (g_engine_open) {
        error =
            "a pinyin engine is already open in this process (Rime is one per process): use it, or destroy it first";
        return nullptr;
    }
    if (!data_present(shared_data, error)) return nullptr;
    const fs::path prebuilt = shared_data / "build";
    if (!find_opencc_t2s(shared_data, user_data)) {
        error =
            "OpenCC's t2s.json is missing from /usr/share/opencc: without it pinyin would write traditional "
            "characters (install libopencc-data)";
        return nullptr;
    }
    if (user_data.empty()) {
        error = "no pinyin user folder given (the keyboard passes one under $XDG_DATA_HOME)";
        return nullptr;
    }
    if (!create_private_folder(user_data, error)) return nullptr;

    std::unique_ptr<PinyinEngine> engine(new PinyinEngine());
    std::string why;
    if (!folder_writable(user_data, why) || !write_default_yaml(user_data, why)) {
        engine->user_dictionary_writable_ = false;
        engine->notice_ = "the pinyin user folder " + user_data.string() + " cannot be written (" + why +
                          "): pinyin works but does not learn your choices (fix: free space, or make it writable)";
    }

    const std::string shared = shared_data.string();
    const std::string user = user_data.string();
    const std::string prebuilt_dir = prebuilt.string();
    RIME_STRUCT(RimeTraits, traits);
    traits.shared_data_dir = shared.c_str();
    traits.user_data_dir = user.c_str();
    traits.prebuilt_data_dir = prebuilt_dir.c_str();
    traits.distribution_name = "Cirrus";
    traits.distribution_code_name = "cirrus-keyboard";
    traits.distribution_version = "1";
    traits.app_name = g_app_name.c_str();
    traits.min_log_level = rime_log_level();
    if (!g_rime_set_up) {
        // Once per process: RimeSetup initialises glog, which aborts if asked twice.
        if (!send_rime_log_to_stderr_only() && engine->user_dictionary_writable_) {
            g_log_dir = (user_data / "log").string();
            ::mkdir(g_log_dir.c_str(), 0700);
            traits.log_dir = g_log_dir.c_str();
        }
        rime()->setup(&traits);
        g_rime_set_up = true;
    }
    rime()->initialize(&traits);

    RimeSessionId session = rime()->create_session();
    if (!session) {
        rime()->finalize();
        error = "Rime could not start a session on " + user + " and " + shared + " (" + kInstallHint + ")";
        return nullptr;
    }
    if (current_schema(session) != kSchema) rime()->select_schema(session, kSchema);
    if (current_schema(session) != kSchema) {
        rime()->destroy_session(session);
        rime()->finalize();
        error = std::string("Rime could not load the schema ") + kSchema + " from " + prebuilt_dir + " (" +
                kInstallHint + ")";
        return nullptr;
    }
    engine->session_ = session;
    rime()->set_option(session, "ascii_mode", False);
    rime()->set_option(session, "zh_simp", True);  // the schema's own switch; its reset value, made sure
    engine->set_learning(true);

    // Load the dictionary now (the first key would otherwise pay for it) and
    // check that it gives candidates.
    rime()->process_key(session, 'n', 0);
    rime()->process_key(session, 'i', 0);
    RimeCandidateListIterator probe = {};
    bool has_candidates = false;
    if (rime()->candidate_list_begin(session, &probe)) {
        has_candidates = rime()->candidate_list_next(&probe);
        rime()->candidate_list_end(&probe);
    }
    rime()->clear_composition(session);
    if (!has_candidates) {
        engine->session_ = 0;
        rime()->destroy_session(session);
        rime()->finalize();
        error = "the pinyin dictionary " + (prebuilt / "luna_pinyin.table.bin").string() + " gives no candidates (" +
                kInstallHint + ", or reinstall it)";
        return nullptr;
    }
    g_engine_open = true;
    engine->refresh();
    return engine;
}

PinyinEngine::~PinyinEngine() {
    if (!session_) return;
    std::lock_guard lock(g_rime_mutex);
    rime()->destroy_session(session_);  // commits the user dictionary's last transaction
    rime()->finalize();
    g_engine_open = false;
}

bool PinyinEngine::press(std::uint32_t keysym) {
    if (!session_) return false;
    bool handled = false;
    if (is_lower_letter(keysym)) {
        handled = type_letter(keysym);
    } else if (state_composing_) {
        handled = press_while_composing(keysym);
    } else if (is_punctuation(keysym)) {
        handled = type_punctuation(keysym);
    } else if (keysym == kKeyBackSpace) {
        // Not ours to edit: the app deletes. Rime still sees it, so that a
        // BackSpace right after a commit takes that choice back out of the
        // user dictionary (librime's Memory does that within 3 s).
        rime()->process_key(session_, static_cast<int>(keysym), 0);
    }
    refresh();
    return handled;
}

bool PinyinEngine::type_letter(std::uint32_t keysym) {
    const char* input = rime()->get_input(session_);
    if (input && std::strlen(input) >= kMaxLetters) return true;  // past the cap: ignored
    bool handled = rime()->process_key(session_, static_cast<int>(keysym), 0);
    page_ = 0;
    collect_commit();
    return handled;
}

bool PinyinEngine::press_while_composing(std::uint32_t keysym) {
    switch (keysym) {
    case kKeyApostrophe:
        return type_letter(keysym);
    case kKeyBackSpace:
        rime()->process_key(session_, static_cast<int>(keysym), 0);
        page_ = 0;
        return true;
    case kKeySpace:
        if (!select_absolute(page_ * page_size_)) confirm_composition();
        return true;
    case kKeyReturn:
    case kKeyKpEnter: {
        const char* input = rime()->get_input(session_);
        commit_ += input ? input : "";
        rime()->clear_composition(session_);
        page_ = 0;
        return true;
    }
    case kKeyEscape:
        rime()->clear_composition(session_);
        page_ = 0;
        return true;
    case kKeyPageUp:
        page(-1);
        return true;
    case kKeyPageDown:
        page(1);
        return true;
    default:
        break;
    }
    if (is_punctuation(keysym)) return type_punctuation(keysym);
    if (is_printable_ascii(keysym)) {  // a digit or capital: the composition, then itself
        confirm_composition();
        commit_ += static_cast<char>(keysym);
    }
    return true;  // anything else is swallowed while composing
}

bool PinyinEngine::type_punctuation(std::uint32_t keysym) {
    confirm_composition();
    const std::size_t committed_before = commit_.size();
    bool handled = rime()->process_key(session_, static_cast<int>(keysym), 0);
    collect_commit();
    // A mark with alternatives (/ gives 、 ／ ÷ …) opens a menu in Rime: a
    // touch keyboard has its own symbol layout, so take the first at once.
    if (rime()->get_input(session_) && *rime()->get_input(session_)) confirm_composition();
    if (!handled && commit_.size() == committed_before) {
        if (committed_before == 0) return false;  // not a mark Rime knows: the app gets the key
        commit_ += static_cast<char>(keysym);
    }
    return true;
}

bool PinyinEngine::select(std::size_t index_on_page) {
    if (!session_ || !state_composing_ || index_on_page >= state_.candidates.size()) return false;
    bool selected = select_absolute(page_ * page_size_ + index_on_page);
    refresh();
    return selected;
}

bool PinyinEngine::select_absolute(std::size_t index) {
    if (!rime()->select_candidate(session_, index)) return false;
    page_ = 0;
    collect_commit();
    finish_if_complete();
    return true;
}

// Commits what the composition shows: each segment's chosen or first
// candidate, raw letters where there is none.
void PinyinEngine::confirm_composition() {
    const char* input = rime()->get_input(session_);
    if (!input || !*input) return;
    if (learning()) {
        rime()->commit_composition(session_);  // Rime's commit: the user dictionary learns it
        collect_commit();
    } else {
        RIME_STRUCT(RimeContext, context);
        if (rime()->get_context(session_, &context)) {
            if (context.commit_text_preview) commit_ += context.commit_text_preview;
            rime()->free_context(&context);
        }
    }
    rime()->clear_composition(session_);
    page_ = 0;
}

// Without learning, Rime does not commit a finished selection itself
// (_auto_commit off, so that nothing reaches the user dictionary): once every
// letter is converted (the composition ends in an empty segment with no
// menu), the preview is the text.
void PinyinEngine::finish_if_complete() {
    if (learning()) return;
    RIME_STRUCT(RimeContext, context);
    if (!rime()->get_context(session_, &context)) return;
    const RimeComposition& composition = context.composition;
    const bool complete = composition.length > 0 && context.menu.num_candidates == 0 &&
                          composition.sel_start == composition.sel_end && composition.sel_end == composition.length;
    std::string text = complete && context.commit_text_preview ? context.commit_text_preview : "";
    rime()->free_context(&context);
    if (!complete) return;
    commit_ += text;
    rime()->clear_composition(session_);
}

void PinyinEngine::collect_commit() {
    RIME_STRUCT(RimeCommit, commit);
    if (rime()->get_commit(session_, &commit)) {
        if (commit.text) commit_ += commit.text;
        rime()->free_commit(&commit);
    }
}

bool PinyinEngine::page(int direction) {
    if (!session_ || !state_composing_ || direction == 0) return false;
    if (direction > 0) {
        if (!state_.has_next_page) return false;
        ++page_;
    } else {
        if (page_ == 0) return false;
        --page_;
    }
    refresh();
    return true;
}

void PinyinEngine::clear() {
    if (session_) rime()->clear_composition(session_);
    commit_.clear();
    page_ = 0;
    refresh();
}

std::string PinyinEngine::take_commit() {
    std::string text;
    text.swap(commit_);
    return text;
}

PinyinState PinyinEngine::state() const { return state_; }

bool PinyinEngine::composing() const { return state_composing_; }

void PinyinEngine::set_learning(bool learning) {
    learning_ = learning;
    // Rime commits a finished selection (and its Memory learns from that
    // commit) only with _auto_commit; without it this class commits the text.
    if (session_) rime()->set_option(session_, "_auto_commit", this->learning() ? True : False);
}

void PinyinEngine::set_page_size(std::size_t page_size) {
    page_size_ = std::clamp(page_size, kMinPageSize, kMaxPageSize);
    page_ = 0;
    refresh();
}

void PinyinEngine::refresh() {
    state_ = PinyinState{};
    state_composing_ = false;
    if (!session_) return;
    const char* input = rime()->get_input(session_);
    state_composing_ = input && *input;
    if (!state_composing_) {
        page_ = 0;
        return;
    }
    RIME_STRUCT(RimeContext, context);
    if (rime()->get_context(session_, &context)) {
        if (context.composition.preedit) {
            state_.preedit = context.composition.preedit;
            state_.caret = std::min<std::size_t>(std::max(context.composition.cursor_pos, 0), state_.preedit.size());
        }
        rime()->free_context(&context);
    }
    for (int attempt = 0; attempt < 2; ++attempt) {
        state_.candidates.clear();
        RimeCandidateListIterator iterator = {};
        bool more = false;
        if (rime()->candidate_list_from_index(session_, &iterator, static_cast<int>(page_ * page_size_))) {
            while (rime()->candidate_list_next(&iterator)) {
                if (state_.candidates.size() == page_size_) {
                    more = true;
                    break;
                }
                state_.candidates.emplace_back(iterator.candidate.text ? iterator.candidate.text : "");
            }
            rime()->candidate_list_end(&iterator);
        }
        state_.has_next_page = more;
        if (!state_.candidates.empty() || page_ == 0) break;
        page_ = 0;  // the page went away (the composition changed): back to the first
    }
    state_.has_previous_page = page_ > 0;
    state_.highlighted = 0;  // space takes the page's first candidate
}

}  // namespace cirrus::keyboard
