// `cirrus update [ID] [--json]` and `cirrus update ID --progress=json
// --confirm [--icon-out FILE]`: the update of installed hosted apps (issue
// 20 item 5) with the rules of update_policy.hpp and the same installer as
// `cirrus install` (Installer::plan_from_url, then install_plan).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/registry.hpp"

namespace cirrus::launcher {

struct UpdateUsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// `args` after "update". Returns the exit status: 0 when every check ran
// (whatever it found), 1 when one failed (the origin down, a broken
// manifest: nothing changed for that app).
int run_update(Registry& registry, const std::filesystem::path& registry_path, const std::filesystem::path& apps_dir,
               const std::vector<std::string>& args);

}  // namespace cirrus::launcher
