// Settings from a config file and command-line flags. Every refusal names the
// option (or file:line and key), the bad value and what would be accepted, so
// that a user can fix it without reading the source.
#include "config.hpp"

#include "common/app_id.hpp"
#include "common/strings.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string_view>
#include <utility>

namespace cirrus {
namespace {

constexpr int kMaxDimension = 16384;
constexpr double kMinScale = 0.25;
constexpr double kMaxScale = 8.0;
// An idle standby host holds about 29 MiB that cannot be paged out (and
// ~120 MiB PSS while no app shares its libraries): a phone with 512 MiB
// cannot afford many.
constexpr int kMaxPrestart = 4;
constexpr std::size_t kMaxWindowTitle = 200;

[[noreturn]] void refuse(const std::string& what, const std::string& text, const std::string& expected) {
    throw ConfigError("bad value for " + what + ": '" + text + "' (expected " + expected + ")");
}

// Whole-string number parsing: "12abc", "", " 1" and overflow are all refused.
template <typename Number>
std::optional<Number> parse_number(std::string_view text) {
    Number value{};
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc{} || ptr != end || text.empty()) return std::nullopt;
    return value;
}

std::optional<int> parse_dimension(std::string_view text) {
    // from_chars accepts a leading '-', which a size never has.
    if (text.empty() || text.front() == '-') return std::nullopt;
    const auto value = parse_number<int>(text);
    if (!value || *value < 1 || *value > kMaxDimension) return std::nullopt;
    return value;
}

const std::string kSizeExpected = "WIDTHxHEIGHT, e.g. 480x800, each between 1 and 16384";
const std::string kModeExpected = "WIDTHxHEIGHT or WIDTHxHEIGHT@HZ, e.g. 480x800 or 1920x1080@59.94";

struct Mode {
    Size size;
    std::optional<int> refresh_mhz;
};

Mode parse_mode(const std::string& text, const std::string& what) {
    const auto at = text.find('@');
    Mode mode;
    try {
        mode.size = parse_size(text.substr(0, at), what);
    } catch (const ConfigError&) {
        refuse(what, text, kModeExpected);  // report the whole value, not the part
    }
    if (at == std::string::npos) return mode;
    const auto hz = parse_number<double>(std::string_view(text).substr(at + 1));
    if (!hz || !std::isfinite(*hz) || *hz <= 0.0 || *hz > 1000.0)
        refuse(what, text, kModeExpected + ", refresh rate in Hz between 0 and 1000");
    mode.refresh_mhz = static_cast<int>(std::lround(*hz * 1000.0));
    return mode;
}

// "10s", "300ms", "0" (milliseconds without a unit are refused: a bare
// number would be read as seconds by some and as milliseconds by others).
std::uint64_t parse_duration_ms(const std::string& text, const std::string& what) {
    const std::string expected = "a duration such as 10s or 300ms (0: never), at most 1 hour";
    std::string_view number = text;
    std::uint64_t unit = 0;
    if (text.ends_with("ms")) {
        number.remove_suffix(2);
        unit = 1;
    } else if (text.ends_with("s")) {
        number.remove_suffix(1);
        unit = 1000;
    } else if (text == "0") {
        return 0;
    }
    const auto value = unit ? parse_number<std::uint64_t>(number) : std::nullopt;
    if (!value || *value * unit > 3600ull * 1000) refuse(what, text, expected);
    return *value * unit;
}

// "320M", "1G", "512K", or bytes; "none" is 0.
std::uint64_t parse_memory_bytes(const std::string& text, const std::string& what) {
    if (text == "none") return 0;
    const std::string expected = "a size such as 320M or 1G, or none";
    std::string_view number = text;
    std::uint64_t unit = 1;
    if (!text.empty()) {
        switch (text.back()) {
        case 'K':
            unit = 1ull << 10;
            break;
        case 'M':
            unit = 1ull << 20;
            break;
        case 'G':
            unit = 1ull << 30;
            break;
        default:
            break;
        }
        if (unit != 1) number.remove_suffix(1);
    }
    const auto value = parse_number<std::uint64_t>(number);
    if (!value || *value > (1ull << 50) / unit) refuse(what, text, expected);
    return *value * unit;
}

double parse_percent(const std::string& text, const std::string& what) {
    const auto value = parse_number<double>(text);
    if (!value || !std::isfinite(*value) || *value < 0 || *value > 100) refuse(what, text, "0 to 100 (0: not used)");
    return *value;
}

int parse_int_in_range(const std::string& text, const std::string& what, int low, int high) {
    const auto value = parse_number<int>(text);
    if (!value || *value < low || *value > high)
        refuse(what, text, "a whole number between " + std::to_string(low) + " and " + std::to_string(high));
    return *value;
}

KeyboardShow parse_keyboard_show(const std::string& text, const std::string& what) {
    if (text == "auto") return KeyboardShow::automatic;
    if (text == "never") return KeyboardShow::never;
    refuse(what, text, "auto or never");
}

// ---- config file ----------------------------------------------------------

using KeyHandler = std::function<void(Config&, const std::string& value, const std::string& what)>;

struct Key {
    std::string name;
    std::string argument;  // for the help text
    std::string help;
    KeyHandler apply;
};

struct Section {
    std::string name;
    std::vector<Key> keys;  // in the order help lists them
};

const std::vector<Section>& known_sections() {
    static const std::vector<Section> sections = {
        {"output",
         {
             {"size", "WxH", "size of a nested window or headless output",
              [](Config& c, const std::string& v, const std::string& w) { c.output.size = parse_size(v, w); }},
             {"mode", "WxH[@HZ]", "output mode to pick on a real display (nearest refresh)",
              [](Config& c, const std::string& v, const std::string& w) {
                  const Mode mode = parse_mode(v, w);
                  c.output.mode = mode.size;
                  c.output.refresh_mhz = mode.refresh_mhz;
              }},
             {"scale", "S", "output scale, 0.25 to 8",
              [](Config& c, const std::string& v, const std::string& w) { c.output.scale = parse_scale(v, w); }},
             {"transform", "T", "normal, 90, 180, 270, flipped, flipped-90, flipped-180, flipped-270",
              [](Config& c, const std::string& v, const std::string& w) {
                  c.output.transform = parse_transform(v, w);
              }},
         }},
        {"keyboard",
         {
             {"rules", "NAME", "XKB rules (empty: XKB_DEFAULT_RULES or xkbcommon's default)",
              [](Config& c, const std::string& v, const std::string&) { c.keyboard.rules = v; }},
             {"model", "NAME", "XKB model, e.g. pc105",
              [](Config& c, const std::string& v, const std::string&) { c.keyboard.model = v; }},
             {"layout", "NAMES", "XKB layouts, e.g. us,de",
              [](Config& c, const std::string& v, const std::string&) { c.keyboard.layout = v; }},
             {"variant", "NAMES", "XKB variants, e.g. dvorak",
              [](Config& c, const std::string& v, const std::string&) { c.keyboard.variant = v; }},
             {"options", "OPTIONS", "XKB options, e.g. ctrl:nocaps",
              [](Config& c, const std::string& v, const std::string&) { c.keyboard.options = v; }},
             {"repeat_rate", "N", "key repeats per second, 1 to 1000 (default 25)",
              [](Config& c, const std::string& v, const std::string& w) {
                  c.keyboard.repeat_rate = parse_int_in_range(v, w, 1, 1000);
              }},
             {"repeat_delay", "MS", "delay before a key repeats, 1 to 10000 ms (default 600)",
              [](Config& c, const std::string& v, const std::string& w) {
                  c.keyboard.repeat_delay = parse_int_in_range(v, w, 1, 10000);
              }},
             {"command", "CMD|none",
              "the on-screen keyboard (an input method), started as a trusted client and restarted "
              "if it dies (default: cirrus-keyboard when it is installed; none: no keyboard)",
              [](Config& c, const std::string& v, const std::string& w) {
                  if (v.empty()) refuse(w, v, "a command, or none");
                  c.keyboard.command = v == "none" ? "" : v;
              }},
             {"show", "auto|never",
              "when the on-screen keyboard comes up: auto (a text field is focused and no hardware "
              "keyboard is attached) or never (default auto)",
              [](Config& c, const std::string& v, const std::string& w) {
                  c.keyboard.show = parse_keyboard_show(v, w);
              }},
         }},
        {"apps",
         {
             {"host", "PROGRAM",
              "the web-app host started as PROGRAM --app ID, and as PROGRAM --standby "
              "--standby-fd N for prestart (default: cirrus-webapp-host)",
              [](Config& c, const std::string& v, const std::string& w) {
                  if (v.empty()) refuse(w, v, "a program name or path");
                  c.app_host = v;
              }},
             {"browser", "ID|none",
              "the system browser app: web links no app's scope holds open there "
              "(default: browser, the bundled one; none: such links are refused)",
              [](Config& c, const std::string& v, const std::string& w) {
                  if (v != "none" && !valid_app_id(v)) refuse(w, v, "an app id, or none");
                  c.browser_app = v == "none" ? "" : v;
              }},
             {"catalogue", "ID|none",
              "the apps catalogue app: with the browser, the one app that may ask to install an app "
              "(the shell confirms each) (default: apps; none: only the browser may)",
              [](Config& c, const std::string& v, const std::string& w) {
                  if (v != "none" && !valid_app_id(v)) refuse(w, v, "an app id, or none");
                  c.catalogue_app = v == "none" ? "" : v;
              }},
             {"settings", "ID|none",
              "the Settings app: the one app whose page may read the cloud account (never its secret), add, "
              "test or remove it, read the sync service's status and ask for a backup (default: settings, the "
              "bundled one; none: no app may)",
              [](Config& c, const std::string& v, const std::string& w) {
                  if (v != "none" && !valid_app_id(v)) refuse(w, v, "an app id, or none");
                  c.settings_app = v == "none" ? "" : v;
              }},
             {"catalogue_url", "URL",
              "the catalogue document (JSON) the catalogue app lists, http or https (default: none, the "
              "app's bundled sample)",
              [](Config& c, const std::string& v, const std::string& w) {
                  const bool web = v.starts_with("https://") || v.starts_with("http://");
                  const bool clean =
                      std::none_of(v.begin(), v.end(), [](unsigned char ch) { return ch <= 0x20 || ch == 0x7f; });
                  if (!web || !clean || v.size() > 2048) {
                      refuse(w, v, "an http:// or https:// URL of at most 2048 bytes, without spaces");
                  }
                  c.catalogue_url = v;
              }},
             {"install_bundled", "yes|no", "install the bundled apps at start (default yes)",
              [](Config& c, const std::string& v, const std::string& w) {
                  if (v != "yes" && v != "no") refuse(w, v, "yes or no");
                  c.install_bundled_apps = v == "yes";
              }},
             {"prestart", "N", "standby hosts started ahead of launches, 0 to 4 (default 1; 0: off)",
              [](Config& c, const std::string& v, const std::string& w) {
                  c.prestart = parse_int_in_range(v, w, 0, kMaxPrestart);
              }},
             {"javascript_jit", "on|off",
              "JavaScriptCore's JIT in the apps' web processes (default on; off: slower JavaScript, "
              "less memory for script-heavy pages)",
              [](Config& c, const std::string& v, const std::string& w) {
                  if (v != "on" && v != "off") refuse(w, v, "on or off");
                  c.javascript_jit = v == "on";
              }},
             {"web_memory_limit", "SIZE|none",
              "WebKit's memory-pressure limit for each app's web and network process, e.g. 160M: above "
              "a third of it WebKit frees caches, above half it collects harder; nothing is ever killed "
              "(default none: WebKit's own, the RAM size)",
              [](Config& c, const std::string& v, const std::string& w) {
                  const std::string expected = "whole MiB between " + std::to_string(WebMemorySettings::kMinLimitMib) +
                                               "M and " + std::to_string(WebMemorySettings::kMaxLimitMib) +
                                               "M, e.g. 160M, or none";
                  std::uint64_t bytes = 0;
                  try {
                      bytes = parse_memory_bytes(v, w);
                  } catch (const ConfigError&) {
                      refuse(w, v, expected);  // this key's own bounds, not any size's
                  }
                  const std::uint64_t mib = bytes >> 20;
                  if (bytes != 0 && ((bytes & ((1ull << 20) - 1)) != 0 || mib < WebMemorySettings::kMinLimitMib ||
                                     mib > WebMemorySettings::kMaxLimitMib)) {
                      refuse(w, v, expected);
                  }
                  c.web_memory.limit_mib = static_cast<std::uint32_t>(mib);
              }},
             {"web_memory_poll", "DURATION",
              "how often WebKit checks an app's process against web_memory_limit, 1s to 1 hour "
              "(default 30s, WebKit's own)",
              [](Config& c, const std::string& v, const std::string& w) {
                  const std::uint64_t ms = parse_duration_ms(v, w);
                  if (ms < WebMemorySettings::kMinPollMs) refuse(w, v, "a duration of at least 1s, e.g. 2s");
                  c.web_memory.poll_ms = static_cast<std::uint32_t>(ms);
              }},
             {"freeze_after", "DURATION",
              "a background app's processes are stopped this long after it left the front, e.g. 10s "
              "or 500ms (default 10s; 0: never)",
              [](Config& c, const std::string& v, const std::string& w) {
                  c.lifecycle.freeze_after_ms = parse_duration_ms(v, w);
              }},
             {"memory_budget", "SIZE|none",
              "all apps' memory before background apps are discarded, e.g. 320M (default none: the "
              "apps cgroup's memory.max where there is one)",
              [](Config& c, const std::string& v, const std::string& w) {
                  c.lifecycle.budget_bytes = parse_memory_bytes(v, w);
              }},
             {"discard_above", "PERCENT",
              "discard the least recently used background app once the apps' memory has stayed above this "
              "share of memory_budget for 2.5 s (at 95% at once; default 85)",
              [](Config& c, const std::string& v, const std::string& w) {
                  c.lifecycle.discard_above_percent = parse_int_in_range(v, w, 1, 100);
              }},
             {"pressure_some", "PERCENT", "discard when memory PSI 'some avg10' reaches this (default 20; 0: not used)",
              [](Config& c, const std::string& v, const std::string& w) {
                  c.lifecycle.pressure_some_avg10 = parse_percent(v, w);
              }},
             {"pressure_full", "PERCENT", "discard when memory PSI 'full avg10' reaches this (default 5; 0: not used)",
              [](Config& c, const std::string& v, const std::string& w) {
                  c.lifecycle.pressure_full_avg10 = parse_percent(v, w);
              }},
         }},
        {"shell",
         {
             {"command", "CMD|none",
              "the shell, started as a trusted client and restarted if it dies "
              "(default: cirrus-shell; none: no shell)",
              [](Config& c, const std::string& v, const std::string& w) {
                  if (v.empty()) refuse(w, v, "a command, or none");
                  c.shell_command = v == "none" ? "" : v;
              }},
         }},
        {"sync",
         {
             {"command", "CMD|none",
              "the sync service (the user's own cloud), started with the session and restarted if it dies "
              "(default: cirrus-sync when it is installed; none: no sync service)",
              [](Config& c, const std::string& v, const std::string& w) {
                  if (v.empty()) refuse(w, v, "a command, or none");
                  c.sync_command = v == "none" ? "" : v;
              }},
         }},
    };
    return sections;
}

const Section* find_section(std::string_view name) {
    for (const Section& section : known_sections()) {
        if (section.name == name) return &section;
    }
    return nullptr;
}

const Key* find_key(const Section& section, std::string_view name) {
    for (const Key& key : section.keys) {
        if (key.name == name) return &key;
    }
    return nullptr;
}

std::string joined_section_names() {
    std::string names;
    for (const Section& section : known_sections()) names += (names.empty() ? "" : ", ") + section.name;
    return names;
}

std::string joined_key_names(const Section& section) {
    std::string names;
    for (const Key& key : section.keys) names += (names.empty() ? "" : ", ") + key.name;
    return names;
}

class ConfigFileParser {
public:
    ConfigFileParser(const std::string& path, Config& cfg) : path_(path), cfg_(cfg) {}

