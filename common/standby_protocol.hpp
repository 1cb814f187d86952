// The private channel between the compositor and a standby host, both sides:
// the compositor starts `cirrus-webapp-host --standby --standby-fd N` before
// any launch, with N one end of a socketpair only it holds the other end of.
// One line each way:
//   host -> compositor: "ready\n"   all that needs no app is done;
//   compositor -> host: "open ID\n" the app to run, exactly as --app ID.
// The compositor (supervisor.cpp) writes open_line and reads with
// ReadySignal; the host (webapp-host/standby.cpp) writes kReadyLine and
// reads with OpenRequest. Plain C++, tested without a display.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "app_id.hpp"

namespace cirrus::standby {

inline constexpr std::string_view kReadyLine = "ready\n";
inline constexpr std::string_view kOpenVerb = "open ";
// The longest line either side reads: longer than any "open ID\n" with a
// valid id.
inline constexpr std::size_t kMaxLine = 160;
static_assert(kMaxLine > kOpenVerb.size() + kMaxAppIdLength + 1);

// "open ID\n": what the compositor sends to give the host its app.
std::string open_line(std::string_view app);

// The host's side: collects what the compositor sends until a whole line is
// in, and takes it only if it is "open ID" with a valid app id.
class OpenRequest {
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

// The compositor's side: listens for "ready\n". Only that line comes this
// way; a host that says more is not kept beyond a line's worth.
class ReadySignal {
public:
    // Adds bytes as read from the channel; true when "ready\n" is in them
    // (then it listens afresh).
    bool add(std::string_view bytes);

private:
    std::string received_;
};

}  // namespace cirrus::standby
