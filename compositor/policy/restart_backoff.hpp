// How the compositor restarts a trusted client it keeps running (the shell,
// the on-screen keyboard): one that keeps dying must not take a core with it,
// so restarts back off from 100 ms (the user sees it back at once) to 5 s,
// and the back-off resets once one has lived for a while.
#pragma once

#include <algorithm>
#include <cstdint>

namespace cirrus {

class RestartBackoff {
public:
    static constexpr int kFirstMs = 100;
    static constexpr int kMaxMs = 5000;
    static constexpr std::uint64_t kHealthyAfterMs = 10000;

    // The delay before the next start, for a child that lived `lived_ms`.
    int after_exit(std::uint64_t lived_ms) {
        const bool lived_long = lived_ms >= kHealthyAfterMs;
        delay_ms_ = lived_long || delay_ms_ == 0 ? kFirstMs : std::min(delay_ms_ * 2, kMaxMs);
        return delay_ms_;
    }

private:
    int delay_ms_ = 0;
};

}  // namespace cirrus
