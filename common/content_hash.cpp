#include "content_hash.hpp"

#include <glib.h>

#include <limits>
#include <stdexcept>

namespace cirrus::offline {

ContentHash sha256(std::span<const std::uint8_t> bytes) {
    GChecksum* checksum = g_checksum_new(G_CHECKSUM_SHA256);
    // g_checksum_update takes a gssize: feed a body larger than that in parts.
    constexpr std::size_t largest_part = static_cast<std::size_t>(std::numeric_limits<gssize>::max());
    for (std::size_t offset = 0; offset < bytes.size(); offset += largest_part) {
        const std::size_t part = std::min(largest_part, bytes.size() - offset);
        g_checksum_update(checksum, bytes.data() + offset, static_cast<gssize>(part));
    }
    ContentHash hash{};
    gsize length = hash.size();
    g_checksum_get_digest(checksum, hash.data(), &length);
    g_checksum_free(checksum);
    if (length != hash.size()) throw std::logic_error("GChecksum gave a SHA-256 digest that is not 32 bytes");
    return hash;
}

std::string to_hex(const ContentHash& hash) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string text;
    text.reserve(hash.size() * 2);
    for (std::uint8_t byte : hash) {
        text.push_back(digits[byte >> 4]);
        text.push_back(digits[byte & 0x0f]);
    }
    return text;
}

}  // namespace cirrus::offline
