// Real DAV servers for tests, on 127.0.0.1 in a temp folder of their own:
// Apache httpd with mod_dav (Debian's apache2-bin) for WebDAV files, and
// Radicale (Debian's radicale) for CardDAV. Each starts on a free loopback
// port with one user (Basic auth), and stops (SIGTERM, then SIGKILL) when
// the object goes. Like WeakLinkProcess (tests/tools), the server dies with
// the test even when the test crashes.
//
//   cirrus::test::DavServer webdav(cirrus::test::DavServer::Kind::webdav);
//   put(webdav.url("/Photos/a.jpg"), ...);   // user "alice", password "secret"
//   CHECK(std::filesystem::exists(webdav.files() / "Photos" / "a.jpg"));
//
// Apache's mod_dav rather than `rclone serve webdav`: the apache2-bin package
// is 5 MB (rclone 57 MB) and starts from a 20-line config written here with no
// service or default site; and mod_dav honours a PUT with Content-Range (it
// writes the range into the file), which resumable uploads use, where
// rclone's server (golang.org/x/net/webdav) truncates the file to the range.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>

#include <sys/types.h>

#include "../temp_dir.hpp"

namespace cirrus::test {

class DavServer {
public:
    enum class Kind {
        webdav,   // Apache httpd + mod_dav_fs: files under files()
        carddav,  // Radicale: collections under files() (its storage folder)
    };

    struct Options {
        std::string user = "alice";
        std::string password = "secret";
        std::chrono::milliseconds start_timeout = std::chrono::seconds(20);
    };

    // Throws std::runtime_error naming the program and the fix when it is not
    // installed, and its log's last lines when it does not start.
    explicit DavServer(Kind kind);
    DavServer(Kind kind, Options options);
    ~DavServer();
    DavServer(const DavServer&) = delete;
    DavServer& operator=(const DavServer&) = delete;

    int port() const { return port_; }
    // "http://127.0.0.1:PORT" + path
    std::string url(std::string_view path = "/") const;
    const std::string& user() const { return options_.user; }
    const std::string& password() const { return options_.password; }
    // What the server serves, on disk: Apache's DocumentRoot, Radicale's
    // storage folder.
    std::filesystem::path files() const { return root_.path() / "files"; }
    // The server's own log (errors).
    std::filesystem::path log() const { return root_.path() / "server.log"; }
    pid_t pid() const { return pid_; }

    // SIGTERM, then SIGKILL after five seconds; idempotent.
    void stop();

private:
    void write_config();
    bool start_once(std::chrono::milliseconds timeout);  // false: the port was taken, try another

    Kind kind_;
    Options options_;
    TempDir root_{"cirrus-dav"};
    int port_ = 0;
    pid_t pid_ = -1;
};

// A port on 127.0.0.1 that nothing listened on a moment ago (bound, then
// closed): a server started on it may still lose a race, so callers retry.
int free_loopback_port();

// Sends one HTTP/1.1 request on a fresh connection to 127.0.0.1:port and
// returns the status code (0 when nothing answered), with Basic auth when
// user is not empty. For tests that check a server from outside, without
// the product's client.
int loopback_status(int port, std::string_view method, std::string_view path, std::string_view user = "",
                    std::string_view password = "", std::string_view extra_headers = "");

}  // namespace cirrus::test