    void parse_line(std::string_view raw_line, int line_number) {
        line_number_ = line_number;
        const std::string_view line = trim(strip_config_comment(raw_line), kConfigBlanks);
        if (line.empty()) return;
        if (line.front() == '[') start_section(line);
        else set_key(line);
    }

private:
    [[noreturn]] void fail(const std::string& message) const {
        throw ConfigError(path_ + ":" + std::to_string(line_number_) + ": " + message);
    }

    void start_section(std::string_view line) {
        if (line.back() != ']') fail("expected '[section]', got '" + std::string(line) + "'");
        const std::string_view name = trim(line.substr(1, line.size() - 2), kConfigBlanks);
        section_ = find_section(name);
        if (section_ == nullptr)
            fail("unknown section [" + std::string(name) + "] (known: " + joined_section_names() + ")");
    }

    void set_key(std::string_view line) {
        const auto equals = line.find('=');
        if (equals == std::string_view::npos)
            fail("expected 'key = value' or '[section]', got '" + std::string(line) + "'");
        const std::string key(trim(line.substr(0, equals), kConfigBlanks));
        const std::string value(trim(line.substr(equals + 1), kConfigBlanks));
        if (key.empty()) fail("missing key before '=' in '" + std::string(line) + "'");
        if (section_ == nullptr)
            fail("key '" + key + "' is outside a section (put it under [" + joined_section_names() + "])");
        const Key* known = find_key(*section_, key);
        if (known == nullptr)
            fail("unknown key '" + key + "' in [" + section_->name + "] (known: " + joined_key_names(*section_) + ")");
        try {
            known->apply(cfg_, value, section_->name + "." + key);
        } catch (const ConfigError& error) {
            fail(error.what());
        }
    }

