// Shared by the sync tests: running a program with stdin and an environment,
// and writing files.
#pragma once

#include <array>
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

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace cirrus::test
