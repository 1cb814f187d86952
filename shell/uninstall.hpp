// Uninstalling is the launcher's job: the shell runs `cirrus remove`, which
// deletes the app's package, its data and its registry row (the shell sees
// the row go through its registry watch).
#pragma once

#include <filesystem>
#include <string>

namespace cirrus::shell {

// Starts `cirrus --registry REGISTRY remove ID` in the background (nothing
// waits for it, and it leaves no zombie); false if it could not start.
bool start_uninstall(const std::filesystem::path& registry, const std::string& app_id);

}  // namespace cirrus::shell
