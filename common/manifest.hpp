// W3C Web App Manifest processing (https://www.w3.org/TR/appmanifest/,
// "processing a manifest"), as Cirrus installs and runs apps from it.
//
// process_manifest() turns untrusted manifest text into a typed Manifest.
// Like browsers, it drops an invalid member (with a warning naming it, e.g.
// "icons[3].sizes") instead of refusing the manifest; only text that is not a
// JSON object, is too large or too deeply nested, is not UTF-8, or leaves no
// usable start URL is fatal. All URLs in a Manifest are absolute and
// normalised (see url.hpp).
#pragma once

#include "css_colour.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cirrus::launcher {

// Limits that keep a hostile manifest from costing memory or time.
inline constexpr std::size_t kMaxManifestBytes = 1024 * 1024;
// JSON nesting: as deep as Chromium's manifest parser goes, and no deeper.
// Chromium's base::JSONReader (kAbsoluteMaxDepth = 200) counts the root
// object as depth 1 and refuses a container at depth 200, so the deepest
// manifest it reads has 199 nested objects and arrays (the root included).
// Every path that reads manifest JSON goes through this one number (the
// pre-scan in process_manifest; what it accepts is what the registry stores
// and manifest_from_json reads back), and every recursive walk of a parsed
// manifest (copy, dump, comparison) stays this shallow.
inline constexpr std::size_t kChromiumJsonMaxDepth = 200;
inline constexpr std::size_t kMaxNestingDepth = kChromiumJsonMaxDepth - 1;
inline constexpr std::size_t kMaxImageResources = 100;  // per icons list
inline constexpr std::size_t kMaxShortcuts = 100;

enum class DisplayMode { fullscreen, standalone, minimal_ui, browser };
enum class Orientation {
    any,
    natural,
    landscape,
    portrait,
    portrait_primary,
    portrait_secondary,
    landscape_primary,
    landscape_secondary,
};
enum class TextDirection { auto_, ltr, rtl };
enum class IconPurpose : unsigned { any = 1, maskable = 2, monochrome = 4 };

// The manifest's spelling of each value ("minimal-ui", "portrait-primary").
std::string_view to_string(DisplayMode mode);
std::string_view to_string(Orientation orientation);
std::string_view to_string(TextDirection direction);
std::string_view to_string(IconPurpose purpose);

// A set of icon purposes; never empty in a processed manifest.
class PurposeSet {
public:
    PurposeSet() = default;
    PurposeSet(std::initializer_list<IconPurpose> purposes);
    void add(IconPurpose purpose) { bits_ |= static_cast<unsigned>(purpose); }
    bool contains(IconPurpose purpose) const { return (bits_ & static_cast<unsigned>(purpose)) != 0; }
    bool empty() const { return bits_ == 0; }
    std::vector<IconPurpose> members() const;
    friend bool operator==(const PurposeSet&, const PurposeSet&) = default;

private:
    unsigned bits_ = 0;
};

struct IconSize {
    int width = 0;
    int height = 0;
    friend bool operator==(const IconSize&, const IconSize&) = default;
};

// An ImageResource ("icons" entries, shortcut icons).
struct ImageResource {
    std::string src;              // absolute URL
    std::vector<IconSize> sizes;  // the WxH tokens of "sizes"
    bool any_size = false;        // "sizes" held "any"
    std::string type;             // MIME type as written (lowercased), may be empty
    PurposeSet purpose{IconPurpose::any};
    friend bool operator==(const ImageResource&, const ImageResource&) = default;
};

struct ShortcutItem {
    std::string name;
    std::optional<std::string> short_name;
    std::optional<std::string> description;
    std::string url;  // absolute, within the manifest's scope
    std::vector<ImageResource> icons;
    friend bool operator==(const ShortcutItem&, const ShortcutItem&) = default;
};

struct ShareTargetFile {
    std::string name;
    std::vector<std::string> accept;  // MIME types or ".ext"
    friend bool operator==(const ShareTargetFile&, const ShareTargetFile&) = default;
};

struct ShareTarget {
    enum class Method { get, post };
    enum class Enctype { url_encoded, multipart };
    std::string action;  // absolute, within scope
    Method method = Method::get;
    Enctype enctype = Enctype::url_encoded;
    std::optional<std::string> title;  // the params: form field names
    std::optional<std::string> text;
    std::optional<std::string> url;
    std::vector<ShareTargetFile> files;  // only with POST + multipart
    friend bool operator==(const ShareTarget&, const ShareTarget&) = default;
};

