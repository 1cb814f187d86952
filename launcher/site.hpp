// What a plain web page says about itself, for sites with no manifest (and to
// find the manifest of those with one): title, manifest link, icons, theme
// colour, application name, language and base URL.
//
// The HTML is a stranger's: libxml2's forgiving HTML parser reads it without
// the network, only its first max_bytes are read, and the tree is walked
// without recursion, so broken, huge or deeply nested pages are harmless.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cirrus::launcher {

struct SiteIcon {
    std::string url;    // absolute (resolved against the base URL)
    std::string rel;    // "icon", "apple-touch-icon" or "apple-touch-icon-precomposed"
    std::string sizes;  // as written: "192x192", "16x16 32x32", "any", or ""
    std::string type;   // as written: "image/png", or ""

    // The largest edge the sizes attribute declares; 0 when it declares none,
    // and a very large number for "any" (a scalable icon).
    int largest_declared_size() const;
};

struct SiteInfo {
    std::string title;                            // trimmed, whitespace collapsed; "" if none
    std::optional<std::string> manifest_url;      // absolute
    std::vector<SiteIcon> icons;                  // in document order
    std::optional<std::string> theme_color;       // as written, trimmed
    std::optional<std::string> application_name;  // trimmed, whitespace collapsed
    std::optional<std::string> lang;              // <html lang>
    std::string base_url;                         // what hrefs were resolved against
};

struct SiteParseOptions {
    std::size_t max_bytes = 2u << 20;  // the rest of a huge page is not read
    // The charset from the HTTP Content-Type, if any. Without one, text that
    // is valid UTF-8 is read as UTF-8 and anything else is left to libxml2's
    // detection (<meta charset>), so CJK titles survive either way.
    std::string encoding;
};

// Never throws for bad HTML; hrefs that cannot be resolved, or whose scheme
// is not http(s) (data: is also accepted for icons), are left out.
SiteInfo parse_site(std::string_view html, const std::string& page_url,
                    const SiteParseOptions& options = {});

// Resolves `href` against the absolute URL `base` (after trimming ASCII
// whitespace, as browsers do); nullopt when that is not possible.
std::optional<std::string> resolve_href(const std::string& base, std::string_view href);

}  // namespace cirrus::launcher
