// See weak_link_process.hpp.
#include "weak_link_process.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace cirrus::test {

namespace {

using Clock = std::chrono::steady_clock;

std::runtime_error failure(const std::string& what) { return std::runtime_error("cirrus-weak-link: " + what); }

std::runtime_error system_failure(const std::string& what) { return failure(what + ": " + std::strerror(errno)); }

// The exit status as stop() reports it, or nullopt if still running at the deadline.
std::optional<int> wait_for_exit(pid_t pid, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        int status = 0;
        const pid_t result = waitpid(pid, &status, WNOHANG);
        if (result == pid) {
            if (WIFEXITED(status)) return WEXITSTATUS(status);
            if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
            return -1;
        }
        if (result < 0 && errno != EINTR) return -1;
        if (Clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

}  // namespace

std::string WeakLinkProcess::program() {
    const char* path = std::getenv("CIRRUS_WEAK_LINK");
    if (!path || !*path) throw failure("CIRRUS_WEAK_LINK is not set (run the tests through 'meson test')");
    return path;
}

WeakLinkProcess::WeakLinkProcess(int upstream_port, std::string_view profile,
                                 const std::vector<std::string>& extra_arguments, std::chrono::milliseconds timeout)
    : timeout_(timeout) {
    std::vector<std::string> arguments{program(), "--upstream", "127.0.0.1:" + std::to_string(upstream_port),
                                       "--profile", std::string(profile)};
    arguments.insert(arguments.end(), extra_arguments.begin(), extra_arguments.end());
    // Built before fork: the test may have threads, so the child only calls
    // async-signal-safe functions until exec.
    std::vector<char*> argv;
    for (std::string& argument : arguments) argv.push_back(argument.data());
    argv.push_back(nullptr);

    int stdin_pipe[2];
    int stdout_pipe[2];
    if (pipe2(stdin_pipe, O_CLOEXEC) < 0) throw system_failure("pipe");
    if (pipe2(stdout_pipe, O_CLOEXEC) < 0) {
        close(stdin_pipe[0]);
        close(stdin_pipe[1]);
        throw system_failure("pipe");
    }
    const pid_t parent = getpid();
    pid_ = fork();
    if (pid_ == 0) {
        // Dies with the test, even when the test crashes.
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(127);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        dup2(stdin_pipe[0], STDIN_FILENO);
        dup2(stdout_pipe[1], STDOUT_FILENO);
        execv(argv[0], argv.data());
        _exit(127);
    }
    const int fork_errno = errno;
    close(stdin_pipe[0]);
    close(stdout_pipe[1]);
    to_program_ = stdin_pipe[1];
    from_program_ = stdout_pipe[0];
    if (pid_ < 0) {
        close(to_program_);
        close(from_program_);
        errno = fork_errno;
        throw system_failure("fork");
    }
    try {
        const std::string line = read_line();
        const std::string prefix = "listening 127.0.0.1:";
        if (line.rfind(prefix, 0) != 0) throw failure("unexpected first line: " + line);
        port_ = std::stoi(line.substr(prefix.size()));
    } catch (...) {
        stop();
        throw;
    }
}

WeakLinkProcess::~WeakLinkProcess() { stop(); }

int WeakLinkProcess::stop(Ending how) {
    int status = -1;
    if (pid_ > 0) {
        if (how == Ending::end_of_input) {
            close(to_program_);
            to_program_ = -1;
        } else {
            kill(pid_, SIGTERM);
        }
        auto ended = wait_for_exit(pid_, std::chrono::seconds(2));
        if (!ended) {
            kill(pid_, SIGKILL);
            ended = wait_for_exit(pid_, std::chrono::seconds(2));
        }
        status = ended.value_or(-1);
        pid_ = -1;
    }
    if (to_program_ >= 0) close(to_program_);
    if (from_program_ >= 0) close(from_program_);
    to_program_ = from_program_ = -1;
    return status;
}

std::string WeakLinkProcess::url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

std::string WeakLinkProcess::read_line() {
    const auto deadline = Clock::now() + timeout_;
    for (;;) {
        if (const auto end = buffered_.find('\n'); end != std::string::npos) {
            std::string line = buffered_.substr(0, end);
            buffered_.erase(0, end + 1);
            return line;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) throw failure("no answer within " + std::to_string(timeout_.count()) + " ms");
        pollfd readable{from_program_, POLLIN, 0};
        const int ready = poll(&readable, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno != EINTR) throw system_failure("poll");
        if (ready <= 0) continue;
        char chunk[1024];
        const ssize_t count = read(from_program_, chunk, sizeof(chunk));
        if (count < 0 && errno == EINTR) continue;
        if (count <= 0) throw failure("the program ended (see its stderr)");
        buffered_.append(chunk, static_cast<std::size_t>(count));
    }
}

std::string WeakLinkProcess::command(std::string_view line) {
    const std::string text = std::string(line) + "\n";
    // A program that has died must fail the test with a message, not kill it
    // with SIGPIPE: SIGPIPE is blocked for this thread while writing, and one
    // that the write raised is taken before the old mask comes back.
    sigset_t pipe_signal;
    sigset_t previous;
    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_signal, &previous);
    std::size_t written = 0;
    int write_errno = 0;
    while (written < text.size()) {
        const ssize_t count = write(to_program_, text.data() + written, text.size() - written);
        if (count < 0 && errno == EINTR) continue;
        if (count < 0) {
            write_errno = errno;
            break;
        }
        written += static_cast<std::size_t>(count);
    }
    if (write_errno == EPIPE) {
        const timespec no_wait{0, 0};
        sigtimedwait(&pipe_signal, nullptr, &no_wait);
    }
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    if (write_errno != 0) {
        errno = write_errno;
        throw system_failure("write the command '" + std::string(line) + "'");
    }
    return read_line();
}

void WeakLinkProcess::set_profile(std::string_view name) {
    const std::string answer = command("profile " + std::string(name));
    if (answer != "ok profile " + std::string(name)) throw failure("profile " + std::string(name) + ": " + answer);
}

WeakLinkProcess::Stats WeakLinkProcess::stats() {
    const std::string answer = command("stats");
    std::istringstream words(answer);
    std::string word;
    words >> word;
    if (word != "stats") throw failure("stats: " + answer);
    Stats stats;
    while (words >> word) {
        const auto equals = word.find('=');
        if (equals == std::string::npos) continue;
        const std::string key = word.substr(0, equals);
        const std::string value = word.substr(equals + 1);
        if (key == "profile") {
            stats.profile = value;
            continue;
        }
        const std::uint64_t number = std::stoull(value);
        if (key == "up") stats.up_bytes = number;
        else if (key == "down") stats.down_bytes = number;
        else if (key == "open") stats.open = number;
        else if (key == "accepted") stats.accepted = number;
        else if (key == "refused") stats.refused = number;
        else if (key == "cut") stats.cut = number;
        else if (key == "lost") stats.lost = number;
    }
    return stats;
}

}  // namespace cirrus::test
