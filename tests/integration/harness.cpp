#include "harness.hpp"

#include <doctest/doctest.h>
#include <png.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/registry.hpp"

extern char** environ;

namespace cirrus_it {

namespace {

using Clock = std::chrono::steady_clock;

Clock::time_point deadline_after(double seconds) {
    return Clock::now() + std::chrono::microseconds(static_cast<long long>(seconds * 1e6));
}

int ms_left(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return static_cast<int>(std::max<long long>(0, left));
}

std::string basename_of(const std::string& path) {
    auto pos = path.rfind('/');
    return pos == std::string::npos ? path : path.substr(pos + 1);
}

std::string read_file_tail(const std::string& path, size_t max_chars) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return "";
    std::stringstream ss;
    ss << in.rdbuf();
    std::string s = ss.str();
    if (s.size() > max_chars) s = "..." + s.substr(s.size() - max_chars);
    return s;
}

std::vector<std::string> build_env(const std::map<std::string, std::string>& overrides,
                                   const std::vector<std::string>& unset) {
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
        std::string entry = *e;
        std::string key = entry.substr(0, entry.find('='));
        if (overrides.count(key)) continue;
        if (std::find(unset.begin(), unset.end(), key) != unset.end()) continue;
        env.push_back(entry);
    }
    for (auto& [k, v] : overrides) env.push_back(k + "=" + v);
    return env;
}

// In the child after fork: die with the parent, no core files, default signals.
void child_setup(pid_t parent) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    rlimit no_core{0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    signal(SIGPIPE, SIG_DFL);
}

[[noreturn]] void exec_or_die(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::vector<char*> envp;
    for (auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    execvpe(args[0], args.data(), envp.data());
    std::fprintf(stderr, "exec %s: %s\n", args[0], std::strerror(errno));
    _exit(127);
}

}  // namespace

std::string describe_status(int status) {
    if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return std::string("signal ") + strsignal(WTERMSIG(status));
    return "status " + std::to_string(status);
}

std::string program(const char* env_var) {
    const char* value = std::getenv(env_var);
    if (!value || !*value)
        throw std::runtime_error(std::string("environment variable ") + env_var +
                                 " is not set (run the tests through 'meson test')");
    return value;
}

std::string optional_program(const char* env_var) {
    const char* value = std::getenv(env_var);
    return value ? value : "";
}

bool wait_until(const std::function<bool()>& condition, double timeout_s) {
    auto deadline = deadline_after(timeout_s);
    for (;;) {
        if (condition()) return true;
        if (Clock::now() >= deadline) return false;
        sleep_ms(20);
    }
}

void sleep_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

// ---------------------------------------------------------------- Process

Process::Process(const Options& options) {
    if (options.argv.empty()) throw std::runtime_error("Process: empty argv");
    name_ = basename_of(options.argv[0]);
    log_path_ = options.log_path;
    process_group_ = options.own_process_group;
    int in_pipe[2], out_pipe[2];
    if (pipe2(in_pipe, O_CLOEXEC) < 0 || pipe2(out_pipe, O_CLOEXEC) < 0)
        throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    std::vector<std::string> env = build_env(options.env, options.unset_env);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
        child_setup(parent);
        if (options.own_process_group) setpgid(0, 0);
        int log = log_path_.empty() ? open("/dev/null", O_WRONLY | O_CLOEXEC)
                                    : open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        dup2(in_pipe[0], STDIN_FILENO);
        dup2(options.capture_stdout ? out_pipe[1] : log, STDOUT_FILENO);
        dup2(log, STDERR_FILENO);
        exec_or_die(options.argv, env);
    }
    pid_ = pid;
    if (options.own_process_group) setpgid(pid, pid);  // no race with kill(-pid)
    close(in_pipe[0]);
    close(out_pipe[1]);
    stdin_fd_ = in_pipe[1];
    stdout_fd_ = out_pipe[0];
    if (!options.capture_stdout) {
        close(stdout_fd_);
        stdout_fd_ = -1;
        stdout_eof_ = true;
    } else {
        fcntl(stdout_fd_, F_SETFL, fcntl(stdout_fd_, F_GETFL) | O_NONBLOCK);
    }
}

Process::~Process() {
    if (pid_ > 0) {
        if (process_group_) kill(-pid_, SIGKILL);
        if (!status_) {
            kill(pid_, SIGKILL);
            int status = 0;
            while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {}
        }
    }
    if (stdin_fd_ >= 0) close(stdin_fd_);
    if (stdout_fd_ >= 0) close(stdout_fd_);
}

