// Follows cirrus-sync's status file for the status bar's sync icon
// (sync_indicator.hpp): inotify on its folder (the service replaces the file
// by a rename), read again when it changes; nothing polls.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "shell_part.hpp"
#include "sync_indicator.hpp"

namespace cirrus::shell {

class SyncWatch : public ShellPart {
public:
    // Without inotify the icon stays as read at start (one log line says so).
    explicit SyncWatch(std::filesystem::path status_file = sync_status_path());
    ~SyncWatch() override;
    SyncWatch(const SyncWatch&) = delete;
    SyncWatch& operator=(const SyncWatch&) = delete;

    // Called with the indicator at once when set, and at every change.
    void set_on_change(std::function<void(const SyncIndicator&)> on_change);

    std::vector<FdWatch> fds() override;

private:
    void read();

    std::filesystem::path file_;
    std::string name_;
    int fd_ = -1;
    SyncIndicator indicator_;
    std::function<void(const SyncIndicator&)> on_change_;
};

}  // namespace cirrus::shell
