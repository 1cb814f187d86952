// Config: value parsers, the INI file, command-line flags and their precedence.
#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <vector>

#include <unistd.h>

#include "config.hpp"

using namespace cirrus;

namespace {

// A config file in the temp directory, removed when the test ends.
class TempFile {
public:
    explicit TempFile(const std::string& contents) {
        static std::atomic<int> counter{0};
        path_ = (std::filesystem::temp_directory_path() /
                 ("cirrus-config-test-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + ".ini"))
                    .string();
        std::ofstream(path_) << contents;
    }
    ~TempFile() {
        std::error_code ignored;
        std::filesystem::remove(path_, ignored);
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

std::string missing_path() {
    return (std::filesystem::temp_directory_path() / "cirrus-config-test-does-not-exist.ini").string();
}

// The message of the ConfigError that `action` throws ("" if none is thrown).
template <typename Action>
std::string error_of(Action action) {
    try {
        action();
    } catch (const ConfigError& error) {
        return error.what();
    }
    return "";
}

Config load(const std::string& contents) {
    TempFile file(contents);
    Config cfg;
    load_config_file(file.path(), cfg, true);
    return cfg;
}

std::string load_error(const std::string& contents, std::string* path_out = nullptr) {
    TempFile file(contents);
    if (path_out) *path_out = file.path();
    Config cfg;
    return error_of([&] { load_config_file(file.path(), cfg, true); });
}

Config parse(std::initializer_list<std::string> args, const std::string& default_path = "") {
    std::vector<const char*> argv{"cirrus-compositor"};
    for (const std::string& arg : args) argv.push_back(arg.c_str());
    return parse_command_line(static_cast<int>(argv.size()), argv.data(), default_path);
}

std::string parse_error(std::initializer_list<std::string> args) {
    return error_of([&] { parse(args); });
}

}  // namespace

// ---- value parsers ---------------------------------------------------------

TEST_CASE("parse_size accepts WxH") {
    CHECK(parse_size("480x800", "--size") == Size{480, 800});
    CHECK(parse_size("1X1", "--size") == Size{1, 1});
    CHECK(parse_size("16384x16384", "--size") == Size{16384, 16384});
}

TEST_CASE("parse_size refuses bad sizes and names the option") {
    for (const char* bad : {"", "480", "480x", "x800", "0x800", "480x0", "-480x800", "480x-800", "16385x800",
                            "480x800x2", "480 x 800", "abcxdef", "480.5x800", "99999999999x1"}) {
        CAPTURE(bad);
        const std::string message = error_of([&] { parse_size(bad, "--size"); });
        CHECK(message.find("--size") != std::string::npos);
        CHECK(message.find("'" + std::string(bad) + "'") != std::string::npos);
        CHECK(message.find("WIDTHxHEIGHT") != std::string::npos);
    }
}

TEST_CASE("parse_transform knows all eight transforms") {
    CHECK(parse_transform("normal", "t") == Transform::normal);
    CHECK(parse_transform("90", "t") == Transform::rot90);
    CHECK(parse_transform("180", "t") == Transform::rot180);
    CHECK(parse_transform("270", "t") == Transform::rot270);
    CHECK(parse_transform("flipped", "t") == Transform::flipped);
    CHECK(parse_transform("flipped-90", "t") == Transform::flipped90);
    CHECK(parse_transform("flipped-180", "t") == Transform::flipped180);
    CHECK(parse_transform("flipped-270", "t") == Transform::flipped270);
}

TEST_CASE("parse_transform refuses other words and lists the valid ones") {
    const std::string message = error_of([] { parse_transform("45", "--transform"); });
    CHECK(message.find("--transform") != std::string::npos);
    CHECK(message.find("'45'") != std::string::npos);
    CHECK(message.find("flipped-270") != std::string::npos);
    CHECK_THROWS_AS(parse_transform("", "t"), ConfigError);
    CHECK_THROWS_AS(parse_transform("Normal", "t"), ConfigError);
}

TEST_CASE("parse_scale accepts 0.25 to 8") {
    CHECK(parse_scale("1", "s") == 1.0);
    CHECK(parse_scale("1.5", "s") == 1.5);
    CHECK(parse_scale("0.25", "s") == 0.25);
    CHECK(parse_scale("8", "s") == 8.0);
}

TEST_CASE("parse_scale refuses values out of range or not numbers") {
    for (const char* bad : {"0", "0.2", "8.01", "-1", "abc", "", "1.5x", "nan", "inf"}) {
        CAPTURE(bad);
        const std::string message = error_of([&] { parse_scale(bad, "--scale"); });
        CHECK(message.find("--scale") != std::string::npos);
        CHECK(message.find("between 0.25 and 8") != std::string::npos);
    }
}

// ---- config file -----------------------------------------------------------

TEST_CASE("a full config file is read") {
    const Config cfg = load(R"(# Cirrus settings
; another comment style

[output]
size = 480x800
mode = 1920x1080@59.94
scale = 1.5
transform = flipped-90

  [ keyboard ]
  rules = evdev
model=pc105
layout = us,de
variant = ,nodeadkeys
options = grp:alt_shift_toggle,ctrl:nocaps
repeat_rate = 30
repeat_delay = 250   # faster than the default
)");
    CHECK(cfg.output.size == Size{480, 800});
    CHECK(cfg.output.mode == Size{1920, 1080});
    CHECK(cfg.output.refresh_mhz == 59940);
    CHECK(cfg.output.scale == 1.5);
    CHECK(cfg.output.transform == Transform::flipped90);
    CHECK(cfg.keyboard.rules == "evdev");
    CHECK(cfg.keyboard.model == "pc105");
    CHECK(cfg.keyboard.layout == "us,de");
    CHECK(cfg.keyboard.variant == ",nodeadkeys");
    CHECK(cfg.keyboard.options == "grp:alt_shift_toggle,ctrl:nocaps");
    CHECK(cfg.keyboard.repeat_rate == 30);
    CHECK(cfg.keyboard.repeat_delay == 250);
}

TEST_CASE("a mode without a refresh rate leaves the rate unset") {
    const Config cfg = load("[output]\nmode = 800x480\n");
    CHECK(cfg.output.mode == Size{800, 480});
    CHECK_FALSE(cfg.output.refresh_mhz);
    CHECK(load("[output]\nmode = 800x480@60\n").output.refresh_mhz == 60000);
}

TEST_CASE("an empty file or one with only comments keeps the defaults") {
    const Config cfg = load("# nothing here\n\n   \n");
    CHECK_FALSE(cfg.output.size);
    CHECK(cfg.output.scale == 1.0);
    CHECK(cfg.output.transform == Transform::normal);
    CHECK(cfg.keyboard.repeat_rate == 25);
    CHECK(cfg.keyboard.repeat_delay == 600);
}

TEST_CASE("load_config_file records the path it read") {
    TempFile file("[output]\nscale = 2\n");
    Config cfg;
    load_config_file(file.path(), cfg, true);
    CHECK(cfg.config_path == file.path());
}

TEST_CASE("config file errors name the file, the line and the key") {
    std::string path;

    SUBCASE("unknown key lists the known ones") {
        const std::string message = load_error("[output]\n\nfoo = 1\n", &path);
        CHECK(message == path + ":3: unknown key 'foo' in [output] (known: size, mode, scale, transform)");
    }
    SUBCASE("bad scale says what is expected") {
        const std::string message = load_error("[output]\nscale = abc\n", &path);
        CHECK(message == path + ":2: bad value for output.scale: 'abc' (expected a number between 0.25 and 8)");
    }
    SUBCASE("bad size") {
        const std::string message = load_error("[output]\nsize = 480*800\n", &path);
        CHECK(message.find(path + ":2: bad value for output.size: '480*800'") == 0);
    }
    SUBCASE("bad mode") {
        const std::string message = load_error("# c\n[output]\nmode = 480x800@fast\n", &path);
        CHECK(message.find(path + ":3: bad value for output.mode: '480x800@fast'") == 0);
        CHECK(message.find("WIDTHxHEIGHT@HZ") != std::string::npos);
    }
    SUBCASE("bad transform") {
        const std::string message = load_error("[output]\ntransform = sideways\n", &path);
        CHECK(message.find(path + ":2: bad value for output.transform: 'sideways'") == 0);
    }
    SUBCASE("repeat rate out of range") {
        const std::string message = load_error("[keyboard]\nrepeat_rate = 0\n", &path);
        CHECK(message.find(path + ":2: bad value for keyboard.repeat_rate: '0'") == 0);
        CHECK(message.find("between 1 and 1000") != std::string::npos);
    }
    SUBCASE("repeat delay not a number") {
        const std::string message = load_error("[keyboard]\nrepeat_delay = soon\n", &path);
        CHECK(message.find(path + ":2: bad value for keyboard.repeat_delay: 'soon'") == 0);
        CHECK(message.find("between 1 and 10000") != std::string::npos);
    }
    SUBCASE("keyboard key in the output section") {
        const std::string message = load_error("[output]\nlayout = us\n", &path);
        CHECK(message.find(path + ":2: unknown key 'layout' in [output]") == 0);
    }
    SUBCASE("unknown section") {
        const std::string message = load_error("[output]\nscale = 2\n[screen]\n", &path);
        CHECK(message == path + ":3: unknown section [screen] (known: output, keyboard, apps, shell, sync)");
    }
    SUBCASE("key before any section") {
        const std::string message = load_error("scale = 2\n", &path);
        CHECK(message.find(path + ":1: key 'scale' is outside a section") == 0);
    }
    SUBCASE("line without '='") {
        const std::string message = load_error("[output]\nscale 2\n", &path);
        CHECK(message.find(path + ":2: expected 'key = value'") == 0);
    }
    SUBCASE("unclosed section header") {
        const std::string message = load_error("[output\n", &path);
        CHECK(message.find(path + ":1: expected '[section]'") == 0);
    }
}

TEST_CASE("a missing config file is an error only when required") {
    Config cfg;
    CHECK_NOTHROW(load_config_file(missing_path(), cfg, false));
    CHECK(cfg.config_path.empty());
    const std::string message = error_of([&] { load_config_file(missing_path(), cfg, true); });
    CHECK(message.find("cannot read config file '" + missing_path() + "'") == 0);
}

// ---- command line ------------------------------------------------------------

TEST_CASE("no flags give the defaults") {
    const Config cfg = parse({});
    CHECK_FALSE(cfg.output.size);
    CHECK_FALSE(cfg.output.mode);
    CHECK(cfg.output.scale == 1.0);
    CHECK(cfg.trusted_commands.empty());
    CHECK(cfg.socket_name.empty());
    CHECK(cfg.config_path.empty());
    CHECK_FALSE(cfg.show_help);
    CHECK_FALSE(cfg.show_version);
}

TEST_CASE("every flag is understood, in both --flag value and --flag=value forms") {
    const Config cfg = parse({"--size", "480x800", "--mode=1024x600@60.5", "--scale", "2", "--transform=270",
                              "--socket", "wayland-cirrus", "--trusted", "cirrus-shell --verbose", "--trusted=foot"});
    CHECK(cfg.output.size == Size{480, 800});
    CHECK(cfg.output.mode == Size{1024, 600});
    CHECK(cfg.output.refresh_mhz == 60500);
    CHECK(cfg.output.scale == 2.0);
    CHECK(cfg.output.transform == Transform::rot270);
    CHECK(cfg.socket_name == "wayland-cirrus");
    CHECK(cfg.trusted_commands == std::vector<std::string>{"cirrus-shell --verbose", "foot"});
}

TEST_CASE("--help, -h and --version set their flags") {
    CHECK(parse({"--help"}).show_help);
    CHECK(parse({"-h"}).show_help);
    CHECK(parse({"--version"}).show_version);
}

TEST_CASE("flag errors name the flag") {
    CHECK(parse_error({"--sise", "480x800"}) == "unknown option '--sise' (see --help)");
    CHECK(parse_error({"--sise=480x800"}) == "unknown option '--sise' (see --help)");
    CHECK(parse_error({"-x"}).find("'-x'") != std::string::npos);
    CHECK(parse_error({"stray"}).find("'stray'") != std::string::npos);

    const std::string missing = parse_error({"--size"});
    CHECK(missing.find("missing value for --size") == 0);
    CHECK(missing.find("WxH") != std::string::npos);
    CHECK(parse_error({"--scale", "--size", "480x800"}).find("missing value for --scale") == 0);
    CHECK(parse_error({"--socket="}).find("missing value for --socket") == 0);
    CHECK(parse_error({"--help=yes"}) == "option '--help' takes no value");

    CHECK(parse_error({"--size", "big"}).find("bad value for --size: 'big'") == 0);
    CHECK(parse_error({"--scale=9"}).find("bad value for --scale: '9'") == 0);
    CHECK(parse_error({"--transform", "45"}).find("bad value for --transform: '45'") == 0);
    CHECK(parse_error({"--mode", "480x800@"}).find("bad value for --mode: '480x800@'") == 0);
    CHECK(parse_error({"--mode", "480x800@-60"}).find("bad value for --mode") == 0);
}

TEST_CASE("--config is read first and the other flags override it") {
    TempFile file("[output]\nsize = 320x480\nscale = 2\ntransform = 90\n[keyboard]\nlayout = fr\n");

    SUBCASE("file values apply") {
        const Config cfg = parse({"--config", file.path()});
        CHECK(cfg.config_path == file.path());
        CHECK(cfg.output.size == Size{320, 480});
        CHECK(cfg.output.scale == 2.0);
        CHECK(cfg.keyboard.layout == "fr");
    }
    SUBCASE("flags win even when written before --config") {
        const Config cfg = parse({"--scale", "1.5", "--config=" + file.path(), "--size=480x800"});
        CHECK(cfg.output.size == Size{480, 800});
        CHECK(cfg.output.scale == 1.5);
        CHECK(cfg.output.transform == Transform::rot90);  // not overridden
        CHECK(cfg.keyboard.layout == "fr");
    }
    SUBCASE("--config replaces the default file") {
        TempFile default_file("[output]\nscale = 3\n");
        const Config cfg = parse({"--config", file.path()}, default_file.path());
        CHECK(cfg.output.scale == 2.0);
        CHECK(cfg.config_path == file.path());
    }
}

TEST_CASE("a missing --config file is an error naming it") {
    const std::string message = parse_error({"--config", missing_path()});
    CHECK(message.find(missing_path()) != std::string::npos);
}

TEST_CASE("errors in the --config file carry its name and line") {
    TempFile file("[output]\nscale = 0\n");
    const std::string message = parse_error({"--config", file.path()});
    CHECK(message.find(file.path() + ":2: bad value for output.scale: '0'") == 0);
}

TEST_CASE("the default config file is read only when it exists") {
    SUBCASE("exists") {
        TempFile file("[keyboard]\nrepeat_rate = 40\n");
        const Config cfg = parse({}, file.path());
        CHECK(cfg.keyboard.repeat_rate == 40);
        CHECK(cfg.config_path == file.path());
    }
    SUBCASE("missing") {
        const Config cfg = parse({"--scale=2"}, missing_path());
        CHECK(cfg.output.scale == 2.0);
        CHECK(cfg.config_path.empty());
    }
}

TEST_CASE("usage text lists every flag and every config key") {
    const std::string usage = usage_text();
    for (const char* word : {"--config",  "--size",    "--mode",    "--scale",       "--transform",   "--socket",
                             "--trusted", "--help",    "-h",        "--version",     "[output]",      "[keyboard]",
                             "size =",    "mode =",    "scale =",   "transform =",   "rules =",       "model =",
                             "layout =",  "variant =", "options =", "repeat_rate =", "repeat_delay ="}) {
        CAPTURE(word);
        CHECK(usage.find(word) != std::string::npos);
    }
}

TEST_CASE("the app host comes from [apps] host and --app-host, flags last") {
    const std::string path = "/tmp/cirrus-config-test-apps-" + std::to_string(getpid()) + ".ini";
    {
        std::ofstream file(path);
        file << "[apps]\nhost = /opt/cirrus/host\n";
    }
    const char* from_file[] = {"cirrus-compositor", "--config", path.c_str()};
    CHECK(parse_command_line(3, from_file, "").app_host == "/opt/cirrus/host");
    const char* overridden[] = {"cirrus-compositor", "--config", path.c_str(), "--app-host=/bin/other"};
    CHECK(parse_command_line(4, overridden, "").app_host == "/bin/other");
    const char* neither[] = {"cirrus-compositor"};
    CHECK(parse_command_line(1, neither, "").app_host == "cirrus-webapp-host");
    {
        std::ofstream file(path);
        file << "[apps]\nhost =\n";
    }
    CHECK_THROWS_WITH_AS(parse_command_line(3, from_file, ""), doctest::Contains("apps.host"), ConfigError);
    std::remove(path.c_str());
}

TEST_CASE("the shell comes from [shell] command, --shell and --no-shell, flags last") {
    const std::string path = "/tmp/cirrus-config-test-shell-" + std::to_string(getpid()) + ".ini";
    {
        std::ofstream file(path);
        file << "[shell]\ncommand = /opt/cirrus/my-shell --big\n";
    }
    const char* neither[] = {"cirrus-compositor"};
    CHECK(parse_command_line(1, neither, "").shell_command == "cirrus-shell");
    const char* from_file[] = {"cirrus-compositor", "--config", path.c_str()};
    CHECK(parse_command_line(3, from_file, "").shell_command == "/opt/cirrus/my-shell --big");
    const char* overridden[] = {"cirrus-compositor", "--config", path.c_str(), "--shell", "other-shell"};
    CHECK(parse_command_line(5, overridden, "").shell_command == "other-shell");
    const char* none[] = {"cirrus-compositor", "--config", path.c_str(), "--no-shell"};
    CHECK(parse_command_line(4, none, "").shell_command.empty());
    {
        std::ofstream file(path);
        file << "[shell]\ncommand = none\n";
    }
    CHECK(parse_command_line(3, from_file, "").shell_command.empty());
    {
        std::ofstream file(path);
        file << "[shell]\ncommand =\n";
    }
    CHECK_THROWS_WITH_AS(parse_command_line(3, from_file, ""), doctest::Contains("shell.command"), ConfigError);
    const char* empty_flag[] = {"cirrus-compositor", "--shell="};
    CHECK_THROWS_WITH_AS(parse_command_line(2, empty_flag, ""), doctest::Contains("--shell"), ConfigError);
    std::remove(path.c_str());
}

TEST_CASE("[apps] javascript_jit: on by default, off for low-memory profiles, nothing else") {
    CHECK(parse({}).javascript_jit);
    CHECK_FALSE(load("[apps]\njavascript_jit = off\n").javascript_jit);
    CHECK(load("[apps]\njavascript_jit = on\n").javascript_jit);
    const std::string error = load_error("[apps]\njavascript_jit = no\n");
    CHECK(error.find(":2: bad value for apps.javascript_jit: 'no'") != std::string::npos);
    CHECK(error.find("on or off") != std::string::npos);
}

TEST_CASE("[apps] web_memory_limit and web_memory_poll: WebKit's own by default, whole MiB, never a poll under 1s") {
    CHECK(parse({}).web_memory == cirrus::WebMemorySettings{});
    CHECK(parse({}).web_memory.limit_mib == 0);  // nothing passed: WebKit's own
    const auto w700 = load("[apps]\nweb_memory_limit = 160M\nweb_memory_poll = 2s\n").web_memory;
    CHECK(w700.limit_mib == 160);
    CHECK(w700.poll_ms == 2000);
    CHECK(load("[apps]\nweb_memory_limit = 1G\n").web_memory == cirrus::WebMemorySettings{1024, 30000});
    CHECK(load("[apps]\nweb_memory_limit = none\n").web_memory.limit_mib == 0);
    // A size without a unit is bytes: 160 is far below the least limit.
    for (const char* bad : {"160", "16M", "4G", "160.5M", "163841K", "-160M", "lots"}) {
        CAPTURE(bad);
        const std::string error = load_error(std::string("[apps]\nweb_memory_limit = ") + bad + "\n");
        CHECK(error.find(std::string(":2: bad value for apps.web_memory_limit: '") + bad + "'") != std::string::npos);
        CHECK(error.find("whole MiB between 32M and 3072M") != std::string::npos);
    }
    for (const char* bad : {"0", "500ms", "2"}) {
        CAPTURE(bad);
        const std::string error = load_error(std::string("[apps]\nweb_memory_poll = ") + bad + "\n");
        CHECK(error.find(":2: bad value for apps.web_memory_poll") != std::string::npos);
    }
    CHECK(load_error("[apps]\nweb_memory_poll = 0\n").find("at least 1s") != std::string::npos);
}

TEST_CASE("the standby pool comes from [apps] prestart and --prestart, flags last; 0 is off") {
    CHECK(parse({}).prestart == 1);  // a user's phone keeps one host ready
    CHECK(load("[apps]\nprestart = 0\n").prestart == 0);
    CHECK(load("[apps]\nprestart = 3\n").prestart == 3);
    CHECK(parse({"--prestart", "0"}).prestart == 0);
    CHECK(parse({"--prestart=2"}).prestart == 2);

    TempFile file("[apps]\nprestart = 2\n");
    CHECK(parse({"--config", file.path()}).prestart == 2);
    CHECK(parse({"--config", file.path(), "--prestart", "0"}).prestart == 0);
    CHECK(parse({"--prestart", "0", "--config", file.path()}).prestart == 0);

    // Each standby host costs memory: a small bound, and the message says so.
    CHECK(parse_error({"--prestart", "5"}) ==
          "bad value for --prestart: '5' (expected a whole number between 0 and 4)");
    CHECK(parse_error({"--prestart", "-1"}).find("between 0 and 4") != std::string::npos);
    CHECK(parse_error({"--prestart", "one"}).find("--prestart") != std::string::npos);
    CHECK(parse_error({"--prestart"}) == "missing value for --prestart (expected --prestart N)");
    const std::string error = load_error("[apps]\nprestart = lots\n");
    CHECK(error.find(":2: bad value for apps.prestart: 'lots'") != std::string::npos);
    CHECK(usage_text().find("prestart = N") != std::string::npos);
    CHECK(usage_text().find("--prestart N") != std::string::npos);
}

TEST_CASE("the system browser app comes from [apps] browser") {
    const std::string path = "/tmp/cirrus-config-test-browser-" + std::to_string(getpid()) + ".ini";
    const char* from_file[] = {"cirrus-compositor", "--config", path.c_str()};
    const char* neither[] = {"cirrus-compositor"};
    CHECK(parse_command_line(1, neither, "").browser_app == "browser");
    for (const auto& [text, expected] :
         std::vector<std::pair<std::string, std::string>>{{"my.browser", "my.browser"}, {"none", ""}}) {
        {
            std::ofstream file(path);
            file << "[apps]\nbrowser = " << text << "\n";
        }
        CHECK(parse_command_line(3, from_file, "").browser_app == expected);
    }
    for (const char* bad : {"", "Not An Id", "../x"}) {
        {
            std::ofstream file(path);
            file << "[apps]\nbrowser = " << bad << "\n";
        }
        CHECK_THROWS_WITH_AS(parse_command_line(3, from_file, ""), doctest::Contains("apps.browser"), ConfigError);
    }
    std::remove(path.c_str());
}

TEST_CASE("the catalogue's document comes from [apps] catalogue_url: a web URL, or none (the bundled sample)") {
    const std::string path = "/tmp/cirrus-config-test-catalogue-" + std::to_string(getpid()) + ".ini";
    const char* from_file[] = {"cirrus-compositor", "--config", path.c_str()};
    const char* neither[] = {"cirrus-compositor"};
    CHECK(parse_command_line(1, neither, "").catalogue_url.empty());
    CHECK(parse_command_line(1, neither, "").catalogue_app == "apps");
    {
        std::ofstream file(path);
        file << "[apps]\ncatalogue_url = https://maker.example/apps/catalogue.json\n";
    }
    CHECK(parse_command_line(3, from_file, "").catalogue_url == "https://maker.example/apps/catalogue.json");
    for (const std::string& bad :
         std::vector<std::string>{"file:///etc/passwd", "javascript:x", "https://a.example/x y",
                                  "https://a.example/" + std::string(2100, 'x')}) {
        {
            std::ofstream file(path);
            file << "[apps]\ncatalogue_url = " << bad << "\n";
        }
        CHECK_THROWS_WITH_AS(parse_command_line(3, from_file, ""), doctest::Contains("apps.catalogue_url"),
                             ConfigError);
    }
    std::remove(path.c_str());
}

TEST_CASE("the Settings app is [apps] settings: the bundled one by default, another id, or none") {
    const std::string path = "/tmp/cirrus-config-test-settings-" + std::to_string(getpid()) + ".ini";
    const char* from_file[] = {"cirrus-compositor", "--config", path.c_str()};
    const char* neither[] = {"cirrus-compositor"};
    CHECK(parse_command_line(1, neither, "").settings_app == "settings");
    const auto with = [&](const std::string& value) {
        {
            std::ofstream file(path);
            file << "[apps]\nsettings = " << value << "\n";
        }
        return parse_command_line(3, from_file, "").settings_app;
    };
    CHECK(with("maker-settings") == "maker-settings");
    CHECK(with("none").empty());
    for (const std::string& bad : std::vector<std::string>{"../settings", "Settings App", std::string(200, 'x')}) {
        CHECK_THROWS_WITH_AS(with(bad), doctest::Contains("apps.settings"), ConfigError);
    }
    std::remove(path.c_str());
}

TEST_CASE("the on-screen keyboard comes from [keyboard] command and show, and their flags, flags last") {
    const std::string path = "/tmp/cirrus-config-test-keyboard-" + std::to_string(getpid()) + ".ini";
    {
        std::ofstream file(path);
        file << "[keyboard]\nlayout = us\ncommand = squeekboard\nshow = never\n";
    }
    const char* neither[] = {"cirrus-compositor"};
    const Config defaults = parse_command_line(1, neither, "");
    CHECK(defaults.keyboard.command == "cirrus-keyboard");
    CHECK(defaults.keyboard.show == KeyboardShow::automatic);
    const char* from_file[] = {"cirrus-compositor", "--config", path.c_str()};
    const Config read = parse_command_line(3, from_file, "");
    CHECK(read.keyboard.command == "squeekboard");
    CHECK(read.keyboard.show == KeyboardShow::never);
    const char* overridden[] = {"cirrus-compositor", "--config", path.c_str(), "--keyboard", "other",
                                "--keyboard-show",   "auto"};
    const Config flags = parse_command_line(7, overridden, "");
    CHECK(flags.keyboard.command == "other");
    CHECK(flags.keyboard.show == KeyboardShow::automatic);
    const char* none[] = {"cirrus-compositor", "--no-keyboard"};
    CHECK(parse_command_line(2, none, "").keyboard.command.empty());
    {
        std::ofstream file(path);
        file << "[keyboard]\nshow = sometimes\n";
    }
    CHECK_THROWS_WITH_AS(parse_command_line(3, from_file, ""), doctest::Contains("keyboard.show"), ConfigError);
    {
        std::ofstream file(path);
        file << "[keyboard]\ncommand = none\n";
    }
    CHECK(parse_command_line(3, from_file, "").keyboard.command.empty());
    std::remove(path.c_str());
}

TEST_CASE("the app lifecycle's delay, budget and thresholds come from [apps]") {
    const Config defaults = parse({});
    CHECK(defaults.lifecycle.freeze_after_ms == 10000);
    CHECK(defaults.lifecycle.budget_bytes == 0);
    const Config c = load(
        "[apps]\nfreeze_after = 300ms\nmemory_budget = 320M\ndiscard_above = 90\npressure_some = 15\n"
        "pressure_full = 0\n");
    CHECK(c.lifecycle.freeze_after_ms == 300);
    CHECK(c.lifecycle.budget_bytes == 320ull << 20);
    CHECK(c.lifecycle.discard_above_percent == 90);
    CHECK(c.lifecycle.pressure_some_avg10 == doctest::Approx(15));
    CHECK(c.lifecycle.pressure_full_avg10 == 0);
    CHECK(load("[apps]\nfreeze_after = 10s\n").lifecycle.freeze_after_ms == 10000);
    CHECK(load("[apps]\nfreeze_after = 0\n").lifecycle.freeze_after_ms == 0);
    CHECK(load("[apps]\nmemory_budget = none\n").lifecycle.budget_bytes == 0);
    CHECK(load_error("[apps]\nfreeze_after = 10\n").find("apps.freeze_after: '10' (expected a duration") !=
          std::string::npos);
    CHECK(load_error("[apps]\nmemory_budget = lots\n").find("apps.memory_budget") != std::string::npos);
    CHECK(load_error("[apps]\npressure_some = 101\n").find("0 to 100") != std::string::npos);
    CHECK(load_error("[apps]\ndiscard_above = 0\n").find("apps.discard_above") != std::string::npos);
}

TEST_CASE("--title and --fixed-size set a nested window's title and keep its size") {
    const Config plain = parse({});
    CHECK(plain.output.window_title.empty());
    CHECK_FALSE(plain.output.fixed_window_size);
    const Config dev = parse({"--size", "480x800", "--title", "Cirrus \xE2\x80\x94 Notes", "--fixed-size"});
    CHECK(dev.output.window_title == "Cirrus \xE2\x80\x94 Notes");
    CHECK(dev.output.fixed_window_size);
    CHECK(dev.output.size == Size{480, 800});
    CHECK_THROWS_WITH_AS(parse({"--title", std::string(201, 'x')}), doctest::Contains("at most 200"), ConfigError);
    CHECK_THROWS_WITH_AS(parse({"--fixed-size=yes"}), doctest::Contains("takes no value"), ConfigError);
}
