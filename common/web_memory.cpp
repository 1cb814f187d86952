#include "web_memory.hpp"

#include <charconv>

namespace cirrus {

namespace {

std::optional<std::uint32_t> whole_number(std::string_view text) {
    std::uint32_t value = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end) return std::nullopt;
    return value;
}

}  // namespace

std::string web_memory_assignment(const WebMemorySettings& settings) {
    if (settings.limit_mib == 0) return "";
    return std::string(kWebMemoryVariable) + "=" + std::to_string(settings.limit_mib) + "," +
           std::to_string(settings.poll_ms);
}

std::optional<WebMemorySettings> parse_web_memory(std::string_view value) {
    const auto comma = value.find(',');
    if (comma == std::string_view::npos) return std::nullopt;
    const auto limit = whole_number(value.substr(0, comma));
    const auto poll = whole_number(value.substr(comma + 1));
    if (!limit || !poll) return std::nullopt;
    if (*limit < WebMemorySettings::kMinLimitMib || *limit > WebMemorySettings::kMaxLimitMib) return std::nullopt;
    if (*poll < WebMemorySettings::kMinPollMs || *poll > WebMemorySettings::kMaxPollMs) return std::nullopt;
    return WebMemorySettings{*limit, *poll};
}

}  // namespace cirrus
