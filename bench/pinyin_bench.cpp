// Pinyin (issue 15): keystroke -> candidates ready, and the engine's open
// time, for cirrus-keyboard's PinyinEngine (keyboard/pinyin_engine.hpp) on
// Debian's Luna Pinyin data. Prints a Markdown table.
//
//   pinyin-bench [--rounds 20] [--opens 5] [--train 3000] [--shared-data /usr/share/rime-data]
//
// Keystrokes: a list of common phrases typed letter by letter, each ended by
// space (its first candidate committed: the user dictionary learns as on the
// phone); one sample = press() + state() (preedit and the page's candidates,
// what the candidate bar draws). Cases, each in a process of its own (Rime is
// one per process) with a fresh user folder:
//   - engine, new user dictionary;
//   - engine, a used dictionary: --train phrases of two or three random
//     syllables first committed with a random candidate of the first page;
//   - librime alone, the way rime_api_console and IME frontends drive it:
//     process_key() then get_context() (Rime's own 5-candidate menu): the
//     floor the engine's glue adds to;
//   - the worst case the cap allows: one sentence typed to kMaxLetters
//     letters (Rime's sentence making grows with the length).
// Open: a new process opening a clean user folder (the phone's first start),
// the same process reopening it, and as the peer Rime's standard
// deployment of a clean user folder, `rime_deployer --build` (librime-bin),
// which is what IME frontends run before their first session.
#include <rime_api.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "pinyin_engine.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using cirrus::keyboard::PinyinEngine;

const std::vector<std::string> kPhrases = {
    "nihao",
    "xiexie",
    "zaijian",
    "zhongguo",
    "beijing",
    "shanghai",
    "women",
    "shenme",
    "weishenme",
    "zenmeyang",
    "meiguanxi",
    "duibuqi",
    "mingtian",
    "jintian",
    "pengyou",
    "gongzuo",
    "xuexi",
    "shijian",
    "dianhua",
    "shouji",
    "diannao",
    "wangluo",
    "kafei",
    "chifan",
    "huijia",
    "xianzai",
    "keyi",
    "zhidao",
    "xihuan",
    "yiqi",
    "jintiantianqihenhao",
    "womenmingtianjian",
    "xianzaijidianle",
    "woxianghekafei",
    "qingwenditiezhanzainali",
    "zhegedongxiduoshaoqian",
};
const std::vector<std::string> kSyllables = {
    "a",     "ai",    "an",   "ba",    "bai",   "ban",  "bao",   "bei",  "ben",   "bi",  "bian", "bu",
    "cai",   "chang", "chen", "cheng", "chi",   "chu",  "da",    "dai",  "dao",   "de",  "deng", "di",
    "dian",  "dong",  "du",   "duo",   "er",    "fa",   "fang",  "fei",  "fen",   "gao", "ge",   "gong",
    "guo",   "hai",   "hao",  "he",    "hen",   "hou",  "hua",   "hui",  "ji",    "jia", "jian", "jiao",
    "jin",   "jing",  "ju",   "kai",   "kan",   "ke",   "kuai",  "lai",  "lao",   "le",  "li",   "lian",
    "liang", "lu",    "ma",   "mei",   "men",   "mian", "ming",  "na",   "nan",   "ni",  "nian", "peng",
    "qi",    "qian",  "qing", "qu",    "ren",   "ri",   "shang", "shen", "sheng", "shi", "shou", "shu",
    "shui",  "ta",    "tian", "tong",  "wai",   "wan",  "wang",  "wei",  "wen",   "wo",  "xia",  "xian",
    "xiang", "xiao",  "xie",  "xin",   "xing",  "xue",  "yang",  "yao",  "ye",    "yi",  "you",  "yu",
    "yuan",  "zai",   "zhe",  "zhen",  "zheng", "zhi",  "zhong", "zhu",  "zi",    "zou", "zuo"};

struct Options {
    int rounds = 20;
    int opens = 5;
    int train = 3000;
    fs::path shared_data = "/usr/share/rime-data";
    std::string mode;  // internal: what a child process measures
    fs::path folder;
};

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double thread_cpu_ms() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

// One keystroke's wall time and this thread's CPU time over it: on a shared
// machine the CPU time is what the keystroke costs, the wall time adds the
// waits for a core.
struct Stopwatch {
    Clock::time_point wall = Clock::now();
    double cpu = thread_cpu_ms();
};

