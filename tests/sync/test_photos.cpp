// Photos from the picture folder to the user's WebDAV server (issue 19 item
// 5), through the real cirrus-sync against Apache mod_dav on loopback: up
// on a good link only, none twice, a killed upload resumed sending at most
// one chunk again, and a full server that loses nothing.
#include <doctest/doctest.h>

#include <csignal>
#include <random>
#include <thread>

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libsoup/soup.h>
#include <nlohmann/json.hpp>

#include "common/account.hpp"
#include "dav_servers.hpp"
#include "http_test_server.hpp"
#include "sync_test_support.hpp"
#include "weak_link_process.hpp"

using cirrus::test::Background;
using cirrus::test::contains;
using cirrus::test::DavServer;
using cirrus::test::read_text;
using cirrus::test::wait_until;

namespace {

std::string random_bytes(std::size_t size, unsigned seed) {
    std::mt19937 generator(seed);
    std::string bytes(size, '\0');
    for (char& byte : bytes) byte = static_cast<char>(generator() & 0xff);
    return bytes;
}

// One phone: its picture folder, its sync state and its account.
struct Phone {
    cirrus::test::TempDir dir{"cirrus-phone"};

    explicit Phone(const std::string& url, const std::string& user = "alice", const std::string& password = "secret") {
        std::filesystem::create_directories(pictures());
        set_account(url, user, password);
    }
    void set_account(const std::string& url, const std::string& user = "alice",
                     const std::string& password = "secret") {
        cirrus::sync::save_account(account(), {url, "", user, password, cirrus::sync::SecretKind::password});
    }
    std::filesystem::path pictures() const { return dir / "Pictures"; }
    std::filesystem::path account() const { return dir / "config" / "account.json"; }
    std::filesystem::path status() const { return dir / "status.json"; }

    void add_photo(const std::string& name, const std::string& bytes) const {
        cirrus::test::write_text(pictures() / name, bytes);
    }
    // cirrus-sync for this phone; no photo waits to settle, the service looks every second.
    std::vector<std::string> arguments() const {
        return {CIRRUS_SYNC,
                "--account",
                account().string(),
                "--pictures",
                pictures().string(),
                "--state",
                (dir / "state").string(),
                "--status",
                status().string(),
                "--settle-seconds",
                "0",
                "--poll-seconds",
                "1",
                "--data",
                (dir / "data").string()};
    }
    std::string command(const std::string& extra) const {
        std::string line;
        for (const std::string& argument : arguments()) line += "'" + argument + "' ";
        return line + extra;
    }
    cirrus::test::ProgramRun once(const std::string& extra) const {
        return cirrus::test::run_program(command("--once " + extra), dir.path());
    }
    nlohmann::json status_file() const { return nlohmann::json::parse(read_text(status())); }
};

// The files a server holds in Photos/, hidden ones (parts) included.
std::vector<std::string> remote_names(const DavServer& server) {
    std::vector<std::string> names;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(server.files() / "Photos", error))
        names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

std::uint64_t file_size_or_zero(const std::filesystem::path& path) {
    std::error_code error;
    const auto size = std::filesystem::file_size(path, error);
    return error ? 0 : size;
}

}  // namespace

