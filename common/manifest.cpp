#include "manifest.hpp"

#include "strings.hpp"
#include "url.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <limits>
#include <unordered_map>
#include <utility>
#include <variant>

namespace cirrus::launcher {
namespace {

using nlohmann::json;

// ---------------------------------------------------------------------------
// Small text helpers

bool is_ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

std::string in_quotes(std::string_view text) {
    constexpr std::size_t kShown = 60;
    std::string shown(text.substr(0, kShown));
    return "\"" + shown + (text.size() > kShown ? "...\"" : "\"");
}

// ---------------------------------------------------------------------------
// Where things are in the text: 1-based line and column (in code points).

struct TextPosition {
    std::size_t line = 0;
    std::size_t column = 0;
};

bool is_utf8_continuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

TextPosition position_of_offset(std::string_view text, std::size_t offset) {
    offset = std::min(offset, text.size());
    TextPosition position{1, 1};
    for (std::size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
            ++position.line;
            position.column = 1;
        } else if (!is_utf8_continuation(static_cast<unsigned char>(text[i]))) {
            ++position.column;
        }
    }
    return position;
}

// Length of the well-formed UTF-8 sequence at text[i], or 0 when it is not
// one (overlong forms, surrogates and code points past U+10FFFF included).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    unsigned char lead = byte(i);
    if (lead < 0x80) return 1;
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) length = 2;
    else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) low = 0xA0;   // overlong
        if (lead == 0xED) high = 0x9F;  // surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) low = 0x90;   // overlong
        if (lead == 0xF4) high = 0x8F;  // past U+10FFFF
    } else {
        return 0;
    }
    if (i + length > text.size()) return 0;
    if (byte(i + 1) < low || byte(i + 1) > high) return 0;
    for (std::size_t k = 2; k < length; ++k) {
        if (!is_utf8_continuation(byte(i + k))) return 0;
    }
    return length;
}

// Offset of the first byte that is not well-formed UTF-8, if any.
std::optional<std::size_t> first_invalid_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t length = utf8_sequence_length(text, i);
        if (length == 0) return i;
        i += length;
    }
    return std::nullopt;
}

// ---------------------------------------------------------------------------
// A light pass over the JSON text before the real parse. It refuses nesting
// deeper than kMaxNestingDepth (the parse itself would cope, but every later
// recursive walk of the tree - copy, dump, comparison - would not, on a
// megabyte of brackets), without recursing itself, and
// remembers where each value starts, under paths like "icons[3].sizes", so
// warnings can give a line. It trusts nothing: on malformed text it simply
// stops and leaves the error to the real parser.

class SourceMap {
public:
    // Returns the offset of the bracket that nests too deep, if one does
    // (then top_level_member() is the manifest member that holds it: the
    // full path would be hundreds of "[0]"s long).
    std::optional<std::size_t> scan(std::string_view text);
    std::string top_level_member() const {
        return !stack_.empty() && stack_.front().is_object ? stack_.front().key : std::string();
    }
    TextPosition position_of(const std::string& path) const {
        auto found = positions_.find(path);
        return found == positions_.end() ? TextPosition{} : found->second;
    }

private:
    // Remembering every value of a 1 MiB array of numbers would cost far
    // more memory than the text; the first ones are the useful ones anyway.
    static constexpr std::size_t kMaxRemembered = 20000;

    struct Container {
        bool is_object = false;
        std::size_t index = 0;      // arrays: index of the current element
        std::string key;            // objects: key of the current member
        bool expecting_key = true;  // objects: before the key of a member
    };

    std::string current_path() const;
    void remember_value_start(std::string_view text, std::size_t offset);

    std::vector<Container> stack_;
    std::unordered_map<std::string, TextPosition> positions_;
    std::size_t line_ = 1;
    std::size_t line_start_ = 0;
};

std::string SourceMap::current_path() const {
    std::string path;
    for (const auto& container : stack_) {
        if (!container.is_object) path += "[" + std::to_string(container.index) + "]";
        else path += (path.empty() ? "" : ".") + container.key;
    }
    return path;
}

void SourceMap::remember_value_start(std::string_view text, std::size_t offset) {
    if (positions_.size() >= kMaxRemembered) return;
    std::size_t column = 1;
    for (std::size_t i = line_start_; i < offset; ++i) {
        if (!is_utf8_continuation(static_cast<unsigned char>(text[i]))) ++column;
    }
    positions_.emplace(current_path(), TextPosition{line_, column});
}

std::optional<std::size_t> SourceMap::scan(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        char c = text[i];
        if (c == '\n') {
            ++line_;
            line_start_ = i + 1;
            ++i;
            continue;
        }
        if (is_ascii_whitespace(c) || c == ':') {
            ++i;
            continue;
        }
        bool at_key = !stack_.empty() && stack_.back().is_object && stack_.back().expecting_key;
        if (c == '"') {
            std::size_t end = i + 1;
            while (end < text.size() && text[end] != '"') end += text[end] == '\\' ? 2 : 1;
            if (end >= text.size()) return std::nullopt;  // unterminated: the parser reports it
            if (at_key) {
                stack_.back().key = std::string(text.substr(i + 1, end - i - 1));
                stack_.back().expecting_key = false;
            } else {
                remember_value_start(text, i);
            }
            i = end + 1;
        } else if (c == '{' || c == '[') {
            remember_value_start(text, i);
            if (stack_.size() >= kMaxNestingDepth) return i;
            stack_.push_back(Container{c == '{', 0, {}, true});
            ++i;
        } else if (c == '}' || c == ']') {
            if (stack_.empty()) return std::nullopt;
            stack_.pop_back();
            ++i;
        } else if (c == ',') {
            if (stack_.empty()) return std::nullopt;
            if (stack_.back().is_object) stack_.back().expecting_key = true;
            else ++stack_.back().index;
            ++i;
        } else {
            // A number or literal: remember it, then skip to its end.
            remember_value_start(text, i);
            while (i < text.size() && !is_ascii_whitespace(text[i]) && text[i] != ',' && text[i] != '}' &&
                   text[i] != ']') {
                ++i;
            }
        }
    }
    return std::nullopt;
}

// ---------------------------------------------------------------------------
// Enumerations as the manifest spells them

template <typename Enum>
struct Spelling {
    Enum value;
    std::string_view text;
};

constexpr std::array<Spelling<DisplayMode>, 4> kDisplayModes = {{
    {DisplayMode::fullscreen, "fullscreen"},
    {DisplayMode::standalone, "standalone"},
    {DisplayMode::minimal_ui, "minimal-ui"},
    {DisplayMode::browser, "browser"},
}};

