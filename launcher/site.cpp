// Reading a web page's head with libxml2's HTML parser; see site.hpp.
#include "site.hpp"

#include <algorithm>
#include <climits>
#include <memory>
#include <set>

#include <glib.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "common/strings.hpp"
#include "common/url.hpp"

namespace cirrus::launcher {

namespace {

// Trimmed, with every run of ASCII whitespace made one space (as browsers
// show a <title>).
std::string collapse_whitespace(std::string_view text) {
    std::string out;
    bool pending_space = false;
    for (char c : text) {
        if (is_ascii_whitespace(c)) {
            pending_space = !out.empty();
            continue;
        }
        if (pending_space) out += ' ';
        pending_space = false;
        out += c;
    }
    return out;
}

bool has_token(const std::vector<std::string_view>& tokens, std::string_view wanted) {
    return std::any_of(tokens.begin(), tokens.end(),
                       [&](std::string_view token) { return equals_ignoring_case(token, wanted); });
}

struct XmlDocDeleter {
    void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using XmlDocPtr = std::unique_ptr<xmlDoc, XmlDocDeleter>;

bool is_element(const xmlNode* node, const char* name) {
    return node->type == XML_ELEMENT_NODE && node->name &&
           g_ascii_strcasecmp(reinterpret_cast<const char*>(node->name), name) == 0;
}

std::optional<std::string> attribute(const xmlNode* node, const char* name) {
    for (const xmlAttr* attr = node->properties; attr; attr = attr->next) {
        if (!attr->name || g_ascii_strcasecmp(reinterpret_cast<const char*>(attr->name), name) != 0) continue;
        xmlChar* value = xmlNodeListGetString(node->doc, attr->children, 1);
        std::string text = value ? reinterpret_cast<const char*>(value) : "";
        xmlFree(value);
        return text;
    }
    return std::nullopt;
}

std::string text_content(const xmlNode* node) {
    xmlChar* content = xmlNodeGetContent(node);
    std::string text = content ? reinterpret_cast<const char*>(content) : "";
    xmlFree(content);
    return text;
}

// The next node in document order, without recursion (a page of 100 000
// nested <div>s must not exhaust the stack).
const xmlNode* next_in_document(const xmlNode* node) {
    if (node->type == XML_ELEMENT_NODE && node->children) return node->children;
    while (node) {
        if (node->next) return node->next;
        node = node->parent;
        if (node && node->type != XML_ELEMENT_NODE) return nullptr;  // back at the document
    }
    return nullptr;
}

// UTF-8 text cut at an arbitrary byte still counts as UTF-8: only a partial
// character at the very end may be invalid.
bool looks_like_utf8(std::string_view bytes) {
    const char* end = nullptr;
    if (g_utf8_validate(bytes.data(), static_cast<gssize>(bytes.size()), &end)) return true;
    return static_cast<std::size_t>(bytes.data() + bytes.size() - end) < 4 && static_cast<unsigned char>(*end) >= 0xC0;
}

XmlDocPtr parse_html(std::string_view html, const std::string& base, const std::string& encoding) {
    const int options =
        HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_COMPACT;
    const char* chosen = nullptr;
    if (!encoding.empty()) chosen = encoding.c_str();
    else if (looks_like_utf8(html)) chosen = "UTF-8";
    XmlDocPtr doc(htmlReadMemory(html.data(), static_cast<int>(html.size()), base.c_str(), chosen, options));
    // An encoding name libxml2 does not know: let it detect one instead.
    if (!doc && chosen)
        doc.reset(htmlReadMemory(html.data(), static_cast<int>(html.size()), base.c_str(), nullptr, options));
    return doc;
}

// What the walk collects before anything is resolved: <base> may come after
// the links it applies to.
struct RawHead {
    std::optional<std::string> title;
    std::optional<std::string> base_href;
    std::optional<std::string> manifest_href;
    std::vector<SiteIcon> icons;  // url holds the raw href
    std::optional<std::string> theme_color;
    std::optional<std::string> theme_color_for_media;  // used only if no plain one
    std::optional<std::string> application_name;
    std::optional<std::string> lang;
};

const char* icon_kind(const std::vector<std::string_view>& rel_tokens) {
    // The most specific first: "apple-touch-icon icon" is a touch icon.
    for (const char* kind : {"apple-touch-icon-precomposed", "apple-touch-icon", "icon"})
        if (has_token(rel_tokens, kind)) return kind;
    return nullptr;
}

void read_link(const xmlNode* node, RawHead& head) {
    auto rel = attribute(node, "rel");
    auto href = attribute(node, "href");
    if (!rel || !href) return;
    const auto tokens = split_on_ascii_whitespace(*rel);
    if (has_token(tokens, "manifest") && !head.manifest_href) head.manifest_href = *href;
    if (const char* kind = icon_kind(tokens)) {
        head.icons.push_back(SiteIcon{*href, kind, std::string(trim(attribute(node, "sizes").value_or(""))),
                                      std::string(trim(attribute(node, "type").value_or("")))});
    }
}

void read_meta(const xmlNode* node, RawHead& head) {
    auto name = attribute(node, "name");
    auto content = attribute(node, "content");
    if (!name || !content) return;
    const std::string key = lowercase(trim(*name));
    if (key == "theme-color") {
        // A media-specific colour (dark mode) only stands in for a plain one.
        auto& slot = attribute(node, "media") ? head.theme_color_for_media : head.theme_color;
        if (!slot && !trim(*content).empty()) slot = std::string(trim(*content));
    } else if (key == "application-name" && !head.application_name) {
        std::string value = collapse_whitespace(*content);
        if (!value.empty()) head.application_name = value;
    }
}

void read_element(const xmlNode* node, RawHead& head) {
    if (is_element(node, "link")) {
        read_link(node, head);
    } else if (is_element(node, "meta")) {
        read_meta(node, head);
    } else if (is_element(node, "title")) {
        if (!head.title) head.title = collapse_whitespace(text_content(node));
    } else if (is_element(node, "base")) {
        if (!head.base_href) head.base_href = attribute(node, "href");
    } else if (is_element(node, "html")) {
        auto lang = attribute(node, "lang");
        if (!head.lang && lang && !trim(*lang).empty()) head.lang = std::string(trim(*lang));
    }
}

RawHead read_head(const xmlDoc* doc) {
    RawHead head;
    for (const xmlNode* node = doc->children; node; node = next_in_document(node))
        if (node->type == XML_ELEMENT_NODE) read_element(node, head);
    return head;
}

std::string scheme_of(const std::string& url) {
    const char* scheme = g_uri_peek_scheme(url.c_str());  // interned, lowercase
    return scheme ? scheme : "";
}

std::optional<std::string> resolve_web_url(const std::string& base, std::string_view href, bool allow_data) {
    auto url = resolve_href(base, href);
    if (!url) return std::nullopt;
    const std::string scheme = scheme_of(*url);
    if (scheme == "http" || scheme == "https" || (allow_data && scheme == "data")) return url;
    return std::nullopt;
}

// --- what a page loads ---------------------------------------------------------

// A reference as written, before <base> is known: a URL, a srcset, or CSS
// text (a <style> element or a style attribute).
struct RawLoad {
    enum class Kind { url, srcset, css } kind;
    std::string text;
};

struct RawLoads {
    std::optional<std::string> base_href;
    std::vector<RawLoad> loads;
};

void add_attribute(const xmlNode* node, const char* name, RawLoad::Kind kind, RawLoads& out) {
    if (auto value = attribute(node, name); value && !trim(*value).empty()) out.loads.push_back({kind, *value});
}

// Links whose target the browser fetches as the page loads.
bool link_is_loaded(const std::vector<std::string_view>& rel_tokens) {
    for (const char* rel : {"stylesheet", "icon", "apple-touch-icon", "apple-touch-icon-precomposed", "mask-icon",
                            "preload", "modulepreload", "manifest"})
        if (has_token(rel_tokens, rel)) return true;
    return false;
}

void read_loads(const xmlNode* node, RawLoads& out) {
    using Kind = RawLoad::Kind;
    if (is_element(node, "base")) {
        if (!out.base_href) out.base_href = attribute(node, "href");
    } else if (is_element(node, "link")) {
        const std::string rel_text = attribute(node, "rel").value_or("");
        const auto rel = split_on_ascii_whitespace(rel_text);
        if (link_is_loaded(rel)) {
            add_attribute(node, "href", Kind::url, out);
            if (has_token(rel, "preload")) add_attribute(node, "imagesrcset", Kind::srcset, out);
        }
    } else if (is_element(node, "script") || is_element(node, "audio") || is_element(node, "track")) {
        add_attribute(node, "src", Kind::url, out);
    } else if (is_element(node, "img") || is_element(node, "source")) {
        add_attribute(node, "src", Kind::url, out);
        add_attribute(node, "srcset", Kind::srcset, out);
    } else if (is_element(node, "video")) {
        add_attribute(node, "poster", Kind::url, out);
        add_attribute(node, "src", Kind::url, out);
    } else if (is_element(node, "input")) {
        if (equals_ignoring_case(trim(attribute(node, "type").value_or("")), "image"))
            add_attribute(node, "src", Kind::url, out);
    } else if (is_element(node, "style")) {
        out.loads.push_back({Kind::css, text_content(node)});
    }
    add_attribute(node, "style", Kind::css, out);
}

// The URLs of a srcset attribute (HTML's "parse a srcset attribute", without
// the descriptors, which do not matter here: every candidate is kept).
std::vector<std::string> srcset_urls(std::string_view srcset) {
    std::vector<std::string> urls;
    std::size_t i = 0;
    while (i < srcset.size()) {
        while (i < srcset.size() && (is_ascii_whitespace(srcset[i]) || srcset[i] == ',')) ++i;
        const std::size_t start = i;
        while (i < srcset.size() && !is_ascii_whitespace(srcset[i])) ++i;
        std::string url(srcset.substr(start, i - start));
        if (url.ends_with(',')) {
            while (url.ends_with(',')) url.pop_back();
        } else {
            // Descriptors ("2x", "480w") up to the next comma outside parentheses.
            int depth = 0;
            while (i < srcset.size() && !(srcset[i] == ',' && depth == 0)) {
                if (srcset[i] == '(') ++depth;
                if (srcset[i] == ')' && depth > 0) --depth;
                ++i;
            }
        }
        if (!url.empty()) urls.push_back(std::move(url));
    }
    return urls;
}

// --- CSS ------------------------------------------------------------------------

bool is_css_name_char(char c) {
    const auto u = static_cast<unsigned char>(c);
    return g_ascii_isalnum(c) || c == '-' || c == '_' || u >= 0x80;
}

bool word_at(std::string_view text, std::size_t at, std::string_view word) {
    return text.size() - at >= word.size() && equals_ignoring_case(text.substr(at, word.size()), word);
}

// A CSS escape at css[i] == '\\': appends what it stands for and moves past it.
void read_css_escape(std::string_view css, std::size_t& i, std::string& out) {
    ++i;  // the backslash
    if (i >= css.size()) return;
    if (!g_ascii_isxdigit(css[i])) {
        if (css[i] != '\n') out += css[i];  // backslash-newline continues a string
        ++i;
        return;
    }
    gunichar code = 0;
    for (int digits = 0; digits < 6 && i < css.size() && g_ascii_isxdigit(css[i]); ++digits, ++i)
        code = code * 16 + static_cast<gunichar>(g_ascii_xdigit_value(css[i]));
    if (i < css.size() && is_ascii_whitespace(css[i])) ++i;  // one whitespace ends a hex escape
    if (code == 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) code = 0xFFFD;
    char utf8[6];
    out.append(utf8, static_cast<std::size_t>(g_unichar_to_utf8(code, utf8)));
}

// A quoted string at css[i] (the quote); moves past its end. An unescaped
// newline ends a bad string, as CSS says.
std::string read_css_string(std::string_view css, std::size_t& i) {
    const char quote = css[i++];
    std::string out;
    while (i < css.size()) {
        const char c = css[i];
        if (c == quote) {
            ++i;
            break;
        }
        if (c == '\n') break;
        if (c == '\\') {
            read_css_escape(css, i, out);
            continue;
        }
        out += c;
        ++i;
    }
    return out;
}

// The inside of url( ... ) from css[i] (just past the parenthesis) to the
// closing one, which it moves past.
std::string read_css_url(std::string_view css, std::size_t& i) {
    while (i < css.size() && is_ascii_whitespace(css[i])) ++i;
    std::string out;
    if (i < css.size() && (css[i] == '"' || css[i] == '\'')) {
        out = read_css_string(css, i);
        while (i < css.size() && css[i] != ')') ++i;
    } else {
        while (i < css.size() && css[i] != ')') {
            if (css[i] == '\\') {
                read_css_escape(css, i, out);
                continue;
            }
            out += css[i++];
        }
        out = std::string(trim(out));
    }
    if (i < css.size()) ++i;  // ')'
    return out;
}

// The references of a stylesheet as written: url()s, and the strings of
// @import and of image-set(), which are URLs too.
std::vector<std::string> css_reference_texts(std::string_view css) {
    std::vector<std::string> refs;
    bool after_import = false;
    int depth = 0;          // parentheses open outside strings and url()
    int image_set_at = -1;  // the depth inside an image-set(), or -1
    std::size_t i = 0;
    while (i < css.size()) {
        const char c = css[i];
        if (c == '/' && i + 1 < css.size() && css[i + 1] == '*') {
            const std::size_t end = css.find("*/", i + 2);
            i = end == std::string_view::npos ? css.size() : end + 2;
        } else if (c == '"' || c == '\'') {
            std::string text = read_css_string(css, i);
            if (after_import || (image_set_at >= 0 && depth == image_set_at)) refs.push_back(std::move(text));
            after_import = false;
        } else if (c == '\\') {
            std::string ignored;
            read_css_escape(css, i, ignored);  // an escaped character starts nothing
        } else if (c == '@' && word_at(css, i + 1, "import") &&
                   (i + 7 >= css.size() || !is_css_name_char(css[i + 7]))) {
            after_import = true;
            i += 7;
        } else if ((i == 0 || !is_css_name_char(css[i - 1])) && word_at(css, i, "url(")) {
            i += 4;
            refs.push_back(read_css_url(css, i));
            after_import = false;
        } else if ((i == 0 || !is_css_name_char(css[i - 1]) || (i >= 8 && word_at(css, i - 8, "-webkit-"))) &&
                   word_at(css, i, "image-set(")) {
            i += 10;
            image_set_at = ++depth;
        } else {
            if (c == '(') ++depth;
            if (c == ')') {
                if (depth == image_set_at) image_set_at = -1;
                if (depth > 0) --depth;
            }
            if (c == ';' || c == '{' || c == '}') after_import = false;
            ++i;
        }
    }
    return refs;
}

bool percent_encoded_in_path(unsigned char c) {
    return c <= 0x20 || c > 0x7E || c == '"' || c == '<' || c == '>' || c == '`' || c == '{' || c == '}';
}

bool percent_encoded_in_query(unsigned char c) {
    return c <= 0x20 || c > 0x7E || c == '"' || c == '<' || c == '>' || c == '\'';
}

// Adds `url` (a reference resolved against `base`) to `out` once.
void add_load(const std::string& base, std::string_view reference, std::set<std::string>& seen,
              std::vector<std::string>& out) {
    const std::string ref(trim(reference));
    if (ref.empty() || ref.starts_with('#')) return;
    const auto resolved = resolve_url(ref, base);
    if (!resolved) return;
    const auto url = request_url(*resolved);
    if (url && seen.insert(*url).second) out.push_back(*url);
}

}  // namespace

int SiteIcon::largest_declared_size() const {
    int largest = 0;
    for (const std::string_view token : split_on_ascii_whitespace(sizes)) {
        if (equals_ignoring_case(token, "any")) return INT_MAX;
        const auto x = token.find_first_of("xX");
        if (x == std::string_view::npos) continue;
        const long width = std::strtol(std::string(token.substr(0, x)).c_str(), nullptr, 10);
        const long height = std::strtol(std::string(token.substr(x + 1)).c_str(), nullptr, 10);
        largest = std::max<long>(largest, std::clamp<long>(std::max(width, height), 0, INT_MAX - 1));
    }
    return largest;
}

std::optional<std::string> resolve_href(const std::string& base, std::string_view href) {
    // Browsers drop tabs and newlines anywhere in a URL, and trim spaces.
    std::string cleaned;
    for (char c : trim(href))
        if (c != '\t' && c != '\n' && c != '\r') cleaned += c;
    GError* error = nullptr;
    char* resolved =
        g_uri_resolve_relative(base.empty() ? nullptr : base.c_str(), cleaned.c_str(),
                               static_cast<GUriFlags>(G_URI_FLAGS_PARSE_RELAXED | G_URI_FLAGS_ENCODED), &error);
    if (!resolved) {
        g_clear_error(&error);
        return std::nullopt;
    }
    std::string result = resolved;
    g_free(resolved);
    return result;
}

SiteInfo parse_site(std::string_view html, const std::string& page_url, const SiteParseOptions& options) {
    SiteInfo info;
    info.base_url = page_url;
    html = html.substr(0, std::min<std::size_t>(options.max_bytes, INT_MAX));
    if (html.empty()) return info;
    XmlDocPtr doc = parse_html(html, page_url, options.encoding);
    if (!doc) return info;

    RawHead head = read_head(doc.get());
    if (head.base_href)
        if (auto base = resolve_web_url(page_url, *head.base_href, false)) info.base_url = *base;

    info.title = head.title.value_or("");
    if (head.manifest_href) info.manifest_url = resolve_web_url(info.base_url, *head.manifest_href, false);
    for (auto& icon : head.icons) {
        if (auto url = resolve_web_url(info.base_url, icon.url, true)) {
            icon.url = *url;
            info.icons.push_back(std::move(icon));
        }
    }
    info.theme_color = head.theme_color ? head.theme_color : head.theme_color_for_media;
    info.application_name = head.application_name;
    info.lang = head.lang;
    return info;
}

}  // namespace cirrus::launcher

namespace cirrus::launcher {

std::optional<std::string> request_url(std::string_view url) {
    const auto parts = parse_url(url);
    if (!parts || (parts->scheme != "http" && parts->scheme != "https") || parts->host.empty()) return std::nullopt;
    const std::string plain = strip_fragment(url);
    // Everything from the path on; the scheme and authority are as parsed.
    const std::size_t authority = plain.find("//");
    const std::size_t path_at = plain.find('/', authority == std::string::npos ? 0 : authority + 2);
    if (path_at == std::string::npos) return plain;
    std::string out = plain.substr(0, path_at);
    bool in_query = false;
    for (std::size_t i = path_at; i < plain.size(); ++i) {
        const auto c = static_cast<unsigned char>(plain[i]);
        if (c == '?' && !in_query) {
            in_query = true;
            out += '?';
            continue;
        }
        if (in_query ? percent_encoded_in_query(c) : percent_encoded_in_path(c)) {
            static constexpr char hex[] = "0123456789ABCDEF";
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0xF];
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

std::vector<std::string> page_subresources(std::string_view html, const std::string& page_url,
                                           const SiteParseOptions& options) {
    std::vector<std::string> urls;
    html = html.substr(0, std::min<std::size_t>(options.max_bytes, INT_MAX));
    if (html.empty()) return urls;
    XmlDocPtr doc = parse_html(html, page_url, options.encoding);
    if (!doc) return urls;

    RawLoads raw;
    for (const xmlNode* node = doc->children; node; node = next_in_document(node))
        if (node->type == XML_ELEMENT_NODE) read_loads(node, raw);
    std::string base = page_url;
    if (raw.base_href)
        if (auto resolved = resolve_web_url(page_url, *raw.base_href, false)) base = *resolved;

    std::set<std::string> seen;
    for (const RawLoad& load : raw.loads) {
        switch (load.kind) {
        case RawLoad::Kind::url:
            add_load(base, load.text, seen, urls);
            break;
        case RawLoad::Kind::srcset:
            for (const auto& url : srcset_urls(load.text)) add_load(base, url, seen, urls);
            break;
        case RawLoad::Kind::css:
            for (const auto& ref : css_reference_texts(load.text)) add_load(base, ref, seen, urls);
            break;
        }
    }
    return urls;
}

std::vector<std::string> stylesheet_references(std::string_view css, const std::string& stylesheet_url) {
    std::vector<std::string> urls;
    std::set<std::string> seen;
    for (const auto& ref : css_reference_texts(css)) add_load(stylesheet_url, ref, seen, urls);
    return urls;
}

}  // namespace cirrus::launcher
