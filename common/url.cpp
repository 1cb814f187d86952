#include "url.hpp"

#include <glib.h>

#include <algorithm>
#include <array>
#include <memory>

#include "app_id.hpp"
#include "strings.hpp"

namespace cirrus::launcher {
namespace {

// ENCODED keeps percent-escapes as written (so "%zz" cannot make parsing fail
// and nothing is decoded twice); SCHEME_NORMALIZE drops default ports and
// gives http(s) an empty path "/"; PARSE_RELAXED accepts what web pages write
// (spaces and other stray characters are percent-encoded, not refused).
constexpr auto kUriFlags =
    static_cast<GUriFlags>(G_URI_FLAGS_ENCODED | G_URI_FLAGS_SCHEME_NORMALIZE | G_URI_FLAGS_PARSE_RELAXED);

struct UriUnref {
    void operator()(GUri* uri) const { g_uri_unref(uri); }
};
using UriPtr = std::unique_ptr<GUri, UriUnref>;

struct GFree {
    void operator()(char* text) const { g_free(text); }
};
using GCharPtr = std::unique_ptr<char, GFree>;

// What the URL standard does before parsing: trim surrounding whitespace and
// control characters and delete tabs and newlines anywhere. A NUL byte would
// silently cut the C string GUri sees, so a URL holding one is refused.
std::optional<std::string> clean_url_text(std::string_view text) {
    if (text.find('\0') != std::string_view::npos) return std::nullopt;
    auto is_trimmed = [](char c) { return static_cast<unsigned char>(c) <= 0x20; };
    while (!text.empty() && is_trimmed(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_trimmed(text.back())) text.remove_suffix(1);
    std::string cleaned;
    cleaned.reserve(text.size());
    for (char c : text) {
        if (c != '\t' && c != '\n' && c != '\r') cleaned += c;
    }
    return cleaned;
}

int default_port(std::string_view scheme) {
    if (scheme == "http") return 80;
    if (scheme == "https") return 443;
    return -1;
}

bool needs_host(std::string_view scheme) { return scheme == "http" || scheme == "https" || scheme == kPackageScheme; }

std::string nullable(const char* text) { return text ? text : ""; }

std::optional<UrlParts> parts_of(GUri* uri) {
    UrlParts parts;
    parts.scheme = lowercase(nullable(g_uri_get_scheme(uri)));
    parts.host = lowercase(nullable(g_uri_get_host(uri)));
    parts.port = g_uri_get_port(uri);
    if (parts.port == default_port(parts.scheme)) parts.port = -1;
    parts.path = nullable(g_uri_get_path(uri));
    parts.has_query = g_uri_get_query(uri) != nullptr;
    parts.query = nullable(g_uri_get_query(uri));
    parts.has_fragment = g_uri_get_fragment(uri) != nullptr;
    parts.fragment = nullable(g_uri_get_fragment(uri));
    if (parts.scheme.empty()) return std::nullopt;
    if (needs_host(parts.scheme) && parts.host.empty()) return std::nullopt;
    if (is_supported_scheme(parts.scheme) && parts.path.empty()) parts.path = "/";
    return parts;
}

std::string host_for_url(const std::string& host) {
    // An IPv6 literal comes out of GUri without its brackets.
    return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

std::string serialise(const UrlParts& parts, bool with_fragment) {
    std::string url = parts.scheme + ":";
    if (!parts.host.empty() || is_supported_scheme(parts.scheme)) {
        url += "//" + host_for_url(parts.host);
        if (parts.port >= 0) url += ":" + std::to_string(parts.port);
    }
    url += parts.path;
    if (parts.has_query) url += "?" + parts.query;
    if (with_fragment && parts.has_fragment) url += "#" + parts.fragment;
    return url;
}

std::string origin_of(const UrlParts& parts) {
    std::string origin = parts.scheme + "://" + host_for_url(parts.host);
    if (parts.port >= 0) origin += ":" + std::to_string(parts.port);
    return origin;
}

}  // namespace

bool is_supported_scheme(std::string_view scheme) {
    static constexpr std::array<std::string_view, 4> kSchemes = {"http", "https", kPackageScheme, "file"};
    return std::find(kSchemes.begin(), kSchemes.end(), scheme) != kSchemes.end();
}

std::optional<UrlParts> parse_url(std::string_view text) {
    auto cleaned = clean_url_text(text);
    if (!cleaned || cleaned->empty()) return std::nullopt;
    UriPtr uri(g_uri_parse(cleaned->c_str(), kUriFlags, nullptr));
    if (!uri) return std::nullopt;
    return parts_of(uri.get());
}

std::optional<std::string> normalise_url(std::string_view text) {
    auto parts = parse_url(text);
    if (!parts) return std::nullopt;
    return serialise(*parts, true);
}

std::optional<std::string> resolve_url(std::string_view reference, std::string_view base) {
    auto cleaned_reference = clean_url_text(reference);
    auto normal_base = normalise_url(base);
    if (!cleaned_reference || !normal_base) return std::nullopt;
    GCharPtr resolved(g_uri_resolve_relative(normal_base->c_str(), cleaned_reference->c_str(), kUriFlags, nullptr));
    if (!resolved) return std::nullopt;
    return normalise_url(resolved.get());
}

std::optional<std::string> url_origin(std::string_view url) {
    auto parts = parse_url(url);
    if (!parts || !is_supported_scheme(parts->scheme)) return std::nullopt;
    return origin_of(*parts);
}

bool same_origin(std::string_view a, std::string_view b) {
    auto origin_a = url_origin(a);
    auto origin_b = url_origin(b);
    return origin_a && origin_b && *origin_a == *origin_b;
}

bool is_within_scope(std::string_view url, std::string_view scope) {
    auto url_parts = parse_url(url);
    auto scope_parts = parse_url(scope);
    if (!url_parts || !scope_parts) return false;
    if (!is_supported_scheme(url_parts->scheme) || !is_supported_scheme(scope_parts->scheme)) {
        return false;
    }
    if (origin_of(*url_parts) != origin_of(*scope_parts)) return false;
    return url_parts->path.starts_with(scope_parts->path);
}

std::string strip_fragment(std::string_view url) {
    auto parts = parse_url(url);
    if (!parts) return std::string(url);
    return serialise(*parts, false);
}

std::optional<std::string> directory_of(std::string_view url) {
    auto parts = parse_url(url);
    if (!parts || !parts->path.starts_with('/')) return std::nullopt;
    parts->path.erase(parts->path.rfind('/') + 1);
    parts->has_query = parts->has_fragment = false;
    parts->query.clear();
    parts->fragment.clear();
    return serialise(*parts, false);
}

}  // namespace cirrus::launcher
