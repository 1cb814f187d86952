#include "network_process.hpp"

#include "common/proc_stat.hpp"

#include <dirent.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdlib>

#include <glib-unix.h>

namespace cirrus::webapp {

namespace {

// WebKitNetworkProcess as the kernel names it (comm is cut to 15 bytes).
constexpr std::string_view kNetworkProcessComm = "WebKitNetworkPr";

}  // namespace

std::optional<pid_t> find_child(pid_t parent, std::string_view comm_prefix) {
    DIR* proc = opendir("/proc");
    if (!proc) return std::nullopt;
    std::optional<pid_t> found;
    while (dirent* entry = readdir(proc)) {
        const char* name = entry->d_name;
        if (name[0] < '1' || name[0] > '9') continue;
        const auto stat = read_proc_stat(static_cast<pid_t>(std::atoi(name)));
        if (stat && stat->ppid == parent && std::string_view(stat->comm).starts_with(comm_prefix)) {
            found = static_cast<pid_t>(std::atoi(name));
            break;
        }
    }
    closedir(proc);
    return found;
}

NetworkProcessWatch::NetworkProcessWatch(std::function<void(pid_t)> ended) : ended_(std::move(ended)) {}

NetworkProcessWatch::~NetworkProcessWatch() { stop(); }

void NetworkProcessWatch::stop() {
    if (source_) g_source_remove(source_);
    source_ = 0;
    if (pidfd_ >= 0) close(pidfd_);
    pidfd_ = -1;
    pid_ = -1;
}

void NetworkProcessWatch::look() {
    if (pid_ > 0) return;
    const auto pid = find_child(getpid(), kNetworkProcessComm);
    if (!pid) return;
    const int fd = static_cast<int>(syscall(SYS_pidfd_open, *pid, 0));
    if (fd < 0) return;  // gone already, or no pidfds: nothing to watch
    pid_ = *pid;
    pidfd_ = fd;
    // Readable once the process has ended.
    source_ = g_unix_fd_add(fd, G_IO_IN, &NetworkProcessWatch::on_pidfd, this);
}

gboolean NetworkProcessWatch::on_pidfd(gint, GIOCondition, gpointer data) {
    auto* self = static_cast<NetworkProcessWatch*>(data);
    const pid_t pid = self->pid_;
    self->source_ = 0;  // removed by returning G_SOURCE_REMOVE
    self->stop();
    if (self->ended_) self->ended_(pid);
    return G_SOURCE_REMOVE;
}

}  // namespace cirrus::webapp
