// How fast a finger moves along one axis, from its recent touch samples: the
// least-squares slope over the last window of events rather than the last
// two, since touch events arrive at irregular intervals and two events 1 ms
// apart would turn a pixel of jitter into a flick. Shared by the compositor's
// gesture recognizer and the shell's pager; header-only so that both plain-C++
// libraries use it without linking each other. Times are wrapping uint32 ms.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace cirrus {

// Signed difference of two wrapping uint32 ms timestamps: how long after
// `then` `now` is (negative if it is before).
inline std::int32_t ms_between(std::uint32_t then, std::uint32_t now) { return static_cast<std::int32_t>(now - then); }

class VelocityTracker {
public:
    explicit VelocityTracker(std::uint32_t window_ms) : window_ms_(static_cast<std::int32_t>(window_ms)) {}

    // A new touch: forgets the old one's samples.
    void start(std::uint32_t time, double position) { samples_.assign(1, Sample{time, position}); }
    void clear() { samples_.clear(); }

    void add(std::uint32_t time, double position) {
        samples_.push_back({time, position});
        // Keep the window, plus the newest sample before it: with sparse
        // events that one is needed to have two points to measure between.
        const auto in_window = std::find_if(samples_.begin(), samples_.end(),
                                            [&](const Sample& s) { return ms_between(s.time, time) <= window_ms_; });
        if (in_window - samples_.begin() > 1) samples_.erase(samples_.begin(), in_window - 1);
    }

    // Position units per second at `now`; 0 for a finger that has stopped.
    double velocity(std::uint32_t now) const {
        if (samples_.empty() || ms_between(samples_.back().time, now) > kAssumeStoppedMs) return 0;
        auto first = std::find_if(samples_.begin(), samples_.end(),
                                  [&](const Sample& s) { return ms_between(s.time, now) <= window_ms_; });
        if (samples_.end() - first < 2 && first != samples_.begin()) --first;
        const auto count = samples_.end() - first;
        if (count < 2) return 0;

        double mean_t = 0;
        double mean_p = 0;
        for (auto s = first; s != samples_.end(); ++s) {
            mean_t += -ms_between(s->time, now);
            mean_p += s->position;
        }
        mean_t /= static_cast<double>(count);
        mean_p /= static_cast<double>(count);
        double covariance = 0;
        double variance = 0;
        for (auto s = first; s != samples_.end(); ++s) {
            const double dt = -ms_between(s->time, now) - mean_t;
            covariance += dt * (s->position - mean_p);
            variance += dt * dt;
        }
        return variance > 0 ? covariance / variance * 1000.0 : 0.0;
    }

private:
    // A finger that sent no motion for this long has stopped, even if its
    // last moves were fast: touch panels go quiet when the finger rests
    // (Android's VelocityTracker uses the same 40 ms).
    static constexpr std::int32_t kAssumeStoppedMs = 40;

    struct Sample {
        std::uint32_t time;
        double position;
    };
    std::int32_t window_ms_;
    std::vector<Sample> samples_;
};

}  // namespace cirrus