struct ProtocolHandler {
    std::string protocol;  // lowercased: "mailto", "web+coffee"
    std::string url;       // absolute, within scope, contains "%s"
    friend bool operator==(const ProtocolHandler&, const ProtocolHandler&) = default;
};

// Cirrus extension member "cirrus_offline": what the offline cache engine
// stores up front, and which request URLs may change data (queued when
// offline rather than failed; common/replay_policy.hpp):
//   "cirrus_offline": {"assets": ["extra.css", "img/logo.png"],
//                      "write_endpoints": ["/api/notes", "/api/forms/*"]}
// Both resolve against the manifest URL and must be same origin as
// start_url, not necessarily within scope: an app's API and assets often
// live outside its pages' scope (/api/ beside /app/).
struct CirrusOffline {
    std::vector<std::string> assets;  // absolute URLs, same origin as start_url, no fragment
    // Absolute URLs without query or fragment, same origin: a request path
    // must equal the pattern's, or start with it when the pattern ends in
    // '*' (the only place a '*' may be).
    std::vector<std::string> write_endpoints;
    friend bool operator==(const CirrusOffline&, const CirrusOffline&) = default;
};

struct Manifest {
    std::optional<std::string> name;
    std::optional<std::string> short_name;
    std::optional<std::string> description;
    std::string id;  // identity of the app: absolute URL, no fragment
    std::string start_url;
    std::string scope;  // navigation scope: a URL prefix
    DisplayMode display = DisplayMode::browser;
    std::vector<DisplayMode> display_override;
    std::optional<Orientation> orientation;
    std::vector<ImageResource> icons;
    std::optional<Rgba> theme_color;
    std::optional<Rgba> background_color;
    std::optional<std::string> lang;
    TextDirection dir = TextDirection::auto_;
    std::vector<std::string> categories;
    std::vector<ShortcutItem> shortcuts;
    std::optional<ShareTarget> share_target;
    std::vector<ProtocolHandler> protocol_handlers;
    std::optional<CirrusOffline> cirrus_offline;
    // Members this processor does not know, kept as written (for later use
    // and so that nothing the author wrote is lost on a round trip): a JSON
    // object as compact text, so that this header does not make every file
    // that reads a manifest compile all of nlohmann-json.
    std::string unknown_members = "{}";
    friend bool operator==(const Manifest&, const Manifest&) = default;
};

// A problem found while processing. `line` and `column` are 1-based, 0 when
// unknown; `member` is a path like "icons[3].sizes", empty for the whole text.
struct ManifestDiagnostic {
    std::string file;  // the manifest URL
    std::size_t line = 0;
    std::size_t column = 0;
    std::string member;
    std::string message;
    // "https://a.example/manifest.json:12:5: icons[3].sizes: <message>"
    std::string text() const;
};

struct ProcessedManifest {
    std::optional<Manifest> manifest;         // set unless processing failed
    std::optional<ManifestDiagnostic> error;  // set when processing failed
    std::vector<ManifestDiagnostic> warnings;
    explicit operator bool() const { return manifest.has_value(); }
};

// Processes manifest `text` fetched from `manifest_url` for the page at
// `document_url` (for an app installed from a package, pass the start page's
// URL; for a manifest URL installed on its own, pass "": there is no document,
// so a manifest without a usable start_url is refused, not started at the
// manifest's own URL). Never throws.
ProcessedManifest process_manifest(std::string_view text, const std::string& manifest_url,
                                   const std::string& document_url);

// A processed manifest as JSON in the manifest format itself (colours as
// "#rrggbb[aa]", sizes as "48x48 96x96", purpose as "any maskable"), so the
// registry can store it and process_manifest() would read it back unchanged.
nlohmann::json to_json(const Manifest& manifest);

// Reads what to_json() wrote. nullopt when `stored` is not such an object
// (a corrupt registry row): it does not repair, it refuses.
std::optional<Manifest> manifest_from_json(const nlohmann::json& stored);

// The icon to draw at `size_px` for `purpose`: the smallest at or above the
// size, else the largest. "any" sizes count as infinitely large only for SVG
// icons; icons without usable sizes come last. nullptr when no icon has the
// purpose. The pointer is into `manifest.icons`.
const ImageResource* best_icon(const Manifest& manifest, int size_px, IconPurpose purpose = IconPurpose::any);

// The label under the app's icon: short_name, else name, else the host.
std::string home_screen_label(const Manifest& manifest);

}  // namespace cirrus::launcher