bool Process::read_available(int timeout_ms) {
    if (stdout_eof_) return false;
    pollfd pfd{stdout_fd_, POLLIN, 0};
    if (poll(&pfd, 1, timeout_ms) <= 0) return false;
    bool got = false;
    char buf[8192];
    for (;;) {
        ssize_t n = read(stdout_fd_, buf, sizeof(buf));
        if (n > 0) {
            buffer_.append(buf, static_cast<size_t>(n));
            got = true;
            continue;
        }
        if (n == 0) stdout_eof_ = true;
        break;
    }
    size_t pos;
    while ((pos = buffer_.find('\n')) != std::string::npos) {
        std::string line = buffer_.substr(0, pos);
        buffer_.erase(0, pos + 1);
        if (line.empty()) continue;
        try {
            events_.push_back(json::parse(line));
            consumed_.push_back(false);
        } catch (const json::exception&) {
            other_lines_.push_back(line);
        }
    }
    return got;
}

std::optional<json> Process::next(const Predicate& pred, double timeout_s) {
    auto deadline = deadline_after(timeout_s);
    read_available(0);
    for (;;) {
        // The first unconsumed match wins; nothing else is dropped, so other
        // predicates may still match earlier events.
        for (size_t i = cursor_; i < events_.size(); ++i) {
            if (consumed_[i] || !pred(events_[i])) continue;
            consumed_[i] = true;
            while (cursor_ < events_.size() && consumed_[cursor_]) ++cursor_;
            return events_[i];
        }
        if (stdout_eof_) return std::nullopt;
        int left = ms_left(deadline);
        if (left <= 0) return std::nullopt;
        read_available(left);
    }
}

std::optional<json> Process::next_event(const std::string& event, double timeout_s, const Predicate& pred) {
    return next(
        [&](const json& e) { return e.is_object() && e.value("event", std::string()) == event && (!pred || pred(e)); },
        timeout_s);
}

json Process::expect(const std::string& event, double timeout_s, const Predicate& pred) {
    auto e = next_event(event, timeout_s, pred);
    if (!e)
        throw std::runtime_error("no '" + event + "' event within " + std::to_string(timeout_s) + " s from " +
                                 describe());
    return *e;
}

const std::vector<json>& Process::events() {
    read_available(0);
    return events_;
}

void Process::send_line(const std::string& line) {
    std::string data = line + "\n";
    if (write(stdin_fd_, data.data(), data.size()) != static_cast<ssize_t>(data.size()))
        throw std::runtime_error("cannot write to the stdin of " + describe());
}

void Process::signal(int sig) {
    if (!status_ && pid_ > 0) kill(pid_, sig);
}

bool Process::alive() {
    if (status_) return false;
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
        status_ = status;
        return false;
    }
    return true;
}

std::optional<int> Process::wait_exit(double timeout_s) {
    auto deadline = deadline_after(timeout_s);
    for (;;) {
        if (!alive()) {
            read_available(0);
            return status_;
        }
        if (Clock::now() >= deadline) return std::nullopt;
        if (!stdout_eof_) read_available(10);  // keep the pipe drained
        else sleep_ms(10);
    }
}

std::string Process::log_tail(size_t max_chars) const { return read_file_tail(log_path_, max_chars); }

std::string Process::describe() const {
    std::ostringstream out;
    out << name_ << " (pid " << pid_;
    if (status_) out << ", " << describe_status(*status_);
    out << ")\n  last events:";
    size_t start = events_.size() > 12 ? events_.size() - 12 : 0;
    for (size_t i = start; i < events_.size(); ++i) {
        out << "\n    " << events_[i].dump();
    }
    std::string tail = log_tail(1500);
    if (!tail.empty()) out << "\n  stderr tail:\n" << tail;
    return out.str();
}

// ------------------------------------------------------- ControlConnection

ControlConnection::ControlConnection(const std::string& path, double timeout_s)
    : client_(cirrus::control::ControlClient::connect(path, timeout_s)) {}

bool ControlConnection::send_raw(const std::string& bytes) {
    try {
        client_.send(bytes);
        return true;
    } catch (const cirrus::control::ControlError&) {
        return false;
    }
}

std::optional<std::string> ControlConnection::read_line(double timeout_s) {
    try {
        return client_.read_line(timeout_s);
    } catch (const cirrus::control::ControlError&) {
        return std::nullopt;
    }
}