// Appends a sample as two numbers: the wall ms (negated for a space, so
// that the parent tells commits from letters) and the CPU ms.
void record(std::vector<double>& samples, const Stopwatch& watch, bool space = false) {
    double wall = ms_since(watch.wall);
    samples.push_back(space ? -wall : wall);
    samples.push_back(thread_cpu_ms() - watch.cpu);
}

double quantile(std::vector<double> samples, double q) {
    if (samples.empty()) return NAN;
    std::sort(samples.begin(), samples.end());
    if (q <= 0) return samples.front();
    auto index = static_cast<std::size_t>(std::ceil(q * static_cast<double>(samples.size()))) - 1;
    return samples[std::min(index, samples.size() - 1)];
}

std::unique_ptr<PinyinEngine> open_or_die(const Options& options, const fs::path& folder) {
    std::string error;
    auto engine = PinyinEngine::open(options.shared_data, folder, error);
    if (!engine) {
        std::fprintf(stderr, "pinyin-bench: %s\n", error.c_str());
        std::exit(1);
    }
    return engine;
}

void train(PinyinEngine& engine, int phrases) {
    std::mt19937 random(42);
    std::uniform_int_distribution<std::size_t> syllable(0, kSyllables.size() - 1);
    for (int i = 0; i < phrases; ++i) {
        std::string letters;
        for (int s = 0, n = 2 + static_cast<int>(random() % 2); s < n; ++s) letters += kSyllables[syllable(random)];
        for (char c : letters) engine.press(static_cast<unsigned char>(c));
        for (int guard = 0; engine.composing() && guard < 8; ++guard) {
            auto candidates = engine.state().candidates.size();
            if (!candidates || !engine.select(random() % candidates)) engine.press(' ');
        }
        engine.take_commit();
    }
}

// Samples as record() made them, one number per line.
void print_samples(const std::vector<double>& samples) {
    for (double s : samples) std::printf("%.6f\n", s);
}

int child_engine_keys(const Options& options, bool trained) {
    auto engine = open_or_die(options, options.folder);
    if (trained) train(*engine, options.train);
    std::vector<double> samples;
    std::size_t guard = 0;
    for (int round = 0; round < options.rounds; ++round) {
        for (const std::string& phrase : kPhrases) {
            for (char c : phrase) {
                Stopwatch watch;
                engine->press(static_cast<unsigned char>(c));
                auto state = engine->state();
                record(samples, watch);
                guard += state.candidates.size();
            }
            Stopwatch watch;
            engine->press(' ');
            auto state = engine->state();
            record(samples, watch, true);
            guard += engine->take_commit().size() + state.candidates.size();
        }
    }
    if (guard == 0) return 1;  // nothing was ever shown: the data is broken
    print_samples(samples);
    return 0;
}

// The composition cap: one sentence typed up to kMaxLetters letters, then
// dropped (Escape), --rounds times.
int child_engine_keys_long(const Options& options) {
    const std::string sentence = "woshizhongguorenwoaibeijingtiananmentiananmenshangtaiyangshengwomendezuguo";
    auto engine = open_or_die(options, options.folder);
    std::vector<double> samples;
    for (int round = 0; round < options.rounds; ++round) {
        for (std::size_t i = 0; i < PinyinEngine::kMaxLetters && i < sentence.size(); ++i) {
            Stopwatch watch;
            engine->press(static_cast<unsigned char>(sentence[i]));
            auto state = engine->state();
            record(samples, watch);
            if (state.candidates.empty()) return 1;
        }
        engine->press(0xff1b);
    }
    print_samples(samples);
    return 0;
}

int child_rime_keys(const Options& options) {
    RimeApi* rime = rime_get_api();
    const std::string shared = options.shared_data.string(), user = options.folder.string();
    fs::create_directories(options.folder / "build");
    // The same start-up schema as the engine (pinyin_engine.cpp's default.yaml).
    std::FILE* yaml = std::fopen((options.folder / "build" / "default.yaml").c_str(), "w");
    if (!yaml) return 1;
    std::fputs("schema_list:\n  - schema: luna_pinyin_simp\nascii_composer:\n  switch_key: {}\n", yaml);
    std::fclose(yaml);
    RIME_STRUCT(RimeTraits, traits);
    traits.shared_data_dir = shared.c_str();
    traits.user_data_dir = user.c_str();
    traits.app_name = "rime.pinyin-bench";
    traits.min_log_level = 3;
    rime->setup(&traits);
    rime->initialize(&traits);
    RimeSessionId session = rime->create_session();
    if (!session) return 1;
    std::vector<double> samples;
    std::size_t guard = 0;
    auto key = [&](int keycode) {
        Stopwatch watch;
        rime->process_key(session, keycode, 0);
        RIME_STRUCT(RimeContext, context);
        std::vector<std::string> shown;
        if (rime->get_context(session, &context)) {
            for (int i = 0; i < context.menu.num_candidates; ++i) shown.emplace_back(context.menu.candidates[i].text);
            rime->free_context(&context);
        }
        RIME_STRUCT(RimeCommit, commit);
        if (rime->get_commit(session, &commit)) rime->free_commit(&commit);
        record(samples, watch, keycode == ' ');
        guard += shown.size();
    };
    for (int round = 0; round < options.rounds; ++round) {
        for (const std::string& phrase : kPhrases) {
            for (char c : phrase) key(c);
            key(' ');
        }
    }
    rime->destroy_session(session);
    rime->finalize();
    if (guard == 0) return 1;
    print_samples(samples);
    return 0;
}

