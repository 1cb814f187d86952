// The manifest's display modes (https://www.w3.org/TR/appmanifest/#display-modes)
// as the host uses them. Its own header so that the file reading the stored
// manifest (manifest.hpp) and the rest of the host (registry.hpp) share it.
#pragma once

#include <optional>
#include <string>

namespace cirrus::webapp {

enum class DisplayMode { fullscreen, standalone, minimal_ui, browser };

// "fullscreen", "standalone", "minimal-ui", "browser"; nullopt otherwise.
std::optional<DisplayMode> display_mode_from_string(const std::string& text);

// Reads the manifest JSON the registry stores (launcher::manifest_from_json).
// nullopt when it is unreadable; else the manifest's display mode.
std::optional<DisplayMode> stored_manifest_display(const std::string& manifest_json);

}  // namespace cirrus::webapp