std::optional<std::string> ControlConnection::exchange(const std::string& line, double timeout_s) {
    if (!send_raw(line + "\n")) return std::nullopt;
    return read_line(timeout_s);
}

bool ControlConnection::wait_closed(double timeout_s) {
    auto deadline = deadline_after(timeout_s);
    for (;;) {
        pollfd pfd{client_.fd(), POLLIN, 0};
        int r = poll(&pfd, 1, ms_left(deadline));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        char buf[4096];
        ssize_t n = recv(client_.fd(), buf, sizeof(buf), 0);
        if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) return true;
    }
}

// ------------------------------------------------------------- Compositor

namespace {

void install_bare_apps(const std::string& registry_path, const std::vector<std::string>& ids) {
    auto registry = cirrus::launcher::Registry::open(registry_path);
    for (const std::string& id : ids) {
        cirrus::launcher::AppRecord app;
        app.id = id;
        app.name = id;
        app.start_url = "app://" + id + "/index.html";
        app.scope = "app://" + id + "/";
        app.display = "standalone";
        app.manifest_json = "{}";
        app.source_kind = cirrus::launcher::SourceKind::folder;
        registry.install(app, {});
    }
}

}  // namespace

Compositor::Compositor() : Compositor(Options{}) {}

Compositor::Compositor(const Options& options) {
    char tmpl[] = "/tmp/cirrus-it-XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
    runtime_dir_ = tmpl;
    chmod(runtime_dir_.c_str(), 0700);
    log_path_ = runtime_dir_ + "/compositor.log";

    Process::Options po;
    po.argv = {program("CIRRUS_COMPOSITOR"), "--socket", display_};
    if (!options.size.empty()) {
        po.argv.push_back("--size");
        po.argv.push_back(options.size);
    }
    if (!options.bundled_apps) po.argv.push_back("--no-bundled-apps");
    po.argv.push_back("--prestart");
    po.argv.push_back(std::to_string(options.prestart));
    if (options.shell.empty()) {
        po.argv.push_back("--no-shell");
    } else {
        po.argv.push_back("--shell");
        po.argv.push_back(options.shell);
    }
    if (options.keyboard.empty()) {
        po.argv.push_back("--no-keyboard");
    } else {
        po.argv.push_back("--keyboard");
        po.argv.push_back(options.keyboard);
    }
    if (options.sync.empty()) {
        po.argv.push_back("--no-sync");
    } else {
        po.argv.push_back("--sync");
        po.argv.push_back(options.sync);
    }
    po.argv.insert(po.argv.end(), options.extra_args.begin(), options.extra_args.end());
    // Private XDG folders: no user config is read and no user data is touched.
    const std::string data_home = options.data_home.empty() ? runtime_dir_ + "/data" : options.data_home;
    po.env = {{"XDG_RUNTIME_DIR", runtime_dir_},
              {"XDG_DATA_HOME", data_home},
              {"XDG_CONFIG_HOME", runtime_dir_ + "/config"},
              {"XDG_CACHE_HOME", runtime_dir_ + "/cache"},
              {"WLR_BACKENDS", "headless"},
              {"WLR_RENDERER", "pixman"},
              {"WLR_LIBINPUT_NO_DEVICES", "1"}};
    po.unset_env = {"WAYLAND_DISPLAY", "WAYLAND_SOCKET", "DISPLAY", "CIRRUS_CONTROL"};
    if (!options.installed_apps.empty()) {
        // Where it would look anyway ($XDG_DATA_HOME/cirrus), and said, so
        // that a CIRRUS_REGISTRY of the caller's does not take its place.
        const std::string registry = data_home + "/cirrus/registry.db";
        install_bare_apps(registry, options.installed_apps);
        po.env["CIRRUS_REGISTRY"] = registry;
    }
    po.log_path = log_path_;
    po.capture_stdout = false;
    po.own_process_group = true;  // clients it spawns die with it at teardown
    process_ = std::make_unique<Process>(po);
    try {
        wait_ready(10);
    } catch (...) {
        process_.reset();
        std::filesystem::remove_all(runtime_dir_);
        throw;
    }
}

