// See dav_servers.hpp.
#include "dav_servers.hpp"

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <glib.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace cirrus::test {

namespace {

using DavClock = std::chrono::steady_clock;

constexpr const char* kApache = "/usr/sbin/apache2";
constexpr const char* kApacheModules = "/usr/lib/apache2/modules";

std::string program_for(DavServer::Kind kind) {
    if (kind == DavServer::Kind::webdav) return kApache;
    for (const char* folder : {"/usr/bin", "/usr/local/bin"}) {
        const std::string path = std::string(folder) + "/radicale";
        if (access(path.c_str(), X_OK) == 0) return path;
    }
    return "/usr/bin/radicale";
}

std::string package_for(DavServer::Kind kind) { return kind == DavServer::Kind::webdav ? "apache2-bin" : "radicale"; }

// Apache's {SHA} password format: base64 of the SHA-1 digest.
std::string apache_sha_password(const std::string& password) {
    GChecksum* checksum = g_checksum_new(G_CHECKSUM_SHA1);
    g_checksum_update(checksum, reinterpret_cast<const guchar*>(password.data()), static_cast<gssize>(password.size()));
    std::array<guint8, 20> digest{};
    gsize length = digest.size();
    g_checksum_get_digest(checksum, digest.data(), &length);
    g_checksum_free(checksum);
    gchar* encoded = g_base64_encode(digest.data(), length);
    std::string result = std::string("{SHA}") + encoded;
    g_free(encoded);
    return result;
}

bool connects(int port) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    close(fd);
    return ok;
}

std::string last_lines(const std::filesystem::path& path, std::size_t count) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    std::string text;
    for (std::size_t i = lines.size() > count ? lines.size() - count : 0; i < lines.size(); ++i)
        text += "\n  " + lines[i];
    return text.empty() ? " (empty)" : text;
}

// The exit status, or -1 while it runs.
int reap(pid_t pid, bool wait) {
    int status = 0;
    const pid_t result = waitpid(pid, &status, wait ? 0 : WNOHANG);
    if (result != pid) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

int free_loopback_port() {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) < 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) < 0) {
        close(fd);
        throw std::runtime_error(std::string("bind 127.0.0.1:0: ") + std::strerror(errno));
    }
    close(fd);
    return ntohs(address.sin_port);
}

DavServer::DavServer(Kind kind) : DavServer(kind, Options{}) {}

DavServer::DavServer(Kind kind, Options options) : kind_(kind), options_(std::move(options)) {
    const std::string program = program_for(kind_);
    if (access(program.c_str(), X_OK) != 0) {
        throw std::runtime_error(program + " is not installed: install the Debian package " + package_for(kind_) +
                                 " (debian-packages.txt; scripts/dev setup installs it)");
    }
    std::filesystem::create_directories(files());
    const auto deadline = DavClock::now() + options_.start_timeout;
    for (int attempt = 0; attempt < 5; ++attempt) {
        port_ = free_loopback_port();
        write_config();
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - DavClock::now());
        if (start_once(left)) return;
    }
    throw std::runtime_error(program + " did not start on a free port after 5 tries; its log:" + last_lines(log(), 10));
}

DavServer::~DavServer() { stop(); }

std::string DavServer::url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

void DavServer::write_config() {
    const std::filesystem::path root = root_.path();
    if (kind_ == Kind::webdav) {
        std::ofstream(root / "htpasswd") << options_.user << ":" << apache_sha_password(options_.password) << "\n";
        std::filesystem::create_directories(root / "run");
        std::ofstream config(root / "httpd.conf");
        config << "ServerRoot " << root.string() << "\n"
               << "ServerName 127.0.0.1\n"
               << "Listen 127.0.0.1:" << port_ << "\n"
               << "DefaultRuntimeDir " << (root / "run").string() << "\n"
               << "PidFile " << (root / "run" / "httpd.pid").string() << "\n"
               << "ErrorLog " << log().string() << "\n"
               << "LogLevel warn\n"
               << "Timeout 30\n"
               << "KeepAliveTimeout 15\n";
        for (const char* module :
             {"mpm_event", "authz_core", "authz_user", "authn_core", "authn_file", "auth_basic", "dav", "dav_fs"}) {
            config << "LoadModule " << module << "_module " << kApacheModules << "/mod_" << module << ".so\n";
        }
        config << "DAVLockDB " << (root / "run" / "DAVLock").string() << "\n"
               << "DocumentRoot " << files().string() << "\n"
               << "<Directory " << files().string() << ">\n"
               << "  DAV On\n"
               << "  AuthType Basic\n"
               << "  AuthName \"cirrus test\"\n"
               << "  AuthUserFile " << (root / "htpasswd").string() << "\n"
               << "  Require valid-user\n"
               << "</Directory>\n";
    } else {
        std::ofstream(root / "users") << options_.user << ":" << options_.password << "\n";
        std::ofstream(root / "radicale.conf")
            << "[server]\nhosts = 127.0.0.1:" << port_ << "\n"
            << "[auth]\ntype = htpasswd\nhtpasswd_filename = " << (root / "users").string()
            << "\nhtpasswd_encryption = plain\ndelay = 0\n"
            << "[storage]\nfilesystem_folder = " << files().string() << "\n"
            << "[logging]\nlevel = warning\n";
    }
}