constexpr std::array<Spelling<Orientation>, 8> kOrientations = {{
    {Orientation::any, "any"},
    {Orientation::natural, "natural"},
    {Orientation::landscape, "landscape"},
    {Orientation::portrait, "portrait"},
    {Orientation::portrait_primary, "portrait-primary"},
    {Orientation::portrait_secondary, "portrait-secondary"},
    {Orientation::landscape_primary, "landscape-primary"},
    {Orientation::landscape_secondary, "landscape-secondary"},
}};

constexpr std::array<Spelling<TextDirection>, 3> kTextDirections = {{
    {TextDirection::auto_, "auto"},
    {TextDirection::ltr, "ltr"},
    {TextDirection::rtl, "rtl"},
}};

constexpr std::array<Spelling<IconPurpose>, 3> kIconPurposes = {{
    {IconPurpose::any, "any"},
    {IconPurpose::maskable, "maskable"},
    {IconPurpose::monochrome, "monochrome"},
}};

template <typename Enum, std::size_t N>
std::string_view spelling_of(const std::array<Spelling<Enum>, N>& table, Enum value) {
    for (const auto& entry : table) {
        if (entry.value == value) return entry.text;
    }
    return {};
}

template <typename Enum, std::size_t N>
std::optional<Enum> value_of(const std::array<Spelling<Enum>, N>& table, std::string_view text) {
    for (const auto& entry : table) {
        if (entry.text == text) return entry.value;
    }
    return std::nullopt;
}

template <typename Enum, std::size_t N>
std::string spellings_list(const std::array<Spelling<Enum>, N>& table) {
    std::string list;
    for (const auto& entry : table) list += (list.empty() ? "" : ", ") + std::string(entry.text);
    return list;
}

// ---------------------------------------------------------------------------
// Member-level rules that need no context

