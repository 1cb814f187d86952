// Damaged storage against the real `cirrus` CLI on real files, as the phone
// meets it: the compositor runs `cirrus install-bundled` at every start, and
// the user runs `cirrus list` and `cirrus info`. What must survive is every
// installed app (its package folder, its website data, its place in the
// registry) and the user's knowledge of what was lost.

#include <doctest/doctest.h>

#include <array>
#include <cstdio>
#include <map>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "fixtures.hpp"

// Named (not anonymous): the test files are built as one unity source.
namespace damaged_storage {

using namespace cirrus::test;
using nlohmann::json;

// A phone's data folders in a temporary folder: the registry, the packages,
// the offline store and the website data all where the real programs put
// them ($XDG_DATA_HOME/cirrus/...).
struct Phone {
    TempDir dir;
    std::filesystem::path data = dir.path() / "data";
    std::filesystem::path cirrus_dir = data / "cirrus";
    std::filesystem::path registry = cirrus_dir / "registry.db";
    std::filesystem::path offline_store = cirrus_dir / "offline.sqlite";

    // `cirrus ARGS` as the compositor and the user run it (no --registry:
    // the default paths under $XDG_DATA_HOME).
    std::string command(const std::vector<std::string>& args) const {
        std::string command =
            "XDG_DATA_HOME='" + data.string() + "' XDG_CACHE_HOME='" + (dir.path() / "cache").string() +
            "' CIRRUS_BUNDLED_DIR='" + std::string(CIRRUS_SOURCE_MANIFESTS) +
            "' CIRRUS_REGISTRY= CIRRUS_APPS_DIR= CIRRUS_OFFLINE_STORE= '" + std::string(CIRRUS_CLI) + "'";
        for (const auto& a : args) command += " '" + a + "'";
        return command;
    }
    Run cirrus(const std::vector<std::string>& args) const { return shell(command(args)); }
    // Runs a shell script; its stdout and stderr apart.
    Run shell(const std::string& script) const { return run_shell(script, dir.path() / "stderr.txt"); }

    // id -> package_dir, from `cirrus list --json`.
    std::map<std::string, std::string> installed() const {
        const Run run = cirrus({"list", "--json"});
        REQUIRE_MESSAGE(run.status == 0, run.err);
        std::map<std::string, std::string> apps;
        for (const json& app : json::parse(run.out)) apps[app["id"]] = app["package_dir"];
        return apps;
    }

