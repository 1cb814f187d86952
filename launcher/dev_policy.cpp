#include "dev_policy.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "common/link_profiles.hpp"

namespace cirrus::launcher {

namespace {

constexpr std::size_t kMaxTitleName = 80;  // bytes of the app's name in the title

std::optional<int> dimension(std::string_view text) {
    int value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < 120 || value > 4096) return std::nullopt;
    return value;
}

std::optional<DevDevice> device_named(const std::string& name) {
    for (const DevDevice& device : dev_devices()) {
        if (device.name == name) return device;
    }
    const auto x = name.find('x');
    if (x == std::string::npos) return std::nullopt;
    const auto width = dimension(std::string_view(name).substr(0, x));
    const auto height = dimension(std::string_view(name).substr(x + 1));
    if (!width || !height) return std::nullopt;
    return DevDevice{name, *width, *height, name + " screen"};
}

std::string device_names() {
    std::string names;
    for (const DevDevice& device : dev_devices()) names += device.name + ", ";
    return names + "or WxH (120 to 4096 each, e.g. 360x640)";
}

bool ends_with_any(std::string_view text, std::initializer_list<std::string_view> endings) {
    return std::any_of(endings.begin(), endings.end(), [&](std::string_view e) { return text.ends_with(e); });
}

}  // namespace

const std::vector<DevDevice>& dev_devices() {
    static const std::vector<DevDevice> devices = {
        {"phone-480x800", 480, 800, "480x800 phone"},
        {"w700", 480, 800, "K-Touch W700 class: 3.5-inch 480x800, 512 MB"},
    };
    return devices;
}

std::string_view to_string(NetworkProfile profile) {
    switch (profile) {
    case NetworkProfile::good:
        return "good";
    case NetworkProfile::g3:
        return "3g";
    case NetworkProfile::g3_slow:
        return "3g-slow";
    case NetworkProfile::g2:
        return "2g";
    case NetworkProfile::offline:
        return "offline";
    }
    return "good";
}

DevNetwork initial_network(const DevOptions& options) {
    return options.network_given ? DevNetwork(options.network) : std::nullopt;
}

DevNetwork next_network(DevNetwork network) {
    if (!network) return NetworkProfile::good;
    switch (*network) {
    case NetworkProfile::good:
        return NetworkProfile::g3;
    case NetworkProfile::g3:
        return NetworkProfile::g3_slow;
    case NetworkProfile::g3_slow:
        return NetworkProfile::g2;
    case NetworkProfile::g2:
        return NetworkProfile::offline;
    case NetworkProfile::offline:
        return std::nullopt;
    }
    return std::nullopt;
}

std::string_view weak_link_profile(DevNetwork network) { return network ? to_string(*network) : "none"; }

std::string_view published_link_class(DevNetwork network) {
    if (!network) return "auto";
    switch (*network) {
    case NetworkProfile::good:
        return "good";
    case NetworkProfile::g3:
    case NetworkProfile::g3_slow:
        return "3g";
    case NetworkProfile::g2:
        return "2g";
    case NetworkProfile::offline:
        return "offline";
    }
    return "auto";
}

std::string_view published_link_kind(DevNetwork network) {
    if (!network || *network == NetworkProfile::good || *network == NetworkProfile::offline) return "";
    return "cellular";
}

std::string describe_network(DevNetwork network) {
    if (!network) return "this machine's own link";
    const link::ShapedLink* numbers = nullptr;
    switch (*network) {
    case NetworkProfile::good:
        numbers = &link::kGood;
        break;
    case NetworkProfile::g3:
        numbers = &link::k3g;
        break;
    case NetworkProfile::g3_slow:
        numbers = &link::k3gSlow;
        break;
    case NetworkProfile::g2:
        numbers = &link::k2g;
        break;
    case NetworkProfile::offline:
        return "offline (no link: connections are reset at once)";
    }
    char text[160];
    std::snprintf(
        text, sizeof text, "%s (%g/%g kbit/s, +%lld ms%s)", std::string(numbers->name).c_str(),
        numbers->down_bits_per_second / 1000, numbers->up_bits_per_second / 1000,
        static_cast<long long>(numbers->added_round_trip.count()),
        numbers->loss > 0 ? (", " + std::to_string(static_cast<int>(numbers->loss * 100)) + "% loss").c_str() : "");
    return text;
}

