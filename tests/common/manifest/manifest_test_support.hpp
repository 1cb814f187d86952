// Shared helpers for the manifest tests: one app at a fixed origin.
#pragma once

#include "common/manifest.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>

namespace manifest_test {

inline const std::string kManifestUrl = "https://app.example/app/manifest.json";
inline const std::string kDocumentUrl = "https://app.example/app/index.html";

inline cirrus::launcher::ProcessedManifest process(std::string_view text) {
    return cirrus::launcher::process_manifest(text, kManifestUrl, kDocumentUrl);
}

// Processes text that must give a manifest.
inline cirrus::launcher::Manifest processed(std::string_view text) {
    auto result = process(text);
    if (result.error) FAIL("unexpected fatal error: " << result.error->text());
    REQUIRE(result.manifest);
    return *result.manifest;
}

// A warning about `member` whose message contains `fragment`.
inline bool has_warning(const cirrus::launcher::ProcessedManifest& result, std::string_view member,
                        std::string_view fragment = "") {
    for (const auto& warning : result.warnings) {
        if (warning.member == member && warning.message.find(fragment) != std::string::npos) return true;
    }
    return false;
}

inline std::string all_warnings(const cirrus::launcher::ProcessedManifest& result) {
    std::string text;
    for (const auto& warning : result.warnings) text += warning.text() + "\n";
    return text;
}

}  // namespace manifest_test
