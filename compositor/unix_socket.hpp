// Owner-only listening Unix sockets (the control socket, the trusted socket),
// and accepting on any of the compositor's listening sockets when it is out
// of fds.
#pragma once

#include <string>

namespace cirrus {

// Binds and listens on path with mode 0600 from the moment it exists
// (replacing a stale socket file); non-blocking, close-on-exec. Returns the
// fd, or -1 after logging why.
int listen_unix_socket(const std::string& path, const char* what);

// Opens the one fd the compositor keeps in reserve for accept_connection
// (once, at start-up; later calls do nothing).
void reserve_spare_fd();

// accept4(listen_fd, flags) on a non-blocking listening socket: the new
// connection's fd, or -1 when none is waiting (or on an error, logged).
// Out of fds (EMFILE, ENFILE) a waiting connection would stay in the backlog
// and keep the listening socket readable, and the event loop would spin on
// it; instead the reserved fd is let go, the connection accepted and closed
// at once (its client sees it closed: refused), the reserve taken again, and
// the next waiting one tried. `what` names the socket in the log.
int accept_connection(int listen_fd, int flags, const char* what);

}  // namespace cirrus
