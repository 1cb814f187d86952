#include "uninstall.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace cirrus::shell {
namespace {

// The build tree's launcher/cirrus beside this shell's folder (developers
// run from there), else the one on PATH.
std::string cirrus_program() {
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const auto built = self.parent_path().parent_path() / "launcher" / "cirrus";
        if (access(built.c_str(), X_OK) == 0) return built.string();
    }
    return "cirrus";
}

}  // namespace

bool start_uninstall(const std::filesystem::path& registry, const std::string& app_id) {
    const std::string program = cirrus_program();
    std::vector<std::string> argv = {program, "--registry", registry.string(), "remove", app_id};
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    // Two forks: the grandchild is adopted by init, so the shell never has
    // to reap it (its event loop has no child watch).
    const pid_t child = fork();
    if (child < 0) {
        std::fprintf(stderr, "cirrus-shell: cannot remove %s: fork: %s\n", app_id.c_str(), std::strerror(errno));
        return false;
    }
    if (child == 0) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);  // the shell blocks SIGTERM for its signalfd
        if (fork() == 0) {
            execvp(args[0], args.data());
            std::fprintf(stderr, "cirrus-shell: cannot run %s: %s\n", args[0], std::strerror(errno));
            _exit(127);
        }
        _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    return true;
}

}  // namespace cirrus::shell