std::string member_path(const std::string& parent, std::string_view key) {
    return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

std::string element_path(const std::string& parent, std::size_t index) {
    return parent + "[" + std::to_string(index) + "]";
}

// A "sizes" token: "any", or WxH with two positive integers without leading
// zeros and a lowercase or uppercase x (HTML's sizes attribute).
std::optional<IconSize> parse_size_token(std::string_view token) {
    auto x = token.find_first_of("xX");
    if (x == std::string_view::npos) return std::nullopt;
    auto parse_dimension = [](std::string_view digits) -> std::optional<int> {
        if (digits.empty() || digits.front() == '0') return std::nullopt;
        if (!std::all_of(digits.begin(), digits.end(), is_ascii_digit)) return std::nullopt;
        int value = 0;
        auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
        return value;
    };
    auto width = parse_dimension(token.substr(0, x));
    auto height = parse_dimension(token.substr(x + 1));
    if (!width || !height) return std::nullopt;
    return IconSize{*width, *height};
}

// A MIME type's shape: "type/subtype" with token characters, parameters allowed.
bool looks_like_mime_type(std::string_view type) {
    auto semicolon = type.find(';');
    std::string_view essence = type.substr(0, semicolon);
    auto slash = essence.find('/');
    if (slash == std::string_view::npos || slash == 0 || slash + 1 == essence.size()) return false;
    auto is_token_char = [](char c) {
        return is_ascii_alpha(c) || is_ascii_digit(c) ||
               std::string_view("!#$&-^_.+").find(c) != std::string_view::npos;
    };
    for (std::size_t i = 0; i < essence.size(); ++i) {
        if (i != slash && !is_token_char(essence[i])) return false;
    }
    return true;
}

// BCP 47 well-formedness, loosely: subtags of 1-8 letters or digits joined by
// '-', the first made of 2-8 letters (or "x"/"i" for private use and old
// grandfathered tags). Enough to refuse junk, not a registry check.
bool looks_like_language_tag(std::string_view tag) {
    if (tag.empty()) return false;
    std::size_t index = 0;
    std::size_t start = 0;
    while (start <= tag.size()) {
        auto end = tag.find('-', start);
        if (end == std::string_view::npos) end = tag.size();
        std::string_view subtag = tag.substr(start, end - start);
        if (subtag.empty() || subtag.size() > 8) return false;
        bool alphanumeric =
            std::all_of(subtag.begin(), subtag.end(), [](char c) { return is_ascii_alpha(c) || is_ascii_digit(c); });
        if (!alphanumeric) return false;
        if (index == 0) {
            bool letters = std::all_of(subtag.begin(), subtag.end(), is_ascii_alpha);
            bool singleton_prefix = subtag == "x" || subtag == "X" || subtag == "i" || subtag == "I";
            if (!letters || (subtag.size() < 2 && !singleton_prefix)) return false;
        }
        ++index;
        start = end + 1;
    }
    return true;
}

// The HTML standard's safelisted schemes for registerProtocolHandler.
bool is_safelisted_scheme(std::string_view scheme) {
    static constexpr std::array<std::string_view, 33> kSafelisted = {
        "bitcoin", "cabal", "dat", "did",   "doi",    "dweb",   "ethereum", "ftp", "ftps",   "geo",  "im",
        "ipfs",    "ipns",  "irc", "ircs",  "magnet", "mailto", "matrix",   "mms", "news",   "nntp", "openpgp4fpr",
        "sftp",    "sip",   "sms", "smsto", "ssb",    "ssh",    "tel",      "urn", "webcal", "wtai", "xmpp"};
    return std::find(kSafelisted.begin(), kSafelisted.end(), scheme) != kSafelisted.end();
}

bool is_custom_web_scheme(std::string_view scheme) {
    if (!scheme.starts_with("web+") || scheme.size() == 4) return false;
    return std::all_of(scheme.begin() + 4, scheme.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

bool is_svg(const ImageResource& icon) {
    if (!icon.type.empty()) return icon.type.starts_with("image/svg+xml");
    auto path_end = icon.src.find_first_of("?#");
    return std::string_view(icon.src).substr(0, path_end).ends_with(".svg");
}

// ---------------------------------------------------------------------------
// The processor: one manifest, its URLs, and the warnings it collects.

constexpr std::size_t kMaxWarnings = 200;

class ManifestProcessor {
public:
    ManifestProcessor(const json& root, const SourceMap& source, std::string manifest_url,
                      std::vector<ManifestDiagnostic>& warnings)
        : root_(root), source_(source), manifest_url_(std::move(manifest_url)), warnings_(warnings) {}

    std::variant<Manifest, ManifestDiagnostic> run(const std::string& document_url);

private:
    void warn(const std::string& path, std::string message);
    ManifestDiagnostic diagnostic(const std::string& path, std::string message) const;

    // Type-checked access to a member; wrong types warn and read as absent.
    const json* member(const json& object, const std::string& parent, std::string_view key, json::value_t type);
    std::optional<std::string> string_member(const json& object, const std::string& parent, std::string_view key);
    std::optional<std::string> text_member(const json& object, const std::string& parent, std::string_view key);
    std::optional<std::string> url_member(const json& object, const std::string& parent, std::string_view key);
    template <typename Enum, std::size_t N>
    std::optional<Enum> enum_member(const json& object, std::string_view key,
                                    const std::array<Spelling<Enum>, N>& table);

    std::optional<std::string> process_start_url(const std::string& document_url);
    std::string process_id(const std::string& start_url);
    std::string process_scope(const std::string& start_url);
    std::vector<DisplayMode> process_display_override();
    std::optional<Rgba> process_colour(std::string_view key);
    std::optional<std::string> process_lang();
    std::vector<std::string> process_categories();

    std::vector<ImageResource> process_image_resources(const json& object, const std::string& parent);
    std::optional<ImageResource> process_image_resource(const json& entry, const std::string& path);
    void process_sizes(const json& entry, const std::string& path, ImageResource& icon);
    std::optional<PurposeSet> process_purpose(const json& entry, const std::string& path);

    std::vector<ShortcutItem> process_shortcuts(const std::string& scope);
    std::optional<ShortcutItem> process_shortcut(const json& entry, const std::string& path, const std::string& scope);

    std::optional<ShareTarget> process_share_target(const std::string& scope);
    bool process_share_params(const json& share, ShareTarget& target);
    std::optional<ShareTargetFile> process_share_file(const json& entry, const std::string& path);

    std::vector<ProtocolHandler> process_protocol_handlers(const std::string& scope);
    std::optional<ProtocolHandler> process_protocol_handler(const json& entry, const std::string& path,
                                                            const std::string& scope);

    std::optional<CirrusOffline> process_cirrus_offline(const std::string& start_url);
    std::vector<std::string> same_origin_urls(const json& offline, std::string_view key, const std::string& start_url,
                                              bool endpoints);

    json unknown_members() const;

    const json& root_;
    const SourceMap& source_;
    std::string manifest_url_;
    std::vector<ManifestDiagnostic>& warnings_;
};

ManifestDiagnostic ManifestProcessor::diagnostic(const std::string& path, std::string message) const {
    auto position = source_.position_of(path);
    return ManifestDiagnostic{manifest_url_, position.line, position.column, path, std::move(message)};
}

void ManifestProcessor::warn(const std::string& path, std::string message) {
    // A hostile manifest could otherwise make a warning per array element.
    if (warnings_.size() == kMaxWarnings) {
        warnings_.push_back(
            diagnostic("", "more than " + std::to_string(kMaxWarnings) + " warnings; the rest are not shown"));
    }
    if (warnings_.size() > kMaxWarnings) return;
    warnings_.push_back(diagnostic(path, std::move(message)));
}

const json* ManifestProcessor::member(const json& object, const std::string& parent, std::string_view key,
                                      json::value_t type) {
    auto found = object.find(key);
    if (found == object.end()) return nullptr;
    bool type_matches = found->type() == type || (type == json::value_t::number_integer && found->is_number());
    if (!type_matches) {
        json expected(type);
        warn(member_path(parent, key),
             std::string("expected ") + expected.type_name() + ", got " + found->type_name() + "; ignored");
        return nullptr;
    }
    return &*found;
}

std::optional<std::string> ManifestProcessor::string_member(const json& object, const std::string& parent,
                                                            std::string_view key) {
    const json* value = member(object, parent, key, json::value_t::string);
    if (!value) return std::nullopt;
    return value->get<std::string>();
}

// A human-readable string (name, description): trimmed, and absent if empty.
std::optional<std::string> ManifestProcessor::text_member(const json& object, const std::string& parent,
                                                          std::string_view key) {
    auto text = string_member(object, parent, key);
    if (!text) return std::nullopt;
    std::string trimmed(trim(*text));
    if (trimmed.empty()) {
        warn(member_path(parent, key), "is empty; ignored");
        return std::nullopt;
    }
    return trimmed;
}

// A URL member resolved against the manifest URL.
std::optional<std::string> ManifestProcessor::url_member(const json& object, const std::string& parent,
                                                         std::string_view key) {
    auto text = string_member(object, parent, key);
    if (!text) return std::nullopt;
    auto resolved = resolve_url(*text, manifest_url_);
    if (!resolved) {
        warn(member_path(parent, key), in_quotes(*text) + " is not a valid URL; ignored");
        return std::nullopt;
    }
    return resolved;
}

template <typename Enum, std::size_t N>
std::optional<Enum> ManifestProcessor::enum_member(const json& object, std::string_view key,
                                                   const std::array<Spelling<Enum>, N>& table) {
    auto text = string_member(object, "", key);
    if (!text) return std::nullopt;
    auto value = value_of(table, lowercase(trim(*text)));
    if (!value) {
        warn(std::string(key), in_quotes(*text) + " is not one of " + spellings_list(table) + "; ignored");
    }
    return value;
}

// start_url: resolved against the manifest URL, and it must be same origin
// as the document; otherwise the document URL is the start URL. With no
// document (an empty document_url: a manifest URL installed on its own)
// there is nothing to default to, so only a declared start_url, same origin
// as the manifest, is usable.
std::optional<std::string> ManifestProcessor::process_start_url(const std::string& document_url) {
    const bool no_document = document_url.empty();
    const std::string& origin_source = no_document ? manifest_url_ : document_url;
    std::optional<std::string> start_url = no_document ? std::nullopt : normalise_url(document_url);
    // An empty start_url would resolve to the manifest itself; the spec
    // treats it as absent.
    bool declared_empty = root_.contains("start_url") && root_["start_url"] == "";
    if (auto declared = declared_empty ? std::nullopt : url_member(root_, "", "start_url")) {
        if (same_origin(*declared, origin_source)) {
            start_url = declared;
        } else if (no_document) {
            warn("start_url", in_quotes(*declared) + " is not same origin as the manifest " + in_quotes(manifest_url_));
        } else {
            warn("start_url", in_quotes(*declared) + " is not same origin as the document " + in_quotes(document_url) +
                                  "; the document URL is used");
        }
    }
    if (!start_url || !url_origin(*start_url)) return std::nullopt;
    return start_url;
}

// id: resolved against start_url's origin; it must be same origin as
// start_url, else start_url is the id. The fragment is never part of it.
std::string ManifestProcessor::process_id(const std::string& start_url) {
    std::string id = start_url;
    auto declared = string_member(root_, "", "id");
    if (declared && !declared->empty()) {
        auto resolved = resolve_url(*declared, *url_origin(start_url) + "/");
        if (!resolved) {
            warn("id", in_quotes(*declared) + " is not a valid URL; start_url is used");
        } else if (!same_origin(*resolved, start_url)) {
            warn("id", in_quotes(*resolved) + " is not same origin as start_url; start_url is used");
        } else {
            id = *resolved;
        }
    }
    return strip_fragment(id);
}

// scope: resolved against the manifest URL; defaults to start_url's
// "directory". It must be same origin as start_url and contain it.
std::string ManifestProcessor::process_scope(const std::string& start_url) {
    std::string default_scope = directory_of(start_url).value_or(start_url);
    // As with start_url, an empty scope means no scope, not the manifest URL.
    bool declared_empty = root_.contains("scope") && root_["scope"] == "";
    auto declared = declared_empty ? std::nullopt : url_member(root_, "", "scope");
    if (!declared) return default_scope;
    auto scope = strip_fragment(*declared);
    if (auto query = scope.find('?'); query != std::string::npos) scope.erase(query);
    if (!same_origin(scope, start_url)) {
        warn("scope", in_quotes(scope) + " is not same origin as start_url; the default " + in_quotes(default_scope) +
                          " is used");
        return default_scope;
    }
    if (!is_within_scope(start_url, scope)) {
        warn("scope", "start_url " + in_quotes(start_url) + " is outside scope " + in_quotes(scope) + "; the default " +
                          in_quotes(default_scope) + " is used");
        return default_scope;
    }
    return scope;
}

std::vector<DisplayMode> ManifestProcessor::process_display_override() {
    std::vector<DisplayMode> modes;
    const json* list = member(root_, "", "display_override", json::value_t::array);
    if (!list) return modes;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const json& entry = (*list)[i];
        std::string path = element_path("display_override", i);
        if (!entry.is_string()) {
            warn(path, std::string("expected string, got ") + entry.type_name() + "; ignored");
            continue;
        }
        auto mode = value_of(kDisplayModes, lowercase(trim(entry.get<std::string>())));
        if (!mode) {
            warn(path, in_quotes(entry.get<std::string>()) + " is not a display mode Cirrus knows; ignored");
            continue;
        }
        modes.push_back(*mode);
    }
    return modes;
}

std::optional<Rgba> ManifestProcessor::process_colour(std::string_view key) {
    auto text = string_member(root_, "", key);
    if (!text) return std::nullopt;
    auto colour = parse_css_colour(*text);
    if (!colour) warn(std::string(key), in_quotes(*text) + " is not a CSS colour; ignored");
    return colour;
}

std::optional<std::string> ManifestProcessor::process_lang() {
    auto text = string_member(root_, "", "lang");
    if (!text) return std::nullopt;
    std::string tag(trim(*text));
    if (!looks_like_language_tag(tag)) {
        warn("lang", in_quotes(*text) + " is not a language tag; ignored");
        return std::nullopt;
    }
    return tag;
}

std::vector<std::string> ManifestProcessor::process_categories() {
    std::vector<std::string> categories;
    const json* list = member(root_, "", "categories", json::value_t::array);
    if (!list) return categories;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const json& entry = (*list)[i];
        if (!entry.is_string()) {
            warn(element_path("categories", i), std::string("expected string, got ") + entry.type_name() + "; ignored");
            continue;
        }
        std::string category = lowercase(trim(entry.get<std::string>()));
        bool seen = std::find(categories.begin(), categories.end(), category) != categories.end();
        if (!category.empty() && !seen) categories.push_back(std::move(category));
    }
    return categories;
}

// ---- ImageResource

std::vector<ImageResource> ManifestProcessor::process_image_resources(const json& object, const std::string& parent) {
    std::vector<ImageResource> icons;
    std::string path = member_path(parent, "icons");
    const json* list = member(object, parent, "icons", json::value_t::array);
    if (!list) return icons;
    std::size_t count = std::min(list->size(), kMaxImageResources);
    if (list->size() > kMaxImageResources) {
        warn(path, std::to_string(list->size()) + " entries; only the first " + std::to_string(kMaxImageResources) +
                       " are used");
    }
    for (std::size_t i = 0; i < count; ++i) {
        if (auto icon = process_image_resource((*list)[i], element_path(path, i))) {
            icons.push_back(std::move(*icon));
        }
    }
    return icons;
}

std::optional<ImageResource> ManifestProcessor::process_image_resource(const json& entry, const std::string& path) {
    if (!entry.is_object()) {
        warn(path, std::string("expected object, got ") + entry.type_name() + "; icon ignored");
        return std::nullopt;
    }
    ImageResource icon;
    auto src = string_member(entry, path, "src");
    if (!src) {
        if (!entry.contains("src")) warn(member_path(path, "src"), "missing; icon ignored");
        return std::nullopt;
    }
    auto resolved = resolve_url(*src, manifest_url_);
    auto scheme = resolved ? parse_url(*resolved)->scheme : std::string();
    // data: URLs are common for small icons; any other non-web scheme
    // (javascript:, about:) is no image Cirrus can load.
    if (!resolved || (!is_supported_scheme(scheme) && scheme != "data")) {
        warn(member_path(path, "src"), in_quotes(*src) + " is not a usable URL; icon ignored");
        return std::nullopt;
    }
    icon.src = *resolved;
    process_sizes(entry, path, icon);
    if (auto type = string_member(entry, path, "type")) {
        std::string lowered = lowercase(trim(*type));
        if (looks_like_mime_type(lowered)) icon.type = lowered;
        else warn(member_path(path, "type"), in_quotes(*type) + " is not a MIME type; ignored");
    }
    auto purpose = process_purpose(entry, path);
    if (!purpose) return std::nullopt;
    icon.purpose = *purpose;
    return icon;
}

void ManifestProcessor::process_sizes(const json& entry, const std::string& path, ImageResource& icon) {
    auto sizes = string_member(entry, path, "sizes");
    if (!sizes) return;
    for (const auto& token : split_on_ascii_whitespace(*sizes)) {
        if (equals_ignoring_case(token, "any")) {
            icon.any_size = true;
        } else if (auto size = parse_size_token(token)) {
            if (std::find(icon.sizes.begin(), icon.sizes.end(), *size) == icon.sizes.end()) {
                icon.sizes.push_back(*size);
            }
        } else {
            warn(member_path(path, "sizes"), in_quotes(token) + " is neither WxH nor \"any\"; ignored");
        }
    }
}

// purpose: a set of keywords. Unknown ones are ignored; if none is left the
// icon is not meant for anything Cirrus knows, so it is dropped. No purpose
// at all means "any".
std::optional<PurposeSet> ManifestProcessor::process_purpose(const json& entry, const std::string& path) {
    std::string member = member_path(path, "purpose");
    auto text = string_member(entry, path, "purpose");
    const std::string lowered = text ? lowercase(*text) : std::string();
    const auto keywords = split_on_ascii_whitespace(lowered);
    if (keywords.empty()) return PurposeSet{IconPurpose::any};
    PurposeSet purposes;
    for (const auto& keyword : keywords) {
        if (auto purpose = value_of(kIconPurposes, keyword)) purposes.add(*purpose);
        else warn(member, in_quotes(keyword) + " is not a purpose (" + spellings_list(kIconPurposes) + "); ignored");
    }
    if (purposes.empty()) {
        warn(member, "no known purpose; icon ignored");
        return std::nullopt;
    }
    return purposes;
}

// ---- shortcuts

std::vector<ShortcutItem> ManifestProcessor::process_shortcuts(const std::string& scope) {
    std::vector<ShortcutItem> shortcuts;
    const json* list = member(root_, "", "shortcuts", json::value_t::array);
    if (!list) return shortcuts;
    std::size_t count = std::min(list->size(), kMaxShortcuts);
    if (list->size() > kMaxShortcuts) {
        warn("shortcuts",
             std::to_string(list->size()) + " entries; only the first " + std::to_string(kMaxShortcuts) + " are used");
    }
    for (std::size_t i = 0; i < count; ++i) {
        if (auto shortcut = process_shortcut((*list)[i], element_path("shortcuts", i), scope)) {
            shortcuts.push_back(std::move(*shortcut));
        }
    }
    return shortcuts;
}

std::optional<ShortcutItem> ManifestProcessor::process_shortcut(const json& entry, const std::string& path,
                                                                const std::string& scope) {
    if (!entry.is_object()) {
        warn(path, std::string("expected object, got ") + entry.type_name() + "; shortcut ignored");
        return std::nullopt;
    }
    ShortcutItem shortcut;
    auto name = text_member(entry, path, "name");
    auto url = url_member(entry, path, "url");
    if (!name || !url) {
        std::string missing = !name ? "name" : "url";
        if (!entry.contains(missing)) warn(member_path(path, missing), "missing; shortcut ignored");
        else warn(path, "no usable " + missing + "; shortcut ignored");
        return std::nullopt;
    }
    if (!is_within_scope(*url, scope)) {
        warn(member_path(path, "url"),
             in_quotes(*url) + " is outside scope " + in_quotes(scope) + "; shortcut ignored");
        return std::nullopt;
    }
    shortcut.name = *name;
    shortcut.url = *url;
    shortcut.short_name = text_member(entry, path, "short_name");
    shortcut.description = text_member(entry, path, "description");
    shortcut.icons = process_image_resources(entry, path);
    return shortcut;
}

// ---- share_target (Web Share Target)

std::optional<ShareTarget> ManifestProcessor::process_share_target(const std::string& scope) {
    const json* share = member(root_, "", "share_target", json::value_t::object);
    if (!share) return std::nullopt;
    ShareTarget target;
    auto action = url_member(*share, "share_target", "action");
    if (!action) {
        if (!share->contains("action")) warn("share_target.action", "missing; share_target ignored");
        return std::nullopt;
    }
    if (!is_within_scope(*action, scope)) {
        warn("share_target.action", in_quotes(*action) + " is outside scope; share_target ignored");
        return std::nullopt;
    }
    target.action = *action;
    if (auto method = string_member(*share, "share_target", "method")) {
        std::string lowered = lowercase(trim(*method));
        if (lowered == "post") target.method = ShareTarget::Method::post;
        else if (lowered != "get") {
            warn("share_target.method", in_quotes(*method) + " is neither GET nor POST; share_target ignored");
            return std::nullopt;
        }
    }
    if (auto enctype = string_member(*share, "share_target", "enctype")) {
        std::string lowered = lowercase(trim(*enctype));
        if (lowered == "multipart/form-data") target.enctype = ShareTarget::Enctype::multipart;
        else if (lowered != "application/x-www-form-urlencoded") {
            warn("share_target.enctype", in_quotes(*enctype) + " is not a form encoding; share_target ignored");
            return std::nullopt;
        }
    }
    if (target.method == ShareTarget::Method::get && target.enctype == ShareTarget::Enctype::multipart) {
        warn("share_target.enctype", "multipart/form-data needs method POST; share_target ignored");
        return std::nullopt;
    }
    if (!process_share_params(*share, target)) return std::nullopt;
    return target;
}

bool ManifestProcessor::process_share_params(const json& share, ShareTarget& target) {
    if (!share.contains("params")) return true;
    const json* params = member(share, "share_target", "params", json::value_t::object);
    if (!params) {
        warn("share_target", "params is not an object; share_target ignored");
        return false;
    }
    const std::string path = "share_target.params";
    target.title = string_member(*params, path, "title");
    target.text = string_member(*params, path, "text");
    target.url = string_member(*params, path, "url");
    auto files = params->find("files");
    if (files == params->end()) return true;
    // One file entry may be written without the array around it.
    std::string files_path = member_path(path, "files");
    if (files->is_object()) {
        if (auto file = process_share_file(*files, files_path)) target.files.push_back(std::move(*file));
    } else if (files->is_array()) {
        for (std::size_t i = 0; i < files->size(); ++i) {
            if (auto file = process_share_file((*files)[i], element_path(files_path, i))) {
                target.files.push_back(std::move(*file));
            }
        }
    } else {
        warn(files_path, std::string("expected object or array, got ") + files->type_name() + "; ignored");
    }
    bool can_send_files =
        target.method == ShareTarget::Method::post && target.enctype == ShareTarget::Enctype::multipart;
    if (!target.files.empty() && !can_send_files) {
        warn(files_path, "files need method POST and enctype multipart/form-data; share_target ignored");
        return false;
    }
    return true;
}

std::optional<ShareTargetFile> ManifestProcessor::process_share_file(const json& entry, const std::string& path) {
    if (!entry.is_object()) {
        warn(path, std::string("expected object, got ") + entry.type_name() + "; ignored");
        return std::nullopt;
    }
    ShareTargetFile file;
    auto name = string_member(entry, path, "name");
    if (!name || trim(*name).empty()) {
        warn(member_path(path, "name"), "missing or empty; file entry ignored");
        return std::nullopt;
    }
    file.name = *name;
    auto accept = entry.find("accept");
    std::string accept_path = member_path(path, "accept");
    if (accept != entry.end() && accept->is_string()) {
        file.accept.push_back(lowercase(trim(accept->get<std::string>())));
    } else if (accept != entry.end() && accept->is_array()) {
        for (std::size_t i = 0; i < accept->size(); ++i) {
            const json& type = (*accept)[i];
            if (type.is_string()) file.accept.push_back(lowercase(trim(type.get<std::string>())));
            else
                warn(element_path(accept_path, i),
                     std::string("expected string, got ") + type.type_name() + "; ignored");
        }
    } else if (accept != entry.end()) {
        warn(accept_path, std::string("expected string or array, got ") + accept->type_name() + "; ignored");
    }
    std::erase_if(file.accept, [](const std::string& type) { return type.empty(); });
    if (file.accept.empty()) {
        warn(accept_path, "no accepted types; file entry ignored");
        return std::nullopt;
    }
    return file;
}

// ---- protocol_handlers

std::vector<ProtocolHandler> ManifestProcessor::process_protocol_handlers(const std::string& scope) {
    std::vector<ProtocolHandler> handlers;
    const json* list = member(root_, "", "protocol_handlers", json::value_t::array);
    if (!list) return handlers;
    for (std::size_t i = 0; i < list->size(); ++i) {
        if (auto handler = process_protocol_handler((*list)[i], element_path("protocol_handlers", i), scope)) {
            handlers.push_back(std::move(*handler));
        }
    }
    return handlers;
}

std::optional<ProtocolHandler> ManifestProcessor::process_protocol_handler(const json& entry, const std::string& path,
                                                                           const std::string& scope) {
    if (!entry.is_object()) {
        warn(path, std::string("expected object, got ") + entry.type_name() + "; ignored");
        return std::nullopt;
    }
    auto protocol = string_member(entry, path, "protocol");
    auto url_text = string_member(entry, path, "url");
    if (!protocol || !url_text) {
        warn(path, "needs string members protocol and url; ignored");
        return std::nullopt;
    }
    std::string scheme = lowercase(trim(*protocol));
    if (!is_safelisted_scheme(scheme) && !is_custom_web_scheme(scheme)) {
        warn(member_path(path, "protocol"),
             in_quotes(*protocol) + " is neither a safelisted scheme nor web+<letters>; ignored");
        return std::nullopt;
    }
    if (url_text->find("%s") == std::string::npos) {
        warn(member_path(path, "url"), in_quotes(*url_text) + " has no %s placeholder; ignored");
        return std::nullopt;
    }
    auto url = resolve_url(*url_text, manifest_url_);
    if (!url || !is_within_scope(*url, scope)) {
        warn(member_path(path, "url"),
             in_quotes(*url_text) + " is not a URL within scope " + in_quotes(scope) + "; ignored");
        return std::nullopt;
    }
    return ProtocolHandler{scheme, *url};
}

// ---- cirrus_offline (Cirrus extension)

std::optional<CirrusOffline> ManifestProcessor::process_cirrus_offline(const std::string& start_url) {
    const json* offline = member(root_, "", "cirrus_offline", json::value_t::object);
    if (!offline) return std::nullopt;
    CirrusOffline result;
    result.assets = same_origin_urls(*offline, "assets", start_url, false);
    // An endpoint is a pattern of request paths: the query of a request is
    // not compared, so one on the pattern would mean nothing.
    result.write_endpoints = same_origin_urls(*offline, "write_endpoints", start_url, true);
    return result;
}

// A '*' in an endpoint only as its last character: "/api/forms/*". One
// anywhere else ("/api/*/edit") would look like a wildcard and match nothing.
bool is_endpoint_pattern(std::string_view url) {
    auto star = url.find('*');
    return star == std::string_view::npos || star == url.size() - 1;
}

std::vector<std::string> ManifestProcessor::same_origin_urls(const json& offline, std::string_view key,
                                                             const std::string& start_url, bool endpoints) {
    std::vector<std::string> urls;
    std::string path = member_path("cirrus_offline", key);
    const json* list = member(offline, "cirrus_offline", key, json::value_t::array);
    if (!list) return urls;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const json& entry = (*list)[i];
        std::string entry_path = element_path(path, i);
        if (!entry.is_string()) {
            warn(entry_path, std::string("expected string, got ") + entry.type_name() + "; ignored");
            continue;
        }
        auto url = resolve_url(entry.get<std::string>(), manifest_url_);
        if (!url || !same_origin(*url, start_url)) {
            warn(entry_path, in_quotes(entry.get<std::string>()) + " is not a URL same origin as start_url; ignored");
            continue;
        }
        std::string kept = strip_fragment(*url);
        if (endpoints) {
            kept.erase(std::min(kept.find('?'), kept.size()));
            if (!is_endpoint_pattern(kept)) {
                warn(entry_path, in_quotes(entry.get<std::string>()) +
                                     " has a '*' before its end; a '*' may only "
                                     "end an endpoint (\"/api/forms/*\"); ignored");
                continue;
            }
        }
        if (std::find(urls.begin(), urls.end(), kept) == urls.end()) urls.push_back(std::move(kept));
    }
    return urls;
}

