// What cirrus-webapp-host runs: its command line, the app read from the
// registry, and where the app's own data lives. Plain C++ (no GTK), tested
// on its own.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "display_mode.hpp"
#include "common/registry.hpp"

namespace cirrus::webapp {

// Exit codes of the host (besides 0).
inline constexpr int kExitUsage = 2;
inline constexpr int kExitUnknownApp = 3;
inline constexpr int kExitBadManifest = 4;
inline constexpr int kExitNoDisplay = 5;

struct HostOptions {
    std::string app_id;      // empty in a standby host until the compositor names the app
    bool inspector = false;  // developer extras, console messages on stdout
    bool console = false;    // console messages on stdout (CIRRUS_WEBAPP_CONSOLE=1: `cirrus dev`)
    bool no_jit = false;     // JSC_useJIT=0 for the web process
    bool help = false;
    // CIRRUS_WEBAPP_PROXY (`cirrus dev --network`): an http://HOST:PORT proxy
    // that all the app's traffic goes through (WebKit's and the offline
    // cache's); empty, as installed, for the system's own settings.
    std::string proxy;
    // --standby --standby-fd N: start without an app, get ready, and wait
    // for the compositor to name it on the private channel N (standby.hpp).
    bool standby = false;
    int standby_fd = -1;
};

// Parses argv[1..]; an error message (for stderr) when it cannot: exactly
// one of --app ID and --standby --standby-fd N is required. The
// environment adds CIRRUS_WEBAPP_INSPECTOR=1 and CIRRUS_WEBAPP_NO_JIT=1 (the
// compositor passes CIRRUS_* on to hosts; it passes no flags).
struct ParsedOptions {
    HostOptions options;
    std::optional<std::string> error;
};
ParsedOptions parse_options(const std::vector<std::string>& args);

// CIRRUS_WEBAPP_PROXY's value when it is a proxy the host can use:
// "http://HOST:PORT" (a trailing "/" allowed), at most 256 bytes; else
// nullopt.
std::optional<std::string> proxy_uri(std::string_view value);
std::string usage_text();

// The app as the host needs it: the registry row, whose stored manifest has
// been checked to be readable.
struct LoadedApp {
    launcher::AppRecord record;
    DisplayMode display = DisplayMode::browser;
};

struct LoadResult {
    std::optional<LoadedApp> app;
    int exit_code = 0;    // kExitUnknownApp or kExitBadManifest when !app
    std::string message;  // what went wrong, naming the id and the file
};

// Reads `id` from the registry at `path`. Never throws.
LoadResult load_app(const std::filesystem::path& path, const std::string& id);

// Per-app storage folders: the launcher's, so that removing an app deletes
// exactly what the host wrote.
using launcher::app_data_dirs;
using launcher::AppDataDirs;

// A theme colour "#rrggbb[aa]" as 0xRRGGBB, nullopt when it is not one.
std::optional<unsigned> parse_hex_colour(const std::string& text);
// Black or white, whichever reads better on `rgb`.
unsigned contrasting_text_colour(unsigned rgb);

}  // namespace cirrus::webapp
