// URL helpers for manifest processing: thin wrappers over glib's GUri.
//
// Every function takes untrusted text and never throws or crashes: a string
// that is not a usable URL gives std::nullopt (or false). URLs come back in one
// normal form (scheme and host lowercased, default port dropped, dot segments
// removed, an empty http(s) path made "/"), so comparing two normalised URLs
// as strings is meaningful.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cirrus::launcher {

// The parts of an absolute URL, already normalised. `port` is -1 when the
// URL has none (or has the scheme's default port); query and fragment are
// empty when absent, and has_query / has_fragment tell "?" from nothing.
struct UrlParts {
    std::string scheme;
    std::string host;
    int port = -1;
    std::string path;
    std::string query;
    std::string fragment;
    bool has_query = false;
    bool has_fragment = false;
};

// Schemes whose URLs have an origin Cirrus can reason about: http, https,
// app (packaged apps) and file (developer mode).
bool is_supported_scheme(std::string_view scheme);

// Parses an absolute URL; nullopt for relative references and garbage.
std::optional<UrlParts> parse_url(std::string_view text);

// `text` normalised, or nullopt when it is not an absolute URL.
std::optional<std::string> normalise_url(std::string_view text);

// Resolves `reference` (relative or absolute) against the absolute `base`.
std::optional<std::string> resolve_url(std::string_view reference, std::string_view base);

// "scheme://host[:port]" for a URL of a supported scheme, else nullopt.
// file: URLs share one origin per host ("file://"): browsers give them an
// opaque origin, but developer mode loads a whole app from one folder and
// needs its files to count as one origin.
std::optional<std::string> url_origin(std::string_view url);

// Both URLs have an origin and it is the same one.
bool same_origin(std::string_view a, std::string_view b);

// `url` is same origin as `scope` and its path starts with scope's path
// (a string prefix, as browsers compare it: scope "/app" contains "/apple").
// The scope's query and fragment are ignored.
bool is_within_scope(std::string_view url, std::string_view scope);

// `url` without its fragment ("#..."); unchanged when it is not a URL.
std::string strip_fragment(std::string_view url);

// The default scope of a start URL: the URL with its last path segment
// (the "file name"), query and fragment removed. nullopt for non-URLs.
std::optional<std::string> directory_of(std::string_view url);

}  // namespace cirrus::launcher