constexpr std::array<std::string_view, 19> kKnownMembers = {"name",          "short_name",
                                                            "description",   "id",
                                                            "start_url",     "scope",
                                                            "display",       "display_override",
                                                            "orientation",   "icons",
                                                            "theme_color",   "background_color",
                                                            "lang",          "dir",
                                                            "categories",    "shortcuts",
                                                            "share_target",  "protocol_handlers",
                                                            "cirrus_offline"};

json ManifestProcessor::unknown_members() const {
    json unknown = json::object();
    for (const auto& [key, value] : root_.items()) {
        if (std::find(kKnownMembers.begin(), kKnownMembers.end(), key) == kKnownMembers.end()) {
            unknown[key] = value;
        }
    }
    return unknown;
}

std::variant<Manifest, ManifestDiagnostic> ManifestProcessor::run(const std::string& document_url) {
    if (!url_origin(manifest_url_)) {
        return diagnostic("", "the manifest URL is not an absolute http, https, app or file URL");
    }
    Manifest manifest;
    auto start_url = process_start_url(document_url);
    if (!start_url && document_url.empty()) {
        // Why the declared one is unusable was warned about; say it here too.
        std::string reason = root_.contains("start_url") ? "start_url is empty" : "start_url is missing";
        for (const auto& warning : warnings_) {
            if (warning.member == "start_url") reason = "start_url is unusable (" + warning.message + ")";
        }
        return diagnostic("start_url", reason +
                                           ", and a manifest installed on its own has no page to start at instead: "
                                           "install the URL of the app's page (the page whose <link rel=\"manifest\"> "
                                           "names this manifest), or add a start_url to the manifest, same origin "
                                           "as it");
    }
    if (!start_url) {
        return diagnostic("start_url",
                          "no usable start URL: start_url is missing or invalid and the "
                          "document URL " +
                              in_quotes(document_url) +
                              " is not an http, https, "
                              "app or file URL");
    }
    manifest.start_url = *start_url;
    manifest.id = process_id(manifest.start_url);
    manifest.scope = process_scope(manifest.start_url);
    manifest.name = text_member(root_, "", "name");
    manifest.short_name = text_member(root_, "", "short_name");
    manifest.description = text_member(root_, "", "description");
    manifest.display = enum_member(root_, "display", kDisplayModes).value_or(DisplayMode::browser);
    manifest.display_override = process_display_override();
    manifest.orientation = enum_member(root_, "orientation", kOrientations);
    manifest.icons = process_image_resources(root_, "");
    manifest.theme_color = process_colour("theme_color");
    manifest.background_color = process_colour("background_color");
    manifest.lang = process_lang();
    manifest.dir = enum_member(root_, "dir", kTextDirections).value_or(TextDirection::auto_);
    manifest.categories = process_categories();
    manifest.shortcuts = process_shortcuts(manifest.scope);
    manifest.share_target = process_share_target(manifest.scope);
    manifest.protocol_handlers = process_protocol_handlers(manifest.scope);
    manifest.cirrus_offline = process_cirrus_offline(manifest.start_url);
    manifest.unknown_members = unknown_members().dump();
    return manifest;
}

