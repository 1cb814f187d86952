// `cirrus install --plan --json` and `--progress=json [--confirm]`: the
// machine-readable install that the compositor's "Add to Home Screen" runs.

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "fixtures.hpp"

using namespace cirrus::test;
using nlohmann::json;

namespace {

std::string cli_command(const TempDir& dir, const std::vector<std::string>& args) {
    std::string command = "CIRRUS_OFFLINE_STORE='" + (dir.path() / "offline.sqlite").string() + "' '" +
                          std::string(CIRRUS_CLI) + "' --registry '" + (dir.path() / "registry.db").string() + "'";
    for (const auto& a : args) command += " '" + a + "'";
    return command;
}

// Every stdout line, parsed: each must be one JSON object.
std::vector<json> json_lines(const std::string& out) {
    std::vector<json> lines;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
    return lines;
}

json list_apps(const TempDir& dir) {
    return json::parse(run_shell(cli_command(dir, {"list", "--json"}), dir.path() / "err.txt").out);
}

}  // namespace

TEST_CASE("install --plan --json says what an install would do and writes nothing but the icon") {
    TempDir dir;
    HttpTestServer origin(offline_app_routes());
    const auto icon = dir.path() / "icon.png";
    Run run =
        run_shell(cli_command(dir, {"install", "--plan", "--json", "--icon-out", icon.string(), origin.url("/news/")}),
                  dir.path() / "err.txt");
    REQUIRE_MESSAGE(run.status == 0, run.err);
    const auto lines = json_lines(run.out);
    REQUIRE(lines.size() == 1);
    const json plan = lines[0]["plan"];
    CHECK(plan["name"] == "Offline News");
    CHECK(plan["id"].get<std::string>().starts_with("127.0.0.1"));
    CHECK(plan["origin"] == origin.url("/").substr(0, origin.url("/").size() - 1));
    CHECK(plan["installed"] == false);
    CHECK(plan["offline_bytes_known"].get<long long>() > 0);
    CHECK(plan["offline_files"].get<long long>() >= 5);  // page, icon, style.css, app.js, logo.svg
    // A PNG, and nothing installed.
    std::ifstream png(icon, std::ios::binary);
    std::string magic(8, '\0');
    png.read(magic.data(), 8);
    CHECK(magic == "\x89PNG\r\n\x1a\n");
    CHECK(list_apps(dir).empty());

    // Installed, the same plan says so (the sheet offers Open).
    REQUIRE(run_shell(cli_command(dir, {"install", origin.url("/news/")}), dir.path() / "err.txt").status == 0);
    run = run_shell(cli_command(dir, {"install", "--plan", "--json", origin.url("/news/")}), dir.path() / "err.txt");
    CHECK(json_lines(run.out)[0]["plan"]["installed"] == true);
    CHECK(json_lines(run.out)[0]["plan"]["id"] == plan["id"]);
}

TEST_CASE("install --progress=json --confirm: the plan, then progress lines and the result once confirmed") {
    TempDir dir;
    HttpTestServer origin(offline_app_routes());
    Run run = run_shell(
        "echo install | " + cli_command(dir, {"install", "--progress=json", "--confirm", origin.url("/news/")}),
        dir.path() / "err.txt");
    REQUIRE_MESSAGE(run.status == 0, run.err);
    const auto lines = json_lines(run.out);
    REQUIRE(lines.size() > 3);
    // Progress while planning, the plan, then the install's progress.
    std::size_t plan_at = lines.size();
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].contains("plan")) plan_at = i;
    }
    REQUIRE(plan_at < lines.size() - 1);
    CHECK(lines[plan_at]["plan"]["name"] == "Offline News");
    CHECK(lines.back()["installed"]["name"] == "Offline News");
    CHECK(lines.back()["installed"]["offline_ready"] == true);
    CHECK(lines.back()["installed"]["stored"] == lines.back()["installed"]["total"]);
    bool saw_files = false;
    for (const json& line : lines) {
        if (line.contains("progress") && line["progress"]["files"] == true) {
            saw_files = true;
            CHECK(line["progress"]["done"].get<long long>() <= line["progress"]["total"].get<long long>());
        }
    }
    CHECK(saw_files);
    CHECK(list_apps(dir).size() == 1);
}

TEST_CASE("install --progress=json --confirm cancelled installs nothing; errors come as JSON") {
    TempDir dir;
    HttpTestServer origin(offline_app_routes());
    Run run =
        run_shell("echo no | " + cli_command(dir, {"install", "--progress=json", "--confirm", origin.url("/news/")}),
                  dir.path() / "err.txt");
    CHECK(run.status == 0);
    CHECK(json_lines(run.out).back() == json{{"cancelled", true}});
    CHECK(list_apps(dir).empty());

    run = run_shell("true | " + cli_command(dir, {"install", "--progress=json", "--confirm", origin.url("/news/")}),
                    dir.path() / "err.txt");
    CHECK(json_lines(run.out).back() == json{{"cancelled", true}});

    run = run_shell(cli_command(dir, {"install", "--progress=json", origin.url("/nothing-here/")}),
                    dir.path() / "err.txt");
    CHECK(run.status == 1);
    const json error = json_lines(run.out).back();
    REQUIRE(error.contains("error"));
    CHECK(error["error"].get<std::string>().find("404") != std::string::npos);

    run = run_shell(cli_command(dir, {"install", "--plan", "--json", dir.path().string()}), dir.path() / "err.txt");
    CHECK(run.status == 2);
    CHECK(run.err.find("http(s) URL only") != std::string::npos);
    CHECK(list_apps(dir).empty());
}
