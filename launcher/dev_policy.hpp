// `cirrus dev`'s decisions, in plain C++ (tested without a display): its
// command line, the devices it can stand in for, and what a file change in
// the app's folder leads to (debounced: an editor's save is several events).
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cirrus::launcher {

struct DevUsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct DevDevice {
    std::string name;  // "w700", or "480x800" for a size given as such
    int width = 0;
    int height = 0;
    std::string description;
};

// The devices --device names (board/profiles), then any WxH.
const std::vector<DevDevice>& dev_devices();

enum class NetworkProfile { good, g3, g3_slow, g2, offline };
std::string_view to_string(NetworkProfile profile);  // "good", "3g", "3g-slow", "2g", "offline"

struct DevOptions {
    std::string source;  // a folder, or an http(s) URL
    bool url = false;
    DevDevice device;
    NetworkProfile network = NetworkProfile::good;
    bool network_given = false;  // --network was given; else the machine's own link until `n`
    bool inspector = false;
};

// What the app's traffic crosses: nullopt is this machine's own link (no
// shaping, the compositor's estimate published), else a profile of
// common/link_profiles.hpp played by cirrus-weak-link.
using DevNetwork = std::optional<NetworkProfile>;
DevNetwork initial_network(const DevOptions& options);
// The `n` key: the machine's link, good, 3g, 3g-slow, 2g, offline, and round again.
DevNetwork next_network(DevNetwork network);
// cirrus-weak-link's profile: "none" for the machine's link, else to_string's.
std::string_view weak_link_profile(DevNetwork network);
// The compositor's `link` command: the class the status bar and
// navigator.onLine follow ("auto" for the machine's link: the estimate).
// 3g-slow is the estimator's 3g (its bandwidth is above 2g's line).
std::string_view published_link_class(DevNetwork network);
// The kind of link published with it: "cellular" for the radio profiles
// (3g, 3g-slow, 2g: the status bar draws bars and "3G"), else empty (the
// machine's own, from its routes).
std::string_view published_link_kind(DevNetwork network);
// "3g (1600/750 kbit/s, +300 ms)", "this machine's own link", for the terminal.
std::string describe_network(DevNetwork network);

// `args` are what follows "dev". Throws DevUsageError naming the argument
// and what would be accepted.
DevOptions parse_dev_args(const std::vector<std::string>& args);

inline constexpr const char* kDevUsage =
    "usage: cirrus dev PATH|URL [--device w700|phone-480x800|WxH] [--network good|3g|3g-slow|2g|offline] "
    "[--inspector]";

// The window's title: "Cirrus — NAME" (bounded, on one line).
std::string dev_window_title(std::string_view app_name);

// A path in the app's folder (relative, '/'-separated) whose change is
// noise: editors' swap, backup and lock files, and hidden folders (.git).
bool ignored_change(std::string_view relative_path);

// What a burst of changes asks for.
struct DevAction {
    bool reinstall = false;          // the home screen's entry (name, icon, colours) may have changed
    bool reload = false;             // the app's pages
    std::vector<std::string> files;  // what changed, first seen first, once each
};

// Collects changes and says when they have settled: kQuietMs after the last
// one, and never later than kMaxWaitMs after the first (a tool writing
// without pause still sees its changes). Times are any monotonic ms.
class ChangeDebouncer {
public:
    static constexpr std::int64_t kQuietMs = 60;
    static constexpr std::int64_t kMaxWaitMs = 400;

    // `manifest_path` is the folder's manifest ("manifest.webmanifest"), or
    // for a folder run as a site its "index.html" (its title and icon links
    // make the home screen's entry).
    explicit ChangeDebouncer(std::string manifest_path) : manifest_path_(std::move(manifest_path)) {}

    void changed(std::string_view relative_path, std::int64_t now_ms);
    // Ms until the action is due (0: now), nullopt when nothing waits.
    std::optional<std::int64_t> due_in(std::int64_t now_ms) const;
    // The action once due (and forgets it), else nullopt.
    std::optional<DevAction> take(std::int64_t now_ms);
    void set_manifest_path(std::string path) { manifest_path_ = std::move(path); }

private:
    std::string manifest_path_;
    DevAction pending_;
    std::int64_t first_ms_ = 0;
    std::int64_t last_ms_ = 0;
};

}  // namespace cirrus::launcher
