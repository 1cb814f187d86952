// Privileged globals are offered only to trusted clients.

#include "helpers.hpp"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

using namespace cirrus_it;

namespace {

const std::vector<std::string> kPrivileged = {
    "zwlr_layer_shell_v1",          "zwlr_foreign_toplevel_manager_v1",
    "zwlr_screencopy_manager_v1",   "zwp_virtual_keyboard_manager_v1",
    "zwp_input_method_manager_v2",  "zwlr_virtual_pointer_manager_v1",
    "zwlr_output_power_manager_v1", "cirrus_shell_v1",
};

// Offered only to the processes the compositor started as web-app hosts.
const std::string kHostOnly = "cirrus_app_v1";

const std::vector<std::string> kOrdinary = {"wl_compositor", "wl_shm", "wl_seat", "wl_output", "xdg_wm_base"};

std::set<std::string> globals_from(const std::string& out) {
    json j = json::parse(out.substr(0, out.find('\n')));
    std::set<std::string> names;
    for (auto& g : j.at("globals")) names.insert(g.get<std::string>());
    return names;
}

std::set<std::string> registry_globals(Compositor& c, bool trusted) {
    RunResult r = run_program({program("CIRRUS_TEST_REGISTRY")}, c.client_env(trusted));
    if (!r.exited_ok()) throw std::runtime_error("cirrus-test-registry failed: " + r.out + r.err);
    return globals_from(r.out);
}

std::string list(const std::set<std::string>& names) {
    std::string s;
    for (auto& n : names) s += n + " ";
    return s;
}

std::set<std::string> spawned_globals(Compositor& c, bool trusted) {
    std::string out = c.new_path(trusted ? "spawn-trusted.json" : "spawn-untrusted.json");
    std::string cmd =
        "'" + program("CIRRUS_TEST_REGISTRY") + "' > '" + out + ".tmp' && mv '" + out + ".tmp' '" + out + "'";
    json r = c.request({{"cmd", "spawn"}, {"argv", {"/bin/sh", "-c", cmd}}, {"trusted", trusted}});
    if (r["ok"] != true) throw std::runtime_error("spawn failed: " + r.dump());
    if (!r["pid"].is_number_integer()) throw std::runtime_error("spawn answered no pid: " + r.dump());
    if (!wait_until([&] { return access(out.c_str(), F_OK) == 0; }))
        throw std::runtime_error("the spawned registry client wrote nothing; compositor log:\n" + c.log_tail());
    std::ifstream in(out);
    std::stringstream ss;
    ss << in.rdbuf();
    return globals_from(ss.str());
}

}  // namespace

TEST_CASE("an untrusted client does not see privileged globals") {
    Compositor c;
    auto globals = registry_globals(c, false);
    for (auto& name : kPrivileged) CHECK_MESSAGE(globals.count(name) == 0, name << " offered to an untrusted client");
    for (auto& name : kOrdinary) CHECK_MESSAGE(globals.count(name) == 1, name << " missing: " << list(globals));
    CHECK(globals.count(kHostOnly) == 0);
    // An untrusted client that asks for a layer surface anyway cannot have one.
    auto layer = c.client(test_layer_argv({"--anchor", "top,left,right", "--size", "0x40"}));
    auto status = layer->wait_exit(kTimeout);
    REQUIRE(status);
    CHECK(WIFEXITED(*status));
    CHECK(WEXITSTATUS(*status) == 3);  // "zwlr_layer_shell_v1 not offered"
    CHECK(c.layers().empty());
}

TEST_CASE("a client on the trusted socket sees privileged globals") {
    Compositor c;
    auto globals = registry_globals(c, true);
    for (auto& name : kPrivileged) CHECK_MESSAGE(globals.count(name) == 1, name << " missing: " << list(globals));
    for (auto& name : kOrdinary) CHECK_MESSAGE(globals.count(name) == 1, name << " missing: " << list(globals));
    CHECK_MESSAGE(globals.count(kHostOnly) == 0, "trust is not being a host");
    // Windows of trusted clients say so.
    auto app = c.client(test_client_argv(), true);
    app->expect("mapped");
    json w = wait_window(c, app->pid(), nullptr, "listed");
    CHECK(w["trusted"] == true);
    auto other = start_app(c);
    json w2 = wait_window(c, other->pid(), nullptr, "listed");
    CHECK(w2["trusted"] == false);
}

TEST_CASE("spawn gives trust only when asked") {
    Compositor c;
    auto trusted = spawned_globals(c, true);
    for (auto& name : kPrivileged) CHECK_MESSAGE(trusted.count(name) == 1, name << " missing: " << list(trusted));
    auto untrusted = spawned_globals(c, false);
    for (auto& name : kPrivileged) CHECK_MESSAGE(untrusted.count(name) == 0, name << " offered to an untrusted spawn");
    CHECK(untrusted.count("xdg_wm_base") == 1);
}

TEST_CASE("only a process started as an app's host sees cirrus_app_v1") {
    // The "host" is the registry client itself (exec'd: the pid must be the
    // one the supervisor started); it lists what a host is offered.
    const std::string out_dir = "/tmp/cirrus-host-globals-" + std::to_string(getpid());
    std::filesystem::create_directories(out_dir);
    const std::string script = out_dir + "/host.sh";
    {
        std::ofstream f(script);
        f << "#!/bin/sh\nexec '" << program("CIRRUS_TEST_REGISTRY") << "' > \"" << out_dir << "/$2.json\"\n";
    }
    std::filesystem::permissions(script, std::filesystem::perms::owner_all);
    Compositor::Options o;
    o.extra_args = {"--app-host", script};
    o.installed_apps = {"some-app"};
    Compositor c(o);
    json r = c.request({{"cmd", "launch"}, {"app", "some-app"}});
    REQUIRE_MESSAGE(r["ok"] == true, r.dump());
    const std::string out = out_dir + "/some-app.json";
    std::string text;
    const bool listed = wait_until([&] {
        std::ifstream in(out);
        std::stringstream ss;
        ss << in.rdbuf();
        text = ss.str();
        return text.find('\n') != std::string::npos;  // the whole line is written
    });
    REQUIRE_MESSAGE(listed, text << c.log_tail());
    const auto globals = globals_from(text);
    CHECK_MESSAGE(globals.count(kHostOnly) == 1, list(globals));
    for (auto& name : kPrivileged) CHECK_MESSAGE(globals.count(name) == 0, name << " offered to a host");
    std::filesystem::remove_all(out_dir);
}
