// The account (common/account.hpp, `cirrus account`): checked at once
// against real servers on loopback, with an error that names the problem
// and the fix; the secret kept 0600 for this user and never printed.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <libsoup/soup.h>

#include "common/account.hpp"
#include "dav_servers.hpp"
#include "http_test_server.hpp"
#include "sync_test_support.hpp"

using cirrus::sync::check_server;
using cirrus::sync::Problem;
using cirrus::sync::ServerRole;
using cirrus::test::contains;
using cirrus::test::DavServer;

namespace {

// A web site that is not a DAV server: 200 to everything, no DAV header.
cirrus::test::HttpTestServer plain_site() {
    return cirrus::test::HttpTestServer({{"/", [](SoupServerMessage* m) {
                                              soup_server_message_set_status(m, 200, nullptr);
                                              soup_server_message_set_response(m, "text/html", SOUP_MEMORY_STATIC,
                                                                               "<html>hi", 8);
                                          }}});
}

unsigned file_mode(const std::filesystem::path& path) {
    struct stat info {};
    stat(path.c_str(), &info);
    return info.st_mode & 07777;
}

std::string cli(const std::filesystem::path& account_file) {
    return "CIRRUS_ACCOUNT_FILE='" + account_file.string() + "' " + CIRRUS_CLI;
}

}  // namespace

TEST_CASE("check_server: a real WebDAV server with the right password is fine") {
    DavServer server(DavServer::Kind::webdav);
    const auto result = check_server(server.url("/"), {"alice", "secret"}, ServerRole::files);
    CHECK_MESSAGE(result.ok(), result.message);
    CHECK(contains(result.dav_header, "1"));
}

TEST_CASE("check_server: a wrong password is 'unauthorized' and says to check the password") {
    DavServer server(DavServer::Kind::webdav);
    const auto result = check_server(server.url("/"), {"alice", "wrong"}, ServerRole::files);
    CHECK(result.problem == Problem::unauthorized);
    CHECK(contains(result.message, "401"));
    CHECK(contains(result.message, "user 'alice'"));
    CHECK(contains(result.message, "password"));
    CHECK_FALSE(contains(result.message, "wrong"));  // the secret is never in a message
}

TEST_CASE("check_server: nothing listening is 'unreachable', naming the address") {
    const int port = cirrus::test::free_loopback_port();
    const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/dav/";
    const auto result = check_server(url, {"alice", "secret"}, ServerRole::files);
    CHECK(result.problem == Problem::unreachable);
    CHECK(contains(result.message, url));
    CHECK(contains(result.message, "connection refused"));
}

TEST_CASE("check_server: a web site that is not WebDAV is 'not-dav', with Nextcloud's URL as a hint") {
    auto site = plain_site();
    const auto result = check_server(site.url("/"), {"alice", "secret"}, ServerRole::files);
    CHECK(result.problem == Problem::not_dav);
    CHECK(contains(result.message, "not a WebDAV server"));
    CHECK(contains(result.message, "remote.php/dav/files"));
}

TEST_CASE("check_server: Radicale is a CardDAV server; Apache's WebDAV is not one") {
    DavServer radicale(DavServer::Kind::carddav);
    const auto contacts = check_server(radicale.url("/alice/"), {"alice", "secret"}, ServerRole::contacts);
    CHECK_MESSAGE(contacts.ok(), contacts.message);
    CHECK(contains(contacts.dav_header, "addressbook"));

    DavServer apache(DavServer::Kind::webdav);
    const auto files_only = check_server(apache.url("/"), {"alice", "secret"}, ServerRole::contacts);
    CHECK(files_only.problem == Problem::not_dav);
    CHECK(contains(files_only.message, "not a CardDAV"));
}

TEST_CASE("check_server: a folder that does not exist is 'not-found'") {
    DavServer server(DavServer::Kind::webdav);
    const auto result = check_server(server.url("/no/such/"), {"alice", "secret"}, ServerRole::files);
    CHECK(result.problem == Problem::not_found);
    CHECK(contains(result.message, "no folder"));
}

TEST_CASE("a URL with a password inside it is refused before anything is sent") {
    CHECK(contains(cirrus::sync::url_problem("https://alice:pw@example.org/dav/"), "--password-stdin"));
    CHECK(contains(cirrus::sync::url_problem("ftp://example.org/"), "http"));
    CHECK(cirrus::sync::url_problem("https://example.org/dav/").empty());
}

