// A standby host's side of its private channel to the compositor: the
// compositor starts `cirrus-webapp-host --standby --standby-fd N` before any
// launch, with N one end of a socketpair only it holds the other end of. One
// line each way (compositor/policy/app_table.hpp has the compositor's side):
//   host -> compositor: "ready\n"   all that needs no app is done;
//   compositor -> host: "open ID\n" the app to run, exactly as --app ID.
// Plain C++, tested without a display.
#pragma once

#include <string>
#include <string_view>

namespace cirrus::webapp {

inline constexpr std::string_view kStandbyReadyLine = "ready\n";
// Longer than any "open ID\n" with a valid id (ids are at most 128 bytes).
inline constexpr std::size_t kStandbyMaxLine = 160;

// Collects what the compositor sends until a whole line is in.
class StandbyRequest {
public:
    enum class State { waiting, open, refused };

    // Adds bytes as read from the channel.
    State add(std::string_view bytes);
    State state() const { return state_; }
    // With State::open.
    const std::string& app_id() const { return app_id_; }
    // With State::refused: what was wrong, for the log.
    const std::string& error() const { return error_; }

private:
    State state_ = State::waiting;
    std::string buffer_;
    std::string app_id_;
    std::string error_;
};

// The compositor's rule for app ids (compositor/policy/app_table.hpp,
// valid_app_id): lowercase letters, digits, '.', '_' and '-', 1 to 128
// bytes, starting with a letter or digit. Checked again here because the id
// names folders.
bool plausible_app_id(std::string_view id);

}  // namespace cirrus::webapp
