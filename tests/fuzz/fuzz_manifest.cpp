// libFuzzer target: process_manifest() on arbitrary bytes must never crash,
// hang or trip a sanitizer, and any manifest it produces must survive the
// registry's JSON round trip unchanged.
#include "common/manifest.hpp"

#include <nlohmann/json.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace cirrus::launcher;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto result =
        process_manifest(text, "https://fuzz.example/app/manifest.json", "https://fuzz.example/app/index.html");
    if (result.manifest.has_value() == result.error.has_value()) std::abort();
    for (const auto& warning : result.warnings) (void)warning.text();
    if (!result.manifest) return 0;
    const Manifest& manifest = *result.manifest;
    auto stored = nlohmann::json::parse(to_json(manifest).dump());
    auto read_back = manifest_from_json(stored);
    if (!read_back || !(*read_back == manifest)) std::abort();
    (void)best_icon(manifest, 48);
    (void)best_icon(manifest, 0, IconPurpose::maskable);
    (void)home_screen_label(manifest);
    return 0;
}
