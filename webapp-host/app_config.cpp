#include "app_config.hpp"

#include <cstdlib>
#include <exception>
#include <system_error>

namespace cirrus::webapp {

namespace {

bool env_flag(const char* name) {
    const char* value = std::getenv(name);
    return value && std::string(value) == "1";
}

// A file descriptor number (0 to 65535), -1 when `text` is not one.
int parse_fd(const std::string& text) {
    if (text.empty() || text.size() > 5) return -1;
    int fd = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return -1;
        fd = fd * 10 + (c - '0');
    }
    return fd <= 65535 ? fd : -1;
}

}  // namespace

std::string usage_text() {
    return "usage: cirrus-webapp-host --app ID [--inspector] [--no-jit]\n"
           "       cirrus-webapp-host --standby --standby-fd N [--inspector] [--no-jit]\n"
           "Runs the installed web app ID in its own window (the compositor starts it).\n"
           "  --app ID      the app's id in the registry ($CIRRUS_REGISTRY, else\n"
           "                $XDG_DATA_HOME/cirrus/registry.db)\n"
           "  --standby     start ahead of any launch: connect to the display and load\n"
           "                WebKit, then wait for the compositor to name the app on the\n"
           "  --standby-fd N  private socket N it passed (then as --app ID)\n"
           "  --inspector   developer extras (web inspector) and console messages on\n"
           "                stdout, prefixed with the app id (or CIRRUS_WEBAPP_INSPECTOR=1)\n"
           "  --no-jit      run JavaScript without the JIT (or CIRRUS_WEBAPP_NO_JIT=1)\n"
           "CIRRUS_WEBAPP_CONSOLE=1 prints console messages (with file:line:column) without\n"
           "the developer extras; SIGUSR2 reloads the app's page (cirrus dev, on a save).\n"
           "Exit codes: 2 usage, 3 unknown app, 4 unreadable manifest in the registry,\n"
           "5 no display.\n";
}

std::optional<std::string> proxy_uri(std::string_view value) {
    constexpr std::string_view kScheme = "http://";
    if (value.size() > 256 || !value.starts_with(kScheme)) return std::nullopt;
    std::string_view authority = value.substr(kScheme.size());
    if (authority.ends_with("/")) authority.remove_suffix(1);
    const auto colon = authority.rfind(':');
    if (colon == std::string_view::npos || colon == 0) return std::nullopt;
    const std::string_view host = authority.substr(0, colon);
    const std::string_view port = authority.substr(colon + 1);
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos ||
        std::stoi(std::string(port)) > 65535 || std::stoi(std::string(port)) == 0)
        return std::nullopt;
    for (const char c : host) {
        const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                             c == '-' || c == '[' || c == ']' || c == ':';
        if (!allowed) return std::nullopt;
    }
    return std::string(kScheme) + std::string(authority);
}

ParsedOptions parse_options(const std::vector<std::string>& args) {
    ParsedOptions parsed;
    HostOptions& o = parsed.options;
    o.inspector = env_flag("CIRRUS_WEBAPP_INSPECTOR");
    o.console = env_flag("CIRRUS_WEBAPP_CONSOLE");
    o.no_jit = env_flag("CIRRUS_WEBAPP_NO_JIT");
    if (const char* proxy = std::getenv("CIRRUS_WEBAPP_PROXY"); proxy && *proxy) {
        const auto uri = proxy_uri(proxy);
        if (!uri) {
            parsed.error = "CIRRUS_WEBAPP_PROXY must be http://HOST:PORT (as cirrus dev --network sets it), not '" +
                           std::string(proxy).substr(0, 256) + "'";
            return parsed;
        }
        o.proxy = *uri;
    }
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--app") {
            if (i + 1 >= args.size()) {
                parsed.error = "--app needs an app id";
                return parsed;
            }
            o.app_id = args[++i];
        } else if (arg.starts_with("--app=")) {
            o.app_id = arg.substr(6);
        } else if (arg == "--standby") {
            o.standby = true;
        } else if (arg == "--standby-fd" || arg.starts_with("--standby-fd=")) {
            std::string value;
            if (arg.size() > 12) {
                value = arg.substr(13);
            } else if (i + 1 < args.size()) {
                value = args[++i];
            }
            o.standby_fd = parse_fd(value);
            if (o.standby_fd < 0) {
                parsed.error = "--standby-fd needs the number of an open file descriptor, not '" + value + "'";
                return parsed;
            }
        } else if (arg == "--inspector") {
            o.inspector = true;
        } else if (arg == "--no-jit") {
            o.no_jit = true;
        } else if (arg == "--help" || arg == "-h") {
            o.help = true;
        } else {
            parsed.error = "unknown argument '" + arg + "'";
            return parsed;
        }
    }
    if (o.help) return parsed;
    if (o.standby && !o.app_id.empty()) {
        parsed.error = "--app and --standby exclude each other (a standby host learns its app later)";
    } else if (o.standby != (o.standby_fd >= 0)) {
        parsed.error = "--standby and --standby-fd N go together (the compositor passes both)";
    } else if (!o.standby && o.app_id.empty()) {
        parsed.error = "--app ID is required";
    }
    return parsed;
}

