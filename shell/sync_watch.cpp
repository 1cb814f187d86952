#include "sync_watch.hpp"

#include <fcntl.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace cirrus::shell {

SyncWatch::SyncWatch(std::filesystem::path status_file)
    : file_(std::move(status_file)), name_(file_.filename().string()) {
    fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    const std::string folder = file_.parent_path().empty() ? "." : file_.parent_path().string();
    if (fd_ >= 0 && inotify_add_watch(fd_, folder.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE) < 0) {
        close(fd_);
        fd_ = -1;
    }
    if (fd_ < 0) {
        std::fprintf(stderr, "cirrus-shell: cannot watch %s (%s): the sync icon will not follow the service\n",
                     folder.c_str(), std::strerror(errno));
    }
    read();
}

SyncWatch::~SyncWatch() {
    if (fd_ >= 0) close(fd_);
}

void SyncWatch::set_on_change(std::function<void(const SyncIndicator&)> on_change) {
    on_change_ = std::move(on_change);
    if (on_change_) on_change_(indicator_);
}

std::vector<FdWatch> SyncWatch::fds() {
    if (fd_ < 0) return {};
    return {{fd_, [this] {
                 bool ours = false;
                 alignas(inotify_event) char buffer[4096];
                 for (ssize_t n; (n = ::read(fd_, buffer, sizeof buffer)) > 0;) {
                     for (char* p = buffer; p < buffer + n;) {
                         const auto* event = reinterpret_cast<const inotify_event*>(p);
                         if ((event->mask & IN_Q_OVERFLOW) || (event->len && name_ == event->name)) ours = true;
                         p += sizeof(inotify_event) + event->len;
                     }
                 }
                 if (ours) read();
             }}};
}

void SyncWatch::read() {
    std::string text;
    const int fd = open(file_.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd >= 0) {
        // One byte more than allowed: a longer file is refused, not cut.
        text.resize(kMaxSyncStatusBytes + 1);
        const ssize_t n = ::read(fd, text.data(), text.size());
        close(fd);
        text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    }
    const SyncIndicator indicator = sync_indicator(text);
    if (indicator == indicator_) return;
    indicator_ = indicator;
    if (on_change_) on_change_(indicator_);
}

}  // namespace cirrus::shell