bool DavServer::start_once(std::chrono::milliseconds timeout) {
    std::vector<std::string> arguments;
    if (kind_ == Kind::webdav) {
        arguments = {kApache, "-DFOREGROUND", "-f", (root_.path() / "httpd.conf").string()};
    } else {
        arguments = {program_for(kind_), "--config", (root_.path() / "radicale.conf").string()};
    }
    std::vector<char*> argv;
    for (std::string& argument : arguments) argv.push_back(argument.data());
    argv.push_back(nullptr);
    const std::string log_path = log().string();
    const int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (log_fd < 0) throw std::runtime_error(log_path + ": " + std::strerror(errno));
    const pid_t parent = getpid();
    pid_ = fork();
    if (pid_ == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(127);
        dup2(log_fd, STDOUT_FILENO);
        dup2(log_fd, STDERR_FILENO);
        const int null_fd = open("/dev/null", O_RDONLY);
        if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
        execv(argv[0], argv.data());
        _exit(127);
    }
    close(log_fd);
    if (pid_ < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));

    const auto deadline = DavClock::now() + timeout;
    while (DavClock::now() < deadline) {
        if (connects(port_)) return true;
        if (reap(pid_, false) >= 0) {  // it ended: most likely the port was taken meanwhile
            pid_ = -1;
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stop();
    throw std::runtime_error(arguments[0] + " did not listen on 127.0.0.1:" + std::to_string(port_) + " within " +
                             std::to_string(timeout.count()) + " ms; its log:" + last_lines(log(), 10));
}

void DavServer::stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    const auto deadline = DavClock::now() + std::chrono::seconds(5);
    while (reap(pid_, false) < 0) {
        if (DavClock::now() >= deadline) {
            kill(pid_, SIGKILL);
            reap(pid_, true);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = -1;
}

int loopback_status(int port, std::string_view method, std::string_view path, std::string_view user,
                    std::string_view password, std::string_view extra_headers) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return 0;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) < 0) {
        close(fd);
        return 0;
    }
    std::ostringstream request;
    request << method << " " << path << " HTTP/1.1\r\nHost: 127.0.0.1:" << port << "\r\nConnection: close\r\n"
            << "Content-Length: 0\r\n"
            << extra_headers;
    if (!user.empty()) {
        const std::string credentials = std::string(user) + ":" + std::string(password);
        gchar* encoded = g_base64_encode(reinterpret_cast<const guchar*>(credentials.data()), credentials.size());
        request << "Authorization: Basic " << encoded << "\r\n";
        g_free(encoded);
    }
    request << "\r\n";
    const std::string text = request.str();
    if (write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
        close(fd);
        return 0;
    }
    std::string answer;
    std::array<char, 512> buffer{};
    while (answer.find("\r\n") == std::string::npos) {
        const ssize_t n = read(fd, buffer.data(), buffer.size());
        if (n <= 0) break;
        answer.append(buffer.data(), static_cast<std::size_t>(n));
    }
    close(fd);
    // "HTTP/1.1 207 Multi-Status"
    const auto space = answer.find(' ');
    if (space == std::string::npos || answer.size() < space + 4) return 0;
    return std::atoi(answer.substr(space + 1, 3).c_str());
}

}  // namespace cirrus::test
