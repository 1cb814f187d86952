// Reading a web page's head with libxml2's HTML parser; see site.hpp.
#include "site.hpp"

#include <algorithm>
#include <climits>
#include <memory>

#include <glib.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

namespace cirrus::launcher {

namespace {

bool is_ascii_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

std::string trim(std::string_view text) {
    auto begin = text.begin();
    auto end = text.end();
    while (begin != end && is_ascii_space(*begin)) ++begin;
    while (end != begin && is_ascii_space(*(end - 1))) --end;
    return std::string(begin, end);
}

// Trimmed, with every run of ASCII whitespace made one space (as browsers
// show a <title>).
std::string collapse_whitespace(std::string_view text) {
    std::string out;
    bool pending_space = false;
    for (char c : text) {
        if (is_ascii_space(c)) {
            pending_space = !out.empty();
            continue;
        }
        if (pending_space) out += ' ';
        pending_space = false;
        out += c;
    }
    return out;
}

std::string lowercase(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = g_ascii_tolower(c);
    return out;
}

std::vector<std::string> split_tokens(std::string_view text) {
    std::vector<std::string> tokens;
    std::string current;
    for (char c : text) {
        if (is_ascii_space(c)) {
            if (!current.empty()) tokens.push_back(std::move(current));
            current.clear();
        } else {
            current += c;
        }
    }
    if (!current.empty()) tokens.push_back(std::move(current));
    return tokens;
}

bool has_token(const std::vector<std::string>& tokens, std::string_view wanted) {
    return std::any_of(tokens.begin(), tokens.end(), [&](const std::string& token) {
        return g_ascii_strcasecmp(token.c_str(), std::string(wanted).c_str()) == 0;
    });
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
        if (!attr->name || g_ascii_strcasecmp(reinterpret_cast<const char*>(attr->name), name) != 0)
            continue;
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
    return static_cast<std::size_t>(bytes.data() + bytes.size() - end) < 4 &&
           static_cast<unsigned char>(*end) >= 0xC0;
}

XmlDocPtr parse_html(std::string_view html, const std::string& base, const std::string& encoding) {
    const int options = HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                        HTML_PARSE_NOWARNING | HTML_PARSE_COMPACT;
    const char* chosen = nullptr;
    if (!encoding.empty()) chosen = encoding.c_str();
    else if (looks_like_utf8(html)) chosen = "UTF-8";
    XmlDocPtr doc(htmlReadMemory(html.data(), static_cast<int>(html.size()), base.c_str(), chosen,
                                 options));
    // An encoding name libxml2 does not know: let it detect one instead.
    if (!doc && chosen)
        doc.reset(htmlReadMemory(html.data(), static_cast<int>(html.size()), base.c_str(), nullptr,
                                 options));
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

const char* icon_kind(const std::vector<std::string>& rel_tokens) {
    // The most specific first: "apple-touch-icon icon" is a touch icon.
    for (const char* kind : {"apple-touch-icon-precomposed", "apple-touch-icon", "icon"})
        if (has_token(rel_tokens, kind)) return kind;
    return nullptr;
}

void read_link(const xmlNode* node, RawHead& head) {
    auto rel = attribute(node, "rel");
    auto href = attribute(node, "href");
    if (!rel || !href) return;
    const auto tokens = split_tokens(*rel);
    if (has_token(tokens, "manifest") && !head.manifest_href) head.manifest_href = *href;
    if (const char* kind = icon_kind(tokens)) {
        head.icons.push_back(SiteIcon{*href, kind, trim(attribute(node, "sizes").value_or("")),
                                      trim(attribute(node, "type").value_or(""))});
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
        if (!slot && !trim(*content).empty()) slot = trim(*content);
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
        if (!head.lang && lang && !trim(*lang).empty()) head.lang = trim(*lang);
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

std::optional<std::string> resolve_web_url(const std::string& base, std::string_view href,
                                           bool allow_data) {
    auto url = resolve_href(base, href);
    if (!url) return std::nullopt;
    const std::string scheme = scheme_of(*url);
    if (scheme == "http" || scheme == "https" || (allow_data && scheme == "data")) return url;
    return std::nullopt;
}

}  // namespace

int SiteIcon::largest_declared_size() const {
    int largest = 0;
    for (const auto& token : split_tokens(sizes)) {
        if (g_ascii_strcasecmp(token.c_str(), "any") == 0) return INT_MAX;
        const auto x = token.find_first_of("xX");
        if (x == std::string::npos) continue;
        const long width = std::strtol(token.substr(0, x).c_str(), nullptr, 10);
        const long height = std::strtol(token.substr(x + 1).c_str(), nullptr, 10);
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
    char* resolved = g_uri_resolve_relative(base.empty() ? nullptr : base.c_str(), cleaned.c_str(),
                                            static_cast<GUriFlags>(G_URI_FLAGS_PARSE_RELAXED |
                                                                   G_URI_FLAGS_ENCODED),
                                            &error);
    if (!resolved) {
        g_clear_error(&error);
        return std::nullopt;
    }
    std::string result = resolved;
    g_free(resolved);
    return result;
}

SiteInfo parse_site(std::string_view html, const std::string& page_url,
                    const SiteParseOptions& options) {
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
