// Board profile parsing. The compositor's sections are handed, with their line
// numbers kept, to the compositor's own parser (so a profile and the device's
// compositor.conf can never disagree about what is valid); the board sections
// are checked here.
#include "profile.hpp"

#include "common/app_id.hpp"
#include "common/strings.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string_view>

namespace cirrus::board {
namespace {

const std::vector<std::string> kBoardSections = {"board", "session", "touch", "memory", "bundled"};

bool is_board_section(std::string_view name) {
    for (const auto& s : kBoardSections)
        if (s == name) return true;
    return false;
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

struct Where {
    const std::string& path;
    int line;
    std::string section;
    std::string key;
    std::string what() const { return path + ":" + std::to_string(line) + ": [" + section + "] " + key; }
};

[[noreturn]] void refuse(const Where& at, const std::string& value, const std::string& expected) {
    throw ProfileError(at.what() + ": bad value '" + value + "' (expected " + expected + ")");
}

template <typename Number>
bool parse_whole(std::string_view text, Number& out) {
    if (text.empty()) return false;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, out);
    return ec == std::errc{} && ptr == end;
}

bool valid_name(std::string_view name) {
    if (name.empty() || name.size() > 32 || name.front() == '-') return false;
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    return true;
}

// Printable ASCII without quotes or backslashes: safe inside a udev rule and
// a shell word in single quotes.
bool plain_text(std::string_view text) {
    for (char c : text)
        if (c < 0x20 || c > 0x7e || c == '"' || c == '\'' || c == '\\') return false;
    return true;
}

constexpr long long kMib = 1024LL * 1024;
constexpr long long kMinAppMemory = 64 * kMib;  // a WebKit web process alone needs more

using Handler = std::function<void(Profile&, const std::string& value, const Where&)>;

const std::map<std::string, std::map<std::string, Handler>>& board_keys() {
    static const std::map<std::string, std::map<std::string, Handler>> keys = {
        {"board",
         {
             {"name",
              [](Profile& p, const std::string& v, const Where& w) {
                  if (!valid_name(v)) refuse(w, v, "1 to 32 of a-z, 0-9 and '-', not starting with '-'");
                  p.name = v;
              }},
             {"description",
              [](Profile& p, const std::string& v, const Where& w) {
                  if (!plain_text(v)) refuse(w, v, "one line of text without quotes or backslashes");
                  p.description = v;
              }},
         }},
        {"session",
         {
             {"renderer",
              [](Profile& p, const std::string& v, const Where& w) {
                  if (v != "pixman" && v != "gles2" && v != "auto") refuse(w, v, "pixman, gles2 or auto");
                  p.renderer = v;
              }},
             {"log",
              [](Profile& p, const std::string& v, const Where& w) {
                  if (v != "error" && v != "info" && v != "debug") refuse(w, v, "error, info or debug");
                  p.log = v;
              }},
         }},
        {"touch",
         {
             {"calibration",
              [](Profile& p, const std::string& v, const Where& w) {
                  const std::string expected =
                      "six numbers a b c d e f of libinput's calibration matrix, e.g. '1 0 0 0 1 0' "
                      "(none) or '0 1 0 -1 0 1' (panel turned 90 degrees)";
                  std::vector<double> numbers;
                  std::istringstream in(v);
                  std::string word;
                  while (in >> word) {
                      double d = 0;
                      if (!parse_whole(std::string_view(word), d) || !std::isfinite(d) || std::fabs(d) > 100)
                          refuse(w, v, expected);
                      numbers.push_back(d);
                  }
                  if (numbers.size() != 6) refuse(w, v, expected);
                  p.calibration = numbers;
              }},
             {"match",
              [](Profile& p, const std::string& v, const Where& w) {
                  if (v.empty() || !plain_text(v))
                      refuse(w, v,
                             "the panel's input device name as udev sees it (a glob, e.g. "
                             "'*Touchscreen*'), without quotes");
                  p.touch_match = v;
              }},
         }},
        {"memory",
         {
             {"zram",
              [](Profile& p, const std::string& v, const Where& w) {
                  const std::string expected = "off, a share of RAM such as 50%, or a size such as 256M";
                  if (v == "off") {
                      p.zram_size.clear();
                  } else if (!v.empty() && v.back() == '%') {
                      int percent = 0;
                      if (!parse_whole(std::string_view(v).substr(0, v.size() - 1), percent) || percent < 1 ||
                          percent > 150)
                          refuse(w, v, expected + " (1% to 150%)");
                      p.zram_size = "ram * " + std::to_string(percent) + " / 100";
                  } else {
                      long long bytes = 0;
                      try {
                          bytes = parse_memory_size(v, w.what());
                      } catch (const ProfileError&) {
                          refuse(w, v, expected);
                      }
                      if (bytes < kMib) refuse(w, v, expected + " (at least 1M)");
                      p.zram_size = std::to_string(bytes / kMib);
                  }
              }},
             {"zram_algorithm",
              [](Profile& p, const std::string& v, const Where& w) {
                  if (v != "lz4" && v != "zstd" && v != "lzo-rle" && v != "lzo")
                      refuse(w, v, "lz4, zstd, lzo-rle or lzo");
                  p.zram_algorithm = v;
              }},
             {"apps_max",
              [](Profile& p, const std::string& v, const Where& w) {
                  p.apps_max_bytes = v == "none" ? 0 : parse_memory_size(v, w.what());
                  if (p.apps_max_bytes != 0 && p.apps_max_bytes < kMinAppMemory)
                      refuse(w, v, "none, or at least 64M (one WebKit app needs more than that)");
              }},
             {"app_max",
              [](Profile& p, const std::string& v, const Where& w) {
                  p.app_max_bytes = v == "none" ? 0 : parse_memory_size(v, w.what());
                  if (p.app_max_bytes != 0 && p.app_max_bytes < kMinAppMemory)
                      refuse(w, v, "none, or at least 64M (one WebKit app needs more than that)");
              }},
             // Without it, a runaway app under app_max pushes its excess into
             // zram, which fills the phone's one swap and slows everyone.
             {"app_swap_max",
              [](Profile& p, const std::string& v, const Where& w) {
                  p.app_swap_max_bytes = v == "none" ? -1 : v == "0" ? 0 : parse_memory_size(v, w.what());
              }},
         }},
        {"bundled",
         {
             {"apps",
              [](Profile& p, const std::string& v, const Where& w) {
                  const std::string expected = "app ids separated by commas, e.g. notes, calculator; or none";
                  p.bundled_apps.clear();
                  p.bundled_set = true;
                  if (v == "none") return;
                  std::set<std::string> seen;
                  std::string_view rest = v;
                  while (true) {
                      const auto comma = rest.find(',');
                      const std::string id(trim(rest.substr(0, comma), kConfigBlanks));
                      if (!valid_app_id(id)) refuse(w, v, expected + "; '" + id + "' is not an app id");
                      if (!seen.insert(id).second) refuse(w, v, expected + "; '" + id + "' is named twice");
                      p.bundled_apps.push_back(id);
                      if (comma == std::string_view::npos) break;
                      rest.remove_prefix(comma + 1);
                  }
              }},
         }},
    };
    return keys;
}

// Runs the compositor's parser over text (board sections blanked), naming
// the profile in its messages rather than the memory file it reads.
void check_compositor_sections(const std::string& path, const std::string& text, Config& cfg) {
    const int fd = memfd_create("cirrus-profile", MFD_CLOEXEC);
    if (fd < 0) throw ProfileError(path + ": cannot check the compositor sections: " + std::strerror(errno));
    std::size_t written = 0;
    while (written < text.size()) {
        const ssize_t n = write(fd, text.data() + written, text.size() - written);
        if (n <= 0) {
            close(fd);
            throw ProfileError(path + ": cannot check the compositor sections: " + std::strerror(errno));
        }
        written += static_cast<std::size_t>(n);
    }
    const std::string fd_path = "/proc/self/fd/" + std::to_string(fd);
    try {
        load_config_file(fd_path, cfg, /*required=*/true);
    } catch (const ConfigError& error) {
        close(fd);
        std::string message = error.what();
        if (message.rfind(fd_path, 0) == 0) message = path + message.substr(fd_path.size());
        if (message.find("unknown section") != std::string::npos)
            message += " or a board section (" + joined(kBoardSections) + ")";
        throw ProfileError(message);
    }
    close(fd);
    cfg.config_path.clear();
}

}  // namespace

long long parse_memory_size(const std::string& text, const std::string& what) {
    const std::string expected = "a size such as 512K, 256M or 1G (binary units), at most 1024G";
    std::string_view digits = text;
    long long unit = 1;
    if (!digits.empty()) {
        switch (digits.back()) {
        case 'K':
            unit = 1024;
            break;
        case 'M':
            unit = kMib;
            break;
        case 'G':
            unit = 1024 * kMib;
            break;
        default:
            break;
        }
        if (unit != 1) digits.remove_suffix(1);
    }
    long long value = 0;
    if (digits.empty() || digits.front() == '-' || !parse_whole(digits, value) || value <= 0 ||
        value > (1024LL * 1024 * kMib) / unit)
        throw ProfileError(what + ": bad value '" + text + "' (expected " + expected + ")");
    return value * unit;
}

Profile parse_profile(const std::string& path, const std::string& text) {
    Profile profile;
    profile.path = path;
    std::string compositor_text;
    std::string section;
    bool in_board_section = false;
    std::istringstream in(text);
    std::string raw;
    int line_number = 0;
    while (std::getline(in, raw)) {
        ++line_number;
        const std::string_view line = trim(strip_config_comment(raw), kConfigBlanks);
        if (!line.empty() && line.front() == '[' && line.back() == ']') {
            section = std::string(trim(line.substr(1, line.size() - 2), kConfigBlanks));
            in_board_section = is_board_section(section);
        }
        if (!in_board_section) {
            compositor_text += raw + "\n";
            continue;
        }
        compositor_text += "\n";  // keeps the compositor parser's line numbers true
        if (line.empty() || line.front() == '[') continue;
        const auto equals = line.find('=');
        if (equals == std::string_view::npos)
            throw ProfileError(path + ":" + std::to_string(line_number) + ": expected 'key = value' in [" + section +
                               "], got '" + std::string(line) + "'");
        const std::string key(trim(line.substr(0, equals), kConfigBlanks));
        const std::string value(trim(line.substr(equals + 1), kConfigBlanks));
        const auto& keys = board_keys().at(section);
        const auto handler = keys.find(key);
        if (handler == keys.end()) {
            std::vector<std::string> names;
            for (const auto& [name, unused] : keys) names.push_back(name);
            throw ProfileError(path + ":" + std::to_string(line_number) + ": unknown key '" + key + "' in [" + section +
                               "] (known: " + joined(names) + ")");
        }
        handler->second(profile, value, Where{path, line_number, section, key});
    }
    if (profile.name.empty())
        throw ProfileError(path + ": missing [board] name (add '[board]' and 'name = my-phone': it names the image)");
    if (profile.apps_max_bytes != 0 && profile.app_max_bytes > profile.apps_max_bytes)
        throw ProfileError(path + ": [memory] app_max (" + std::to_string(profile.app_max_bytes / kMib) +
                           "M) is larger than apps_max (" + std::to_string(profile.apps_max_bytes / kMib) +
                           "M): lower app_max or raise apps_max");
    check_compositor_sections(path, compositor_text, profile.compositor);
    profile.compositor_text = compositor_text;
    return profile;
}

Profile load_profile(const std::string& path) {
    errno = 0;
    std::ifstream file(path);
    if (!file)
        throw ProfileError("cannot read profile '" + path +
                           "': " + (errno != 0 ? std::strerror(errno) : "cannot open it") +
                           " (profiles are in board/profiles/)");
    std::ostringstream text;
    text << file.rdbuf();
    return parse_profile(path, text.str());
}

std::string compositor_conf(const Profile& profile) {
    std::string out = "# Generated from the board profile " + profile.path +
                      " (cirrus-board-profile compositor-conf); edit the profile, not this file.\n";
    std::istringstream in(profile.compositor_text);
    std::string line;
    bool last_blank = true;
    while (std::getline(in, line)) {
        const bool blank = trim(line, kConfigBlanks).empty();
        if (blank && last_blank) continue;
        out += line + "\n";
        last_blank = blank;
    }
    return out;
}

namespace {

std::string quoted(const std::string& value) {
    std::string out = "'";
    for (char c : value) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string number_text(double value) {
    std::ostringstream out;
    out << value;
    return out.str();
}

}  // namespace

std::string shell_variables(const Profile& p) {
    std::string calibration;
    for (double d : p.calibration) calibration += (calibration.empty() ? "" : " ") + number_text(d);
    std::string bundled;
    for (const auto& id : p.bundled_apps) bundled += (bundled.empty() ? "" : " ") + id;
    std::string mode;
    if (const auto& m = p.compositor.output.mode ? p.compositor.output.mode : p.compositor.output.size)
        mode = std::to_string(m->width) + "x" + std::to_string(m->height);
    const auto bytes = [](long long b) { return b == 0 ? std::string() : std::to_string(b); };
    std::ostringstream out;
    out << "CIRRUS_PROFILE_NAME=" << quoted(p.name) << "\n"
        << "CIRRUS_PROFILE_DESCRIPTION=" << quoted(p.description) << "\n"
        << "CIRRUS_OUTPUT_MODE=" << quoted(mode) << "\n"
        << "CIRRUS_RENDERER=" << quoted(p.renderer) << "\n"
        << "CIRRUS_LOG=" << quoted(p.log) << "\n"
        << "CIRRUS_TOUCH_CALIBRATION=" << quoted(calibration) << "\n"
        << "CIRRUS_TOUCH_MATCH=" << quoted(p.touch_match) << "\n"
        << "CIRRUS_ZRAM_SIZE=" << quoted(p.zram_size) << "\n"
        << "CIRRUS_ZRAM_ALGORITHM=" << quoted(p.zram_algorithm) << "\n"
        << "CIRRUS_APPS_MAX=" << quoted(bytes(p.apps_max_bytes)) << "\n"
        << "CIRRUS_APP_MAX=" << quoted(bytes(p.app_max_bytes)) << "\n"
        << "CIRRUS_APP_SWAP_MAX="
        << quoted(p.app_swap_max_bytes < 0 ? std::string() : std::to_string(p.app_swap_max_bytes)) << "\n"
        << "CIRRUS_BUNDLED_SET=" << quoted(p.bundled_set ? "yes" : "no") << "\n"
        << "CIRRUS_BUNDLED_APPS=" << quoted(bundled) << "\n";
    return out.str();
}

}  // namespace cirrus::board
