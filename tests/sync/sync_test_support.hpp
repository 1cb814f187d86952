// Shared by the sync tests: running a program with stdin and an environment,
// one in the background, waiting for a condition, and writing files.
#pragma once

#include <array>
#include <chrono>
#include <csignal>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/wait.h>

namespace cirrus::test {

struct ProgramRun {
    int status = -1;
    std::string out;
    std::string err;
};

// Runs a shell command line with `input` on its stdin; stdout and stderr
// kept apart (stderr through a file in `scratch`).
inline ProgramRun run_program(const std::string& command, const std::filesystem::path& scratch,
                              const std::string& input = "") {
    const std::filesystem::path in_path = scratch / "stdin.txt";
    const std::filesystem::path err_path = scratch / "stderr.txt";
    std::ofstream(in_path, std::ios::binary) << input;
    const std::string line = "(" + command + ") <'" + in_path.string() + "' 2>'" + err_path.string() + "'";
    ProgramRun run;
    FILE* pipe = popen(line.c_str(), "r");
    if (!pipe) return run;
    std::array<char, 4096> buffer{};
    size_t n;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) run.out.append(buffer.data(), n);
    const int status = pclose(pipe);
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream err(err_path);
    run.err.assign(std::istreambuf_iterator<char>(err), {});
    return run;
}

inline std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline void write_text(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

// A program in the background whose stdout and stderr go to a file; killed
// with the test.
struct Background {
    pid_t pid = -1;
    Background(const std::vector<std::string>& arguments, const std::filesystem::path& out) {
        std::vector<std::string> copy = arguments;
        std::vector<char*> argv;
        for (std::string& argument : copy) argv.push_back(argument.data());
        argv.push_back(nullptr);
        const int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        pid = fork();
        if (pid == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            dup2(fd, STDOUT_FILENO);
            dup2(fd, STDERR_FILENO);
            execv(argv[0], argv.data());
            _exit(127);
        }
        close(fd);
    }
    int stop(int signal) {
        if (pid <= 0) return -1;
        kill(pid, signal);
        int status = 0;
        waitpid(pid, &status, 0);
        pid = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    ~Background() { stop(SIGKILL); }
};

template <typename Predicate>
bool wait_until(Predicate predicate, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (predicate()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return predicate();
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace cirrus::test