std::optional<DisplayMode> display_mode_from_string(const std::string& text) {
    if (text == "fullscreen") return DisplayMode::fullscreen;
    if (text == "standalone") return DisplayMode::standalone;
    if (text == "minimal-ui") return DisplayMode::minimal_ui;
    if (text == "browser") return DisplayMode::browser;
    return std::nullopt;
}

LoadResult load_app(const std::filesystem::path& path, const std::string& id) {
    LoadResult result;
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        // Opening would create an empty registry: say what is wrong instead.
        result.exit_code = kExitUnknownApp;
        result.message = "no app '" + id + "': the registry " + path.string() +
                         " does not exist (install the app with `cirrus install`, or set CIRRUS_REGISTRY)";
        return result;
    }
    try {
        launcher::Registry::Options options;
        options.check = launcher::OpenCheck::header;  // start-up time counts; damage shows on read
        launcher::Registry registry = launcher::Registry::open(path, options);
        std::optional<launcher::AppRecord> record = registry.get(id);
        if (!record) {
            result.exit_code = kExitUnknownApp;
            result.message =
                "no app '" + id + "' in the registry " + path.string() + " (`cirrus list` shows the installed apps)";
            return result;
        }
        const std::optional<DisplayMode> manifest_display = stored_manifest_display(record->manifest_json);
        if (!manifest_display) {
            result.exit_code = kExitBadManifest;
            result.message = "the app '" + id + "' in the registry " + path.string() +
                             " has an unreadable manifest; reinstall it (`cirrus install`)";
            return result;
        }
        LoadedApp app;
        // The record's column is what the launcher decided; the manifest's
        // own member is the fallback.
        app.display = display_mode_from_string(record->display).value_or(*manifest_display);
        app.record = std::move(*record);
        result.app = std::move(app);
    } catch (const std::exception& e) {
        result.exit_code = kExitUnknownApp;
        result.message = "cannot read the app '" + id + "' from the registry " + path.string() + ": " + e.what();
    }
    return result;
}

std::optional<unsigned> parse_hex_colour(const std::string& text) {
    if ((text.size() != 7 && text.size() != 9) || text[0] != '#') return std::nullopt;
    unsigned value = 0;
    for (std::size_t i = 1; i < text.size(); ++i) {
        const char c = text[i];
        unsigned digit;
        if (c >= '0' && c <= '9') digit = static_cast<unsigned>(c - '0');
        else if (c >= 'a' && c <= 'f') digit = static_cast<unsigned>(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') digit = static_cast<unsigned>(c - 'A' + 10);
        else return std::nullopt;
        if (i < 7) value = value * 16 + digit;  // the alpha digits are checked, not used
    }
    return value;
}

unsigned contrasting_text_colour(unsigned rgb) {
    const double r = (rgb >> 16) & 0xff, g = (rgb >> 8) & 0xff, b = rgb & 0xff;
    const double luma = 0.299 * r + 0.587 * g + 0.114 * b;
    return luma > 150 ? 0x000000 : 0xffffff;
}

}  // namespace cirrus::webapp
