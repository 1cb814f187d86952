// Compositor settings from defaults, a config file and command-line flags (in
// that order of precedence, flags last). Every bad value is refused with a
// ConfigError whose message names the option (or file, line and key) and the fix.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "app_lifecycle.hpp"
#include "common/web_memory.hpp"
#include "geometry.hpp"
#include "text_input_policy.hpp"

namespace cirrus {

// Values match enum wl_output_transform so the glue can cast.
enum class Transform {
    normal = 0,
    rot90 = 1,
    rot180 = 2,
    rot270 = 3,
    flipped = 4,
    flipped90 = 5,
    flipped180 = 6,
    flipped270 = 7,
};

struct OutputConfig {
    std::optional<Size> size;        // custom mode: nested window or headless output size
    std::optional<Size> mode;        // a mode the output offers (DRM); nearest refresh wins
    std::optional<int> refresh_mhz;  // with mode: e.g. 60000
    double scale = 1.0;
    Transform transform = Transform::normal;
    // A nested window's title (empty: wlroots' "wlroots - WL-1"), and whether
    // it keeps `size` whatever size the desktop configures it to (`cirrus dev`:
    // the phone stays phone-sized; the desktop letterboxes it).
    std::string window_title;
    bool fixed_window_size = false;
};

struct KeyboardConfig {
    // Empty means "let xkbcommon use XKB_DEFAULT_* or its own default".
    std::string rules, model, layout, variant, options;
    int repeat_rate = 25;    // per second
    int repeat_delay = 600;  // ms
    // The on-screen keyboard: started as a trusted client (a bare name is
    // looked up next to the compositor's build folder, then in PATH; not
    // found: no keyboard, one log line) and restarted if it dies. Empty: none.
    std::string command = "cirrus-keyboard";
    KeyboardShow show = KeyboardShow::automatic;
};

struct Config {
    OutputConfig output;
    KeyboardConfig keyboard;
    std::vector<std::string> trusted_commands;    // started as trusted clients (shell, tests)
    std::string socket_name;                      // empty: libwayland picks wayland-N
    std::string app_host = "cirrus-webapp-host";  // run as `app_host --app ID`
    std::string browser_app = "browser";          // the system browser app's id ("" none); used when installed
    // The apps catalogue's id ("" none): with the browser, the only apps that
    // may ask the runtime to install an app (cirrus_app_v1.install_app).
    std::string catalogue_app = "apps";
    // The catalogue document the catalogue app lists ("" its bundled sample).
    std::string catalogue_url;
    // The Settings app ("" none): the only app whose page gets the account
    // and sync calls (cirrus_app_v1.settings_role, webapp-host/settings_bridge).
    std::string settings_app = "settings";
    bool install_bundled_apps = true;  // run `cirrus install-bundled` at start
    // Standby hosts kept started ahead of launches (app_host --standby), so
    // that a launch skips the process start; 0: none. Each costs memory.
    int prestart = 1;
    // JavaScriptCore's JIT in the apps' web processes ([apps] javascript_jit):
    // off costs JavaScript speed and saves the memory of a JS-heavy page
    // (bench/README.md, "JavaScript JIT"): the low-memory profiles turn it off.
    bool javascript_jit = true;
    // WebKit's memory-pressure settings for the apps' web and network
    // processes ([apps] web_memory_limit, web_memory_poll; no limit: WebKit's
    // own, the RAM size). Never a kill threshold (common/web_memory.hpp).
    WebMemorySettings web_memory;
    // Background apps frozen, and discarded under memory pressure
    // ([apps] freeze_after, memory_budget, discard_above, pressure_some,
    // pressure_full). A budget of 0 takes the apps cgroup's memory.max.
    LifecycleConfig lifecycle;
    std::string shell_command = "cirrus-shell";  // empty: no shell
    // The sync service (cirrus-sync): started untrusted with the session
    // and restarted if it dies; a bare name is looked up as the keyboard's
    // is. Empty: none.
    std::string sync_command = "cirrus-sync";
    std::string config_path;  // the file that was read, if any
    bool show_help = false;
    bool show_version = false;
};

class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Parses "WxH" (positive, at most 16384 each).
Size parse_size(const std::string& text, const std::string& what);
// Parses normal, 90, 180, 270, flipped, flipped-90, flipped-180, flipped-270.
Transform parse_transform(const std::string& text, const std::string& what);
// Parses a scale between 0.25 and 8.
double parse_scale(const std::string& text, const std::string& what);

// Reads an INI-style file ("[output]" / "[keyboard]" sections, key = value,
// '#' comments) into cfg. A missing file is an error only when required.
void load_config_file(const std::string& path, Config& cfg, bool required);

// A config line's syntax, which board profiles share (board/profile.cpp):
// a '#' or ';' at the start of a line or after a blank starts a comment, so
// "scale = 2  # retina" works while values may still contain those
// characters elsewhere; sections, keys and values are trimmed of these
// blanks (no form feed: config files never treated it as one).
inline constexpr std::string_view kConfigBlanks = " \t\r\n";
std::string_view strip_config_comment(std::string_view line);

// argv[0] is skipped. "--config FILE" is read first (wherever it appears), then
// the other flags override it. Without --config, default_config_path (if
// non-empty) is read when it exists.
Config parse_command_line(int argc, const char* const* argv, const std::string& default_config_path);

std::string usage_text();

}  // namespace cirrus
