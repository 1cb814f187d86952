// The control socket's commands (compositor/CONTROL.md describes each
// request and its answer), listed once: the compositor keeps one handler per
// entry, in this order (a static_assert in compositor/control.cpp, through
// follows_control_commands); its unknown-command error lists these names;
// cirrusctl has a subcommand of each name and prints this list in --help;
// a test checks CONTROL.md's table against it both ways.
#pragma once

#include <array>
#include <iterator>
#include <string>
#include <string_view>

namespace cirrus::control {

struct ControlCommand {
    std::string_view name;       // the request's "cmd"
    std::string_view arguments;  // cirrusctl's arguments, in the order it takes them ("" for none)
    std::string_view help;       // one line
};

inline constexpr std::array kControlCommands = {
    ControlCommand{"outputs", "", "the outputs: size, scale, work area, blanked (JSON)"},
    ControlCommand{"windows", "", "the windows bottom to top, with the app that owns each (JSON)"},
    ControlCommand{"layers", "", "the layer-shell surfaces (JSON)"},
    ControlCommand{"stats", "", "frames, clients, uptime and the shell's state (JSON)"},
    ControlCommand{"focus", "ID", "bring a window's app to the front and focus it"},
    ControlCommand{"close", "ID", "ask a window to close"},
    ControlCommand{"tap", "X Y", "touch down/up at a point"},
    ControlCommand{"swipe", "X1 Y1 X2 Y2 [MS [STEPS]]", "touch swipe; answers when it has ended"},
    ControlCommand{"touch", "'JSON-ARRAY'", "raw touch events (down, motion, up, frame, cancel)"},
    ControlCommand{"key", "CODE pressed|released", "evdev key code through the seat"},
    ControlCommand{"screenshot", "PATH", "write the first output to a PNG"},
    ControlCommand{"spawn", "[--trusted] -- ARGV...", "start a client"},
    ControlCommand{"launch", "APP-ID", "start an installed app, or bring it to the front"},
    ControlCommand{"home", "", "show the home screen"},
    ControlCommand{"apps", "", "running apps and standby hosts (JSON)"},
    ControlCommand{"text_input", "", "the focused text field, the input method and the on-screen keyboard (JSON)"},
    ControlCommand{"keyboard_device", "attach|detach", "attach or detach a keyboard that counts as hardware (tests)"},
    ControlCommand{"memory_pressure", "none|moderate|critical",
                   "simulate memory pressure (tests): background apps are discarded as under real pressure"},
    ControlCommand{"freeze", "APP-ID",
                   "freeze a background app now, as the profile's delay after home would (cirrus dev's f key)"},
    ControlCommand{"check_updates", "",
                   "check the installed hosted apps for updates now (as when due, the link and idle aside)"},
    ControlCommand{"link", "offline|2g|3g|good|auto [wired|wifi|cellular|unknown]",
                   "publish this link class instead of the estimate (cirrus dev --network); auto: the estimate"},
    ControlCommand{"quit", "", "shut the compositor down"},
};

constexpr const ControlCommand* find_control_command(std::string_view name) {
    for (const ControlCommand& command : kControlCommands) {
        if (command.name == name) return &command;
    }
    return nullptr;
}

// True when `table` (an array or container of anything with a .name) has one
// entry per command, in kControlCommands' order: then every command has
// exactly one entry and every entry is a command.
template <typename Table>
constexpr bool follows_control_commands(const Table& table) {
    if (std::size(table) != kControlCommands.size()) return false;
    std::size_t i = 0;
    for (const auto& entry : table) {
        if (std::string_view(entry.name) != kControlCommands[i++].name) return false;
    }
    return true;
}

// "outputs, windows, ..., quit": for errors that list what there is.
inline std::string control_command_names() {
    std::string names;
    for (const ControlCommand& command : kControlCommands) {
        if (!names.empty()) names += ", ";
        names += command.name;
    }
    return names;
}

}  // namespace cirrus::control
