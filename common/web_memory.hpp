// WebKit's memory-pressure settings for an app's web and network processes
// ([apps] web_memory_limit and web_memory_poll), an agreement between the
// compositor, which reads them from the profile and starts each host with
// CIRRUS_WEB_MEMORY=LIMIT_MIB,POLL_MS in its environment
// (compositor/policy/app_table.cpp, host_environment), and the host, which
// reads that variable back and gives WebKit a WebKitMemoryPressureSettings
// (webapp-host/host.cpp). No kill threshold is ever set: WebKit would end
// the front app's web process, and the user's unsaved input with it; the
// compositor's discarding (which saves the page's state) is what frees a
// background app's memory. Plain C++, tested without a display.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cirrus {

inline constexpr std::string_view kWebMemoryVariable = "CIRRUS_WEB_MEMORY";

struct WebMemorySettings {
    // Bounds a profile may set: below 32 MiB a web process is under pressure
    // before it shows a page; WebKit's own default is the RAM size, at most
    // 3 GiB. A poll under 1 s would spend a phone's CPU reading its
    // memory use; above an hour it would never act.
    static constexpr std::uint32_t kMinLimitMib = 32;
    static constexpr std::uint32_t kMaxLimitMib = 3072;
    static constexpr std::uint32_t kMinPollMs = 1000;
    static constexpr std::uint32_t kMaxPollMs = 3600 * 1000;
    static constexpr std::uint32_t kDefaultPollMs = 30 * 1000;  // WebKit's own

    // 0: WebKit's own settings (nothing is passed).
    std::uint32_t limit_mib = 0;
    std::uint32_t poll_ms = kDefaultPollMs;

    bool operator==(const WebMemorySettings&) const = default;
};

// "CIRRUS_WEB_MEMORY=160,2000", or "" when limit_mib is 0 (WebKit's own).
std::string web_memory_assignment(const WebMemorySettings& settings);

// Reads the variable's value ("160,2000"); nullopt for anything else,
// including values outside the bounds above (a host started by hand with
// a wrong value then keeps WebKit's own settings, and says so).
std::optional<WebMemorySettings> parse_web_memory(std::string_view value);

}  // namespace cirrus
