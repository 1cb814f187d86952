// `cirrus dev`'s checklist: what stands between the app and a good install
// on a phone, as Lighthouse's installability checks put it, each line with
// pass, warn or fail and the fix. Printed when the session starts and on the
// `c` key. Plain C++ on facts the session gathers (dev_session.cpp): the
// manifest as installed, which icons are there, what the offline store or
// the start page says about running offline, and the pages' bytes, priced
// with the weak-link 3g profile's numbers (common/link_profiles.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/manifest.hpp"
#include "common/offline_store.hpp"

namespace cirrus::launcher {

enum class CheckStatus { pass, warn, fail };
std::string_view to_string(CheckStatus status);  // "pass", "warn", "fail"

struct CheckLine {
    CheckStatus status = CheckStatus::pass;
    std::string topic;    // "name", "icons", "maskable icon", "status bar", "offline", "weight on 3G"
    std::string finding;  // what is so
    std::string fix;      // what to do; empty for a pass
};

struct ChecklistFacts {
    Manifest manifest;  // as installed: for a site, the one its page makes
    bool site = false;  // no manifest: run as a site
    // Icons the manifest lists that are not there (not in the folder, or failed to download).
    std::vector<std::string> missing_icons;

    // Offline. A package (a folder) is on the phone whole; what its start
    // page loads from other origins is not. A hosted app is offline-ready
    // when the offline store holds what install and its runs found, or its
    // own service worker answers.
    bool packaged = false;
    std::vector<std::string> network_urls;        // packaged: other origins' files its start page loads
    std::optional<offline::Readiness> readiness;  // hosted
    bool service_worker = false;                  // hosted: its worker is installed and active

    // Weight: the start page and what it loads, as far as known.
    std::uint64_t page_bytes = 0;
    std::size_t files = 0;                  // counted in page_bytes
    std::size_t files_of_unknown_size = 0;  // loaded from elsewhere, not counted
};

// Characters of the home screen's label that show under an icon.
inline constexpr std::size_t kHomeLabelCharacters = 12;
// The pages' time on 3G: under this passes, under kSlowOn3gSeconds warns
// (Lighthouse's old "fast enough on mobile networks" bound), above fails.
inline constexpr double kQuickOn3gSeconds = 5.0;
inline constexpr double kSlowOn3gSeconds = 10.0;

// One line per check, in a fixed order.
std::vector<CheckLine> run_checklist(const ChecklistFacts& facts);

// Seconds `bytes` take on the 3g profile: one added round trip, then the
// bytes at its downlink rate.
double seconds_on_3g(std::uint64_t bytes);

// "pass  name: ..." / "warn  icons: ...; fix: ...", one line each.
std::string format_check_line(const CheckLine& line);
// "7 pass, 2 warn, 0 fail"
std::string checklist_summary(const std::vector<CheckLine>& lines);

}  // namespace cirrus::launcher
