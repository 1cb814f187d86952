// The weak-link profiles and the shaping of one link direction; see
// link_model.hpp.
#include "link_model.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "common/link_profiles.hpp"

namespace cirrus::weak_link {

namespace {

using std::chrono::milliseconds;

constexpr Profile shaped(const link::ShapedLink& numbers, std::string_view summary) {
    return {numbers.name,
            LinkKind::shaped,
            numbers.down_bits_per_second,
            numbers.up_bits_per_second,
            numbers.added_round_trip,
            numbers.loss,
            summary};
}

// docs/ARCHITECTURE.md, "Weak-link profiles" (the shaped ones' numbers are
// common/link_profiles.hpp's). kbit/s are 1000 bits per second.
constexpr std::array<Profile, 7> kAllProfiles{{
    {"none", LinkKind::pass_through, 0, 0, milliseconds(0), 0.0, "no shaping: loopback speed (the online baseline)"},
    shaped(link::kGood, "10/5 Mbit/s, +40 ms round trip (the estimator's class good)"),
    shaped(link::k3g, "1600/750 kbit/s, +300 ms round trip"),
    shaped(link::k3gSlow, "400/400 kbit/s, +2000 ms round trip (developer tools' \"Slow 3G\")"),
    shaped(link::k2g, "50/20 kbit/s, +650 ms round trip, 1% loss"),
    {"offline", LinkKind::offline, 0, 0, milliseconds(0), 1.0,
     "no link: new connections are reset at once, open ones are cut"},
    {"blackhole", LinkKind::blackhole, 0, 0, milliseconds(0), 1.0,
     "dead zone: connections open but nothing crosses until the profile changes"},
}};

}  // namespace

std::span<const Profile> profiles() { return kAllProfiles; }

const Profile* find_profile(std::string_view name) {
    for (const Profile& profile : kAllProfiles)
        if (profile.name == name) return &profile;
    return nullptr;
}

Duration retransmission_delay(const Profile& profile) {
    return std::max<Duration>(profile.added_round_trip, milliseconds(200));
}

LinkDirection::LinkDirection(std::uint64_t loss_seed) : random_(loss_seed) {}

void LinkDirection::configure(double bits_per_second, Duration one_way_delay, double loss,
                              Duration retransmission_delay) {
    bytes_per_second_ = bits_per_second / 8.0;
    one_way_delay_ = one_way_delay;
    retransmission_delay_ = retransmission_delay;
    lose_ = std::bernoulli_distribution(std::clamp(loss, 0.0, 1.0));
}

LinkDirection::Transmission LinkDirection::transmit(std::size_t bytes, TimePoint ready_since) {
    const TimePoint start = std::max(free_at_, ready_since);
    Duration on_the_line{};
    if (!unlimited()) {
        // Rounded up: a shaped link is never faster than its nominal rate.
        const double seconds = static_cast<double>(bytes) / bytes_per_second_;
        on_the_line = std::chrono::ceil<Duration>(std::chrono::duration<double>(seconds));
    }
    free_at_ = start + on_the_line;
    Transmission sent{free_at_ + one_way_delay_, lose_(random_)};
    if (sent.lost) sent.arrival += retransmission_delay_;
    return sent;
}

}  // namespace cirrus::weak_link
