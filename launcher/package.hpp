// Reading a packaged web app — a folder or a .zip — without trusting it.
//
// A package comes from a stranger: every path in it must stay inside it, it
// must not smuggle links or device files, and it must stay small enough for a
// phone with 512 MB of RAM. open_package() checks all of that up front and
// lists the files; reading and extracting check the sizes again, because a
// folder can change after it was listed and a zip can lie about its sizes.
//
// Plain data in, plain data out: this knows nothing of manifests' contents or
// of the registry; install.cpp puts those together.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cirrus::launcher {

// Every refusal and I/O failure. The message names the package, the entry and
// the rule or limit, e.g.
//   "app.zip: entry '../evil.js' leaves the package (zip-slip); refusing it".
class PackageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct PackageLimits {
    std::size_t max_files = 2000;
    std::uint64_t max_total_bytes = 50ull << 20;  // uncompressed, all files
    std::uint64_t max_file_bytes = 10ull << 20;   // uncompressed, one file
    // Uncompressed : compressed. Applied to entries larger than
    // ratio_floor_bytes only: a tiny file of spaces legitimately compresses
    // 200:1, and small files are bounded by the total limit anyway.
    std::uint64_t max_compression_ratio = 100;
    std::uint64_t ratio_floor_bytes = 64u << 10;
};

struct PackageFile {
    std::string path;        // relative, '/'-separated, normalised ("css/app.css")
    std::uint64_t size = 0;  // uncompressed bytes, as listed
};

class Package {
public:
    enum class Kind { folder, zip };

    Package(Package&&) noexcept;
    Package& operator=(Package&&) noexcept;
    ~Package();

    // The name used in messages: the folder's or the zip's file name.
    const std::string& name() const;
    const std::filesystem::path& source() const;
    Kind kind() const;

    // Regular files only (directories are implied by their files), sorted by path.
    const std::vector<PackageFile>& files() const;
    std::uint64_t total_size() const;
    bool contains(std::string_view relative_path) const;

    // The file's bytes (binary-safe). Throws PackageError for a path that is
    // not in files(), or when its contents break the limits now.
    std::string read(std::string_view relative_path) const;

    // The manifest's relative path, if there is one at the package root: the
    // file named by index.html's <link rel="manifest"> when it is inside the
    // package (that is the one a browser would load), otherwise
    // manifest.webmanifest, otherwise manifest.json.
    std::optional<std::string> find_manifest() const;

    // Writes every file under `dest` atomically: the files go into a fresh
    // hidden directory next to `dest`, are synced, and that directory is
    // renamed to `dest` (exchanged with it when `dest` already exists, the old
    // contents then removed). After a failure or a crash, `dest` holds either
    // its old contents or the whole package; never a half-written one.
    void extract_to(const std::filesystem::path& dest) const;

    struct Impl;  // opaque: defined in package.cpp

private:
    explicit Package(std::unique_ptr<Impl> impl);
    friend Package open_package(const std::filesystem::path&, const PackageLimits&);
    std::unique_ptr<Impl> impl_;
};

// Opens a folder, or a zip file (by its contents, not its extension), and
// checks every entry against the safety rules and `limits`.
Package open_package(const std::filesystem::path& path, const PackageLimits& limits = {});

// The normalised form of a path inside a package ("a//./b" -> "a/b"), or an
// explanation of why it is refused ("is absolute", "has a '..' component", ...).
struct PackagePathCheck {
    std::optional<std::string> normalised;
    std::string problem;
};
PackagePathCheck check_package_path(std::string_view raw);

}  // namespace cirrus::launcher
