// What the left of the status bar shows about the network: signal bars and
// a short label, from two sources that can disagree — the offline cache's
// LinkState (can apps actually reach the network?) and the cellular modem
// (which radio technology, how strong a signal?). Plain C++.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cellular.hpp"

namespace cirrus::shell {

// The network as the offline cache sees it. `unknown` (nothing published
// yet, or no cache) draws nothing by itself: the bar never claims a link it
// has not been told about.
enum class LinkState { unknown, offline, slow_2g, cellular_3g, good };

// cirrus_shell_v1.link_state's `link` (the compositor's estimate from the
// apps' real transfers: 0 offline, 1 slow_2g, 2 cellular_3g, 3 good); a
// value this shell does not know is `unknown`, drawn as nothing.
LinkState link_state_from_protocol(std::uint32_t link);

// What carries the machine's data (cirrus_shell_v1.link_kind, version 4:
// the compositor reads the default route's interface). `unknown` before it
// is said (an older compositor) or when it is not known.
enum class LinkKind { unknown, wired, wifi, cellular };
// 0 unknown, 1 wired, 2 wifi, 3 cellular; another value is unknown.
LinkKind link_kind_from_protocol(std::uint32_t kind);

// Signal bars are a radio's; a Wi-Fi or wired link has its own glyph.
enum class LinkGlyph { bars, wifi, wired };

struct LinkIndicator {
    bool shown = false;
    int bars = 0;       // lit, of kSignalBarCount (with the bars glyph)
    std::string label;  // "Offline", a generation ("3G", "H+"...), or ""
    LinkGlyph glyph = LinkGlyph::bars;
    bool operator==(const LinkIndicator&) const = default;
};

// The indicator for the cache's state and the primary modem (none: no
// modem, or no ModemManager). The rules, and why, are in the definition.
// `kind`: what carries the data when no modem has a network.
LinkIndicator link_indicator(LinkState cache, const std::optional<ModemReading>& modem,
                             LinkKind kind = LinkKind::unknown);

}  // namespace cirrus::shell