    const std::string& path_;
    Config& cfg_;
    const Section* section_ = nullptr;
    int line_number_ = 0;
};

// One help line with the descriptions lined up in a column.
void write_help_line(std::ostream& out, const std::string& left, const std::string& help) {
    constexpr std::size_t column = 26;
    out << left << std::string(left.size() < column ? column - left.size() : 1, ' ') << help << '\n';
}

// ---- command line ---------------------------------------------------------

struct Flag {
    std::string name;      // without the leading "--"
    std::string argument;  // empty: takes no value
    std::string help;
};

const std::vector<Flag>& known_flags() {
    static const std::vector<Flag> flags = {
        {"config", "FILE", "read settings from FILE (other flags override it)"},
        {"size", "WxH", "size of a nested window or headless output, e.g. 480x800"},
        {"mode", "WxH[@HZ]", "output mode to pick on a real display, e.g. 480x800@60"},
        {"title", "TEXT", "title of a nested window (default: wlroots - WL-1)"},
        {"fixed-size", "", "a nested window keeps --size: it asks the desktop for that size and stays so"},
        {"scale", "S", "output scale, 0.25 to 8"},
        {"transform", "T", "output rotation: normal, 90, 180, 270, flipped, flipped-90, ..."},
        {"socket", "NAME", "Wayland socket name (default: first free wayland-N)"},
        {"trusted", "CMD", "start CMD as a trusted client (repeatable)"},
        {"app-host", "PROGRAM",
         "start apps as PROGRAM --app ID, standby hosts as PROGRAM --standby ... "
         "(default: cirrus-webapp-host)"},
        {"no-bundled-apps", "", "do not install the bundled apps at start"},
        {"prestart", "N", "keep N standby hosts started ahead of launches (default 1; 0: off)"},
        {"shell", "CMD", "start CMD as the shell, restarted if it dies (default: cirrus-shell)"},
        {"no-shell", "", "start no shell (tests that drive the compositor alone)"},
        {"keyboard", "CMD", "start CMD as the on-screen keyboard, restarted if it dies (default: cirrus-keyboard)"},
        {"no-keyboard", "", "start no on-screen keyboard"},
        {"sync", "CMD", "start CMD as the sync service, restarted if it dies (default: cirrus-sync)"},
        {"no-sync", "", "start no sync service"},
        {"keyboard-show", "auto|never", "when the on-screen keyboard comes up (default auto)"},
        {"help", "", "show this help and exit"},
        {"version", "", "show the version and exit"},
    };
    return flags;
}

const Flag* find_flag(std::string_view name) {
    for (const Flag& flag : known_flags()) {
        if (flag.name == name) return &flag;
    }
    return nullptr;
}

struct FlagUse {
    const Flag* flag;
    std::string option;  // as the user spelled it, for messages ("--size")
    std::string value;
};

// Checks the whole command line before anything is read, so that a typo is
// reported as such even when the config file has problems too.
std::vector<FlagUse> tokenize(int argc, const char* const* argv) {
    std::vector<FlagUse> uses;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "-h") {
            uses.push_back({find_flag("help"), arg, {}});
            continue;
        }
        if (arg.size() <= 2 || arg.compare(0, 2, "--") != 0)
            throw ConfigError("unexpected argument '" + arg + "' (see --help)");

