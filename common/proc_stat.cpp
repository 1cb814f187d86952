#include "proc_stat.hpp"
#include "file_text.hpp"

#include <fstream>
#include <iterator>

namespace cirrus {

std::optional<ProcStat> parse_proc_stat(std::string_view stat) {
    // "PID (COMM) STATE PPID ...".
    const auto open = stat.find('(');
    const auto close = stat.rfind(')');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open) return std::nullopt;
    ProcStat result;
    result.comm = std::string(stat.substr(open + 1, close - open - 1));
    std::string_view rest = stat.substr(close + 1);
    // " STATE PPID"
    std::size_t i = 0;
    auto skip_spaces = [&] {
        while (i < rest.size() && rest[i] == ' ') ++i;
    };
    skip_spaces();
    if (i >= rest.size()) return std::nullopt;
    ++i;  // the state letter
    skip_spaces();
    pid_t ppid = 0;
    std::size_t digits = 0;
    while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9' && digits < 10) {
        ppid = ppid * 10 + (rest[i] - '0');
        ++i;
        ++digits;
    }
    if (digits == 0) return std::nullopt;
    result.ppid = ppid;
    return result;
}

std::optional<ProcStat> read_proc_stat(pid_t pid) {
    // A process may end between the open and the read (ESRCH).
    const auto line = read_file_text("/proc/" + std::to_string(pid) + "/stat", 4096);
    if (!line) return std::nullopt;
    return parse_proc_stat(*line);
}

}  // namespace cirrus
