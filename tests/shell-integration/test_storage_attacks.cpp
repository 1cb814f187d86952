// A read-only data folder against the real compositor, the real cirrus-shell
// and the real `cirrus` CLI. The attack: the phone's data folder (the
// registry, the packages) cannot be written -- remounted read-only after an
// error, or full. Before, the shell crash-looped on `PRAGMA journal_mode =
// WAL` and the screen stayed black. What must survive: the shell keeps
// running and draws the home screen with every app's icon, a banner says
// storage is unwritable, `cirrus install` fails naming the folder and the
// fix, `cirrus list` still lists every app, and nothing installed is lost.

#include <unistd.h>

#include "shell_fixture.hpp"
#include "home_layout.hpp"
#include "common/offline_store.hpp"

using namespace cirrus_shell_it;
using cirrus::shell::compute_geometry;

namespace {

// Runs `argv` with `folder` read-only. Root (as in CI) writes through file
// modes, so there the folder is bind-mounted read-only in a private mount
// namespace that only this process tree sees; for other users the folder's
// write bits are taken away (ReadOnlyFolder) and `argv` runs as it is.
std::vector<std::string> with_read_only(const std::string& folder, const std::vector<std::string>& argv) {
    if (geteuid() != 0) return argv;
    std::vector<std::string> wrapped = {
        "unshare", "-m", "sh", "-c", R"(mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@")", folder};
    wrapped.insert(wrapped.end(), argv.begin(), argv.end());
    return wrapped;
}

class ReadOnlyFolder {
public:
    explicit ReadOnlyFolder(std::string folder) : folder_(std::move(folder)) {
        if (geteuid() != 0) chmod_all("a-w");
    }
    ~ReadOnlyFolder() {
        if (geteuid() != 0) chmod_all("u+w");
    }

private:
    void chmod_all(const char* mode) { cirrus_it::run_program({"chmod", "-R", mode, folder_}); }
    std::string folder_;
};

bool banner_mapped(Compositor& compositor) {
    for (const json& l : compositor.layers()) {
        if (l["namespace"] == "cirrus-banner" && l.value("mapped", false)) return true;
    }
    return false;
}

}  // namespace

TEST_CASE("a read-only data folder: the shell still draws every app, says so, installs fail clearly") {
    ShellFixture f;
    f.install("red", "Red", kRed);
    f.install("green", "Green", kGreen);
    f.install("blue", "Blue", kBlue);
    const std::string folder = f.data_dir + "/cirrus";
    ReadOnlyFolder read_only(folder);

    std::map<std::string, std::string> env = f.env();
    f.shell = f.compositor.client(with_read_only(folder, {cirrus_it::program("CIRRUS_SHELL")}), true, env);
    // The banner that says storage cannot be written. It comes as the shell
    // starts and leaves after its few seconds: looked for first.
    CHECK(cirrus_it::wait_until([&] { return banner_mapped(f.compositor); }, kTimeout));
    f.wait_shell_mapped();

    // Every app's icon in its slot.
    const HomeGeometry g = compute_geometry(480, 800);
    f.wait_pixel(centre_x(g.icon(0)), centre_y(g.icon(0)), kRed);
    f.wait_pixel(centre_x(g.icon(1)), centre_y(g.icon(1)), kGreen);
    f.wait_pixel(centre_x(g.icon(2)), centre_y(g.icon(2)), kBlue);
    const std::string shell_log = f.shell->log_tail(4000);
    CHECK_MESSAGE(shell_log.find("is read-only") != std::string::npos, shell_log);
    CHECK(f.shell->alive());  // not crash-looping

    // An install fails with the folder and the fix; nothing is lost.
    cirrus_it::RunResult r =
        cirrus_it::run_program(with_read_only(folder, {cirrus_it::program("CIRRUS_CLI"), "--registry", f.registry,
                                                       "install", f.compositor.runtime_dir() + "/packages/green"}),
                               env, 30);
    CHECK(r.exit_code() == 1);
    CHECK_MESSAGE(r.err.find("cannot install: the data folder " + folder + " cannot be written") != std::string::npos,
                  r.err);
    CHECK_MESSAGE(r.err.find("free space on it or make it writable") != std::string::npos, r.err);
    r = cirrus_it::run_program(
        with_read_only(folder, {cirrus_it::program("CIRRUS_CLI"), "--registry", f.registry, "list"}), env, 30);
    CHECK_MESSAGE(r.exit_code() == 0, r.err);
    for (const char* id : {"red", "green", "blue"}) CHECK_MESSAGE(r.out.find(id) != std::string::npos, r.out);
    CHECK(f.shell->alive());
}

// The attack: the offline store is damaged while the phone runs. Whoever
// opens it next (a web-app host, through common/offline_store) sets it aside
// and starts an empty one, and every hosted app has lost its offline copy.
// What must survive: the user hears of it -- the shell, started afterwards,
// puts up a banner (it reads the note the store leaves beside itself).
TEST_CASE("a damaged offline store, set aside by whoever opened it, puts up a banner in the shell") {
    ShellFixture f;
    f.install("red", "Red", kRed);
    const std::filesystem::path store = f.data_dir + "/cirrus/offline.sqlite";
    write_file(store, std::string(16 * 1024, 'x'));
    {
        auto opened = cirrus::offline::OfflineStore::open(store);  // as a host opening it would
        REQUIRE(opened.recoveries().size() == 1);
    }
    REQUIRE(std::filesystem::exists(store.string() + ".damaged"));

    f.start_shell();
    CHECK(cirrus_it::wait_until([&] { return banner_mapped(f.compositor); }, kTimeout));  // before it leaves
    const HomeGeometry g = compute_geometry(480, 800);
    f.wait_pixel(centre_x(g.icon(0)), centre_y(g.icon(0)), kRed);
    CHECK(f.shell->alive());
}
