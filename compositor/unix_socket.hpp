// Owner-only listening Unix sockets (the control socket, the trusted socket).
#pragma once

#include <string>

namespace cirrus {

// Binds and listens on path with mode 0600 from the moment it exists
// (replacing a stale socket file); non-blocking, close-on-exec. Returns the
// fd, or -1 after logging why.
int listen_unix_socket(const std::string& path, const char* what);

}  // namespace cirrus
