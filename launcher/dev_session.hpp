// `cirrus dev`: an app in a folder (or at a URL) running in a nested Cirrus
// window on the developer's desktop, reloaded as its files change. The
// decisions are dev_policy.hpp's; this is the glue: a private data folder,
// the in-place install, the nested compositor, the folder watch and the keys.
#pragma once

#include <string>
#include <vector>

namespace cirrus::launcher {

// `args` follow "dev". Returns the exit status; throws DevUsageError on a
// bad command line and std::runtime_error for what stops the session.
int run_dev(const std::vector<std::string>& args);

}  // namespace cirrus::launcher
