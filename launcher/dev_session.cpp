#include "dev_session.hpp"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string_view>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "dev_checklist.hpp"
#include "dev_policy.hpp"
#include "fetch.hpp"
#include "install.hpp"
#include "package.hpp"
#include "site.hpp"
#include "terminal_text.hpp"
#include "common/app_id.hpp"
#include "common/control_socket.hpp"
#include "common/file_text.hpp"
#include "common/offline_store.hpp"
#include "common/registry.hpp"
#include "common/remote_inspector.hpp"
#include "common/service_worker_record.hpp"
#include "common/store_path.hpp"
#include "common/strings.hpp"

namespace cirrus::launcher {

namespace {

using nlohmann::json;

volatile std::sig_atomic_t g_stop = 0;
void on_stop_signal(int) { g_stop = 1; }

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

void say(const std::string& text) {
    std::printf("cirrus dev: %s\n", terminal_safe(text).c_str());
    std::fflush(stdout);
}

// The session's own data: registry, app data, offline store, config. The
// developer's installed phone data is never read or written.
class SessionFolder {
public:
    SessionFolder() {
        const char* tmp = std::getenv("TMPDIR");
        std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/cirrus-dev-XXXXXX";
        if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot make a folder in " + pattern + " (set TMPDIR)");
        path_ = pattern;
    }
    ~SessionFolder() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    SessionFolder(const SessionFolder&) = delete;
    SessionFolder& operator=(const SessionFolder&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

// Every folder under the app's, watched (hidden ones left out); changes come
// back as paths relative to it.
class FolderWatch {
public:
    explicit FolderWatch(std::filesystem::path root) : root_(std::move(root)) {
        fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (fd_ < 0) throw std::runtime_error("cannot watch " + root_.string() + ": inotify_init1 failed");
        add_tree("");
    }
    ~FolderWatch() { close(fd_); }
    FolderWatch(const FolderWatch&) = delete;
    FolderWatch& operator=(const FolderWatch&) = delete;
    int fd() const { return fd_; }

    std::vector<std::string> read_changes() {
        std::vector<std::string> changes;
        alignas(inotify_event) char buffer[16384];
        for (;;) {
            const ssize_t n = ::read(fd_, buffer, sizeof buffer);
            if (n <= 0) break;
            for (ssize_t at = 0; at < n;) {
                const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
                at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
                const auto dir = dirs_.find(event->wd);
                if (dir == dirs_.end() || event->len == 0) continue;
                const std::string relative = (dir->second.empty() ? "" : dir->second + "/") + event->name;
                if ((event->mask & IN_ISDIR) && (event->mask & (IN_CREATE | IN_MOVED_TO))) add_tree(relative);
                changes.push_back(relative);
            }
        }
        return changes;
    }

private:
    void add_tree(const std::string& relative) {
        if (!relative.empty() && ignored_change(relative)) return;
        const std::filesystem::path dir = relative.empty() ? root_ : root_ / relative;
        const int wd =
            inotify_add_watch(fd_, dir.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE);
        if (wd < 0) {
            say("cannot watch " + dir.string() + " (raise fs.inotify.max_user_watches?): its changes do not reload");
            return;
        }
        dirs_[wd] = relative;
        std::error_code ec;
        for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
            if (entry.is_directory(ec) && !entry.is_symlink(ec))
                add_tree((relative.empty() ? "" : relative + "/") + entry.path().filename().string());
        }
    }

    std::filesystem::path root_;
    int fd_ = -1;
    std::map<int, std::string> dirs_;
};

// Single keys from a terminal (no Enter needed), restored on exit.
class RawKeys {
public:
    RawKeys() {
        if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_) != 0) return;
        termios raw = saved_;
        raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);
        raw.c_cc[VMIN] = 1;
        raw.c_cc[VTIME] = 0;
        active_ = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
    }
    ~RawKeys() {
        if (active_) tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
    }
    RawKeys(const RawKeys&) = delete;
    RawKeys& operator=(const RawKeys&) = delete;
    bool active() const { return active_; }

private:
    termios saved_{};
    bool active_ = false;
};

