// SHA-256 of a response body: the key under which the offline store keeps
// the bytes once, however many entries (and apps) refer to them.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

namespace cirrus::offline {

using ContentHash = std::array<std::uint8_t, 32>;

ContentHash sha256(std::span<const std::uint8_t> bytes);
std::string to_hex(const ContentHash& hash);

}  // namespace cirrus::offline
