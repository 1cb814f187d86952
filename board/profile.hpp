// Board profiles: one INI file per device class (board/profiles/*.conf).
// The compositor's own sections ([output], [keyboard], [apps], [shell]) are
// checked by the compositor's config parser and become the device's
// /etc/cirrus/compositor.conf; the board sections ([board], [session],
// [touch], [memory], [bundled]) are read by the image build. Every refusal is
// a ProfileError whose message names the file, line, key and the fix.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "config.hpp"

namespace cirrus::board {

class ProfileError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Profile {
    std::string path;
    // [board]
    std::string name;  // [a-z0-9-]+, names the image
    std::string description;
    // [session]
    std::string renderer = "pixman";  // WLR_RENDERER: pixman, gles2 or auto (wlroots picks)
    std::string log = "error";        // CIRRUS_LOG: error, info or debug
    // [touch]
    std::vector<double> calibration;  // 6 numbers, LIBINPUT_CALIBRATION_MATRIX; empty: none
    std::string touch_match;          // udev ATTRS{name} glob of the panel; empty: every touch screen
    // [memory]
    std::string zram_size = "ram / 2";  // zram-generator expression (MiB), or "" for no zram
    std::string zram_algorithm = "lz4";
    long long apps_max_bytes = 0;       // all app processes together; 0: no limit
    long long app_max_bytes = 0;        // each app (host + its WebKit processes); 0: no limit
    long long app_swap_max_bytes = -1;  // each app's share of swap (zram); -1: no limit
    // [bundled]
    std::vector<std::string> bundled_apps;  // app ids from manifests/
    bool bundled_set = false;
    // The compositor's view, already checked.
    Config compositor;
    // The profile text with every board section blanked (line numbers kept).
    std::string compositor_text;
};

// Reads and checks a profile. Throws ProfileError.
Profile load_profile(const std::string& path);
Profile parse_profile(const std::string& path, const std::string& text);

// "256M", "1G", "512K" or plain bytes, with "what" naming file:line key for errors.
long long parse_memory_size(const std::string& text, const std::string& what);

// The device's compositor.conf: the profile's compositor sections only.
std::string compositor_conf(const Profile& profile);
// KEY='value' lines for the image build (bash `source`-able, quoted).
std::string shell_variables(const Profile& profile);

}  // namespace cirrus::board
