#include "cellular.hpp"

#include <algorithm>

namespace cirrus::shell {

bool in_service(std::int32_t state) { return state >= modem_state::registered; }

std::string_view generation_label(std::uint32_t tech) {
    using namespace access_tech;
    // A modem may report several bits at once (5G NR non-standalone rides on
    // LTE; UMTS with HSDPA): the fastest one names the link. H and H+, and E
    // beside plain 2G, are kept apart because on the 3G-era networks this
    // phone targets they are different speed tiers (HSPA+ is tens of
    // Mbit/s, UMTS hundreds of kbit/s; EDGE about four times GPRS), and
    // people read them as such from other phones. GPRS, GSM and CDMA 1x
    // say "2G", the word the offline cache's link state already uses.
    if (tech & nr5g) return "5G";
    if (tech & (lte | lte_cat_m | lte_nb_iot)) return "4G";
    if (tech & hspa_plus) return "H+";
    if (tech & (hsdpa | hsupa | hspa)) return "H";
    if (tech & (umts | evdo0 | evdoa | evdob)) return "3G";
    if (tech & edge) return "E";
    if (tech & (gsm | gsm_compact | gprs | cdma_1xrtt)) return "2G";
    return "";
}

int signal_bars(std::uint32_t percent) {
    // One bar per started quarter: any signal at all lights one bar (a
    // registered modem with zero bars reads as "no service"), and a bar is
    // added at 26, 51 and 76 percent. ModemManager's percentage is already
    // normalised across technologies, so equal steps suffice.
    const std::uint32_t p = std::min<std::uint32_t>(percent, 100);
    return static_cast<int>((p * kSignalBarCount + 99) / 100);
}

std::optional<ModemReading> primary_modem(std::span<const ModemReading> modems) {
    if (modems.empty()) return std::nullopt;
    const auto it =
        std::find_if(modems.begin(), modems.end(), [](const ModemReading& m) { return in_service(m.state); });
    return it != modems.end() ? *it : modems.front();
}

}  // namespace cirrus::shell
