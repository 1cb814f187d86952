// See backup_chunker.hpp.
#include "backup_chunker.hpp"

#include <array>
#include <bit>

namespace cirrus::backup {

namespace {

// 256 fixed pseudo-random 64-bit values (splitmix64 from a fixed seed): the
// table must never change, or every chunk id of every backup would.
constexpr std::array<std::uint64_t, 256> make_gear() {
    std::array<std::uint64_t, 256> table{};
    std::uint64_t state = 0x43697272757342ull;  // "CirrusB"
    for (auto& value : table) {
        state += 0x9e3779b97f4a7c15ull;
        std::uint64_t z = state;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        value = z ^ (z >> 31);
    }
    return table;
}

constexpr std::array<std::uint64_t, 256> kGear = make_gear();

// `bits` one-bits at the top of the word: the gear hash's high bits depend
// on the last 64 bytes, the low ones on the last few only.
constexpr std::uint64_t top_mask(unsigned bits) { return bits == 0 ? 0 : ~std::uint64_t{0} << (64 - bits); }

}  // namespace

std::size_t next_chunk_length(std::span<const std::uint8_t> data, const ChunkerParams& params) {
    const std::size_t size = data.size();
    if (size <= params.min_size) return size;
    const std::size_t max = std::min(size, params.max_size);
    const std::size_t normal = std::min(max, params.average_size);
    const auto bits = static_cast<unsigned>(std::bit_width(params.average_size) - 1);
    // Normalization level 2 (FastCDC): two more bits before the average, two
    // fewer after.
    const std::uint64_t strict = top_mask(bits + 2);
    const std::uint64_t loose = top_mask(bits > 2 ? bits - 2 : 1);
    std::uint64_t hash = 0;
    std::size_t i = params.min_size;
    for (; i < normal; ++i) {
        hash = (hash << 1) + kGear[data[i]];
        if ((hash & strict) == 0) return i + 1;
    }
    for (; i < max; ++i) {
        hash = (hash << 1) + kGear[data[i]];
        if ((hash & loose) == 0) return i + 1;
    }
    return max;
}

std::vector<std::size_t> chunk_lengths(std::span<const std::uint8_t> data, const ChunkerParams& params) {
    std::vector<std::size_t> lengths;
    while (!data.empty()) {
        const std::size_t length = next_chunk_length(data, params);
        lengths.push_back(length);
        data = data.subspan(length);
    }
    return lengths;
}

}  // namespace cirrus::backup