Compositor::~Compositor() {
    control_.reset();
    if (process_ && process_->alive()) {
        process_->signal(SIGTERM);
        // Every test ends with a clean shutdown: a crash, a sanitizer report
        // (exit 1) or a hang at teardown fails the test that caused it.
        // ADD_FAIL_CHECK_AT records the failure without throwing from here.
        if (auto status = process_->wait_exit(3)) {
            if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
                const std::string why = "cirrus-compositor ended with " + describe_status(*status) +
                                        " after SIGTERM at teardown (CIRRUS_IT_KEEP=1 keeps its log in " +
                                        runtime_dir_ + ")";
                ADD_FAIL_CHECK_AT(__FILE__, __LINE__, why);
            }
        } else {
            ADD_FAIL_CHECK_AT(__FILE__, __LINE__, "cirrus-compositor ignored SIGTERM at teardown; killing it");
            process_->signal(SIGKILL);
        }
    }
    process_.reset();  // kills the whole process group
    if (!std::getenv("CIRRUS_IT_KEEP")) {
        std::error_code ec;
        std::filesystem::remove_all(runtime_dir_, ec);
    } else {
        std::fprintf(stderr, "kept %s\n", runtime_dir_.c_str());
    }
}

std::string Compositor::control_path() const { return cirrus::control::control_socket_path(runtime_dir_, display_); }
std::string Compositor::trusted_socket_path() const {
    return cirrus::control::trusted_socket_path(runtime_dir_, display_);
}
std::string Compositor::wayland_socket_path() const { return runtime_dir_ + "/" + display_; }

void Compositor::wait_ready(double timeout_s) {
    auto deadline = deadline_after(timeout_s);
    std::string last_error;
    while (Clock::now() < deadline) {
        if (!process_->alive())
            throw std::runtime_error("cirrus-compositor exited during startup (" +
                                     describe_status(*process_->exit_status()) + "):\n" + log_tail());
        if (access(control_path().c_str(), F_OK) == 0) {
            try {
                control_ = std::make_unique<ControlConnection>(control_path(), 0);
                auto line = control_->exchange(R"({"cmd":"stats"})", 5);
                if (line) return;
                last_error = "no answer to stats";
            } catch (const std::exception& e) {
                last_error = e.what();
            }
            control_.reset();
        }
        sleep_ms(20);
    }
    throw std::runtime_error("the control socket " + control_path() + " did not answer within " +
                             std::to_string(timeout_s) + " s (" + last_error + "):\n" + log_tail());
}

ControlConnection& Compositor::control() {
    if (!control_) control_ = std::make_unique<ControlConnection>(control_path(), 2);
    return *control_;
}

std::string Compositor::request_line(const std::string& line, double timeout_s) {
    auto response = control().exchange(line, timeout_s);
    if (!response) {
        control_.reset();
        bool alive = process_->alive();
        throw std::runtime_error("no answer to control request " + line + " within " + std::to_string(timeout_s) +
                                 " s" + (alive ? "" : " (the compositor died)") + "\ncompositor log:\n" + log_tail());
    }
    return *response;
}

json Compositor::request(const json& req, double timeout_s) {
    std::string line = request_line(req.dump(), timeout_s);
    try {
        return json::parse(line);
    } catch (const json::exception&) {
        throw std::runtime_error("control answer is not JSON: " + line);
    }
}

namespace {
json query(Compositor& c, const char* cmd, const char* key) {
    json r = c.request({{"cmd", cmd}});
    if (!r.value("ok", false) || (key && !r.contains(key)))
        throw std::runtime_error(std::string("query ") + cmd + " failed: " + r.dump());
    return key ? r[key] : r;
}
}  // namespace

json Compositor::windows() { return query(*this, "windows", "windows"); }
json Compositor::layers() { return query(*this, "layers", "layers"); }
json Compositor::outputs() { return query(*this, "outputs", "outputs"); }
json Compositor::stats() { return query(*this, "stats", nullptr); }

std::optional<json> Compositor::window_of(pid_t pid) {
    for (auto& w : windows())
        if (w.value("pid", -1) == pid) return w;
    return std::nullopt;
}

std::map<std::string, std::string> Compositor::client_env(bool trusted) const {
    return {{"XDG_RUNTIME_DIR", runtime_dir_}, {"WAYLAND_DISPLAY", trusted ? trusted_socket_path() : display_}};
}

std::string Compositor::new_path(const std::string& stem) {
    return runtime_dir_ + "/" + std::to_string(++counter_) + "-" + stem;
}

