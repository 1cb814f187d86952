// cirrus-board-profile: checks a board profile and prints what the image
// build needs from it.
//   cirrus-board-profile check PROFILE...       exit 0, or 2 with the file, key and fix
//   cirrus-board-profile compositor-conf PROFILE   the device's /etc/cirrus/compositor.conf
//   cirrus-board-profile shell-vars PROFILE        KEY='value' lines for board/build-image
#include <cstdio>
#include <string>

#include "profile.hpp"

int main(int argc, char** argv) {
    const std::string usage =
        "usage: cirrus-board-profile check PROFILE... | compositor-conf PROFILE | shell-vars PROFILE\n";
    if (argc < 3) {
        std::fputs(usage.c_str(), stderr);
        return 2;
    }
    const std::string command = argv[1];
    try {
        if (command == "check") {
            for (int i = 2; i < argc; ++i) {
                const auto profile = cirrus::board::load_profile(argv[i]);
                std::printf("%s: ok (%s)\n", argv[i], profile.name.c_str());
            }
            return 0;
        }
        if (argc != 3) {
            std::fputs(usage.c_str(), stderr);
            return 2;
        }
        const auto profile = cirrus::board::load_profile(argv[2]);
        if (command == "compositor-conf") {
            std::fputs(cirrus::board::compositor_conf(profile).c_str(), stdout);
        } else if (command == "shell-vars") {
            std::fputs(cirrus::board::shell_variables(profile).c_str(), stdout);
        } else {
            std::fputs(usage.c_str(), stderr);
            return 2;
        }
    } catch (const cirrus::board::ProfileError& e) {
        std::fprintf(stderr, "cirrus-board-profile: %s\n", e.what());
        return 2;
    }
    return 0;
}
