// The host's side of `cirrus dev`'s remote Web Inspector
// (common/remote_inspector.hpp): a loopback port of its own for WebKit's
// inspector server, and its address published once the app is known.
#pragma once

#include <string>

namespace cirrus::webapp {

// With CIRRUS_WEBAPP_INSPECTOR_DIR set, picks a free loopback port and sets
// WEBKIT_INSPECTOR_HTTP_SERVER to it; without, does nothing. Must run
// before WebKit makes its first web context (it reads the variable then),
// which in a standby host is before the app is known.
void prepare_inspector_server();

// Writes the app's address file (DIR/APP.address) if prepare_inspector_server
// chose a port; a failure is a line on stderr, never the app's end.
void publish_inspector_server(const std::string& app_id);

}  // namespace cirrus::webapp
