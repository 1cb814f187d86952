// The real DAV servers the sync tests run (dav_servers.hpp): each starts on
// loopback, asks for its user's password, serves DAV to that user, and is
// gone once stopped.
#include <doctest/doctest.h>

#include "dav_servers.hpp"

using cirrus::test::DavServer;
using cirrus::test::loopback_status;

TEST_CASE(
    "Apache mod_dav on loopback: 401 without the password, 207 with it, a ranged PUT appends, gone once stopped") {
    DavServer server(DavServer::Kind::webdav);
    CHECK(loopback_status(server.port(), "PROPFIND", "/", "", "", "Depth: 0\r\n") == 401);
    CHECK(loopback_status(server.port(), "PROPFIND", "/", "alice", "wrong", "Depth: 0\r\n") == 401);
    CHECK(loopback_status(server.port(), "PROPFIND", "/", "alice", "secret", "Depth: 0\r\n") == 207);
    CHECK(loopback_status(server.port(), "MKCOL", "/Photos/", "alice", "secret") == 201);
    CHECK(std::filesystem::is_directory(server.files() / "Photos"));
    const int port = server.port();
    server.stop();
    CHECK(loopback_status(port, "OPTIONS", "/") == 0);
}

TEST_CASE("Radicale on loopback: 401 with a wrong password, 207 for the user's own collection") {
    DavServer server(DavServer::Kind::carddav);
    CHECK(loopback_status(server.port(), "PROPFIND", "/alice/", "alice", "wrong", "Depth: 0\r\n") == 401);
    CHECK(loopback_status(server.port(), "PROPFIND", "/alice/", "alice", "secret", "Depth: 0\r\n") == 207);
}

TEST_CASE("two servers of each kind run side by side, each on its own port and folder") {
    DavServer first(DavServer::Kind::webdav);
    DavServer second(DavServer::Kind::webdav);
    CHECK(first.port() != second.port());
    CHECK(first.files() != second.files());
    CHECK(loopback_status(second.port(), "MKCOL", "/only-here/", "alice", "secret") == 201);
    CHECK(std::filesystem::exists(second.files() / "only-here"));
    CHECK_FALSE(std::filesystem::exists(first.files() / "only-here"));
}
