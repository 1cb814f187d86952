// Reading the manifest the registry stores. Kept apart from app_config.cpp
// so that this is the one file of the host that includes manifest.hpp.
#include "display_mode.hpp"
#include "common/manifest.hpp"

#include <nlohmann/json.hpp>

namespace cirrus::webapp {

std::optional<DisplayMode> stored_manifest_display(const std::string& manifest_json) {
    std::optional<launcher::Manifest> manifest;
    try {
        manifest = launcher::manifest_from_json(nlohmann::json::parse(manifest_json));
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
    if (!manifest) return std::nullopt;
    return display_mode_from_string(std::string(launcher::to_string(manifest->display)));
}

}  // namespace cirrus::webapp
