// Shared by the cirrus-webapp-host tests: temporary folders, and packaged
// apps written straight into a registry (launcher::Registry::install) the
// way the installer leaves them.
#pragma once

#include <filesystem>
#include <string>

#include "common/registry.hpp"

namespace webapp_test {

// A fresh folder under /tmp, removed when the object goes (unless
// CIRRUS_TEST_KEEP=1).
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

// The processed manifest, as the registry stores it, of a packaged app
// `id` with `members` (a JSON object's text, e.g. R"({"display":"fullscreen"})")
// for its manifest.webmanifest at app://id/. (manifest_support.cpp: the one
// test file that includes manifest.hpp.)
std::string stored_manifest_json(const std::string& id, const std::string& members);

// A record for a packaged app whose files are in `package_dir`.
cirrus::launcher::AppRecord packaged_app(const std::string& id, const std::filesystem::path& package_dir,
                                         const std::string& manifest_members = "{}");

// A record for a hosted app (as installed from a manifest URL) that starts
// at `start_url` and whose scope is `scope`.
cirrus::launcher::AppRecord hosted_app(const std::string& id, const std::string& start_url, const std::string& scope);

void write_file(const std::filesystem::path& file, const std::string& text);

}  // namespace webapp_test