// ---------------------------------------------------------------------------
// Whole-text checks before any member is looked at

ProcessedManifest fatal(const std::string& manifest_url, std::string_view text, std::optional<std::size_t> offset,
                        std::string message) {
    ManifestDiagnostic error{manifest_url, 0, 0, "", std::move(message)};
    if (offset) {
        auto position = position_of_offset(text, *offset);
        error.line = position.line;
        error.column = position.column;
    }
    ProcessedManifest result;
    result.error = std::move(error);
    return result;
}

bool is_blank(std::string_view text) { return std::all_of(text.begin(), text.end(), is_ascii_whitespace); }

// nlohmann's message starts "[json.exception.parse_error.101] parse error at
// line 1, column 5: "; the position is reported separately, so keep the rest.
std::string parse_error_detail(const std::string& what) {
    auto column = what.find("column ");
    auto colon = column == std::string::npos ? std::string::npos : what.find(": ", column);
    return colon == std::string::npos ? what : what.substr(colon + 2);
}

std::string join(const std::vector<std::string>& words) {
    std::string joined;
    for (const auto& word : words) joined += (joined.empty() ? "" : " ") + word;
    return joined;
}

json image_resource_to_json(const ImageResource& icon) {
    json out = {{"src", icon.src}};
    std::vector<std::string> sizes;
    if (icon.any_size) sizes.emplace_back("any");
    for (const auto& size : icon.sizes) {
        sizes.push_back(std::to_string(size.width) + "x" + std::to_string(size.height));
    }
    if (!sizes.empty()) out["sizes"] = join(sizes);
    if (!icon.type.empty()) out["type"] = icon.type;
    std::vector<std::string> purposes;
    for (auto purpose : icon.purpose.members()) purposes.emplace_back(to_string(purpose));
    out["purpose"] = join(purposes);
    return out;
}