std::unique_ptr<Process> Compositor::client(const std::vector<std::string>& argv, bool trusted,
                                            const std::map<std::string, std::string>& env) {
    Process::Options po;
    po.argv = argv;
    po.env = client_env(trusted);
    for (auto& [k, v] : env) po.env[k] = v;
    po.unset_env = {"WAYLAND_SOCKET", "DISPLAY"};
    po.log_path = new_path(basename_of(argv.at(0)) + ".log");
    return std::make_unique<Process>(po);
}

std::optional<int> Compositor::terminate(double timeout_s) {
    control_.reset();
    process_->signal(SIGTERM);
    return process_->wait_exit(timeout_s);
}

std::string Compositor::log_tail(size_t max_chars) const { return read_file_tail(log_path_, max_chars); }

// ------------------------------------------------------------------ images

Image::Pixel Image::at(int x, int y) const {
    if (x < 0 || y < 0 || x >= width || y >= height)
        throw std::out_of_range("pixel " + std::to_string(x) + "," + std::to_string(y) + " outside " +
                                std::to_string(width) + "x" + std::to_string(height));
    size_t i = (static_cast<size_t>(y) * static_cast<size_t>(width) + static_cast<size_t>(x)) * 4;
    return {rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]};
}

Image read_png(const std::string& path) {
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&image, path.c_str()))
        throw std::runtime_error("cannot read PNG " + path + ": " + image.message);
    image.format = PNG_FORMAT_RGBA;
    Image out;
    out.width = static_cast<int>(image.width);
    out.height = static_cast<int>(image.height);
    out.rgba.resize(PNG_IMAGE_SIZE(image));
    if (!png_image_finish_read(&image, nullptr, out.rgba.data(), 0, nullptr)) {
        std::string message = image.message;
        png_image_free(&image);
        throw std::runtime_error("cannot decode PNG " + path + ": " + message);
    }
    return out;
}

bool same_rgb(const Image::Pixel& p, uint32_t rgb, int tolerance) {
    int r = static_cast<int>((rgb >> 16) & 0xff), g = static_cast<int>((rgb >> 8) & 0xff),
        b = static_cast<int>(rgb & 0xff);
    return std::abs(p.r - r) <= tolerance && std::abs(p.g - g) <= tolerance && std::abs(p.b - b) <= tolerance;
}

bool same_rgb(const json& pixel, uint32_t rgb, int tolerance) {
    if (!pixel.contains("r")) return false;
    return same_rgb(Image::Pixel{pixel["r"].get<int>(), pixel["g"].get<int>(), pixel["b"].get<int>(), 255}, rgb,
                    tolerance);
}

// ------------------------------------------------------------- run_program

bool RunResult::exited_ok() const { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }
int RunResult::exit_code() const { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }

RunResult run_program(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                      double timeout_s) {
    int out_pipe[2], err_pipe[2];
    if (pipe2(out_pipe, O_CLOEXEC) < 0 || pipe2(err_pipe, O_CLOEXEC) < 0)
        throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    std::vector<std::string> envv = build_env(env, {});
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
        child_setup(parent);
        int null_fd = open("/dev/null", O_RDONLY);
        dup2(null_fd, STDIN_FILENO);
        dup2(out_pipe[1], STDOUT_FILENO);
        dup2(err_pipe[1], STDERR_FILENO);
        exec_or_die(argv, envv);
    }
    close(out_pipe[1]);
    close(err_pipe[1]);
    RunResult result;
    auto deadline = deadline_after(timeout_s);
    bool out_open = true, err_open = true, killed = false;
    while (out_open || err_open) {
        pollfd fds[2] = {{out_open ? out_pipe[0] : -1, POLLIN, 0}, {err_open ? err_pipe[0] : -1, POLLIN, 0}};
        int left = ms_left(deadline);
        if (left <= 0 && !killed) {
            kill(pid, SIGKILL);
            killed = true;
        }
        int r = poll(fds, 2, killed ? 1000 : left);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            if (killed) break;
            continue;
        }
        char buf[8192];
        for (int i = 0; i < 2; ++i) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t n = read(fds[i].fd, buf, sizeof(buf));
            if (n > 0) (i == 0 ? result.out : result.err).append(buf, static_cast<size_t>(n));
            else (i == 0 ? out_open : err_open) = false;
        }
    }
    close(out_pipe[0]);
    close(err_pipe[0]);
    while (waitpid(pid, &result.status, 0) < 0 && errno == EINTR) {}
    return result;
}

}  // namespace cirrus_it
