// `cirrus pack DIR [-o FILE.zip]`: an app's folder as the zip a phone
// installs. It checks the folder with the installer's own checks
// (install.hpp: open_installable, check_package), so it refuses what
// `cirrus install` would refuse, in the same words, and it checks the zip it
// wrote the same way before putting it in place: a pack that succeeds is a
// zip that installs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace cirrus::launcher {

struct PackResult {
    std::filesystem::path zip;  // where it was written
    std::string id;             // the id `cirrus install` gives it on a phone without it
    std::string name;           // the app's name, from its manifest
    std::size_t files = 0;
    std::uint64_t bytes = 0;            // the files, uncompressed
    std::uint64_t zip_bytes = 0;        // the zip
    std::vector<std::string> warnings;  // what `cirrus install` would warn about
    // The files left out: only `zip` itself, when it is inside the folder.
    std::vector<std::string> left_out;
};

// `out` defaults to <folder's name>.zip in the current folder. The zip is
// written beside `out` under a temporary name and renamed over it once
// checked, so a failed pack leaves an earlier zip whole. Throws
// InstallError (the installer's refusals) or PackError.
PackResult pack_folder(const std::filesystem::path& folder, std::optional<std::filesystem::path> out = std::nullopt);

class PackError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace cirrus::launcher