        const auto equals = arg.find('=');
        const std::string option = arg.substr(0, equals);
        const Flag* flag = find_flag(std::string_view(option).substr(2));
        if (flag == nullptr) throw ConfigError("unknown option '" + option + "' (see --help)");

        if (flag->argument.empty()) {
            if (equals != std::string::npos) throw ConfigError("option '" + option + "' takes no value");
            uses.push_back({flag, option, {}});
            continue;
        }
        std::string value;
        if (equals != std::string::npos) {
            value = arg.substr(equals + 1);
        } else if (i + 1 < argc && std::string_view(argv[i + 1]).substr(0, 2) != "--") {
            value = argv[++i];
        }
        if (value.empty())
            throw ConfigError("missing value for " + option + " (expected " + option + " " + flag->argument + ")");
        uses.push_back({flag, option, value});
    }
    return uses;
}

void apply_flag(const FlagUse& use, Config& cfg) {
    const std::string& name = use.flag->name;
    if (name == "size") {
        cfg.output.size = parse_size(use.value, use.option);
    } else if (name == "title") {
        // The desktop shows it; a title is a line, not a page.
        if (use.value.size() > kMaxWindowTitle)
            throw ConfigError(use.option + " is " + std::to_string(use.value.size()) + " bytes; at most " +
                              std::to_string(kMaxWindowTitle) + " (shorten the title)");
        cfg.output.window_title = use.value;
    } else if (name == "fixed-size") {
        cfg.output.fixed_window_size = true;
    } else if (name == "mode") {
        const Mode mode = parse_mode(use.value, use.option);
        cfg.output.mode = mode.size;
        cfg.output.refresh_mhz = mode.refresh_mhz;
    } else if (name == "scale") {
        cfg.output.scale = parse_scale(use.value, use.option);
    } else if (name == "transform") {
        cfg.output.transform = parse_transform(use.value, use.option);
    } else if (name == "socket") {
        cfg.socket_name = use.value;
    } else if (name == "trusted") {
        cfg.trusted_commands.push_back(use.value);
    } else if (name == "app-host") {
        cfg.app_host = use.value;
    } else if (name == "no-bundled-apps") {
        cfg.install_bundled_apps = false;
    } else if (name == "prestart") {
        cfg.prestart = parse_int_in_range(use.value, use.option, 0, kMaxPrestart);
    } else if (name == "shell") {
        if (use.value.empty()) throw ConfigError("--shell needs a command (or use --no-shell)");
        cfg.shell_command = use.value;
    } else if (name == "no-shell") {
        cfg.shell_command.clear();
    } else if (name == "keyboard") {
        cfg.keyboard.command = use.value;
    } else if (name == "no-keyboard") {
        cfg.keyboard.command.clear();
    } else if (name == "sync") {
        if (use.value.empty()) throw ConfigError("--sync needs a command (or use --no-sync)");
        cfg.sync_command = use.value;
    } else if (name == "no-sync") {
        cfg.sync_command.clear();
    } else if (name == "keyboard-show") {
        cfg.keyboard.show = parse_keyboard_show(use.value, use.option);
    } else if (name == "help") {
        cfg.show_help = true;
    } else if (name == "version") {
        cfg.show_version = true;
    }
    // "config" was handled before the other flags.
}

}  // namespace