json image_resources_to_json(const std::vector<ImageResource>& icons) {
    json out = json::array();
    for (const auto& icon : icons) out.push_back(image_resource_to_json(icon));
    return out;
}

void put_if_set(json& out, std::string_view key, const std::optional<std::string>& value) {
    if (value) out[std::string(key)] = *value;
}

json shortcut_to_json(const ShortcutItem& shortcut) {
    json out = {{"name", shortcut.name}, {"url", shortcut.url}};
    put_if_set(out, "short_name", shortcut.short_name);
    put_if_set(out, "description", shortcut.description);
    if (!shortcut.icons.empty()) out["icons"] = image_resources_to_json(shortcut.icons);
    return out;
}

json share_target_to_json(const ShareTarget& target) {
    json params = json::object();
    put_if_set(params, "title", target.title);
    put_if_set(params, "text", target.text);
    put_if_set(params, "url", target.url);
    if (!target.files.empty()) {
        json files = json::array();
        for (const auto& file : target.files) files.push_back({{"name", file.name}, {"accept", file.accept}});
        params["files"] = files;
    }
    bool post = target.method == ShareTarget::Method::post;
    bool multipart = target.enctype == ShareTarget::Enctype::multipart;
    return {{"action", target.action},
            {"method", post ? "POST" : "GET"},
            {"enctype", multipart ? "multipart/form-data" : "application/x-www-form-urlencoded"},
            {"params", params}};
}

