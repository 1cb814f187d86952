// The cellular modem as ModemManager describes it (org.freedesktop.
// ModemManager1.Modem: State, AccessTechnologies, SignalQuality), turned
// into what the status bar shows: a generation label and signal bars.
// Plain C++: the D-Bus side (modem_watch.*) only copies numbers in.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace cirrus::shell {

// MMModemAccessTechnology bits (ModemManager-enums.h).
namespace access_tech {
inline constexpr std::uint32_t pots = 1u << 0;
inline constexpr std::uint32_t gsm = 1u << 1;
inline constexpr std::uint32_t gsm_compact = 1u << 2;
inline constexpr std::uint32_t gprs = 1u << 3;
inline constexpr std::uint32_t edge = 1u << 4;
inline constexpr std::uint32_t umts = 1u << 5;
inline constexpr std::uint32_t hsdpa = 1u << 6;
inline constexpr std::uint32_t hsupa = 1u << 7;
inline constexpr std::uint32_t hspa = 1u << 8;
inline constexpr std::uint32_t hspa_plus = 1u << 9;
inline constexpr std::uint32_t cdma_1xrtt = 1u << 10;
inline constexpr std::uint32_t evdo0 = 1u << 11;
inline constexpr std::uint32_t evdoa = 1u << 12;
inline constexpr std::uint32_t evdob = 1u << 13;
inline constexpr std::uint32_t lte = 1u << 14;
inline constexpr std::uint32_t nr5g = 1u << 15;
inline constexpr std::uint32_t lte_cat_m = 1u << 16;
inline constexpr std::uint32_t lte_nb_iot = 1u << 17;
}  // namespace access_tech

// MMModemState values that matter here (FAILED is -1; LOCKED 2 needs a SIM
// PIN; 6 ENABLED and 7 SEARCHING have no network yet). REGISTERED and the
// states above it (DISCONNECTING 9, CONNECTING 10, CONNECTED 11) all mean
// the modem has a network.
namespace modem_state {
inline constexpr std::int32_t failed = -1;
inline constexpr std::int32_t locked = 2;
inline constexpr std::int32_t enabled = 6;
inline constexpr std::int32_t searching = 7;
inline constexpr std::int32_t registered = 8;
inline constexpr std::int32_t connected = 11;
}  // namespace modem_state

// One modem's properties, as read from D-Bus.
struct ModemReading {
    std::int32_t state = 0;                 // MMModemState
    std::uint32_t access_technologies = 0;  // MMModemAccessTechnology bits
    std::uint32_t signal_percent = 0;       // SignalQuality's first member
    bool operator==(const ModemReading&) const = default;
};

inline constexpr int kSignalBarCount = 4;

// Registered with a network (data may or may not be connected).
bool in_service(std::int32_t state);

// The generation label of the best technology in the bitmask: "5G", "4G",
// "H+", "H", "3G", "E", "2G"; "" for none (or only POTS).
std::string_view generation_label(std::uint32_t access_technologies);

// Lit bars of kSignalBarCount for SignalQuality's percent.
int signal_bars(std::uint32_t percent);

// The modem the bar describes when there are several (a phone has one; a
// laptop may add a USB stick): the first, in the caller's order (object
// path), that is in service, else the first. None for an empty list.
std::optional<ModemReading> primary_modem(std::span<const ModemReading> modems);

}  // namespace cirrus::shell