std::string_view strip_config_comment(std::string_view line) {
    for (std::size_t i = 0; i < line.size(); ++i) {
        if ((line[i] == '#' || line[i] == ';') && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t'))
            return line.substr(0, i);
    }
    return line;
}

Size parse_size(const std::string& text, const std::string& what) {
    const auto x = text.find_first_of("xX");
    if (x == std::string::npos) refuse(what, text, kSizeExpected);
    const auto width = parse_dimension(std::string_view(text).substr(0, x));
    const auto height = parse_dimension(std::string_view(text).substr(x + 1));
    if (!width || !height) refuse(what, text, kSizeExpected);
    return {*width, *height};
}

Transform parse_transform(const std::string& text, const std::string& what) {
    static const std::array<std::pair<std::string_view, Transform>, 8> names = {{
        {"normal", Transform::normal},
        {"90", Transform::rot90},
        {"180", Transform::rot180},
        {"270", Transform::rot270},
        {"flipped", Transform::flipped},
        {"flipped-90", Transform::flipped90},
        {"flipped-180", Transform::flipped180},
        {"flipped-270", Transform::flipped270},
    }};
    for (const auto& [name, transform] : names) {
        if (text == name) return transform;
    }
    refuse(what, text, "one of normal, 90, 180, 270, flipped, flipped-90, flipped-180, flipped-270");
}

double parse_scale(const std::string& text, const std::string& what) {
    const auto value = parse_number<double>(text);
    if (!value || !std::isfinite(*value) || *value < kMinScale || *value > kMaxScale)
        refuse(what, text, "a number between 0.25 and 8");
    return *value;
}

void load_config_file(const std::string& path, Config& cfg, bool required) {
    std::error_code ignored;
    if (!required && !std::filesystem::exists(path, ignored)) return;
    errno = 0;
    std::ifstream file(path);
    if (!file) {
        const int error = errno;
        throw ConfigError("cannot read config file '" + path +
                          "': " + (error != 0 ? std::strerror(error) : "cannot open it"));
    }
    ConfigFileParser parser(path, cfg);
    std::string line;
    for (int line_number = 1; std::getline(file, line); ++line_number) parser.parse_line(line, line_number);
    if (file.bad()) throw ConfigError("error while reading config file '" + path + "'");
    cfg.config_path = path;
}

Config parse_command_line(int argc, const char* const* argv, const std::string& default_config_path) {
    const std::vector<FlagUse> uses = tokenize(argc, argv);
    Config cfg;

    // --config first (the last one wins), so that every other flag overrides
    // the file wherever it appears on the line.
    const FlagUse* config_flag = nullptr;
    for (const FlagUse& use : uses) {
        if (use.flag->name == "config") config_flag = &use;
    }
    if (config_flag != nullptr) load_config_file(config_flag->value, cfg, /*required=*/true);
    else if (!default_config_path.empty()) load_config_file(default_config_path, cfg, /*required=*/false);

    for (const FlagUse& use : uses) apply_flag(use, cfg);
    return cfg;
}

std::string usage_text() {
    std::ostringstream out;
    out << "Usage: cirrus-compositor [OPTION...]\n\n"
           "Options:\n";
    for (const Flag& flag : known_flags()) {
        std::string left = "  --" + flag.name + (flag.argument.empty() ? "" : " " + flag.argument);
        if (flag.name == "help") left = "  -h, --help";
        write_help_line(out, left, flag.help);
    }
    out << "\nValues may also be given as --option=VALUE.\n"
           "\nConfig file (INI: [section], key = value; '#' or ';' starts a comment):\n";
    for (const Section& section : known_sections()) {
        out << "  [" << section.name << "]\n";
        for (const Key& key : section.keys) write_help_line(out, "  " + key.name + " = " + key.argument, key.help);
    }
    return out.str();
}

}  // namespace cirrus
