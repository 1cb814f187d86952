// The shaping model of cirrus-weak-link (weak_link.cpp): the weak-link
// profiles of docs/ARCHITECTURE.md and one direction of a phone's radio
// link. Plain C++ with no I/O and no clock of its own, so that unit tests
// drive it with made-up times.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <string_view>

namespace cirrus::weak_link {

using Clock = std::chrono::steady_clock;  // CLOCK_MONOTONIC, like the tool's timerfd
using TimePoint = Clock::time_point;
using Duration = Clock::duration;

enum class LinkKind {
    pass_through,  // "none": bytes cross at once
    shaped,        // bandwidth, added round trip, loss
    offline,       // no link: connections are refused or cut
    blackhole,     // a dead zone: connections stay open, nothing crosses
};

struct Profile {
    std::string_view name;
    LinkKind kind;
    double down_bits_per_second;  // 0 unless shaped
    double up_bits_per_second;    // 0 unless shaped
    std::chrono::milliseconds added_round_trip;
    double loss;  // share of segments that need a retransmission
    std::string_view summary;
};

// The profiles of docs/ARCHITECTURE.md ("Weak-link profiles"), "none" and
// "blackhole" among them.
std::span<const Profile> profiles();
// nullptr when no profile has that name.
const Profile* find_profile(std::string_view name);

// What a lost segment costs: TCP's retransmission timeout, never below 200 ms
// (Linux's minimum RTO) and never below one round trip.
Duration retransmission_delay(const Profile& profile);

// The payload of one TCP segment on the radio link. Shaping works in segments
// of this size so that connections sharing the link interleave the way TCP
// flows do, rather than one connection's whole burst going first.
inline constexpr std::size_t kSegmentBytes = 1460;

// One direction of the phone's link: a single serial line shared by every
// connection (the bandwidth is the link's, not a connection's). A segment is
// sent when the line is free, but never before its data was there to send (so
// an idle line saves up no credit: a token bucket no deeper than one segment);
// it takes bytes / bandwidth on the line and then arrives one-way delay (half
// the added round trip) later. A lost segment arrives a retransmission delay
// later still.
class LinkDirection {
public:
    struct Transmission {
        TimePoint arrival;
        bool lost = false;
    };

    explicit LinkDirection(std::uint64_t loss_seed = 1);

    // bits_per_second 0 = unlimited (then the delay and loss should be 0 too).
    void configure(double bits_per_second, Duration one_way_delay, double loss, Duration retransmission_delay);

    bool unlimited() const { return bytes_per_second_ <= 0; }
    Duration one_way_delay() const { return one_way_delay_; }
    // When the segment on the line has been sent; the next one starts then.
    TimePoint free_at() const { return free_at_; }

    // Puts `bytes` on the line, data that has been ready to go since
    // `ready_since`.
    Transmission transmit(std::size_t bytes, TimePoint ready_since);

    // The link was in a dead zone for `pause`: what was on the line resumes
    // where it stopped.
    void postpone(Duration pause) { free_at_ += pause; }

private:
    double bytes_per_second_ = 0;
    Duration one_way_delay_{};
    Duration retransmission_delay_{};
    std::bernoulli_distribution lose_{0.0};
    std::mt19937_64 random_;
    TimePoint free_at_{};
};

// TCP hands bytes over in order: a segment that follows a late (lost) one
// waits for it. Keeps the latest arrival of one connection's direction.
class InOrderArrivals {
public:
    // The time the segment is handed over: no earlier than the one before.
    TimePoint next(TimePoint arrival) {
        if (arrival > last_) last_ = arrival;
        return last_;
    }
    TimePoint last() const { return last_; }
    void postpone(Duration pause) { last_ += pause; }

private:
    TimePoint last_{};
};

}  // namespace cirrus::weak_link
