#include "control_request.hpp"

#include <cctype>
#include <cmath>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "common/app_id.hpp"
#include "common/control_commands.hpp"
#include "common/protocol_text.hpp"

using nlohmann::json;

namespace cirrus {

namespace {

namespace args = control_arguments;

// An argument that is not what its command needs: the message is the answer.
struct ArgumentError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

double number(const json& request, const char* key) {
    auto it = request.find(key);
    if (it == request.end() || !it->is_number()) {
        throw ArgumentError(std::string("'") + key + "' must be a number");
    }
    return it->get<double>();
}

double number_or(const json& request, const char* key, double fallback) {
    return request.contains(key) ? number(request, key) : fallback;
}

bool finite_point(double x, double y) { return std::isfinite(x) && std::isfinite(y); }

// Whole-number arguments are cast only once in range: a cast of a double out
// of its target's range is undefined behaviour. Fractions are cut off.
bool fits_int32(double v) { return v > -2147483649.0 && v < 2147483648.0; }

ControlTouchEvent touch_event(const json& event) {
    if (!event.is_object()) throw ArgumentError("a touch event is an object with a 'type'");
    using Type = ControlTouchEvent::Type;
    const std::string type = event.value("type", "");
    ControlTouchEvent touch;
    if (type == "down") touch.type = Type::down;
    else if (type == "motion") touch.type = Type::motion;
    else if (type == "up") touch.type = Type::up;
    else if (type == "cancel") touch.type = Type::cancel;
    else if (type == "frame") touch.type = Type::frame;
    else throw ArgumentError("unknown touch event type '" + type + "' (down, motion, up, frame, cancel)");
    const double id = number_or(event, "id", 0);
    if (!fits_int32(id)) throw ArgumentError("a touch event's 'id' must be a 32-bit integer");
    touch.id = static_cast<std::int32_t>(id);
    if (touch.type == Type::down || touch.type == Type::motion) {
        touch.x = number(event, "x");
        touch.y = number(event, "y");
        if (!finite_point(touch.x, touch.y)) throw ArgumentError("touch coordinates must be finite");
    }
    return touch;
}

ControlArguments none(const json&) { return args::None{}; }

ControlArguments window(const json& request) {
    const double id = number(request, "id");
    if (!(id >= 0 && id < 18446744073709551616.0)) throw ArgumentError("no window with id " + json(id).dump());
    return args::Window{static_cast<std::uint64_t>(id)};
}

ControlArguments tap(const json& request) {
    const double x = number(request, "x"), y = number(request, "y");
    if (!finite_point(x, y)) throw ArgumentError("touch coordinates must be finite");
    using Type = ControlTouchEvent::Type;
    return args::Touch{{{Type::down, 0, x, y}, {Type::frame}, {Type::up, 0}, {Type::frame}}};
}

ControlArguments swipe(const json& request) {
    args::Swipe swipe;
    swipe.x1 = number(request, "x1");
    swipe.y1 = number(request, "y1");
    swipe.x2 = number(request, "x2");
    swipe.y2 = number(request, "y2");
    if (!finite_point(swipe.x1, swipe.y1) || !finite_point(swipe.x2, swipe.y2)) {
        throw ArgumentError("swipe coordinates must be finite");
    }
    swipe.ms = number_or(request, "ms", 200);
    const double steps = number_or(request, "steps", 10);
    if (!(steps >= 1 && steps < 1001)) throw ArgumentError("'steps' must be between 1 and 1000");
    swipe.steps = static_cast<int>(steps);
    if (!(swipe.ms >= 0 && swipe.ms <= 10000)) throw ArgumentError("'ms' must be between 0 and 10000");
    return swipe;
}

ControlArguments touch(const json& request) {
    const json events = request.value("events", json());
    if (!events.is_array()) throw ArgumentError("'events' must be an array of touch events");
    args::Touch touch;
    for (const json& event : events) touch.events.push_back(touch_event(event));
    return touch;
}

ControlArguments key(const json& request) {
    const double keycode = number(request, "keycode");
    if (!(keycode >= 0 && keycode < args::kMaxKeycode + 1.0)) {
        throw ArgumentError("'keycode' must be an evdev key code (0 to " + std::to_string(args::kMaxKeycode) + ")");
    }
    const std::string state = request.value("state", "pressed");
    if (state != "pressed" && state != "released") throw ArgumentError("'state' is pressed or released");
    return args::Key{static_cast<std::uint32_t>(keycode), state == "pressed"};
}

ControlArguments screenshot(const json& request) {
    const std::string path = request.value("path", "");
    if (path.empty() || path[0] != '/') throw ArgumentError("'path' must be an absolute file name");
    return args::Screenshot{path};
}

ControlArguments spawn(const json& request) {
    const json argv = request.value("argv", json::array());
    if (!argv.is_array() || argv.empty()) throw ArgumentError("'argv' must be a non-empty array of strings");
    args::Spawn spawn;
    for (const json& a : argv) {
        if (!a.is_string()) throw ArgumentError("'argv' must be a non-empty array of strings");
        spawn.argv.push_back(a.get<std::string>());
    }
    spawn.trusted = request.value("trusted", false);
    return spawn;
}

// "http://", "https://" or a packaged app's "app://" (any case) and
// something after it; whether the rest names a page the app may show is for
// the registry's scope check and the host.
bool has_web_scheme(std::string_view url) {
    const auto starts_with = [url](std::string_view prefix) {
        if (url.size() <= prefix.size()) return false;
        for (std::size_t i = 0; i < prefix.size(); ++i) {
            if (std::tolower(static_cast<unsigned char>(url[i])) != prefix[i]) return false;
        }
        return true;
    };
    return starts_with("http://") || starts_with("https://") || starts_with("app://");
}

ControlArguments launch(const json& request) {
    const json app = request.value("app", json());
    if (!app.is_string()) throw ArgumentError("'app' must be an app id");
    args::Launch launch{app.get<std::string>(), std::nullopt};
    const json url = request.value("url", json());
    if (url.is_null()) return launch;
    if (!url.is_string()) throw ArgumentError("'url' must be a string (the page to open the app at)");
    const std::string& text = url.get_ref<const std::string&>();
    // Refused, not cut: a cut URL names another page.
    if (text.size() > protocol_text::kMaxUrlBytes) {
        throw ArgumentError("'url' is longer than " + std::to_string(protocol_text::kMaxUrlBytes) + " bytes");
    }
    for (const unsigned char c : text) {
        if (c < 0x20 || c == 0x7f) throw ArgumentError("'url' holds a control character (percent-encode it)");
    }
    if (!has_web_scheme(text)) {
        throw ArgumentError("'url' must be an http://, https:// or app:// URL");
    }
    launch.url = text;
    return launch;
}

ControlArguments keyboard_device(const json& request) {
    const std::string action = request.value("action", "");
    if (action != "attach" && action != "detach") throw ArgumentError("'action' is attach or detach");
    return args::KeyboardDevice{action == "attach"};
}

ControlArguments memory_pressure(const json& request) {
    const std::string level = request.value("level", "");
    using Level = args::MemoryPressure::Level;
    if (level == "none") return args::MemoryPressure{Level::none};
    if (level == "moderate") return args::MemoryPressure{Level::moderate};
    if (level == "critical") return args::MemoryPressure{Level::critical};
    throw ArgumentError("'level' is none, moderate or critical");
}

ControlArguments freeze(const json& request) {
    const json app = request.value("app", json());
    if (!app.is_string() || !valid_app_id(app.get_ref<const std::string&>()))
        throw ArgumentError("'app' must be an app id (lowercase letters, digits, '.', '_', '-')");
    return args::Freeze{app.get<std::string>()};
}

ControlArguments link(const json& request) {
    const json& value = request.contains("class") ? request["class"] : json();
    const std::string name = value.is_string() ? value.get<std::string>() : "";
    std::optional<LinkKind> kind;
    if (request.contains("kind")) {
        const json& kind_value = request["kind"];
        const std::string kind_name = kind_value.is_string() ? kind_value.get<std::string>() : "";
        for (const LinkKind each : {LinkKind::unknown, LinkKind::wired, LinkKind::wifi, LinkKind::cellular}) {
            if (kind_name == to_string(each)) kind = each;
        }
        if (!kind) throw ArgumentError("'kind' is wired, wifi, cellular or unknown");
        if (name == "auto") throw ArgumentError("'kind' goes with a class, not auto");
    }
    if (name == "auto") return args::LinkOverride{std::nullopt, std::nullopt};
    for (const LinkClass each : {LinkClass::offline, LinkClass::two_g, LinkClass::three_g, LinkClass::good}) {
        if (name == to_string(each)) return args::LinkOverride{each, kind};
    }
    throw ArgumentError("'class' is offline, 2g, 3g, good or auto");
}

// One reader per command of common/control_commands.hpp, in its order.
struct ArgumentReader {
    std::string_view name;
    ControlArguments (*read)(const json& request);
};

constexpr ArgumentReader kArgumentReaders[] = {
    {"outputs", none},
    {"windows", none},
    {"layers", none},
    {"stats", none},
    {"focus", window},
    {"close", window},
    {"tap", tap},
    {"swipe", swipe},
    {"touch", touch},
    {"key", key},
    {"screenshot", screenshot},
    {"spawn", spawn},
    {"launch", launch},
    {"home", none},
    {"apps", none},
    {"text_input", none},
    {"keyboard_device", keyboard_device},
    {"memory_pressure", memory_pressure},
    {"freeze", freeze},
    {"check_updates", none},
    {"link", link},
    {"quit", none},
};
static_assert(control::follows_control_commands(kArgumentReaders),
              "one argument reader per command of common/control_commands.hpp, in its order");

ParsedControlRequest refused(std::string error) { return {std::nullopt, std::move(error)}; }

}  // namespace

ParsedControlRequest parse_control_request(std::string_view line) {
    json request;
    try {
        request = json::parse(line);
    } catch (const json::exception& e) {  // parse_error, and out_of_range for a number like 1e400
        return refused(std::string("not a JSON line: ") + e.what());
    }
    if (!request.is_object() || !request.contains("cmd") || !request["cmd"].is_string()) {
        return refused("a request is an object with a string 'cmd'");
    }
    const std::string& cmd = request["cmd"].get_ref<const std::string&>();
    for (const ArgumentReader& reader : kArgumentReaders) {
        if (reader.name != cmd) continue;
        try {
            return {ControlRequest{reader.name, reader.read(request)}, {}};
        } catch (const ArgumentError& e) {
            return refused(e.what());
        } catch (const json::exception& e) {
            return refused(std::string("bad request: ") + e.what());
        }
    }
    return refused("unknown cmd '" + cmd + "' (" + control::control_command_names() + ")");
}

}  // namespace cirrus
