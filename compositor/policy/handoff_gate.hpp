// Whether a link one app hands to another (cirrus_app_v1.open_url) may bring
// that other app to the front now, or must wait as a banner the user taps.
// Bringing an app to the front needs a user action: only the app in front,
// within a short window after the user touched, clicked or typed on its
// window (or tapped its notification), may hand the user over to another
// app. A background app, or the app in front acting on a timer, gets a
// banner instead: otherwise any app could pull another over whatever the
// user is doing. The times are the compositor's own, taken when its seat
// handled the input; nothing a client says counts. Plain C++, no wlroots.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace cirrus {

// How long after a user action on an app its hand-off still counts as the
// user's: long enough for a page to react to a tap, too short for a timer
// to ride on an unrelated one.
inline constexpr std::uint64_t kHandoffInputWindowMs = 1000;

enum class HandoffVerdict {
    to_front,  // the user followed the link: the target comes to the front now
    banner,    // nobody asked: the target waits as a banner until tapped
};

class HandoffGate {
public:
    // A user action on `app`'s window (touch down, button press, key press)
    // or on its notification, at `now_ms` of the compositor's clock.
    void user_action(const std::string& app, std::uint64_t now_ms);
    // The app has gone: its last action no longer counts.
    void forget(const std::string& app);

    // A hand-off from `from_app` while `front_app` is in front ("" for the
    // home screen, the lock screen or the switcher). A to_front verdict uses
    // the action up: one tap, one hand-off.
    HandoffVerdict decide(const std::string& from_app, const std::string& front_app, std::uint64_t now_ms);

private:
    std::map<std::string, std::uint64_t> last_action_ms_;
};

}  // namespace cirrus