DevOptions parse_dev_args(const std::vector<std::string>& args) {
    DevOptions options;
    options.device = dev_devices().front();
    bool have_source = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string arg = args[i];
        std::string value;
        const bool takes_value = arg.starts_with("--device") || arg.starts_with("--network");
        if (takes_value) {
            const auto equals = arg.find('=');
            if (equals != std::string::npos) {
                value = arg.substr(equals + 1);
                arg.resize(equals);
            } else if (i + 1 < args.size()) {
                value = args[++i];
            }
        }
        if (arg == "--device") {
            const auto device = device_named(value);
            if (!device)
                throw DevUsageError("--device '" + value + "' is not a device (one of: " + device_names() + ")");
            options.device = *device;
        } else if (arg == "--network") {
            bool known = false;
            for (const NetworkProfile p : {NetworkProfile::good, NetworkProfile::g3, NetworkProfile::g3_slow,
                                           NetworkProfile::g2, NetworkProfile::offline}) {
                if (value == to_string(p)) {
                    options.network = p;
                    known = true;
                }
            }
            options.network_given = known;
            if (!known)
                throw DevUsageError("--network '" + value +
                                    "' is not a profile (one of: good, 3g, 3g-slow, 2g, offline)");
        } else if (arg == "--inspector") {
            options.inspector = true;
        } else if (arg.starts_with("-")) {
            throw DevUsageError("unknown option '" + arg + "' for cirrus dev");
        } else if (have_source) {
            throw DevUsageError("one app at a time: '" + options.source + "' and '" + arg + "' were given");
        } else {
            options.source = arg;
            options.url = arg.starts_with("http://") || arg.starts_with("https://");
            have_source = true;
        }
    }
    if (!have_source) throw DevUsageError("missing the app: a folder (e.g. ./my-app) or a URL");
    return options;
}

std::string dev_window_title(std::string_view app_name) {
    std::string name;
    for (const char c : app_name.substr(0, kMaxTitleName)) {
        name += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
    }
    // A cut inside a UTF-8 sequence would make the title invalid: drop the partial character.
    std::size_t end = name.size();
    std::size_t lead = end;
    while (lead > 0 && (static_cast<unsigned char>(name[lead - 1]) & 0xC0) == 0x80) --lead;
    if (lead > 0) {
        const auto first = static_cast<unsigned char>(name[lead - 1]);
        const std::size_t want = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 1;
        if (end - (lead - 1) < want) name.resize(lead - 1);
    }
    return name.empty() ? "Cirrus" : "Cirrus \xE2\x80\x94 " + name;  // an em dash
}

bool ignored_change(std::string_view path) {
    std::size_t start = 0;
    while (start <= path.size()) {
        const std::size_t slash = path.find('/', start);
        const std::string_view part = path.substr(start, slash == std::string_view::npos ? path.npos : slash - start);
        if (part.starts_with(".")) return true;  // .git, .cache, vim's .x.swp, emacs' .#x
        if (slash == std::string_view::npos) {
            return part.empty() || part.starts_with("#") || part == "4913" ||
                   ends_with_any(part, {"~", ".swp", ".swx", ".tmp", ".kate-swp"});
        }
        start = slash + 1;
    }
    return false;
}

void ChangeDebouncer::changed(std::string_view relative_path, std::int64_t now_ms) {
    if (ignored_change(relative_path)) return;
    if (!pending_.reload) first_ms_ = now_ms;
    last_ms_ = now_ms;
    pending_.reload = true;
    const std::string path(relative_path);
    // The manifest, or a picture (an icon the manifest names is rasterised
    // into the registry at install): the home screen's entry may change.
    if (path == manifest_path_ || ends_with_any(path, {".png", ".svg", ".webp", ".ico", ".jpg", ".jpeg"}))
        pending_.reinstall = true;
    if (std::find(pending_.files.begin(), pending_.files.end(), path) == pending_.files.end())
        pending_.files.push_back(path);
}

std::optional<std::int64_t> ChangeDebouncer::due_in(std::int64_t now_ms) const {
    if (!pending_.reload) return std::nullopt;
    const std::int64_t due = std::min(last_ms_ + kQuietMs, first_ms_ + kMaxWaitMs);
    return std::max<std::int64_t>(0, due - now_ms);
}

std::optional<DevAction> ChangeDebouncer::take(std::int64_t now_ms) {
    const auto wait = due_in(now_ms);
    if (!wait || *wait > 0) return std::nullopt;
    DevAction action = std::move(pending_);
    pending_ = {};
    return action;
}

}  // namespace cirrus::launcher
