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
SiteInfo parse_site(std::string_view html, const std::string& page_url, const SiteParseOptions& options = {});

// What a page loads, found by reading it (its scripts are not run): the
// href of <link rel=stylesheet, icon, apple-touch-icon, mask-icon, preload,
// modulepreload or manifest> (and a preload's imagesrcset), <script src>,
// <img src/srcset>, <source src/srcset>, <video src/poster>, <audio src>,
// <track src>, <input type=image src>, and the url()s and @imports of
// <style> elements and style attributes. Frames are documents, not
// subresources, and are left out. URLs come back absolute (against <base
// href> when there is one), http(s) only, without fragment, percent-encoded
// as a browser requests them (see request_url), each once, in document
// order; of every origin (the caller picks).
std::vector<std::string> page_subresources(std::string_view html, const std::string& page_url,
                                           const SiteParseOptions& options = {});

// What a stylesheet loads: its url(...)s (images, fonts, imports) and
// @import "..." strings, skipping comments, resolved against the
// stylesheet's own URL (or, for a <style> element, the page's base), in the
// same form as page_subresources. `#fragment` references (SVG filters) and
// data: URLs are not loads and are left out.
std::vector<std::string> stylesheet_references(std::string_view css, const std::string& stylesheet_url);

// `url` as WebKit asks for it (and as the offline store keys it): normalised
// (url.hpp), without fragment, and with the bytes the URL standard
// percent-encodes percent-encoded: in the path controls, space, '"', '<',
// '>', '`', '{', '}' and anything past '~'; in the query the same less '`',
// '{' and '}', plus '\''. nullopt unless it is an http(s) URL. One
// difference remains: GUri decodes escapes of unreserved characters ("%41"
// becomes "A", "%7E" "~"), which WebKit keeps, so a file whose URL is
// written that way is stored under a key the host does not ask for.
std::optional<std::string> request_url(std::string_view url);

// Resolves `href` against the absolute URL `base` (after trimming ASCII
// whitespace, as browsers do); nullopt when that is not possible.
std::optional<std::string> resolve_href(const std::string& base, std::string_view href);

}  // namespace cirrus::launcher