int child_open(const Options& options) {
    auto start = Clock::now();
    auto engine = open_or_die(options, options.folder);
    double first = ms_since(start);
    engine.reset();
    start = Clock::now();
    engine = open_or_die(options, options.folder);
    double again = ms_since(start);
    std::printf("%.3f\n%.3f\n", first, again);
    return 0;
}

// Runs argv, returns its stdout as numbers (one per line); exits on failure
// unless it is the peer (`peer`: its exit status and log are not ours).
std::vector<double> run_numbers(std::vector<std::string> args, double* wall_ms = nullptr, bool peer = false) {
    int out[2];
    if (pipe(out) != 0) std::exit(1);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    if (peer) posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid;
    auto start = Clock::now();
    if (posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) {
        std::fprintf(stderr, "pinyin-bench: cannot run %s\n", argv[0]);
        std::exit(1);
    }
    close(out[1]);
    std::string text;
    char buffer[65536];
    for (ssize_t n; (n = read(out[0], buffer, sizeof buffer)) > 0;) text.append(buffer, static_cast<std::size_t>(n));
    close(out[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (wall_ms) *wall_ms = ms_since(start);
    posix_spawn_file_actions_destroy(&actions);
    if (!peer && (!WIFEXITED(status) || WEXITSTATUS(status) != 0)) {
        std::fprintf(stderr, "pinyin-bench: %s failed\n", args[0].c_str());
        std::exit(1);
    }
    std::vector<double> numbers;
    for (char* line = std::strtok(text.data(), "\n"); line; line = std::strtok(nullptr, "\n"))
        numbers.push_back(std::atof(line));
    return numbers;
}

struct TempFolder {
    fs::path path;
    TempFolder() {
        std::string pattern = (fs::temp_directory_path() / "pinyin-bench-XXXXXX").string();
        if (!mkdtemp(pattern.data())) std::exit(1);
        path = pattern;
    }
    ~TempFolder() {
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
};

// `pairs` as record() made them: wall (negative for a space), CPU.
void key_row(const std::string& name, const std::vector<double>& pairs) {
    std::vector<double> all, letters, spaces, cpu;
    for (std::size_t i = 0; i + 1 < pairs.size(); i += 2) {
        all.push_back(std::fabs(pairs[i]));
        (pairs[i] < 0 ? spaces : letters).push_back(std::fabs(pairs[i]));
        cpu.push_back(pairs[i + 1]);
    }
    auto p99 = [](const std::vector<double>& samples) {
        char text[32] = "-";
        if (!samples.empty()) std::snprintf(text, sizeof text, "%.3f", quantile(samples, 0.99));
        return std::string(text);
    };
    std::printf("| %s | %.3f | %.3f | %.3f | %.3f | %zu | %s / %s | %.3f / %.3f |\n", name.c_str(), quantile(all, 0.5),
                quantile(all, 0.95), quantile(all, 0.99), quantile(all, 1.0), all.size(), p99(letters).c_str(),
                p99(spaces).c_str(), quantile(cpu, 0.5), quantile(cpu, 0.99));
}

double p99_of(const std::vector<double>& pairs) {
    std::vector<double> all;
    for (std::size_t i = 0; i < pairs.size(); i += 2) all.push_back(std::fabs(pairs[i]));
    return quantile(all, 0.99);
}

int parent(const Options& options, const std::string& self) {
    const std::string rounds = std::to_string(options.rounds), train = std::to_string(options.train);
    auto keys = [&](const std::string& mode) {
        TempFolder folder;
        return run_numbers({self, "--child", mode, (folder.path / "rime").string(), "--rounds", rounds, "--train",
                            train, "--shared-data", options.shared_data.string()});
    };
    double load[1] = {0};
    getloadavg(load, 1);
    std::vector<double> first, again, deploy;
    for (int i = 0; i < options.opens; ++i) {
        TempFolder folder;
        auto numbers = run_numbers(
            {self, "--child", "open", (folder.path / "rime").string(), "--shared-data", options.shared_data.string()});
        if (numbers.size() == 2) first.push_back(numbers[0]), again.push_back(numbers[1]);
    }
    bool have_deployer = std::system("command -v rime_deployer >/dev/null 2>&1") == 0;
    if (have_deployer) {
        for (int i = 0; i < std::min(options.opens, 3); ++i) {
            TempFolder folder;
            double wall = 0;
            run_numbers({"rime_deployer", "--build", folder.path.string(), options.shared_data.string(),
                         (folder.path / "build").string()},
                        &wall, true);
            deploy.push_back(wall);
        }
    }
    auto engine_new = keys("engine-keys");
    auto engine_trained = keys("engine-keys-trained");
    auto rime_alone = keys("rime-keys");
    auto engine_long = keys("engine-keys-long");

    std::printf("## Pinyin: keystroke -> candidates ready (ms)\n\n");
    std::printf(
        "%zu phrases typed letter by letter, each ended by space, %d rounds; goal p99 <= 10 ms; load average "
        "%.1f on %ld cores at the start\n\n",
        kPhrases.size(), options.rounds, load[0], sysconf(_SC_NPROCESSORS_ONLN));
    std::printf(
        "| case | p50 | p95 | p99 | max | samples | p99 letter / space | CPU p50 / p99 |\n"
        "|---|---|---|---|---|---|---|---|\n");
    key_row("PinyinEngine, new user dictionary", engine_new);
    char trained_name[96];
    std::snprintf(trained_name, sizeof trained_name, "PinyinEngine, user dictionary of %d choices", options.train);
    key_row(trained_name, engine_trained);
    key_row("librime alone (process_key + get_context)", rime_alone);
    key_row("PinyinEngine, one sentence typed to the 64-letter cap (not in the goal)", engine_long);
    std::printf("\n## Pinyin: open (ms)\n\n| case | median | min | max | runs |\n|---|---|---|---|---|\n");
    auto open_row = [](const char* name, const std::vector<double>& samples) {
        if (samples.empty()) {
            std::printf("| %s | n/a | n/a | n/a | 0 |\n", name);
            return;
        }
        std::printf("| %s | %.1f | %.1f | %.1f | %zu |\n", name, quantile(samples, 0.5), quantile(samples, 0.0),
                    quantile(samples, 1.0), samples.size());
    };
    open_row("PinyinEngine::open, new process, clean user folder", first);
    open_row("PinyinEngine::open again, same process and folder", again);
    open_row(have_deployer ? "peer: rime_deployer --build, clean user folder (a process; Debian's default.yaml lists "
                             "8 schemas, 4 installed)"
                           : "peer: rime_deployer (not installed: apt-get install librime-bin)",
             deploy);
    const bool met = p99_of(engine_new) <= 10 && p99_of(engine_trained) <= 10;
    std::printf("\nResult: %s\n", met ? "MET" : "NOT MET");
    return met ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "pinyin-bench: %s needs a value\n", arg.c_str());
                std::exit(1);
            }
            return argv[++i];
        };
        if (arg == "--rounds") options.rounds = std::max(1, std::atoi(value().c_str()));
        else if (arg == "--opens") options.opens = std::max(1, std::atoi(value().c_str()));
        else if (arg == "--train") options.train = std::max(0, std::atoi(value().c_str()));
        else if (arg == "--shared-data") options.shared_data = value();
        else if (arg == "--child") {
            options.mode = value();
            options.folder = value();
        } else {
            std::fprintf(stderr, "usage: pinyin-bench [--rounds 20] [--opens 5] [--train 3000] [--shared-data DIR]\n");
            return arg == "--help" ? 0 : 1;
        }
    }
    if (options.mode == "open") return child_open(options);
    if (options.mode == "engine-keys") return child_engine_keys(options, false);
    if (options.mode == "engine-keys-trained") return child_engine_keys(options, true);
    if (options.mode == "rime-keys") return child_rime_keys(options);
    if (options.mode == "engine-keys-long") return child_engine_keys_long(options);
    if (!options.mode.empty()) return 1;
    return parent(options, fs::read_symlink("/proc/self/exe").string());
}
