// A control-socket request line (compositor/CONTROL.md) read without trusting
// it: JSON, an object with a string "cmd" naming a command of
// common/control_commands.hpp, and that command's arguments checked and
// typed. The compositor carries out only what this accepts, so every check
// of a request is here, reachable without wlroots: by the unit tests and by
// the fuzzer (tests/fuzz/fuzz_control_request.cpp), which feeds it any bytes.
// Plain C++, no wlroots.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "link_estimator.hpp"
#include "system_link.hpp"

namespace cirrus {

// The longest request line the compositor holds (without its '\n'): a longer
// one is refused and its connection closed (a client that never sends a '\n'
// must not grow the compositor's memory).
inline constexpr std::size_t kMaxControlRequestLine = 64 * 1024;

struct ControlTouchEvent {
    enum class Type { down, motion, up, frame, cancel };
    Type type = Type::frame;
    std::int32_t id = 0;
    double x = 0, y = 0;  // down and motion only; finite
};

// Each command's arguments, checked: what the compositor may act on as is.
namespace control_arguments {
struct None {};  // outputs, windows, layers, stats, home, apps, text_input, quit
struct Window {
    std::uint64_t id = 0;
};  // focus, close: a ViewId
struct Touch {
    std::vector<ControlTouchEvent> events;
};  // tap (down, frame, up, frame), touch
struct Swipe {
    double x1 = 0, y1 = 0, x2 = 0, y2 = 0;  // finite
    double ms = 200;                        // 0 to 10000
    int steps = 10;                         // 1 to 1000
};
struct Key {
    std::uint32_t keycode = 0;  // evdev, 0 to kMaxKeycode
    bool pressed = true;
};
struct Screenshot {
    std::string path;
};  // absolute
struct Spawn {
    std::vector<std::string> argv;  // not empty
    bool trusted = false;
};
struct Launch {
    std::string app;
    // The page to open the app at (a web URL, at most
    // protocol_text::kMaxUrlBytes, no control characters); whether the app
    // may show it is for the compositor to check against the registry.
    std::optional<std::string> url;
};  // not checked against the registry here
struct KeyboardDevice {
    bool attach = true;
};
struct MemoryPressure {
    enum class Level { none, moderate, critical };
    Level level = Level::none;
};
struct Freeze {
    std::string app;  // a valid app id; whether it runs is the lifecycle's to say
};
struct LinkOverride {
    std::optional<LinkClass> link_class;  // nullopt: "auto", the estimate again
    std::optional<LinkKind> kind;         // with a class only: the kind published meanwhile
};

inline constexpr std::uint32_t kMaxKeycode = 0xffff;
}  // namespace control_arguments

using ControlArguments =
    std::variant<control_arguments::None, control_arguments::Window, control_arguments::Touch, control_arguments::Swipe,
                 control_arguments::Key, control_arguments::Screenshot, control_arguments::Spawn,
                 control_arguments::Launch, control_arguments::KeyboardDevice, control_arguments::MemoryPressure,
                 control_arguments::Freeze, control_arguments::LinkOverride>;

struct ControlRequest {
    std::string_view command;  // a name of kControlCommands (static storage)
    ControlArguments arguments;
};

// The request, or the error to answer with (ok:false): the message names the
// field and what it must be. Exactly one of the two is set.
struct ParsedControlRequest {
    std::optional<ControlRequest> request;
    std::string error;
};

// One request line, without its '\n'.
ParsedControlRequest parse_control_request(std::string_view line);

}  // namespace cirrus