TEST_CASE("photos go up on a good link, in chunks, and none is uploaded twice (even with the journal lost)") {
    DavServer server(DavServer::Kind::webdav);
    Phone phone(server.url("/"));
    const std::string big = random_bytes(300'000, 1);
    phone.add_photo("IMG_0001.jpg", big);
    phone.add_photo("holiday/IMG 0002.jpg", random_bytes(5'000, 2));
    phone.add_photo(".hidden.jpg", "x");
    phone.add_photo("IMG_0003.jpg.part", "still being written");

    auto first = phone.once("--link good --chunk-bytes 65536");
    REQUIRE_MESSAGE(first.status == 0, first.err);
    CHECK(contains(first.out, "sent 305000 bytes"));
    CHECK(remote_names(server) == std::vector<std::string>{"IMG 0002.jpg", "IMG_0001.jpg"});
    CHECK(read_text(server.files() / "Photos" / "IMG_0001.jpg") == big);
    CHECK(phone.status_file()["photos_uploaded"] == 2);
    CHECK(phone.status_file()["photos_pending"] == 0);  // what Settings shows as waiting
    CHECK(phone.status_file()["last_success"].is_number());

    auto again = phone.once("--link good");
    CHECK(again.status == 0);
    CHECK_FALSE(contains(again.out, "sent"));  // nothing pending: no pass at all

    // The journal lost: the server is asked, and nothing is sent again.
    std::filesystem::remove_all(phone.dir / "state");
    auto without_journal = phone.once("--link good");
    CHECK(without_journal.status == 0);
    CHECK(contains(without_journal.out, "already on the server"));
    CHECK(contains(without_journal.out, "sent 0 bytes"));
    CHECK(remote_names(server) == std::vector<std::string>{"IMG 0002.jpg", "IMG_0001.jpg"});

    // Another photo of a taken name (another phone's) gets a name of its own.
    phone.add_photo("other/IMG_0001.jpg", random_bytes(1000, 3));
    auto conflict = phone.once("--link good");
    CHECK(conflict.status == 0);
    CHECK(remote_names(server) == std::vector<std::string>{"IMG 0002.jpg", "IMG_0001 (2).jpg", "IMG_0001.jpg"});
}

TEST_CASE("no bulk upload on 3g, 2g or offline, nor on a low battery: exit 3 with why, nothing sent") {
    DavServer server(DavServer::Kind::webdav);
    Phone phone(server.url("/"));
    phone.add_photo("IMG_0001.jpg", random_bytes(10'000, 4));
    for (const char* link : {"3g", "2g", "offline"}) {
        CAPTURE(link);
        auto held = phone.once(std::string("--link ") + link);
        CHECK(held.status == 3);
        CHECK((contains(held.err, "good link") || contains(held.err, "offline")));
        CHECK_FALSE(std::filesystem::exists(server.files() / "Photos"));
    }
    CHECK(phone.status_file()["hold"] == "offline");
    CHECK(phone.status_file()["photos_pending"] == 1);  // Settings: "1 waiting"

    cirrus::test::write_text(phone.dir / "power" / "BAT0" / "type", "Battery\n");
    cirrus::test::write_text(phone.dir / "power" / "BAT0" / "capacity", "12\n");
    cirrus::test::write_text(phone.dir / "power" / "BAT0" / "status", "Discharging\n");
    auto low = phone.once("--link good --power-supply '" + (phone.dir / "power").string() + "'");
    CHECK(low.status == 3);
    CHECK(contains(low.err, "30% battery"));
    CHECK(phone.status_file()["hold"] == "battery-low");
    CHECK_FALSE(std::filesystem::exists(server.files() / "Photos"));

    cirrus::test::write_text(phone.dir / "power" / "BAT0" / "status", "Charging\n");
    auto charging = phone.once("--link good --power-supply '" + (phone.dir / "power").string() + "'");
    CHECK_MESSAGE(charging.status == 0, charging.err);
    CHECK(remote_names(server) == std::vector<std::string>{"IMG_0001.jpg"});
}

TEST_CASE("an upload killed mid-way resumes where the server stopped: no duplicate, at most one chunk sent again") {
    constexpr std::uint64_t kChunk = 128 * 1024;
    const std::string photo = random_bytes(640 * 1024, 5);

    // The reference: the same upload, uncut, for the bytes a clean run sends.
    std::uint64_t reference_up = 0;
    {
        DavServer server(DavServer::Kind::webdav);
        cirrus::test::WeakLinkProcess link(server.port(), "none");
        Phone phone(link.url("/"));
        phone.add_photo("IMG_0001.jpg", photo);
        auto run = phone.once("--link good --chunk-bytes " + std::to_string(kChunk));
        REQUIRE_MESSAGE(run.status == 0, run.err);
        reference_up = link.stats().up_bytes;
    }

    DavServer server(DavServer::Kind::webdav);
    // 3g: 750 kbit/s up, about 1.4 s a chunk: time to kill it mid-way.
    cirrus::test::WeakLinkProcess link(server.port(), "3g");
    Phone phone(link.url("/"));
    phone.add_photo("IMG_0001.jpg", photo);
    const auto part = server.files() / "Photos" / ".IMG_0001.jpg.cirrus-part";
    {
        std::vector<std::string> arguments = phone.arguments();
        arguments.insert(arguments.end(), {"--link", "good", "--chunk-bytes", std::to_string(kChunk)});
        Background sync(arguments, phone.dir / "first.log");
        // Killed once the server holds two chunks and the third is on its way.
        REQUIRE(wait_until([&] { return file_size_or_zero(part) >= 2 * kChunk; }, std::chrono::seconds(60)));
        std::this_thread::sleep_for(std::chrono::milliseconds(700));
        CHECK(sync.stop(SIGKILL) == 128 + SIGKILL);
    }
    // What the link still carried reaches the server after the kill (Apache
    // writes a cut-off ranged PUT's bytes in place): wait for it to settle.
    std::uint64_t on_server_at_kill = file_size_or_zero(part);
    for (int still = 0; still < 10; std::this_thread::sleep_for(std::chrono::milliseconds(100))) {
        const std::uint64_t now = file_size_or_zero(part);
        still = now == on_server_at_kill ? still + 1 : 0;
        on_server_at_kill = now;
    }
    MESSAGE("killed with " << on_server_at_kill << " bytes on the server");
    CHECK(on_server_at_kill < photo.size());
    CHECK_FALSE(std::filesystem::exists(server.files() / "Photos" / "IMG_0001.jpg"));

    link.set_profile("none");
    auto resumed = phone.once("--link good --chunk-bytes " + std::to_string(kChunk));
    REQUIRE_MESSAGE(resumed.status == 0, resumed.err);
    CAPTURE(resumed.out);
    CHECK(contains(resumed.out, "resumed at " + std::to_string(on_server_at_kill)));
    CHECK(contains(resumed.out, "sent " + std::to_string(photo.size() - on_server_at_kill) + " bytes"));
    CHECK(remote_names(server) == std::vector<std::string>{"IMG_0001.jpg"});  // one copy, no part left
    CHECK(read_text(server.files() / "Photos" / "IMG_0001.jpg") == photo);

    const std::uint64_t cut_up = link.stats().up_bytes;
    const std::int64_t sent_again = static_cast<std::int64_t>(cut_up) - static_cast<std::int64_t>(reference_up);
    MESSAGE("640 KiB in 128 KiB chunks, killed once on 3g: " << cut_up << " bytes up, " << reference_up
                                                             << " uncut: " << sent_again << " sent again");
    // At most the chunk in flight, plus the resume's few requests (PROPFINDs, headers).
    CHECK(sent_again <= static_cast<std::int64_t>(kChunk + 4096));
}

TEST_CASE("a full server (507) gives a clear error and loses nothing; the photo goes up once there is room") {
    // A WebDAV server whose disk is full: it lists and makes folders, and
    // answers every PUT with 507 Insufficient Storage.
    auto multistatus = [](SoupServerMessage* m) {
        static const std::string body =
            "<?xml version=\"1.0\"?><D:multistatus xmlns:D=\"DAV:\"><D:response><D:href>/</D:href><D:propstat>"
            "<D:prop><D:resourcetype><D:collection/></D:resourcetype></D:prop>"
            "<D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response></D:multistatus>";
        soup_message_headers_replace(soup_server_message_get_response_headers(m), "DAV", "1, 2");
        const std::string method = soup_server_message_get_method(m);
        if (method == "PROPFIND") {
            soup_server_message_set_status(m, 207, nullptr);
            soup_server_message_set_response(m, "application/xml", SOUP_MEMORY_STATIC, body.data(), body.size());
        } else {
            soup_server_message_set_status(m, method == "MKCOL" ? 201 : 200, nullptr);
        }
    };
    cirrus::test::HttpTestServer full({
        {"/", multistatus},
        {"/Photos/", multistatus},
        {"/Photos/.IMG_0001.jpg.cirrus-part",
         [](SoupServerMessage* m) {
             const std::string method = soup_server_message_get_method(m);
             soup_server_message_set_status(m, method == "PUT" ? 507 : 404, nullptr);
         }},
    });
    Phone phone(full.url("/"));
    const std::string photo = random_bytes(50'000, 6);
    phone.add_photo("IMG_0001.jpg", photo);

    auto refused = phone.once("--link good");
    CHECK(refused.status == 1);
    CHECK(contains(refused.err, "the server is full"));
    CHECK(contains(refused.err, "507"));
    CHECK(contains(refused.err, "stays on the phone"));
    CHECK(read_text(phone.pictures() / "IMG_0001.jpg") == photo);  // untouched
    CHECK(phone.status_file()["hold"] == "needs-user");
    CHECK(contains(phone.status_file()["last_error"].get<std::string>(), "507"));

    // Room again (here: the user moved to a server with space): it goes up.
    DavServer roomy(DavServer::Kind::webdav);
    phone.set_account(roomy.url("/"));
    auto uploaded = phone.once("--link good");
    CHECK_MESSAGE(uploaded.status == 0, uploaded.err);
    CHECK(read_text(roomy.files() / "Photos" / "IMG_0001.jpg") == photo);
}

TEST_CASE("the service: waits on 3g, uploads as soon as the link is good, says so in its status, ends on SIGTERM") {
    DavServer server(DavServer::Kind::webdav);
    Phone phone(server.url("/"));
    phone.add_photo("IMG_0001.jpg", random_bytes(20'000, 7));
    const auto link_file = phone.dir / "link";
    cirrus::test::write_text(link_file, "3g\n");
    std::vector<std::string> arguments = phone.arguments();
    arguments.insert(arguments.end(), {"--link-file", link_file.string()});
    Background sync(arguments, phone.dir / "service.log");

    REQUIRE(wait_until(
        [&] { return std::filesystem::exists(phone.status()) && phone.status_file()["hold"] == "link-too-weak"; },
        std::chrono::seconds(10)));
    CHECK(phone.status_file()["link"] == "3g");
    CHECK_FALSE(std::filesystem::exists(server.files() / "Photos" / "IMG_0001.jpg"));

    cirrus::test::write_text(link_file, "good\n");
    REQUIRE(wait_until([&] { return std::filesystem::exists(server.files() / "Photos" / "IMG_0001.jpg"); },
                       std::chrono::seconds(10)));
    // The photo on the server is not yet the service's record of it (the
    // file exists from the PUT's first byte; last_success may be the notes'
    // pass on 3g): wait for the count itself.
    REQUIRE(wait_until([&] { return phone.status_file()["photos_uploaded"] == 1; }, std::chrono::seconds(5)));
    CHECK(phone.status_file()["last_success"].is_number());
    CHECK(phone.status_file()["hold"] == "none");
    CHECK(sync.stop(SIGTERM) == 0);
}