// How an icon is scored for best_icon(): the icon's size nearest above the
// target, else its largest; unusable sizes are 0 so they lose to any other.
double icon_size_for(const ImageResource& icon, int target) {
    if (icon.any_size && is_svg(icon)) return std::numeric_limits<double>::infinity();
    int smallest_fitting = 0;
    int largest = 0;
    for (const auto& size : icon.sizes) {
        int side = std::min(size.width, size.height);
        largest = std::max(largest, side);
        if (side >= target && (smallest_fitting == 0 || side < smallest_fitting)) smallest_fitting = side;
    }
    return smallest_fitting > 0 ? smallest_fitting : largest;
}

}  // namespace

// ---------------------------------------------------------------------------
// Public functions

std::string_view to_string(DisplayMode mode) { return spelling_of(kDisplayModes, mode); }
std::string_view to_string(Orientation orientation) { return spelling_of(kOrientations, orientation); }
std::string_view to_string(TextDirection direction) { return spelling_of(kTextDirections, direction); }
std::string_view to_string(IconPurpose purpose) { return spelling_of(kIconPurposes, purpose); }

PurposeSet::PurposeSet(std::initializer_list<IconPurpose> purposes) {
    for (auto purpose : purposes) add(purpose);
}

std::vector<IconPurpose> PurposeSet::members() const {
    std::vector<IconPurpose> purposes;
    for (const auto& entry : kIconPurposes) {
        if (contains(entry.value)) purposes.push_back(entry.value);
    }
    return purposes;
}

