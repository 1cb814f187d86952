#include "trust.hpp"

#include "unix_socket.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace cirrus {

namespace {

// The soft fd limit the compositor was started with, for its children; 0
// while raise_fd_limit has not raised it.
rlim_t inherited_fd_limit = 0;

}  // namespace

void raise_fd_limit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
    const rlim_t inherited = limit.rlim_cur;
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
        wlr_log_errno(WLR_ERROR, "cannot raise the fd limit from %llu", static_cast<unsigned long long>(inherited));
        return;
    }
    inherited_fd_limit = inherited;
}

void reset_signals_for_child() {
    sigset_t all;
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, nullptr);
    for (int sig : {SIGTERM, SIGINT, SIGCHLD, SIGPIPE, SIGHUP}) signal(sig, SIG_DFL);
    // Programs that still use select() break on fds past 1024: children get
    // the limit the compositor was given, not the one it raised for itself.
    if (inherited_fd_limit != 0) {
        rlimit limit{};
        if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
            limit.rlim_cur = inherited_fd_limit;
            setrlimit(RLIMIT_NOFILE, &limit);
        }
    }
}

Trust::Trust(wl_display* display) : display_(display) { wl_display_set_global_filter(display_, &Trust::filter, this); }

Trust::~Trust() {
    wl_display_set_global_filter(display_, nullptr, nullptr);
    if (source_) wl_event_source_remove(source_);
    if (listen_fd_ >= 0) {
        close(listen_fd_);
        unlink(path_.c_str());
    }
}

void Trust::add_privileged(wl_global* global) {
    if (global) privileged_.insert(global);
}

void Trust::add_host_only(wl_global* global, std::function<bool(pid_t)> is_host) {
    if (global) host_only_[global] = std::move(is_host);
}

bool Trust::filter(const wl_client* client, const wl_global* global, void* data) {
    const auto* self = static_cast<const Trust*>(data);
    if (auto host = self->host_only_.find(global); host != self->host_only_.end()) {
        pid_t pid = 0;
        wl_client_get_credentials(const_cast<wl_client*>(client), &pid, nullptr, nullptr);
        return host->second(pid);
    }
    return !self->privileged_.count(global) || self->is_trusted(client);
}

void Trust::trust(wl_client* client, bool through_socket) {
    if (through_socket) ++socket_clients_;
    auto listener = std::make_unique<Listener>();
    listener->connect_client_destroy(client, [this, client, through_socket](void*) {
        if (through_socket) --socket_clients_;
        trusted_.erase(client);  // destroys this very listener, after its last use
    });
    trusted_[client] = std::move(listener);
}

bool Trust::listen(const std::string& path) {
    listen_fd_ = listen_unix_socket(path, "trusted socket");
    if (listen_fd_ < 0) return false;
    path_ = path;
    source_ = wl_event_loop_add_fd(wl_display_get_event_loop(display_), listen_fd_, WL_EVENT_READABLE,
                                   &Trust::handle_connection, this);
    return source_ != nullptr;
}

int Trust::handle_connection(int fd, uint32_t, void* data) {
    auto* self = static_cast<Trust*>(data);
    for (;;) {
        const int conn = accept_connection(fd, SOCK_CLOEXEC, "trusted socket");
        if (conn < 0) break;
        // Each is a Wayland client with its buffers and fds: a flood of them
        // must not use up what the other clients need.
        if (self->socket_clients_ >= kMaxTrustedSocketClients) {
            wlr_log(WLR_ERROR, "%zu clients on the trusted socket already; refusing one more", self->socket_clients_);
            close(conn);
            continue;
        }
        wl_client* client = wl_client_create(self->display_, conn);
        if (!client) {
            wlr_log(WLR_ERROR, "cannot create a client for a trusted connection");
            close(conn);
            continue;
        }
        self->trust(client, true);
    }
    return 0;
}

pid_t Trust::spawn(const std::vector<std::string>& argv, bool trusted, wl_client** client_out) {
    if (client_out) *client_out = nullptr;
    if (argv.empty()) return -1;
    int sockets[2] = {-1, -1};
    wl_client* client = nullptr;
    if (trusted) {
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sockets) != 0) {
            wlr_log_errno(WLR_ERROR, "socketpair for %s", argv[0].c_str());
            return -1;
        }
        client = wl_client_create(display_, sockets[0]);
        if (!client) {
            wlr_log(WLR_ERROR, "cannot create a client for %s", argv[0].c_str());
            close(sockets[0]);
            close(sockets[1]);
            return -1;
        }
        trust(client, false);
    }

    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);

    const pid_t pid = fork();
    if (pid == 0) {
        reset_signals_for_child();
        setsid();
        if (trusted) {
            const int fd = dup(sockets[1]);  // dup clears FD_CLOEXEC
            setenv("WAYLAND_SOCKET", std::to_string(fd).c_str(), 1);
        }
        execvp(args[0], args.data());
        std::fprintf(stderr, "cirrus-compositor: cannot run %s: %s\n", args[0], std::strerror(errno));
        _exit(127);
    }
    if (trusted) close(sockets[1]);
    if (pid < 0) {
        wlr_log_errno(WLR_ERROR, "fork for %s", argv[0].c_str());
        if (client) wl_client_destroy(client);
        return -1;
    }
    if (client_out) *client_out = client;
    return pid;
}

}  // namespace cirrus