    std::filesystem::path website_data(const std::string& id) const { return cirrus_dir / "app-data" / id; }
};

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

// The bundled apps, a user's app packaged from a folder and a hosted app
// from a loopback origin (stored for offline use), each with website data.
// Returns the hosted app's id.
std::string install_phone(Phone& phone, const HttpTestServer& origin) {
    Run run = phone.cirrus({"install-bundled"});
    REQUIRE_MESSAGE(run.status == 0, run.err);
    run = phone.cirrus({"install", make_package(phone.dir.path() / "src" / "diary", "Diary").string()});
    REQUIRE_MESSAGE(run.status == 0, run.err);
    run = phone.cirrus({"install", origin.url("/news/")});
    REQUIRE_MESSAGE(run.status == 0, run.err);
    REQUIRE(
        run.out.ends_with("precached (8/8 stored); offline-ready after its first online run, which learns what "
                          "its scripts load\n"));
    const std::string hosted = run.out.substr(10, run.out.find(' ', 10) - 10);
    for (const std::string id : {"diary", hosted.c_str(), "notes"})
        write_file(phone.website_data(id) / "localstorage" / "data.localstorage", "the user's " + id);
    return hosted;
}

// After the attack: what the compositor runs at start, then what the user
// runs; every app is still installed, in the same package folder, with its
// files and its website data.
void check_everything_survived(Phone& phone, const std::map<std::string, std::string>& before,
                               const std::string& hosted, const std::string& expected_problem) {
    const Run start = phone.cirrus({"install-bundled"});
    REQUIRE_MESSAGE(start.status == 0, start.err);
    INFO("install-bundled said: " << start.err);
    CHECK(start.err.find(phone.registry.string() + " was damaged (") != std::string::npos);
    CHECK(start.err.find(expected_problem) != std::string::npos);
    CHECK(start.err.find("set aside as " + phone.registry.string() + ".corrupt-") != std::string::npos);
    CHECK(start.err.find("recovered " + std::to_string(before.size()) + " apps (") != std::string::npos);
    for (const auto& [id, dir] : before) CHECK(start.err.find(id) != std::string::npos);
    CHECK(start.out.empty());  // nothing reinstalled: the bundled apps were recovered

    const auto after = phone.installed();
    CHECK(after == before);  // the same apps, each in its own, untouched package folder
    for (const auto& [id, dir] : after) {
        if (dir.empty()) continue;  // the hosted app
        CHECK_MESSAGE(std::filesystem::exists(std::filesystem::path(dir) / "index.html"), id);
        CHECK_MESSAGE(std::filesystem::exists(std::filesystem::path(dir) / "manifest.webmanifest"), id);
    }
    for (const std::string id : {"diary", hosted.c_str(), "notes"})
        CHECK(read_text(phone.website_data(id) / "localstorage" / "data.localstorage") == "the user's " + id);
    // Launchable: the registry has the start page and the icons the shell draws.
    const Run info = phone.cirrus({"info", "diary", "--json"});
    REQUIRE_MESSAGE(info.status == 0, info.err);
    CHECK(json::parse(info.out)["start_url"] == "app://diary/index.html");
    CHECK(json::parse(info.out)["manifest"]["name"] == "Diary");
    const Run hosted_info = phone.cirrus({"info", hosted});
    // All install found is there (it never ran online, so it is not ready).
    CHECK(hosted_info.out.find("offline:          not ready (8/8 stored; not run online yet") != std::string::npos);
    // Said once: the next start finds a healthy registry.
    CHECK(phone.cirrus({"install-bundled"}).err.find("damaged") == std::string::npos);
}

TEST_CASE("a registry overwritten with garbage is rebuilt, and install-bundled deletes no user app") {
    Phone phone;
    HttpTestServer origin(offline_app_routes());
    const std::string hosted = install_phone(phone, origin);
    const auto before = phone.installed();
    REQUIRE(before.size() >= 6);

    std::string garbage(64 * 1024, '\0');
    for (std::size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<char>((i * 7919) >> 3);
    write_file(phone.registry, garbage);
    check_everything_survived(phone, before, hosted, "not a database");
}

TEST_CASE("a registry emptied to 0 bytes is damage, said and rebuilt, not a first start") {
    Phone phone;
    HttpTestServer origin(offline_app_routes());
    const std::string hosted = install_phone(phone, origin);
    const auto before = phone.installed();
    std::filesystem::resize_file(phone.registry, 0);
    check_everything_survived(phone, before, hosted, "the file is empty (0 bytes)");
}

TEST_CASE("without the registry's copies, packages and the offline store still give every app back") {
    Phone phone;
    HttpTestServer origin(offline_app_routes());
    const std::string hosted = install_phone(phone, origin);
    const auto before = phone.installed();
    // An older Cirrus kept no copies: only the packages and the offline store are left.
    std::filesystem::remove_all(phone.registry.string() + ".copies");
    std::filesystem::resize_file(phone.registry, 0);

    const Run start = phone.cirrus({"install-bundled"});
    REQUIRE_MESSAGE(start.status == 0, start.err);
    INFO("install-bundled said: " << start.err);
    CHECK(start.err.find("recovered " + std::to_string(before.size()) + " apps") != std::string::npos);
    CHECK(start.err.find("diary: made again from its package's manifest") != std::string::npos);
    CHECK(start.err.find(hosted + ": from the offline store only") != std::string::npos);
    const auto after = phone.installed();
    for (const auto& [id, dir] : before) {
        REQUIRE_MESSAGE(after.count(id), id);
        CHECK(after.at(id) == dir);  // the same package folder, not a reinstall
        if (!dir.empty()) CHECK(std::filesystem::exists(std::filesystem::path(dir) / "index.html"));
    }
    const Run hosted_info = phone.cirrus({"info", hosted, "--json"});
    CHECK(json::parse(hosted_info.out)["start_url"] == origin.url("/news/"));
    CHECK(read_text(phone.website_data("diary") / "localstorage" / "data.localstorage") == "the user's diary");
}

TEST_CASE("a damaged offline store is reported, its apps are not offline-ready until stored again") {
    Phone phone;
    HttpTestServer origin(offline_app_routes());
    const std::string hosted = install_phone(phone, origin);

    write_file(phone.offline_store, std::string(16 * 1024, 'x'));
    std::filesystem::remove(phone.offline_store.string() + "-wal");
    std::filesystem::remove(phone.offline_store.string() + "-shm");

    Run run = phone.cirrus({"info", hosted});
    REQUIRE_MESSAGE(run.status == 0, run.err);
    INFO("info said: " << run.err << run.out);
    CHECK(run.err.find("the offline store " + phone.offline_store.string() + " was damaged") != std::string::npos);
    CHECK(run.err.find("set aside as " + phone.offline_store.string() + ".corrupt-") != std::string::npos);
    CHECK(run.err.find("lost their offline copy") != std::string::npos);
    CHECK(run.err.find(hosted + " (`cirrus install " + origin.url("/news/") + "`)") != std::string::npos);
    CHECK(run.out.find("offline:          not ready (its offline copy was lost: the offline store was damaged") !=
          std::string::npos);
    CHECK(std::filesystem::exists(phone.offline_store.string() + ".damaged"));  // the shell's banner reads it

    // Said every time until repaired, and the registry agrees.
    run = phone.cirrus({"list", "--json"});
    CHECK(run.err.find("lost their offline copy") != std::string::npos);
    for (const json& app : json::parse(run.out)) {
        if (app["id"] == hosted) CHECK(app["offline_ready"] == false);
    }
    run = phone.cirrus({"info", hosted, "--json"});
    CHECK(json::parse(run.out)["offline"]["state"] == "not-ready");
    CHECK(json::parse(run.out)["offline"]["lost"]["reason"] == "the offline store was damaged");

    // Stored again: ready, and the damage is no longer reported.
    run = phone.cirrus({"install", origin.url("/news/")});
    REQUIRE_MESSAGE(run.status == 0, run.err);
    CHECK(run.out.find("precached (8/8 stored)") != std::string::npos);
    run = phone.cirrus({"info", hosted});
    CHECK(run.out.find("offline:          not ready (8/8 stored; not run online yet") != std::string::npos);
    CHECK(run.err.find("damaged") == std::string::npos);
    CHECK_FALSE(std::filesystem::exists(phone.offline_store.string() + ".damaged"));
}

TEST_CASE("a full data folder: install fails naming the folder and the fix, list still lists every app") {
    if (geteuid() != 0) {
        MESSAGE("skipped: a full filesystem is a tmpfs mounted in a private mount namespace, which needs root");
        return;
    }
    Phone phone;
    const std::string diary = make_package(phone.dir.path() / "src" / "diary", "Diary").string();
    std::filesystem::create_directories(phone.data);
    // The attack, in a private mount namespace: the data folder is a 4 MiB
    // tmpfs, the bundled apps are installed, then the disk fills up.
    const std::string script = "unshare -m sh -c \"mount -t tmpfs -o size=4m tmpfs '" + phone.data.string() + "' && " +
                               phone.command({"install-bundled"}) + " >/dev/null 2>&1 && " + "dd if=/dev/zero of='" +
                               (phone.data / "filler").string() + "' bs=64k 2>/dev/null; " + "echo BEFORE; " +
                               phone.command({"list"}) + "; echo INSTALL; " + phone.command({"install", diary}) +
                               "; echo STATUS=\\$?; " + phone.command({"list"}) + "; echo LISTED=\\$?\"";
    const Run run = phone.shell(script);
    INFO("out: " << run.out << "\nerr: " << run.err);
    const std::string before =
        run.out.substr(run.out.find("BEFORE\n") + 7, run.out.find("INSTALL") - run.out.find("BEFORE\n") - 7);
    REQUIRE(before.find("notes") != std::string::npos);
    CHECK(run.out.find("STATUS=1") != std::string::npos);
    CHECK(run.err.find("cannot install: the data folder " + (phone.data / "cirrus").string() + " cannot be written") !=
          std::string::npos);
    CHECK(run.err.find("free space on it or make it writable") != std::string::npos);
    CHECK(run.out.find("LISTED=0") != std::string::npos);
    const std::string after = run.out.substr(run.out.find("STATUS="));
    CHECK(after.find(before) != std::string::npos);  // every app still listed
    CHECK(after.find("diary") == std::string::npos);
}

}  // namespace damaged_storage
