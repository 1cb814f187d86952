#include "package_files.hpp"

#include <algorithm>
#include <array>
#include <system_error>
#include <utility>

#include "common/strings.hpp"

namespace cirrus::webapp {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::string> percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out.push_back(text[i]);
            continue;
        }
        if (i + 2 >= text.size()) return std::nullopt;
        const int hi = hex_value(text[i + 1]);
        const int lo = hex_value(text[i + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
    }
    return out;
}

bool is_inside(const std::filesystem::path& file, const std::filesystem::path& root) {
    auto f = file.begin();
    for (auto r = root.begin(); r != root.end(); ++r, ++f) {
        if (r->empty()) continue;  // a trailing separator
        if (f == file.end() || *f != *r) return false;
    }
    return true;
}

PackageLookup refuse(int status, std::string reason) {
    PackageLookup result;
    result.status = status;
    result.reason = std::move(reason);
    return result;
}

}  // namespace

std::optional<std::string> decoded_package_path(std::string_view uri, std::string* authority) {
    const std::string prefix = std::string(kPackageScheme) + "://";
    if (uri.size() < prefix.size() || lowercase(uri.substr(0, prefix.size())) != prefix) return std::nullopt;
    std::string_view rest = uri.substr(prefix.size());
    rest = rest.substr(0, rest.find_first_of("?#"));
    const std::size_t slash = rest.find('/');
    if (authority) *authority = lowercase(rest.substr(0, slash));
    if (slash == std::string_view::npos) return std::string("/");
    return percent_decode(rest.substr(slash));
}

PackageLookup resolve_package_uri(std::string_view uri, std::string_view own_id,
                                  const std::filesystem::path& package_dir) {
    std::string authority;
    const std::optional<std::string> path = decoded_package_path(uri, &authority);
    if (!path) return refuse(403, "not an app:// URL this host can read");
    if (authority != own_id) return refuse(403, "app://" + authority + "/ belongs to another app");
    if (path->find('\0') != std::string::npos || path->find('\\') != std::string::npos) {
        return refuse(403, "bad character in the path");
    }

    // Build the relative path segment by segment; ".." is never followed.
    std::filesystem::path relative;
    std::size_t start = 0;
    while (start <= path->size()) {
        const std::size_t end = std::min(path->find('/', start), path->size());
        const std::string_view segment = std::string_view(*path).substr(start, end - start);
        if (segment == "..") return refuse(403, "'..' in the path");
        if (!segment.empty() && segment != ".") relative /= std::string(segment);
        start = end + 1;
    }

    std::error_code ec;
    const std::filesystem::path root = std::filesystem::canonical(package_dir, ec);
    if (ec) return refuse(404, "the package folder is missing");
    std::filesystem::path candidate = root / relative;
    if (std::filesystem::is_directory(candidate, ec)) candidate /= "index.html";
    const std::filesystem::path real = std::filesystem::canonical(candidate, ec);
    if (ec) return refuse(404, "no such file in the package");
    if (!is_inside(real, root)) return refuse(403, "the file leads outside the package");
    if (!std::filesystem::is_regular_file(real, ec)) return refuse(404, "not a file");

    PackageLookup found;
    found.status = 200;
    found.file = real;
    return found;
}

std::string_view mime_type_for(const std::filesystem::path& file) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 20> types = {{
        {".html", "text/html"},
        {".htm", "text/html"},
        {".js", "text/javascript"},
        {".mjs", "text/javascript"},
        {".css", "text/css"},
        {".json", "application/json"},
        {".webmanifest", "application/manifest+json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},
        {".gif", "image/gif"},
        {".webp", "image/webp"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".woff", "font/woff"},
        {".ttf", "font/ttf"},
        {".txt", "text/plain"},
        {".wasm", "application/wasm"},
        {".xml", "application/xml"},
    }};
    const std::string ext = lowercase(file.extension().string());
    for (const auto& [e, type] : types) {
        if (e == ext) return type;
    }
    return "application/octet-stream";
}

bool is_text_mime_type(std::string_view mime) {
    return mime.starts_with("text/") || mime == "application/json" || mime == "application/manifest+json" ||
           mime == "image/svg+xml" || mime == "application/xml";
}

}  // namespace cirrus::webapp
