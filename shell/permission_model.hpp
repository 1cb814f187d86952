// The permission prompt as plain C++: the questions waiting for the user,
// the sentence each one asks, and where the dialog and its two buttons go.
// No Cairo, no Wayland: unit tests and integration tests (which tap the
// buttons) use the same geometry the shell draws with.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "home_layout.hpp"

namespace cirrus::shell {

// cirrus_shell_v1.permission_request.
struct PermissionQuestion {
    std::uint32_t request_id = 0;
    std::string app;         // the app id
    std::string permission;  // a name of common/permission_names.hpp
    bool operator==(const PermissionQuestion&) const = default;
};

// What the app would like to do, as the end of "<App> would like to ...":
// "use your location", "send notifications", ... A name Cirrus does not
// know (the compositor refuses those, but the shell must not trust that)
// is quoted as it came.
std::string permission_phrase(std::string_view permission);
// "<app name> would like to <phrase>".
std::string permission_sentence(std::string_view app_name, std::string_view permission);

// The questions in the order they came; the first is the one on screen.
class PermissionQueue {
public:
    void push(PermissionQuestion question);
    bool empty() const { return questions_.empty(); }
    std::size_t size() const { return questions_.size(); }
    const PermissionQuestion* front() const { return questions_.empty() ? nullptr : &questions_.front(); }
    // The user answered the first question: it goes, and so do the waiting
    // ones that ask the same app for the same permission (a page that asked
    // twice gets one answer for both; the registry keeps it anyway). The
    // request ids to answer, the first one first.
    std::vector<std::uint32_t> answer_front();

private:
    std::deque<PermissionQuestion> questions_;
};

// Logical pixels of the prompt on a surface of width x height (the whole
// output): the dialog centred, its message on top, the buttons below.
struct PromptGeometry {
    Box dialog;
    Box message;
    Box deny;   // "Don't Allow", on the left
    Box allow;  // "Allow", on the right
    int message_font_px = 0;
    int button_font_px = 0;
    int message_lines = 0;  // at most; longer text is ellipsised
};

PromptGeometry compute_prompt_geometry(int width, int height);

// The dialog's colour (opaque), and the dimming over the rest of the screen.
inline constexpr std::uint32_t kPromptDialogRgb = 0xf4f5f7;
inline constexpr double kPromptDimAlpha = 0.45;

}  // namespace cirrus::shell
