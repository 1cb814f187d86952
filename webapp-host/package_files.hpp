// Serving a packaged app's files at app://<id>/...: which file a request
// URL names, and under which MIME type. Plain C++ (no WebKit) so that the
// rules that keep a page inside its own package are tested on their own.
//
// The rules: the authority must be the host's own app id (anything else is
// 403); the path is percent-decoded once and a ".." segment, a NUL, or a
// backslash in it is 403; the file is looked up under the package folder and
// its real path (symlinks resolved) must still be inside that folder's real
// path (else 403); a folder serves its index.html; a missing file is 404.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "common/app_id.hpp"  // kPackageScheme

namespace cirrus::webapp {

struct PackageLookup {
    int status = 404;            // 200, 403 or 404
    std::filesystem::path file;  // set when status is 200: the real path
    std::string reason;          // for the error body and logs
};

// `uri` as WebKit hands it over ("app://notes/css/a.css?x=1#f").
PackageLookup resolve_package_uri(std::string_view uri, std::string_view own_id,
                                  const std::filesystem::path& package_dir);

// The path part of `uri` after the authority, percent-decoded, or nullopt
// when the URI is not app://AUTHORITY/... or decodes badly. `authority`
// receives the lowercased authority.
std::optional<std::string> decoded_package_path(std::string_view uri, std::string* authority);

// The MIME type for a file name, by extension (case-insensitive);
// "application/octet-stream" for unknown ones.
std::string_view mime_type_for(const std::filesystem::path& file);

// The MIME type is text that a page reads as text (gets "; charset=utf-8").
bool is_text_mime_type(std::string_view mime);

}  // namespace cirrus::webapp
