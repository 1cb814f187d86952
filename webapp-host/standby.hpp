// A standby host before it knows its app: what it does ahead of any launch,
// and how it waits for the compositor to name the app (standby_protocol.hpp).
#pragma once

#include <optional>
#include <string>

namespace cirrus::webapp {

// Initialises what every app needs and no app decides: WebKit's UI-process
// side (its libraries' first use, its threads, a network process it starts
// and stops). Nothing of an app's is created, and no web or network
// process stays. After gtk_init.
void warm_up_webkit();

struct StandbyWait {
    std::optional<std::string> app_id;  // the app to open
    int exit_code = 0;                  // without an app: exit with this
    std::string message;                // and say this on stderr (may be empty)
};

// Says "ready" on the channel `fd`, then runs the main loop (so the Wayland
// connection stays serviced) until the compositor names the app, closes the
// channel (it is going away: exit 0), or SIGTERM/SIGINT arrives. Closes fd.
StandbyWait wait_for_app(int fd);

}  // namespace cirrus::webapp
