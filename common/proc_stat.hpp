// What /proc/PID/stat says of a process, read once for every program that
// walks the process table (the compositor's app lifecycle, the web-app
// host's network-process watch).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

namespace cirrus {

// Its name (comm, at most 15 bytes) and its parent.
struct ProcStat {
    std::string comm;
    pid_t ppid = 0;
};

// Nullopt when `stat` is not such a line. The name may hold spaces and ')'
// itself: it ends at the last ')'.
std::optional<ProcStat> parse_proc_stat(std::string_view stat);

// /proc/PID/stat of a running process; nullopt when it is gone or unreadable.
std::optional<ProcStat> read_proc_stat(pid_t pid);

}  // namespace cirrus
