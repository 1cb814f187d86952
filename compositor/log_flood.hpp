// How a flood of one event (connections shed, clients refused) is logged:
// the first, then fewer and fewer (the 2nd, 4th, 8th, ...), so that a flood
// cannot fill the log as well.
#pragma once

#include <cstdint>

namespace cirrus {

constexpr bool worth_a_log_line(std::uint64_t count) { return (count & (count - 1)) == 0; }

}  // namespace cirrus
