#include "link_indicator.hpp"

namespace cirrus::shell {

namespace {

LinkIndicator from_cache(LinkState cache) {
    switch (cache) {
    case LinkState::unknown:
        return {};
    case LinkState::offline:
        return {true, 0, "Offline"};
    case LinkState::slow_2g:
        return {true, 1, "2G"};
    case LinkState::cellular_3g:
        return {true, 3, "3G"};
    case LinkState::good:
        return {true, kSignalBarCount, ""};
    }
    return {};
}

}  // namespace

LinkState link_state_from_protocol(std::uint32_t link) {
    switch (link) {
    case 0:
        return LinkState::offline;
    case 1:
        return LinkState::slow_2g;
    case 2:
        return LinkState::cellular_3g;
    case 3:
        return LinkState::good;
    default:
        return LinkState::unknown;
    }
}

LinkKind link_kind_from_protocol(std::uint32_t kind) {
    switch (kind) {
    case 1:
        return LinkKind::wired;
    case 2:
        return LinkKind::wifi;
    case 3:
        return LinkKind::cellular;
    default:
        return LinkKind::unknown;
    }
}

LinkIndicator link_indicator(LinkState cache, const std::optional<ModemReading>& modem, LinkKind kind) {
    const bool registered = modem && in_service(modem->state);
    // Offline according to the cache wins over a modem that has a network:
    // the cache measures what matters to the user (whether apps load), and a
    // modem can be registered with a good signal yet carry no data (no data
    // plan, no bearer, a captive APN). The bars still show the radio's
    // signal, because together with "Offline" they tell the user that moving
    // to better coverage will not help.
    if (cache == LinkState::offline) return {true, registered ? signal_bars(modem->signal_percent) : 0, "Offline"};
    // A modem with a network knows its technology and signal; the cache's
    // 2G/3G is only an estimate of throughput, so the radio names the link.
    if (registered) {
        return {true, signal_bars(modem->signal_percent), std::string(generation_label(modem->access_technologies))};
    }
    // No modem with a network, and the data goes over Wi-Fi or a cable (a
    // desktop, a phone at home): its glyph, not signal bars, which would
    // show a throughput estimate as if it were a radio's signal.
    if (kind == LinkKind::wifi) return {true, 0, "", LinkGlyph::wifi};
    if (kind == LinkKind::wired) return {true, 0, "", LinkGlyph::wired};
    // A modem without a network (searching, locked SIM, disabled) while the
    // cache reaches the network: the data goes another way (Wi-Fi, USB on a
    // desktop), so the cache's view is the truthful one.
    if (cache != LinkState::unknown) return from_cache(cache);
    // A modem with no service and nothing else known: empty bars, the
    // usual "no service" sign.
    if (modem) return {true, 0, ""};
    return {};
}

}  // namespace cirrus::shell
