// A standby host's command line, without a display, and the real binary's
// refusals (the channel's lines: tests/common/agreements).
#include <doctest/doctest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <tuple>
#include <sys/wait.h>

#include "app_config.hpp"

using namespace cirrus::webapp;

TEST_CASE("--standby goes with --standby-fd N, and excludes --app") {
    auto p = parse_options({"--standby", "--standby-fd", "3"});
    CHECK_FALSE(p.error);
    CHECK(p.options.standby);
    CHECK(p.options.standby_fd == 3);
    CHECK(p.options.app_id.empty());
    p = parse_options({"--standby-fd=7", "--standby", "--no-jit"});
    CHECK_FALSE(p.error);
    CHECK(p.options.standby_fd == 7);
    CHECK(p.options.no_jit);

    CHECK(parse_options({"--standby"}).error->find("--standby-fd") != std::string::npos);
    CHECK(parse_options({"--standby-fd", "3"}).error->find("--standby") != std::string::npos);
    CHECK(parse_options({"--standby", "--standby-fd", "3", "--app", "notes"}).error->find("exclude") !=
          std::string::npos);
    for (const char* bad : {"", "x", "-1", "3x", "999999"}) {
        CAPTURE(bad);
        const auto parsed = parse_options({"--standby", "--standby-fd", bad});
        REQUIRE(parsed.error);
        CHECK(parsed.error->find("--standby-fd") != std::string::npos);
    }
    CHECK(parse_options({"--standby", "--standby-fd"}).error);
    CHECK(usage_text().find("--standby-fd N") != std::string::npos);
}

TEST_CASE("the host binary refuses a standby without its channel, naming the flag") {
    const char* host = std::getenv("CIRRUS_WEBAPP_HOST");
    REQUIRE_MESSAGE(host, "CIRRUS_WEBAPP_HOST is not set (meson sets it)");
    auto run = [&](const std::string& args) {
        const std::string command = "env -i PATH=/usr/bin:/bin '" + std::string(host) + "' " + args + " 2>&1";
        std::string output;
        FILE* pipe = popen(command.c_str(), "r");
        REQUIRE(pipe);
        std::array<char, 512> buffer;
        while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) output.append(buffer.data(), n);
        const int status = pclose(pipe);
        return std::make_pair(WIFEXITED(status) ? WEXITSTATUS(status) : -1, output);
    };
    auto [code, output] = run("--standby");
    CHECK(code == kExitUsage);
    CHECK(output.find("--standby-fd") != std::string::npos);
    // Not open (the shell's redirections leave 42 closed): refused before any display is needed.
    std::tie(code, output) = run("--standby --standby-fd 42");
    CHECK(code == kExitUsage);
    CHECK(output.find("--standby-fd 42 is not open") != std::string::npos);
}