std::filesystem::path program_beside(const std::string& name, const char* build_folder) {
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        for (const auto& candidate :
             {self.parent_path().parent_path() / build_folder / name, self.parent_path() / name}) {
            if (access(candidate.c_str(), X_OK) == 0) return candidate;
        }
    }
    return name;  // execvp searches PATH
}

// cirrus-weak-link --proxy (tests/tools/weak_link.cpp), the weak-link
// profiles' one player: every request of the app's host goes through it
// (CIRRUS_WEBAPP_PROXY), and `n` switches its profile live with a line on
// its stdin. A child that dies with this process.
class WeakLinkProxy {
public:
    // null when the program cannot be run.
    static std::unique_ptr<WeakLinkProxy> start(std::string_view profile) {
        const std::string program = program_beside("cirrus-weak-link", "tests/tools").string();
        int to_child[2];
        int from_child[2];
        if (pipe2(to_child, O_CLOEXEC) != 0) return nullptr;
        if (pipe2(from_child, O_CLOEXEC) != 0) {
            close(to_child[0]);
            close(to_child[1]);
            return nullptr;
        }
        std::vector<std::string> argv = {program, "--proxy", "--profile", std::string(profile)};
        std::vector<char*> args;
        for (auto& a : argv) args.push_back(a.data());
        args.push_back(nullptr);
        const pid_t parent = getpid();
        const pid_t pid = fork();
        if (pid == 0) {
            prctl(PR_SET_PDEATHSIG, SIGTERM);
            if (getppid() != parent) _exit(1);
            dup2(to_child[0], STDIN_FILENO);
            dup2(from_child[1], STDOUT_FILENO);
            execvp(args[0], args.data());
            _exit(127);
        }
        close(to_child[0]);
        close(from_child[1]);
        if (pid < 0) {
            close(to_child[1]);
            close(from_child[0]);
            return nullptr;
        }
        auto proxy = std::unique_ptr<WeakLinkProxy>(new WeakLinkProxy(pid, to_child[1], from_child[0]));
        const std::string line = proxy->read_line(5000);
        const std::string prefix = "listening ";
        if (!line.starts_with(prefix)) return nullptr;  // the destructor reaps it
        proxy->address_ = line.substr(prefix.size());
        return proxy;
    }
    ~WeakLinkProxy() {
        if (to_ >= 0) close(to_);  // EOF ends it cleanly
        if (from_ >= 0) close(from_);
        for (int i = 0; i < 40; ++i) {
            if (waitpid(pid_, nullptr, WNOHANG) == pid_) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
    WeakLinkProxy(const WeakLinkProxy&) = delete;
    WeakLinkProxy& operator=(const WeakLinkProxy&) = delete;

    // "127.0.0.1:PORT"
    const std::string& address() const { return address_; }

    // Switches live (open connections are cut by offline); throws when it
    // does not answer.
    void set_profile(std::string_view profile) {
        const std::string line = "profile " + std::string(profile) + "\n";
        if (::write(to_, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
            throw std::runtime_error("cirrus-weak-link is gone");
        const std::string answer = read_line(2000);
        if (answer != "ok profile " + std::string(profile))
            throw std::runtime_error("cirrus-weak-link answered '" + answer + "'");
    }

private:
    WeakLinkProxy(pid_t pid, int to, int from) : pid_(pid), to_(to), from_(from) {}

    std::string read_line(int timeout_ms) {
        const std::int64_t deadline = now_ms() + timeout_ms;
        for (;;) {
            if (const auto end = buffered_.find('\n'); end != std::string::npos) {
                std::string line = buffered_.substr(0, end);
                buffered_.erase(0, end + 1);
                return line;
            }
            const std::int64_t left = deadline - now_ms();
            pollfd readable{from_, POLLIN, 0};
            if (left <= 0 || poll(&readable, 1, static_cast<int>(left)) <= 0) return {};
            char chunk[512];
            const ssize_t n = ::read(from_, chunk, sizeof chunk);
            if (n <= 0) return {};
            buffered_.append(chunk, static_cast<std::size_t>(n));
        }
    }

    pid_t pid_;
    int to_;
    int from_;
    std::string buffered_;
    std::string address_;
};

// The nested compositor, a child that dies with this process.
class NestedCirrus {
public:
    NestedCirrus(const DevDevice& device, const std::string& title, const std::string& socket) {
        const std::string program = program_beside("cirrus-compositor", "compositor").string();
        std::vector<std::string> argv = {program,
                                         "--socket",
                                         socket,
                                         "--size",
                                         std::to_string(device.width) + "x" + std::to_string(device.height),
                                         "--fixed-size",
                                         "--title",
                                         title,
                                         "--no-bundled-apps"};
        const pid_t parent = getpid();
        pid_ = fork();
        if (pid_ < 0) throw std::runtime_error("cannot start cirrus-compositor: fork failed");
        if (pid_ == 0) {
            prctl(PR_SET_PDEATHSIG, SIGTERM);
            if (getppid() != parent) _exit(1);
            std::vector<char*> args;
            for (auto& a : argv) args.push_back(a.data());
            args.push_back(nullptr);
            execvp(args[0], args.data());
            std::fprintf(stderr, "cirrus dev: cannot run %s (is Cirrus built or installed?)\n", program.c_str());
            _exit(127);
        }
    }
    ~NestedCirrus() { stop(); }
    NestedCirrus(const NestedCirrus&) = delete;
    NestedCirrus& operator=(const NestedCirrus&) = delete;

    // The exit status once it has ended, else nullopt.
    std::optional<int> ended() {
        if (status_) return status_;
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) status_ = status;
        return status_;
    }

    void stop(const std::string& control = {}) {
        if (ended()) return;
        if (!control.empty()) {
            try {
                common_quit(control);
            } catch (const std::exception&) {}
        } else {
            kill(pid_, SIGTERM);
        }
        for (int i = 0; i < 60 && !ended(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (!ended()) {
            kill(pid_, SIGKILL);
            int status = 0;
            waitpid(pid_, &status, 0);
            status_ = status;
        }
    }

private:
    static void common_quit(const std::string& control) { control::control_request(control, {{"cmd", "quit"}}, 3); }

    pid_t pid_ = -1;
    std::optional<int> status_;
};

std::optional<json> app_entry(const std::string& control, const std::string& id) {
    const json answer = control::control_request(control, {{"cmd", "apps"}}, 5);
    for (const json& app : answer.value("apps", json::array())) {
        if (app.value("app", "") == id) return app;
    }
    return std::nullopt;
}

void print_warnings(const InstallResult& result) {
    for (const auto& warning : result.warnings)
        std::fprintf(stderr, "cirrus: warning: %s\n", terminal_safe(warning).c_str());
}

struct DevApp {
    std::string id;
    std::string name;
    std::optional<std::filesystem::path> folder;  // nullopt for a URL
    bool site = false;
};

DevApp install_app(Installer& installer, const DevOptions& options) {
    DevApp app;
    if (options.url) {
        const InstallResult result = installer.install(options.source);
        print_warnings(result);
        app.id = result.app.id;
        app.name = result.app.name;
        return app;
    }
    const Installer::InPlace installed = installer.install_in_place(options.source);
    print_warnings(installed.result);
    app.id = installed.result.app.id;
    app.name = installed.result.app.name;
    app.folder = installed.result.app.package_dir;
    app.site = installed.site;
    return app;
}

std::string manifest_of(const DevApp& app) {
    if (app.site || !app.folder) return "index.html";
    try {
        return open_package(*app.folder).find_manifest().value_or("manifest.webmanifest");
    } catch (const std::exception&) {
        return "manifest.webmanifest";
    }
}

// What the checklist (dev_checklist.hpp) is run on: the app as the registry
// has it now, its folder, or the offline store for a URL.
ChecklistFacts checklist_facts(Registry& registry, const DevApp& app) {
    ChecklistFacts facts;
    const auto record = registry.get(app.id);
    if (!record) throw std::runtime_error("the app is no longer in the session's registry");
    const auto manifest = manifest_from_json(json::parse(record->manifest_json));
    if (!manifest) throw std::runtime_error("the registry's manifest of " + app.id + " cannot be read");
    facts.manifest = *manifest;
    facts.site = app.site;
    if (app.folder) {
        facts.packaged = true;
        const Package package = open_package(*app.folder);
        const std::string base = package_base_url(app.id);
        for (const ImageResource& icon : facts.manifest.icons) {
            if (!icon.src.starts_with(base) || !package.contains(icon.src.substr(base.size())))
                facts.missing_icons.push_back(icon.src);
        }
        // The start page and what it loads: the package's own files by a
        // stand-in origin (as Package::find_manifest does), the rest is network.
        std::string start =
            facts.manifest.start_url.starts_with(base) ? facts.manifest.start_url.substr(base.size()) : "index.html";
        start = start.substr(0, start.find_first_of("?#"));
        if (start.empty() || start.ends_with("/")) start += "index.html";
        if (!package.contains(start)) return facts;
        const std::string html = package.read(start);
        facts.page_bytes = html.size();
        facts.files = 1;
        const std::string origin = "https://package.invalid/";
        for (const std::string& url : page_subresources(html, origin + start)) {
            if (!url.starts_with(origin)) {
                facts.network_urls.push_back(url);
                ++facts.files_of_unknown_size;
                continue;
            }
            const std::string path = url.substr(origin.size(), url.find_first_of("?#") - origin.size());
            for (const PackageFile& file : package.files()) {
                if (file.path != path) continue;
                facts.page_bytes += file.size;
                ++facts.files;
            }
        }
        return facts;
    }
    facts.service_worker = offline::read_service_worker_record(app_data_dirs(app.id).data).has_value();
    std::error_code ec;
    if (std::filesystem::exists(offline::default_store_path(), ec)) {
        auto store = offline::OfflineStore::open(offline::default_store_path());
        facts.readiness = store.readiness(app.id, 3);
        facts.page_bytes = static_cast<std::uint64_t>(store.usage(app.id));
        facts.files = static_cast<std::size_t>(facts.readiness->stored);
    }
    return facts;
}

void print_checklist(Registry& registry, const DevApp& app) {
    try {
        const std::vector<CheckLine> lines = run_checklist(checklist_facts(registry, app));
        say("checklist (" + checklist_summary(lines) + "; c prints it again):");
        for (const CheckLine& line : lines) std::printf("  %s\n", terminal_safe(format_check_line(line)).c_str());
        std::fflush(stdout);
    } catch (const std::exception& e) {
        say(std::string("checklist: ") + e.what());
    }
}

// Reloads the app's pages (its host reloads on SIGUSR2, storage kept), or
// opens it again when it is not running (closed, or discarded).
void reload(const std::string& control, const std::string& id) {
    const auto entry = app_entry(control, id);
    const bool running = entry && entry->value("pid", json()).is_number_integer();
    // Not in front (closed to the home screen, frozen, discarded): open it
    // again, which also thaws a frozen host before the signal arrives.
    if (!running || entry->value("state", "") != "front")
        control::control_request(control, {{"cmd", "launch"}, {"app", id}}, 5);
    if (running) kill(entry->value("pid", -1), SIGUSR2);
}

constexpr const char* kKeys =
    "keys: r reload, c checklist, i inspector, n network (good, 3g, 3g-slow, 2g, offline, this machine's), h home "
    "(the app goes to the background, frozen after a while), f freeze now, d discard, o open (thaw, restore), "
    "m memory, q quit";

// The app's processes' memory (PSS where the kernel has it), as `apps` says.
std::string memory_line(const std::string& control, const std::string& id) {
    const auto entry = app_entry(control, id);
    if (!entry) return "memory: the app is not running";
    const double mib = static_cast<double>(entry->value("memory_bytes", std::int64_t{0})) / (1024.0 * 1024.0);
    char text[128];
    std::snprintf(text, sizeof text, "memory: %.1f MiB (host and its WebKit processes), state %s", mib,
                  entry->value("state", std::string("?")).c_str());
    return text;
}

// Whether the app's host has gone (state discarded, no pid) within 10 s.
bool wait_discarded(const std::string& control, const std::string& id) {
    for (int i = 0; i < 200 && !g_stop; ++i) {
        const auto entry = app_entry(control, id);
        if (!entry || (entry->value("state", "") == "discarded" && !entry->value("pid", json()).is_number_integer()))
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

// Polls `apps` until the app is in `state`, for up to `seconds`.
bool wait_state(const std::string& control, const std::string& id, std::string_view state, int seconds) {
    for (int i = 0; i < seconds * 20 && !g_stop; ++i) {
        const auto entry = app_entry(control, id);
        if (entry && entry->value("state", "") == state) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

// What the phone does when the app has been in the background for the
// profile's delay, now: its page hears visibilitychange and the Page
// Lifecycle freeze event, then its processes stop (timers, animations,
// network). `o` thaws it.
void freeze_now(const std::string& control, const std::string& id) {
    const auto entry = app_entry(control, id);
    if (entry && entry->value("state", "") == "front") control::control_request(control, {{"cmd", "home"}}, 5);
    const json answer = control::control_request(control, {{"cmd", "freeze"}, {"app", id}}, 5);
    if (!answer.value("ok", false)) {
        say("freeze: " + answer.value("error", std::string("refused")));
        return;
    }
    say(answer.value("frozen", false) || wait_state(control, id, "frozen", 5)
            ? "frozen: the app's processes are stopped (o thaws it)"
            : "freezing: the page was told, its processes are not stopped yet");
}

// The app's Web Inspector, in the developer's own browser: the address its
// host published (common/remote_inspector.hpp) and the page it lists.
void show_inspector(const std::filesystem::path& dir, const std::string& id) {
    const auto text = read_file_text(inspector_address_file(dir, id), 64);
    const std::string address = text ? std::string(trim(*text)) : "";
    if (!valid_inspector_address(address)) {
        say("inspector: the app's host has not published an inspector (is it running? o opens it)");
        return;
    }
    FetchOptions options;
    options.io_timeout = std::chrono::seconds(5);
    options.total_timeout = std::chrono::seconds(10);
    options.max_bytes = 1u << 20;
    std::vector<InspectorTarget> targets;
    try {
        targets = parse_inspector_targets(fetch("http://" + address + "/", options).body);
    } catch (const FetchError& e) {
        say(std::string("inspector: ") + e.what() +
            " (the app's host may have ended, or another program took its "
            "port: o opens the app again)");
        return;
    }
    if (targets.empty()) {
        say("inspector: http://" + address + "/ lists no page yet (the app is still loading?)");
        return;
    }
    for (const InspectorTarget& target : targets)
        say("inspector for " + target.url + ": " + inspector_page_url(address, target));
    say("open it in a browser (Web Inspector of WebKit, served by the app's host on this machine only)");
}

void handle_key(char key, const std::string& control, const std::string& id) {
    switch (key) {
    case 'q':
        g_stop = 1;
        return;
    case 'r':
        reload(control, id);
        say("reloaded");
        return;
    case 'm':
        say(memory_line(control, id));
        return;
    case 'h':
        control::control_request(control, {{"cmd", "home"}}, 5);
        say("home: the app is in the background");
        return;
    case 'f':
        freeze_now(control, id);
        return;
    case 'o': {
        const json answer = control::control_request(control, {{"cmd", "launch"}, {"app", id}}, 5);
        say("open: " + answer.value("action", std::string("?")));
        return;
    }
    case 'd': {
        // What a phone short of memory does: the app, in the background, is
        // told to save its state and exit; `o` restores it.
        control::control_request(control, {{"cmd", "home"}}, 5);
        const json answer = control::control_request(control, {{"cmd", "memory_pressure"}, {"level", "critical"}}, 5);
        control::control_request(control, {{"cmd", "memory_pressure"}, {"level", "none"}}, 5);
        if (!answer.value("discarding", json()).is_string()) {
            say("the app could not be discarded now");
            return;
        }
        // The host saves its state and exits on its own time; an `o` read
        // before it has gone would only bring the leaving window forward,
        // and then nothing would be on screen. Keys are taken one at a
        // time, so waiting here holds the next one until the discard is done.
        say(wait_discarded(control, id)
                ? "discarded the app (o restores it)"
                : "discarding the app (still saving after 10 s; o restores it once it is gone)");
        return;
    }
    default:
        return;
    }
}

}  // namespace

int run_dev(const std::vector<std::string>& args) {
    const DevOptions options = parse_dev_args(args);
    const char* wayland = std::getenv("WAYLAND_DISPLAY");
    const char* x11 = std::getenv("DISPLAY");
    if (!(wayland && *wayland) && !(x11 && *x11))
        throw std::runtime_error(
            "cirrus dev opens a window on your desktop, and neither WAYLAND_DISPLAY nor DISPLAY is set (run it in "
            "a desktop session)");
    const char* runtime = std::getenv("XDG_RUNTIME_DIR");
    if (!runtime || !*runtime) throw std::runtime_error("XDG_RUNTIME_DIR is not set (your desktop session sets it)");

    // Everything this session keeps lives in its own folder, gone at exit.
    SessionFolder session;
    for (const char* name : {"CIRRUS_REGISTRY", "CIRRUS_APPS_DIR", "CIRRUS_OFFLINE_STORE", "CIRRUS_CONTROL",
                             "CIRRUS_BUNDLED_DIR", "CIRRUS_WEBAPP_INSPECTOR"}) {
        unsetenv(name);
    }
    // Each host serves its app's Web Inspector on a loopback port of its
    // own and says which here (the i key).
    const std::filesystem::path inspector_dir = session.path() / "inspector";
    setenv(std::string(kInspectorDirVariable).c_str(), inspector_dir.c_str(), 1);
    setenv("XDG_DATA_HOME", (session.path() / "data").c_str(), 1);
    setenv("XDG_CONFIG_HOME", (session.path() / "config").c_str(), 1);  // no compositor.conf of the developer's
    setenv("XDG_CACHE_HOME", (session.path() / "cache").c_str(), 1);
    setenv("CIRRUS_WEBAPP_CONSOLE", "1", 1);  // the page's console in this terminal
    if (options.inspector) setenv("CIRRUS_WEBAPP_INSPECTOR", "1", 1);
    // The weak link runs from the start, unshaped without --network, so
    // that `n` can shape the connections the app already has.
    DevNetwork network = initial_network(options);
    std::unique_ptr<WeakLinkProxy> weak_link = WeakLinkProxy::start(weak_link_profile(network));
    if (weak_link) {
        setenv("CIRRUS_WEBAPP_PROXY", ("http://" + weak_link->address()).c_str(), 1);
    } else {
        unsetenv("CIRRUS_WEBAPP_PROXY");
        say("cirrus-weak-link cannot be run (build Cirrus, or put it on PATH): the app uses this machine's own "
            "link and n does nothing");
        network.reset();
    }

    Registry registry = Registry::open(default_registry_path());
    Installer installer(registry, default_apps_dir(), {}, offline::default_store_path());
    DevApp app = install_app(installer, options);
    if (app.site) {
        say("no manifest in " + app.folder->string() +
            ": running it as a site (its title and icon links). A manifest.webmanifest would give it a name, "
            "icons at each size (and a maskable one), theme and background colours, display standalone and "
            "offline assets");
    }
    say(app.name + " (" + app.id + ")" + (app.folder ? " from " + app.folder->string() + ", served in place" : ""));

    const std::int64_t started = now_ms();
    const std::string socket = "cirrus-dev-" + std::to_string(getpid());
    const std::string control = control::control_socket_path(runtime, socket);
    struct sigaction stop {};
    stop.sa_handler = on_stop_signal;  // no SA_RESTART: poll() returns
    sigaction(SIGINT, &stop, nullptr);
    sigaction(SIGTERM, &stop, nullptr);
    sigaction(SIGHUP, &stop, nullptr);
    std::signal(SIGPIPE, SIG_IGN);  // a weak link that died is an error message, not our end

    NestedCirrus cirrus(options.device, dev_window_title(app.name), socket);
    control::ControlClient::connect(control, 15);  // it listens once it is up
    control::control_request(control, {{"cmd", "launch"}, {"app", app.id}}, 10);
    say(options.device.description + " (" + std::to_string(options.device.width) + "x" +
        std::to_string(options.device.height) + "); control socket: " + control);
    // What the status bar and navigator.onLine say follows the profile.
    auto apply_network = [&] {
        if (!weak_link) {
            say("network: cirrus-weak-link is not running, nothing to switch");
            return;
        }
        weak_link->set_profile(weak_link_profile(network));
        json link = {{"cmd", "link"}, {"class", std::string(published_link_class(network))}};
        if (const std::string_view kind = published_link_kind(network); !kind.empty()) link["kind"] = kind;
        control::control_request(control, link, 5);
        say("network: " + describe_network(network));
    };
    if (weak_link && network) apply_network();
    for (int i = 0; i < 600 && !g_stop && !cirrus.ended(); ++i) {
        const auto entry = app_entry(control, app.id);
        if (entry && entry->contains("first_frame_ms")) {
            say(app.name + " is on screen (" + std::to_string(now_ms() - started) + " ms after start)");
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }

    std::optional<FolderWatch> watch;
    if (app.folder) watch.emplace(*app.folder);
    ChangeDebouncer debouncer(manifest_of(app));
    RawKeys keys;
    say(std::string(app.folder ? "a saved change reloads the app; " : "") + kKeys);
    say(memory_line(control, app.id));
    print_checklist(registry, app);

    int status = 0;
    bool stdin_open = true;  // keys come from a terminal (raw) or a pipe (a test)
    while (!g_stop) {
        if (const auto ended = cirrus.ended()) {
            say("the Cirrus window was closed");
            status = WIFEXITED(*ended) ? WEXITSTATUS(*ended) : 1;
            break;
        }
        std::vector<pollfd> fds;
        if (watch) fds.push_back({watch->fd(), POLLIN, 0});
        if (stdin_open) fds.push_back({STDIN_FILENO, POLLIN, 0});
        const int timeout = static_cast<int>(debouncer.due_in(now_ms()).value_or(250));
        if (poll(fds.data(), fds.size(), std::min(timeout, 250)) < 0 && errno != EINTR) break;
        for (const pollfd& p : fds) {
            if (!(p.revents & (POLLIN | POLLHUP | POLLERR))) continue;
            if (watch && p.fd == watch->fd()) {
                for (const std::string& path : watch->read_changes()) debouncer.changed(path, now_ms());
            } else if (p.fd == STDIN_FILENO) {
                char key = 0;
                if (::read(STDIN_FILENO, &key, 1) != 1) {
                    stdin_open = false;  // closed (or /dev/null): no keys
                    continue;
                }
                if (key == 'c') {
                    print_checklist(registry, app);
                    continue;
                }
                if (key == 'i') {
                    show_inspector(inspector_dir, app.id);
                    continue;
                }
                if (key == 'n') {
                    try {
                        network = next_network(network);
                        apply_network();
                    } catch (const std::exception& e) {
                        say(std::string("network: ") + e.what());
                    }
                    continue;
                }
                try {
                    handle_key(key, control, app.id);
                } catch (const std::exception& e) {
                    say(std::string("key ") + key + ": " + e.what());
                }
            }
        }
        if (const auto action = debouncer.take(now_ms())) {
            if (action->reinstall && app.folder) {
                try {
                    const Installer::InPlace again = installer.install_in_place(*app.folder);
                    print_warnings(again.result);
                    app.name = again.result.app.name;
                    app.site = again.site;
                    debouncer.set_manifest_path(manifest_of(app));
                    say("home screen entry updated: " + app.name);
                } catch (const std::exception& e) {
                    std::fprintf(stderr, "cirrus: %s\n", terminal_safe(e.what()).c_str());
                }
            }
            try {
                reload(control, app.id);
                std::string files;
                for (const auto& f : action->files) files += (files.empty() ? "" : ", ") + f;
                say("reloaded (" + files + ")");
            } catch (const std::exception& e) {
                say(std::string("could not reload: ") + e.what());
            }
        }
    }
    cirrus.stop(control);
    return status;
}

}  // namespace cirrus::launcher
