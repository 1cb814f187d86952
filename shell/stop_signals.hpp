// SIGTERM and SIGINT as a file descriptor (signalfd): a clean stop from the
// loop -- the loop ends, every surface is destroyed on the way out -- never
// from inside a signal handler.
#pragma once

#include <functional>
#include <vector>

#include "shell_part.hpp"

namespace cirrus::shell {

class StopSignals : public ShellPart {
public:
    // Blocks the signals and opens the descriptor (first thing, before
    // the connection exists: a stop during start-up waits for the loop);
    // throws ShellError.
    StopSignals();
    ~StopSignals() override;
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

    // What a signal does (the loop's quit).
    std::function<void()> on_stop;

    std::vector<FdWatch> fds() override;

private:
    int fd_ = -1;
};

}  // namespace cirrus::shell
