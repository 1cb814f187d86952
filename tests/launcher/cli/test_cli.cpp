// The `cirrus` command end to end: the real binary on a real registry file.

#include <doctest/doctest.h>

#include <array>
#include <cstdio>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "fixtures.hpp"

using namespace cirrus::test;

namespace {

struct Run {
    int status = -1;
    std::string out;
    std::string err;
};

// Runs `cirrus` with the test's registry; stdout and stderr kept apart.
Run run_cli(const TempDir& dir, const std::vector<std::string>& args, const std::string& extra_env = "") {
    const auto err_path = dir.path / "stderr.txt";
    std::string command = extra_env + " '" + std::string(CIRRUS_CLI) + "' --registry '" +
                          (dir.path / "registry.db").string() + "'";
    for (const auto& a : args) command += " '" + a + "'";
    command += " 2>'" + err_path.string() + "'";
    Run run;
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::array<char, 4096> buffer{};
    size_t n;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) run.out.append(buffer.data(), n);
    const int status = pclose(pipe);
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream err(err_path);
    run.err.assign(std::istreambuf_iterator<char>(err), {});
    return run;
}

}  // namespace

TEST_CASE("install, list, info and remove on a real registry file") {
    TempDir dir;
    const auto package = make_package(dir.path / "src" / "notes", "Notes");

    Run run = run_cli(dir, {"install", package.string()});
    REQUIRE_MESSAGE(run.status == 0, run.err);
    CHECK(run.out == "installed notes (Notes)\n");
    CHECK(run.err.find("rasterising icons") != std::string::npos);  // progress on the terminal

    run = run_cli(dir, {"list", "--json"});
    REQUIRE(run.status == 0);
    const auto list = nlohmann::json::parse(run.out);
    REQUIRE(list.size() == 1);
    CHECK(list[0]["id"] == "notes");
    CHECK(list[0]["start_url"] == "app://notes/index.html");
    CHECK(list[0]["home_position"] == 0);

    run = run_cli(dir, {"info", "notes"});
    CHECK(run.status == 0);
    CHECK(run.out.find("offline-ready     yes") != std::string::npos);
    run = run_cli(dir, {"info", "notes", "--json"});
    CHECK(nlohmann::json::parse(run.out)["manifest"]["name"] == "Notes");

    run = run_cli(dir, {"install", package.string()});
    CHECK(run.out == "updated notes (Notes)\n");

    run = run_cli(dir, {"remove", "notes"});
    CHECK(run.status == 0);
    CHECK(run.out == "removed notes\n");
    CHECK(nlohmann::json::parse(run_cli(dir, {"list", "--json"}).out).empty());
    CHECK(std::filesystem::is_empty(dir.path / "apps"));
}

TEST_CASE("errors name what is wrong and exit non-zero") {
    TempDir dir;
    Run run = run_cli(dir, {"info", "nope"});
    CHECK(run.status == 1);
    CHECK(run.err.find("no app 'nope' is installed") != std::string::npos);
    run = run_cli(dir, {"remove", "nope"});
    CHECK(run.status == 1);
    run = run_cli(dir, {"frobnicate"});
    CHECK(run.status == 2);
    CHECK(run.err.find("unknown command 'frobnicate'") != std::string::npos);
    run = run_cli(dir, {"install"});
    CHECK(run.status == 2);
    run = run_cli(dir, {"install", (dir.path / "missing").string()});
    CHECK(run.status == 1);
    CHECK(run.err.find("missing") != std::string::npos);

    make_package(dir.path / "src" / "notes", "Notes");
    run_cli(dir, {"install", (dir.path / "src" / "notes").string()});
    run = run_cli(dir, {"launch", "notes"}, "CIRRUS_CONTROL=" + (dir.path / "no-compositor.sock").string());
    CHECK(run.status == 1);
    CHECK(run.err.find("cannot reach the compositor") != std::string::npos);
}

TEST_CASE("a damaged registry is set aside, said, and a new one works") {
    TempDir dir;
    write_file(dir.path / "registry.db", std::string(8192, 'x'));
    Run run = run_cli(dir, {"list"});
    CHECK(run.status == 0);
    CHECK(run.err.find("damaged") != std::string::npos);
    bool kept = false;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path)) {
        kept = kept || entry.path().filename().string().starts_with("registry.db.corrupt-");
    }
    CHECK(kept);
}

TEST_CASE("a hosted app installs from a loopback origin by URL") {
    TempDir dir;
    HttpTestServer origin(hosted_routes());
    Run run = run_cli(dir, {"install", origin.url("/app/")});
    REQUIRE_MESSAGE(run.status == 0, run.err);
    CHECK(run.out.find("installed 127.0.0.1") == 0);
    CHECK(run.err.find("warning: icon") != std::string::npos);
}
