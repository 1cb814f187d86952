// `cirrus dev`'s checklist rules; see dev_checklist.hpp.
#include "dev_checklist.hpp"

#include <algorithm>
#include <cstdio>

#include "common/css_colour.hpp"
#include "common/link_profiles.hpp"
#include "fetch.hpp"

namespace cirrus::launcher {

namespace {

std::size_t characters(std::string_view utf8) {
    return static_cast<std::size_t>(
        std::count_if(utf8.begin(), utf8.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string quoted(const std::string& text) { return "\"" + text + "\""; }

// "a, b, c and 2 more"
std::string first_few(const std::vector<std::string>& items, std::size_t shown = 3) {
    std::string text;
    for (std::size_t i = 0; i < items.size() && i < shown; ++i) text += (i ? ", " : "") + items[i];
    if (items.size() > shown) text += " and " + std::to_string(items.size() - shown) + " more";
    return text;
}

std::string seconds_text(double seconds) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f s", seconds);
    return text;
}

bool is_missing(const ChecklistFacts& facts, const ImageResource& icon) {
    return std::find(facts.missing_icons.begin(), facts.missing_icons.end(), icon.src) != facts.missing_icons.end();
}

bool scalable(const ImageResource& icon) {
    return icon.any_size && (icon.type == "image/svg+xml" || icon.src.ends_with(".svg"));
}

CheckLine manifest_line(const ChecklistFacts& facts) {
    if (facts.site)
        return {CheckStatus::fail, "manifest", "none: the app runs as a site (its page's title and icon links)",
                "add a manifest.webmanifest linked from index.html (<link rel=\"manifest\" ...>) with name, "
                "short_name, icons, theme_color, background_color and \"display\": \"standalone\""};
    return {CheckStatus::pass, "manifest", "present", ""};
}

CheckLine name_line(const Manifest& m) {
    if (m.name && !m.name->empty()) return {CheckStatus::pass, "name", quoted(*m.name), ""};
    return {CheckStatus::fail, "name", "none: the home screen and the switcher show " + quoted(home_screen_label(m)),
            "add \"name\""};
}

CheckLine label_line(const Manifest& m) {
    const std::string label = home_screen_label(m);
    if (characters(label) <= kHomeLabelCharacters)
        return {CheckStatus::pass, "short_name", "the home screen shows " + quoted(label), ""};
    return {CheckStatus::warn, "short_name",
            quoted(label) + " is cut on the home screen after " + std::to_string(kHomeLabelCharacters) + " characters",
            "add a \"short_name\" of " + std::to_string(kHomeLabelCharacters) + " characters or fewer"};
}

CheckLine display_line(const Manifest& m) {
    const std::string mode(to_string(m.display));
    if (m.display == DisplayMode::browser)
        return {CheckStatus::warn, "display", "browser: the app opens under the browser's bar",
                "\"display\": \"standalone\" (or \"minimal-ui\" to keep back and reload)"};
    return {CheckStatus::pass, "display", mode, ""};
}

CheckLine icons_line(const ChecklistFacts& facts) {
    int largest = 0;
    bool svg = false;
    bool has_192 = false;
    bool has_512 = false;
    for (const ImageResource& icon : facts.manifest.icons) {
        if (!icon.purpose.contains(IconPurpose::any) || is_missing(facts, icon)) continue;
        svg = svg || scalable(icon);
        for (const IconSize& size : icon.sizes) {
            const int side = std::min(size.width, size.height);
            largest = std::max(largest, side);
            has_192 = has_192 || side == 192;
            has_512 = has_512 || side >= 512;
        }
    }
    CheckLine line{CheckStatus::pass, "icons", "", ""};
    if (svg) {
        line.finding = "an SVG with \"sizes\": \"any\", drawn sharp at every size";
    } else if (largest == 0) {
        line = {CheckStatus::fail, "icons", "none usable: the home screen draws the app's initial",
                "add 192x192 and 512x512 PNG icons (or one SVG with \"sizes\": \"any\")"};
    } else if (largest < 192) {
        line = {CheckStatus::fail, "icons",
                "the largest is " + std::to_string(largest) + " px: the home screen scales it up to 192 px, blurred",
                "add 192x192 and 512x512 PNG icons"};
    } else if (!has_512) {
        line = {CheckStatus::warn, "icons",
                std::to_string(largest) +
                    " px at most: enough for the home screen (192 px), not for splash "
                    "screens and app stores (512 px)",
                "add a 512x512 icon"};
    } else {
        line.finding = has_192 ? "192 px and 512 px" : "512 px (scaled down for the home screen)";
    }
    if (!facts.missing_icons.empty()) {
        line.finding += "; listed but not there: " + first_few(facts.missing_icons);
        if (line.status == CheckStatus::pass) {
            line.status = CheckStatus::warn;
            line.fix = "add the files, or drop them from \"icons\"";
        }
    }
    return line;
}

CheckLine maskable_line(const ChecklistFacts& facts) {
    for (const ImageResource& icon : facts.manifest.icons) {
        if (icon.purpose.contains(IconPurpose::maskable) && !is_missing(facts, icon))
            return {CheckStatus::pass, "maskable icon", icon.src, ""};
    }
    return {CheckStatus::warn, "maskable icon",
            "none: the home screen fits the plain icon inside its shape, with a margin around it",
            "add an icon with \"purpose\": \"maskable\", its content within the middle 80 %"};
}

CheckLine status_bar_line(const Manifest& m) {
    if (!m.theme_color)
        return {CheckStatus::warn, "status bar",
                "no theme_color: the status bar stays the home screen's dark blue above the app",
                "add \"theme_color\", the colour of the app's top"};
    const Rgba colour = *m.theme_color;
    const Rgba opaque{colour.r, colour.g, colour.b, 255};
    const double luminance = relative_luminance(opaque);
    const bool black = black_reads_better_on(luminance);
    const double ratio = contrast_ratio(luminance, black ? 0.0 : 1.0);
    char contrast[96];
    std::snprintf(contrast, sizeof contrast, "%s: %s text and icons at %.1f:1", to_hex(opaque).c_str(),
                  black ? "black" : "white", ratio);
    // WCAG AA for the bar's small text. Black or white on any opaque colour
    // reaches it; the rule stays should the bar's colours ever change.
    if (ratio < 4.5)
        return {CheckStatus::fail, "status bar", std::string(contrast) + ", under WCAG's 4.5:1",
                "a darker or lighter \"theme_color\""};
    if (colour.a != 255)
        return {CheckStatus::warn, "status bar",
                to_hex(colour) + " is translucent: the status bar draws it opaque, " + contrast,
                "an opaque \"theme_color\" (" + to_hex(opaque) + ")"};
    return {CheckStatus::pass, "status bar", contrast, ""};
}

CheckLine background_line(const Manifest& m) {
    if (m.background_color) return {CheckStatus::pass, "background_color", to_hex(*m.background_color), ""};
    return {CheckStatus::warn, "background_color", "none: the launch splash is drawn in a default colour",
            "add \"background_color\", the colour of the app's first screen"};
}

CheckLine offline_line(const ChecklistFacts& facts) {
    if (facts.packaged) {
        if (facts.network_urls.empty())
            return {CheckStatus::pass, "offline", "a package: every file it loads is on the phone", ""};
        return {
            CheckStatus::fail, "offline",
            std::to_string(facts.network_urls.size()) +
                " files its start page loads come from the network and fail offline: " + first_few(facts.network_urls),
            "copy them into the folder and load them by relative path"};
    }
    if (facts.service_worker) return {CheckStatus::pass, "offline", "its service worker answers offline", ""};
    if (!facts.readiness)
        return {CheckStatus::warn, "offline", "not known: the offline store cannot be read", "run it again"};
    const offline::Readiness& r = *facts.readiness;
    const std::string counts = std::to_string(r.stored) + "/" + std::to_string(r.total) + " stored";
    if (!r.learned())
        return {CheckStatus::warn, "offline", "not run online yet (" + counts + "): what its scripts load is not known",
                "use the app, then press c again"};
    if (r.ready() && r.refused == 0) return {CheckStatus::pass, "offline", "ready after a run (" + counts + ")", ""};
    if (r.ready())
        return {CheckStatus::warn, "offline",
                counts + ", but " + std::to_string(r.refused) + " more URLs it asked for were not tracked",
                "fewer distinct URLs (a cache-busting query makes a new one per load)"};
    return {
        CheckStatus::fail, "offline",
        "missing " + std::to_string(r.missing_count()) + " of " + std::to_string(r.total) + ": " + first_few(r.missing),
        "serve them from the app's origin (other origins' files are not stored) or list them in "
        "\"cirrus_offline\": {\"assets\": [...]}"};
}

CheckLine weight_line(const ChecklistFacts& facts) {
    const double seconds = seconds_on_3g(facts.page_bytes);
    char rate[64];
    std::snprintf(rate, sizeof rate, "%.0f kbit/s, +%lld ms", link::k3g.down_bits_per_second / 1000,
                  static_cast<long long>(link::k3g.added_round_trip.count()));
    std::string finding = format_bytes(facts.page_bytes) + " in " + std::to_string(facts.files) +
                          (facts.files == 1 ? " file" : " files") + ": " + seconds_text(seconds) + " on 3G (" + rate +
                          ")";
    if (facts.files_of_unknown_size > 0)
        finding += ", and " + std::to_string(facts.files_of_unknown_size) + " from elsewhere not counted";
    if (facts.packaged) finding += "; installed as a package it loads from the phone";
    const std::string fix =
        "lighter pages: smaller images (WebP, the size shown), less script, what the first screen needs first";
    if (seconds < kQuickOn3gSeconds) return {CheckStatus::pass, "weight on 3G", finding, ""};
    if (seconds < kSlowOn3gSeconds) return {CheckStatus::warn, "weight on 3G", finding, fix};
    return {CheckStatus::fail, "weight on 3G", finding, fix};
}

}  // namespace

std::string_view to_string(CheckStatus status) {
    switch (status) {
    case CheckStatus::pass:
        return "pass";
    case CheckStatus::warn:
        return "warn";
    case CheckStatus::fail:
        return "fail";
    }
    return "?";
}

double seconds_on_3g(std::uint64_t bytes) {
    const double round_trip = std::chrono::duration<double>(link::k3g.added_round_trip).count();
    return round_trip + static_cast<double>(bytes) * 8.0 / link::k3g.down_bits_per_second;
}

std::vector<CheckLine> run_checklist(const ChecklistFacts& facts) {
    const Manifest& m = facts.manifest;
    return {manifest_line(facts), name_line(m),       label_line(m),      display_line(m),     icons_line(facts),
            maskable_line(facts), status_bar_line(m), background_line(m), offline_line(facts), weight_line(facts)};
}

std::string format_check_line(const CheckLine& line) {
    std::string text = std::string(to_string(line.status)) + "  " + line.topic + ": " + line.finding;
    if (!line.fix.empty()) text += "; fix: " + line.fix;
    return text;
}

std::string checklist_summary(const std::vector<CheckLine>& lines) {
    int counts[3] = {0, 0, 0};
    for (const CheckLine& line : lines) ++counts[static_cast<int>(line.status)];
    return std::to_string(counts[0]) + " pass, " + std::to_string(counts[1]) + " warn, " + std::to_string(counts[2]) +
           " fail";
}

}  // namespace cirrus::launcher