std::string ManifestDiagnostic::text() const {
    std::string result = file;
    if (line > 0) result += ":" + std::to_string(line) + ":" + std::to_string(column);
    result += ": ";
    if (!member.empty()) result += member + ": ";
    return result + message;
}

ProcessedManifest process_manifest(std::string_view text, const std::string& manifest_url,
                                   const std::string& document_url) {
    if (text.size() > kMaxManifestBytes) {
        return fatal(manifest_url, text, std::nullopt,
                     "manifest is " + std::to_string(text.size()) + " bytes; the limit is " +
                         std::to_string(kMaxManifestBytes) + " bytes (1 MiB)");
    }
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // the spec decodes with BOM sniffing
    if (auto bad = first_invalid_utf8(text)) {
        char byte[8];
        std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text[*bad]));
        return fatal(manifest_url, text, bad, std::string("not valid UTF-8 (byte ") + byte + ")");
    }
    if (is_blank(text)) return fatal(manifest_url, text, std::nullopt, "manifest is empty");
    SourceMap source;
    if (auto too_deep = source.scan(text)) {
        auto result = fatal(manifest_url, text, too_deep,
                            "JSON nests deeper than " + std::to_string(kMaxNestingDepth) +
                                " levels (the root object is level 1; Chromium reads no deeper either); "
                                "flatten this member or remove it");
        result.error->member = source.top_level_member();
        return result;
    }
    json root;
    try {
        root = json::parse(text);
    } catch (const json::parse_error& error) {
        std::size_t offset = error.byte > 0 ? error.byte - 1 : 0;
        return fatal(manifest_url, text, offset, "not valid JSON: " + parse_error_detail(error.what()));
    } catch (const json::exception& error) {
        // Not a syntax error but still unreadable, e.g. a number beyond a double
        // (out_of_range.406); nlohmann gives no position for these.
        std::string what = error.what();
        auto tag_end = what.find("] ");  // drop nlohmann's "[json.exception.out_of_range.406] "
        return fatal(manifest_url, text, std::nullopt,
                     "not valid JSON: " + (tag_end == std::string::npos ? what : what.substr(tag_end + 2)));
    }
    if (!root.is_object()) {
        return fatal(manifest_url, text, std::nullopt,
                     std::string("manifest is a JSON ") + root.type_name() + ", not an object");
    }
    ProcessedManifest result;
    ManifestProcessor processor(root, source, manifest_url, result.warnings);
    auto outcome = processor.run(document_url);
    if (auto* manifest = std::get_if<Manifest>(&outcome)) result.manifest = std::move(*manifest);
    else result.error = std::get<ManifestDiagnostic>(std::move(outcome));
    return result;
}

json to_json(const Manifest& manifest) {
    json out = json::parse(manifest.unknown_members, nullptr, /*allow_exceptions=*/false);
    if (!out.is_object()) out = json::object();
    put_if_set(out, "name", manifest.name);
    put_if_set(out, "short_name", manifest.short_name);
    put_if_set(out, "description", manifest.description);
    out["id"] = manifest.id;
    out["start_url"] = manifest.start_url;
    out["scope"] = manifest.scope;
    out["display"] = to_string(manifest.display);
    if (!manifest.display_override.empty()) {
        json modes = json::array();
        for (auto mode : manifest.display_override) modes.push_back(to_string(mode));
        out["display_override"] = modes;
    }
    if (manifest.orientation) out["orientation"] = to_string(*manifest.orientation);
    out["icons"] = image_resources_to_json(manifest.icons);
    if (manifest.theme_color) out["theme_color"] = to_hex(*manifest.theme_color);
    if (manifest.background_color) out["background_color"] = to_hex(*manifest.background_color);
    put_if_set(out, "lang", manifest.lang);
    out["dir"] = to_string(manifest.dir);
    if (!manifest.categories.empty()) out["categories"] = manifest.categories;
    if (!manifest.shortcuts.empty()) {
        json shortcuts = json::array();
        for (const auto& shortcut : manifest.shortcuts) shortcuts.push_back(shortcut_to_json(shortcut));
        out["shortcuts"] = shortcuts;
    }
    if (manifest.share_target) out["share_target"] = share_target_to_json(*manifest.share_target);
    if (!manifest.protocol_handlers.empty()) {
        json handlers = json::array();
        for (const auto& handler : manifest.protocol_handlers) {
            handlers.push_back({{"protocol", handler.protocol}, {"url", handler.url}});
        }
        out["protocol_handlers"] = handlers;
    }
    if (manifest.cirrus_offline) {
        out["cirrus_offline"] = {{"assets", manifest.cirrus_offline->assets},
                                 {"write_endpoints", manifest.cirrus_offline->write_endpoints}};
    }
    return out;
}

// The stored form is a manifest whose URLs are all absolute, so processing
// it again (against its own start URL) reads it back exactly; anything that
// would need a warning means the row was not written by to_json().
std::optional<Manifest> manifest_from_json(const nlohmann::json& stored) {
    if (!stored.is_object()) return std::nullopt;
    auto start_url = stored.find("start_url");
    if (start_url == stored.end() || !start_url->is_string()) return std::nullopt;
    std::string url = start_url->get<std::string>();
    std::vector<ManifestDiagnostic> warnings;
    SourceMap no_source;
    ManifestProcessor processor(stored, no_source, url, warnings);
    auto outcome = processor.run(url);
    auto* manifest = std::get_if<Manifest>(&outcome);
    if (!manifest || !warnings.empty() || manifest->start_url != url) return std::nullopt;
    return std::move(*manifest);
}

const ImageResource* best_icon(const Manifest& manifest, int size_px, IconPurpose purpose) {
    int target = std::max(size_px, 1);
    const ImageResource* best_fitting = nullptr;
    double best_fitting_size = 0;
    const ImageResource* largest = nullptr;
    double largest_size = -1;
    for (const auto& icon : manifest.icons) {
        if (!icon.purpose.contains(purpose)) continue;
        double size = icon_size_for(icon, target);
        if (size >= target && (!best_fitting || size < best_fitting_size)) {
            best_fitting = &icon;
            best_fitting_size = size;
        }
        if (size > largest_size) {
            largest = &icon;
            largest_size = size;
        }
    }
    return best_fitting ? best_fitting : largest;
}

std::string home_screen_label(const Manifest& manifest) {
    if (manifest.short_name) return *manifest.short_name;
    if (manifest.name) return *manifest.name;
    auto parts = parse_url(manifest.start_url);
    return parts ? parts->host : manifest.start_url;
}

}  // namespace cirrus::launcher