TEST_CASE("the account file: 0600, read back, refused when others can read it") {
    cirrus::test::TempDir dir("cirrus-account");
    const auto path = dir / "cirrus" / "account.json";
    cirrus::sync::Account account{"https://example.org/dav/", "", "alice", "s3cret",
                                  cirrus::sync::SecretKind::password};
    cirrus::sync::save_account(path, account);
    CHECK(file_mode(path) == 0600);
    CHECK(file_mode(path.parent_path()) == 0700);
    const auto loaded = cirrus::sync::load_account(path);
    REQUIRE(loaded);
    CHECK(loaded->url == account.url);
    CHECK(loaded->secret == "s3cret");
    chmod(path.c_str(), 0644);
    try {
        cirrus::sync::load_account(path);
        FAIL("a world-readable account file was used");
    } catch (const std::runtime_error& e) {
        CHECK(contains(e.what(), "chmod 600"));
    }
    CHECK(cirrus::sync::remove_account(path));
    CHECK_FALSE(cirrus::sync::load_account(path));
}

TEST_CASE("cirrus account add: checked at once; stored 0600 only when the server says yes; listed without the secret") {
    DavServer server(DavServer::Kind::webdav);
    DavServer radicale(DavServer::Kind::carddav);
    cirrus::test::TempDir dir("cirrus-account-cli");
    const auto file = dir / "config" / "cirrus" / "account.json";
    const std::string cirrus = cli(file);

    // A wrong password: the reason and the fix, exit 1, nothing stored.
    auto wrong =
        cirrus::test::run_program(cirrus + " account add " + server.url("/") + " --user alice --password-stdin",
                                  dir.path(), "not-the-password\n");
    CHECK(wrong.status == 1);
    CHECK(contains(wrong.err, "401"));
    CHECK(contains(wrong.err, "check the user name and the password"));
    CHECK(contains(wrong.err, "nothing was stored"));
    CHECK_FALSE(contains(wrong.err + wrong.out, "not-the-password"));
    CHECK_FALSE(std::filesystem::exists(file));

    // The right one: stored, 0600.
    auto added = cirrus::test::run_program(cirrus + " account add " + server.url("/") + " --user alice --contacts " +
                                               radicale.url("/alice/") + " --password-stdin",
                                           dir.path(), "secret\n");
    CHECK_MESSAGE(added.status == 0, added.err);
    CHECK(contains(added.out, "added the account"));
    CHECK(contains(added.out, "CardDAV"));
    REQUIRE(std::filesystem::exists(file));
    CHECK(file_mode(file) == 0600);

    // Listed: the server, the user, where the secret is; never the secret.
    auto listed = cirrus::test::run_program(cirrus + " account", dir.path());
    CHECK(listed.status == 0);
    CHECK(contains(listed.out, server.url("/")));
    CHECK(contains(listed.out, "alice"));
    CHECK(contains(listed.out, "a password in " + file.string()));
    CHECK_FALSE(contains(listed.out + listed.err, "secret\n"));
    CHECK_FALSE(contains(listed.out, ": secret"));

    // Tested again: fine; then with the server gone: unreachable, exit 1.
    auto tested = cirrus::test::run_program(cirrus + " account test", dir.path());
    CHECK_MESSAGE(tested.status == 0, tested.err);
    server.stop();
    auto gone = cirrus::test::run_program(cirrus + " account test", dir.path());
    CHECK(gone.status == 1);
    CHECK(contains(gone.err, "cannot reach the server"));

    // Removed: the file and its secret are gone.
    auto removed = cirrus::test::run_program(cirrus + " account remove", dir.path());
    CHECK(removed.status == 0);
    CHECK(contains(removed.out, "removed the account"));
    CHECK_FALSE(std::filesystem::exists(file));
}

TEST_CASE("cirrus account add: a non-DAV site and a password as an argument are refused with the fix") {
    auto site = plain_site();
    cirrus::test::TempDir dir("cirrus-account-cli2");
    const auto file = dir / "account.json";
    auto not_dav = cirrus::test::run_program(
        cli(file) + " account add " + site.url("/") + " --user alice --password-stdin", dir.path(), "secret\n");
    CHECK(not_dav.status == 1);
    CHECK(contains(not_dav.err, "not a WebDAV server"));
    CHECK_FALSE(std::filesystem::exists(file));

    auto in_argv = cirrus::test::run_program(
        cli(file) + " account add " + site.url("/") + " --user alice --password secret", dir.path());
    CHECK(in_argv.status == 2);
    CHECK(contains(in_argv.err, "--password-stdin"));
}

TEST_CASE("cirrus account add --token-file: an app token from a file") {
    DavServer server(DavServer::Kind::webdav, {.user = "bob", .password = "app-token-123"});
    cirrus::test::TempDir dir("cirrus-account-token");
    const auto file = dir / "account.json";
    cirrus::test::write_text(dir / "token", "app-token-123\n");
    auto added = cirrus::test::run_program(
        cli(file) + " account add " + server.url("/") + " --user bob --token-file '" + (dir / "token").string() + "'",
        dir.path());
    CHECK_MESSAGE(added.status == 0, added.err);
    const auto account = cirrus::sync::load_account(file);
    REQUIRE(account);
    CHECK(account->secret == "app-token-123");
    CHECK(account->secret_kind == cirrus::sync::SecretKind::token);
}
