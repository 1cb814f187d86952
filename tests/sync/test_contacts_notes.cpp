// Contacts and notes two-way (issue 19 item 4) through the real cirrus-sync:
// two phones (two data folders) against one real Radicale (CardDAV) and one
// real Apache mod_dav (the notes folder) on loopback.
#include <doctest/doctest.h>

#include <atomic>

#include <nlohmann/json.hpp>

#include "common/account.hpp"
#include "common/contact_store.hpp"
#include "dav_servers.hpp"
#include "common/note_store.hpp"
#include "forwarding_proxy.hpp"
#include "sync_test_support.hpp"
#include "common/vcard.hpp"
#include "personal_data.hpp"
#include "weak_link_process.hpp"

using cirrus::test::Background;
using cirrus::test::contains;
using cirrus::test::DavServer;
using cirrus::test::read_text;
using cirrus::test::wait_until;

namespace {

std::string card(const std::string& name, const std::string& phone = "+1 555 0100") {
    return "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:" + name + "\r\nN:" + name + ";;;;\r\nTEL:" + phone + "\r\nEND:VCARD\r\n";
}

// One phone: its data folder (contacts, notes), its sync state and account.
struct PimPhone {
    cirrus::test::TempDir dir{"cirrus-pim-phone"};

    PimPhone(const std::string& files_url, const std::string& contacts_url, const std::string& password = "secret") {
        std::filesystem::create_directories(dir / "Pictures");
        set_account(files_url, contacts_url, password);
    }
    void set_account(const std::string& files_url, const std::string& contacts_url,
                     const std::string& password = "secret") const {
        cirrus::sync::save_account(account(),
                                   {files_url, contacts_url, "alice", password, cirrus::sync::SecretKind::password});
    }
    std::filesystem::path account() const { return dir / "config" / "account.json"; }
    std::filesystem::path data() const { return dir / "data"; }
    std::filesystem::path status() const { return dir / "status.json"; }
    cirrus::sync::ContactStore contacts() const { return cirrus::sync::ContactStore(data() / "contacts.sqlite"); }
    cirrus::sync::NoteStore notes() const { return cirrus::sync::NoteStore(data() / "Notes", data() / "notes.sqlite"); }
    cirrus::test::ProgramRun sync(const std::string& link = "good") const {
        const std::string command = std::string("'") + CIRRUS_SYNC + "' --once --link " + link + " --account '" +
                                    account().string() + "' --pictures '" + (dir / "Pictures").string() +
                                    "' --state '" + (dir / "state").string() + "' --status '" + status().string() +
                                    "' --data '" + data().string() + "'";
        return cirrus::test::run_program(command, dir.path());
    }
    // The service, looking every second and asking the server every second.
    std::vector<std::string> service_arguments() const {
        return {CIRRUS_SYNC,
                "--link",
                "3g",
                "--account",
                account().string(),
                "--pictures",
                (dir / "Pictures").string(),
                "--state",
                (dir / "state").string(),
                "--status",
                status().string(),
                "--data",
                data().string(),
                "--poll-seconds",
                "1",
                "--pull-seconds",
                "1"};
    }
    std::vector<std::string> names() const {
        std::vector<std::string> all;
        for (const auto& contact : contacts().contacts())
            all.push_back(cirrus::sync::vcard_property(contact.vcard, "FN"));
        std::sort(all.begin(), all.end());
        return all;
    }
    nlohmann::json status_file() const { return nlohmann::json::parse(read_text(status())); }
};

// The cards Radicale holds for alice, on disk (not its caches, whose files
// are named after the cards too).
std::vector<std::string> server_cards(const DavServer& radicale) {
    std::vector<std::string> cards;
    std::error_code error;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(radicale.files(), error))
        if (entry.path().extension() == ".vcf" && !contains(entry.path().string(), ".Radicale."))
            cards.push_back(read_text(entry.path()));
    return cards;
}

void require_ok(const cirrus::test::ProgramRun& run) {
    INFO("stdout: " << run.out);
    INFO("stderr: " << run.err);
    REQUIRE(run.status == 0);
}

}  // namespace

TEST_CASE("contacts: one added on one phone appears on the other, and an edit and a deletion follow") {
    DavServer radicale(DavServer::Kind::carddav);
    DavServer apache(DavServer::Kind::webdav);
    PimPhone a(apache.url("/"), radicale.url("/"));
    PimPhone b(apache.url("/"), radicale.url("/"));

    const std::int64_t ann = a.contacts().add(card("Ann Lee"));
    require_ok(a.sync());
    CHECK(contains(a.sync().out, "0 in, 0 out"));  // nothing more to send
    REQUIRE(server_cards(radicale).size() == 1);
    CHECK(contains(server_cards(radicale)[0], "FN:Ann Lee"));
    require_ok(b.sync());
    CHECK(b.names() == std::vector<std::string>{"Ann Lee"});

    // An edit on B reaches A (sync-collection: only the change).
    const auto on_b = b.contacts().contacts().at(0);
    b.contacts().edit(on_b.id, card("Ann Lee-Park", "+1 555 0199"));
    require_ok(b.sync());
    const auto delta = a.sync();
    require_ok(delta);
    INFO(delta.out);
    CHECK(contains(delta.out, "contacts: 1 in, 0 out, 0 deleted here, 0 deleted there, 0 conflicts (sync-collection)"));
    CHECK(a.names() == std::vector<std::string>{"Ann Lee-Park"});
    CHECK(contains(a.contacts().find(ann)->vcard, "+1 555 0199"));
    CHECK(a.contacts().find(ann)->uid == on_b.uid);

    // A server without sync-collection: PROPFIND getetag and multiget instead.
    // And a sync-token the server does not know: a full list.
    b.contacts().set_state("no_sync_collection", "1");
    a.contacts().set_state("sync_token", "http://radicale.org/ns/sync/forgotten");
    const std::int64_t eve = b.contacts().add(card("Eve Fox"));
    require_ok(b.sync());
    const auto full = a.sync();
    require_ok(full);
    CHECK(contains(full.out, "the server forgot its sync-token"));
    CHECK(a.names() == std::vector<std::string>{"Ann Lee-Park", "Eve Fox"});
    b.contacts().edit(eve, card("Eve Fox", "+1 555 0777"));
    a.contacts().edit(a.contacts().find_by_href(b.contacts().find(eve)->href)->id, card("Eve Fox-Gray", "+1 555 0777"));
    require_ok(a.sync());
    const auto fallback = b.sync();
    require_ok(fallback);
    CHECK(!contains(fallback.out, "(sync-collection)"));
    CHECK(contains(fallback.out, "1 conflict"));
    CHECK(b.names() == std::vector<std::string>{"Ann Lee-Park", "Eve Fox (conflict on this phone)", "Eve Fox-Gray"});
    b.contacts().remove(b.contacts().find_by_href(b.contacts().find(eve)->href)->id);
    for (const auto& contact : b.contacts().contacts())
        if (contains(contact.vcard, "conflict on this phone")) b.contacts().remove(contact.id);
    require_ok(b.sync());
    require_ok(a.sync());
    CHECK(a.names() == std::vector<std::string>{"Ann Lee-Park"});

    // A deletion on A is deleted on the server and on B.
    a.contacts().remove(ann);
    require_ok(a.sync());
    CHECK(server_cards(radicale).empty());
    require_ok(b.sync());
    CHECK(b.names().empty());
    CHECK(b.contacts().contacts(true).empty());
}

TEST_CASE("contacts: the same contact edited on both phones keeps both edits, and the user is told") {
    DavServer radicale(DavServer::Kind::carddav);
    DavServer apache(DavServer::Kind::webdav);
    PimPhone a(apache.url("/"), radicale.url("/"));
    PimPhone b(apache.url("/"), radicale.url("/"));
    a.contacts().add(card("Bo Chen"));
    require_ok(a.sync());
    require_ok(b.sync());

    const auto on_a = a.contacts().contacts().at(0);
    const auto on_b = b.contacts().contacts().at(0);
    a.contacts().edit(on_a.id, card("Bo Chen", "+1 555 0001"));
    b.contacts().edit(on_b.id, card("Bo Chen", "+1 555 0002"));
    require_ok(a.sync());
    const auto run = b.sync();
    require_ok(run);
    CHECK(contains(run.out, "1 conflict"));
    // B has the server's (A's) version under the name, and its own as a copy.
    CHECK(b.names() == std::vector<std::string>{"Bo Chen", "Bo Chen (conflict on this phone)"});
    CHECK(contains(b.contacts().find(on_b.id)->vcard, "+1 555 0001"));
    const auto status = b.status_file();
    CHECK(contains(status["message"].get<std::string>(), "both kept"));
    CHECK(status["conflicts"] == 1);
    // Both are on the server, and A gets the copy.
    CHECK(server_cards(radicale).size() == 2);
    require_ok(a.sync());
    CHECK(a.names() == std::vector<std::string>{"Bo Chen", "Bo Chen (conflict on this phone)"});
    bool a_has_b_edit = false;
    for (const auto& contact : a.contacts().contacts())
        a_has_b_edit = a_has_b_edit || contains(contact.vcard, "+1 555 0002");
    CHECK(a_has_b_edit);
}

TEST_CASE("notes: written on one phone, on the other; deleted on one, deleted on the other; both edits kept") {
    DavServer radicale(DavServer::Kind::carddav);
    DavServer apache(DavServer::Kind::webdav);
    PimPhone a(apache.url("/"), radicale.url("/"));
    PimPhone b(apache.url("/"), radicale.url("/"));

    a.notes().write("Shopping list.txt", "milk\n");
    a.notes().write("Ideas.md", "# ideas\n");
    require_ok(a.sync());
    CHECK(read_text(apache.files() / "Notes" / "Shopping list.txt") == "milk\n");
    require_ok(b.sync());
    CHECK(b.notes().read("Shopping list.txt") == "milk\n");
    CHECK(b.notes().read("Ideas.md") == "# ideas\n");

    // Deleted on B: gone from the server, then from A.
    b.notes().remove("Ideas.md");
    require_ok(b.sync());
    CHECK(!std::filesystem::exists(apache.files() / "Notes" / "Ideas.md"));
    require_ok(a.sync());
    CHECK(!a.notes().exists("Ideas.md"));
    CHECK(a.notes().exists("Shopping list.txt"));

    // Edited on both: the server keeps A's, B's goes up as its conflict copy.
    a.notes().write("Shopping list.txt", "milk\neggs\n");
    b.notes().write("Shopping list.txt", "milk\nbread\n");
    require_ok(a.sync());
    const auto run = b.sync();
    require_ok(run);
    CHECK(contains(run.out, "1 conflict"));
    CHECK(b.notes().read("Shopping list.txt") == "milk\neggs\n");
    CHECK(b.notes().read("Shopping list (conflict on this phone).txt") == "milk\nbread\n");
    CHECK(read_text(apache.files() / "Notes" / "Shopping list (conflict on this phone).txt") == "milk\nbread\n");
    CHECK(contains(b.status_file()["message"].get<std::string>(), "note 'Shopping list.txt'"));
    require_ok(a.sync());
    CHECK(a.notes().read("Shopping list (conflict on this phone).txt") == "milk\nbread\n");
    // An edit on one side only, soon after the last write (Apache's weak ETag), goes through.
    a.notes().write("Shopping list.txt", "milk\neggs\ntea\n");
    require_ok(a.sync());
    CHECK(read_text(apache.files() / "Notes" / "Shopping list.txt") == "milk\neggs\ntea\n");
}

TEST_CASE("on the 2g link class, through a 2g link, a one-contact change still goes") {
    DavServer radicale(DavServer::Kind::carddav);
    DavServer apache(DavServer::Kind::webdav);
    cirrus::test::WeakLinkProcess contacts_link(radicale.port(), "none");
    cirrus::test::WeakLinkProcess files_link(apache.port(), "none");
    PimPhone a(files_link.url("/"), contacts_link.url("/"));
    a.contacts().add(card("Cy Diaz"));
    require_ok(a.sync());

    contacts_link.set_profile("2g");
    files_link.set_profile("2g");
    const auto contact = a.contacts().contacts().at(0);
    a.contacts().edit(contact.id, card("Cy Diaz", "+1 555 0123"));
    const auto before = contacts_link.stats();
    require_ok(a.sync("2g"));
    const auto sent = contacts_link.stats().up_bytes - before.up_bytes;
    MESSAGE("one-contact change on 2g: " << sent << " bytes sent to the CardDAV server");
    CHECK(sent < 4096);
    REQUIRE(server_cards(radicale).size() == 1);
    CHECK(contains(server_cards(radicale)[0], "+1 555 0123"));
    CHECK(!a.contacts().find(contact.id)->changed);
}

TEST_CASE("a wrong password and a server that is not CardDAV give clear errors and lose nothing") {
    DavServer radicale(DavServer::Kind::carddav);
    DavServer apache(DavServer::Kind::webdav);
    PimPhone a(apache.url("/"), radicale.url("/"), "wrong");
    const std::int64_t id = a.contacts().add(card("Di Evans"));
    a.notes().write("todo.txt", "call Di\n");

    auto run = a.sync();
    CHECK(run.status == 1);
    CHECK(contains(run.err, "refused the account's password"));
    CHECK(contains(a.status_file()["message"].get<std::string>(), "password"));
    REQUIRE(a.contacts().find(id));
    CHECK(a.contacts().find(id)->changed);
    CHECK(a.notes().read("todo.txt") == "call Di\n");
    CHECK(server_cards(radicale).empty());

    // The contacts URL names Apache: WebDAV, but no CardDAV.
    a.set_account(apache.url("/"), apache.url("/"));
    run = a.sync();
    CHECK(run.status == 1);
    CHECK(contains(run.err, "is not a CardDAV address book"));
    CHECK(contains(run.err, "--contacts"));
    CHECK(a.contacts().find(id)->changed);
    // The notes went up all the same: one service's error does not hold the other.
    CHECK(read_text(apache.files() / "Notes" / "todo.txt") == "call Di\n");

    // Fixed: the contact goes.
    a.set_account(apache.url("/"), radicale.url("/"));
    require_ok(a.sync());
    CHECK(!a.contacts().find(id)->changed);
    CHECK(server_cards(radicale).size() == 1);
}

TEST_CASE("the service: a contact added on one phone reaches the other's running service; offline, it waits") {
    DavServer radicale(DavServer::Kind::carddav);
    DavServer apache(DavServer::Kind::webdav);
    PimPhone a(apache.url("/"), radicale.url("/"));
    PimPhone b(apache.url("/"), radicale.url("/"));

    // Offline, the phone's change waits and says why (exit 3), nothing lost.
    const std::int64_t id = a.contacts().add(card("Gus Hill"));
    const auto held = a.sync("offline");
    CHECK(held.status == 3);
    CHECK(contains(held.err, "offline: waiting for a link"));
    CHECK(a.contacts().find(id)->changed);
    CHECK(server_cards(radicale).empty());

    // Both services running on 3g (urgent work goes): A sends it, B takes it in.
    Background service_a(a.service_arguments(), a.dir / "service.log");
    Background service_b(b.service_arguments(), b.dir / "service.log");
    const bool arrived =
        wait_until([&] { return b.names() == std::vector<std::string>{"Gus Hill"}; }, std::chrono::seconds(30));
    INFO("A: " << read_text(a.dir / "service.log"));
    INFO("B: " << read_text(b.dir / "service.log"));
    CHECK(arrived);
    // An edit on B while both run comes back to A.
    b.contacts().edit(b.contacts().contacts().at(0).id, card("Gus Hill", "+1 555 0404"));
    CHECK(wait_until([&] { return contains(a.contacts().find(id)->vcard, "+1 555 0404"); }, std::chrono::seconds(30)));
    CHECK(service_a.stop(SIGTERM) == 0);
    CHECK(service_b.stop(SIGTERM) == 0);
}

TEST_CASE("a full server (507) for contacts and notes: told in words, nothing lost, sent once there is room") {
    DavServer radicale(DavServer::Kind::carddav);
    DavServer apache(DavServer::Kind::webdav);
    std::atomic<bool> full{false};
    // Both servers behind proxies that, once `full`, answer every PUT with
    // 507 Insufficient Storage, as a server whose disk or quota is full does.
    const auto refuse_puts = [&](const std::string& method, const std::string&) {
        return full && method == "PUT" ? 507 : 0;
    };
    cirrus::test::ForwardingProxy files(apache.url("/"), refuse_puts);
    cirrus::test::ForwardingProxy cards(radicale.url("/"), refuse_puts);
    PimPhone a(files.url("/"), cards.url("/"));
    require_ok(a.sync());  // finds the address book and the notes folder

    full = true;
    const std::int64_t id = a.contacts().add(card("Room Needed"));
    a.notes().write("full.txt", "kept on the phone\n");
    const auto run = a.sync();
    CHECK(run.status == 1);
    CHECK(contains(run.err, "the server is full"));
    CHECK(contains(run.err, "507"));
    CHECK(contains(run.err, "stays on the phone"));
    CHECK(contains(a.status_file()["message"].get<std::string>(), "the server is full"));
    REQUIRE(a.contacts().find(id));
    CHECK(a.contacts().find(id)->changed);  // still to send
    CHECK(a.notes().read("full.txt") == "kept on the phone\n");
    CHECK(server_cards(radicale).empty());
    CHECK_FALSE(std::filesystem::exists(apache.files() / "Notes" / "full.txt"));

    full = false;
    require_ok(a.sync());
    CHECK_FALSE(a.contacts().find(id)->changed);
    CHECK(server_cards(radicale).size() == 1);
    CHECK(read_text(apache.files() / "Notes" / "full.txt") == "kept on the phone\n");
}

// The page's path (webapp-host/personal_data, what window.cirrus.contacts and
// .notes run): an edit made by an app on phone A reaches the server with the
// lines another phone wrote kept; a note an app wrote goes up as a file.
TEST_CASE("an app's edit through window.cirrus's store code reaches Radicale and keeps another phone's lines") {
    DavServer radicale(DavServer::Kind::carddav);
    DavServer apache(DavServer::Kind::webdav);
    PimPhone a(apache.url("/"), radicale.url("/"));
    PimPhone b(apache.url("/"), radicale.url("/"));
    b.contacts().add(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nN:Lee;Ann;;;\r\nTEL;TYPE=work:+1 555 0100\r\n"
        "X-PRONOUNS:she/her\r\nADR;TYPE=home:;;1 Main St;Springfield;;12345;US\r\nEND:VCARD\r\n");
    require_ok(b.sync());
    require_ok(a.sync());

    const cirrus::webapp::PersonalData app(a.data());
    const auto list = nlohmann::json::parse(app.call(R"({"op":"contacts.list"})"));
    REQUIRE(list.size() == 1);
    nlohmann::json contact = list[0];
    CHECK(contact["synced"] == true);
    contact["phones"].push_back({{"value", "+1 555 0199"}, {"type", "cell"}});
    const auto saved =
        nlohmann::json::parse(app.call(nlohmann::json{{"op", "contacts.save"}, {"contact", contact}}.dump()));
    REQUIRE_MESSAGE(saved.contains("id"), saved.dump());
    CHECK(saved["synced"] == false);
    CHECK(nlohmann::json::parse(app.call(R"({"op":"notes.write","name":"from-app.txt","text":"hello"})"))["bytes"] ==
          5);

    const auto sent = a.sync();
    require_ok(sent);
    CHECK(contains(sent.out, "contacts: 0 in, 1 out"));
    REQUIRE(server_cards(radicale).size() == 1);
    const std::string on_server = server_cards(radicale)[0];
    INFO(on_server);
    CHECK(contains(on_server, "+1 555 0199"));
    CHECK(contains(on_server, "+1 555 0100"));
    CHECK(contains(on_server, "X-PRONOUNS:she/her"));
    CHECK(contains(on_server, "1 Main St"));
    CHECK(nlohmann::json::parse(app.call(R"({"op":"contacts.list"})"))[0]["synced"] == true);
    CHECK(read_text(apache.files() / "Notes" / "from-app.txt") == "hello");

    require_ok(b.sync());
    CHECK(contains(b.contacts().contacts().at(0).vcard, "+1 555 0199"));
}

TEST_CASE("the service: an app's change goes at once when its host asks (changes.request), not at the next poll") {
    DavServer radicale(DavServer::Kind::carddav);
    DavServer apache(DavServer::Kind::webdav);
    PimPhone a(apache.url("/"), radicale.url("/"));
    // A poll and a pull of a minute: only the request can make it go sooner.
    std::vector<std::string> arguments = a.service_arguments();
    for (std::size_t i = 0; i + 1 < arguments.size(); ++i)
        if (arguments[i] == "--poll-seconds" || arguments[i] == "--pull-seconds") arguments[i + 1] = "60";
    Background service(arguments, a.dir / "service.log");
    INFO("service: " << read_text(a.dir / "service.log"));
    // Its first pass has run: it now waits for the poll.
    REQUIRE(wait_until([&] { return std::filesystem::exists(a.status()); }, std::chrono::seconds(20)));
    std::this_thread::sleep_for(std::chrono::seconds(2));

    // What the host does after a page's contacts.save: the store, then the request.
    const std::int64_t id = a.contacts().add(card("Ida Quick"));
    const std::filesystem::path request = a.dir / "state" / "changes.request";
    cirrus::test::write_text(request, "");
    CHECK(wait_until([&] { return server_cards(radicale).size() == 1; }, std::chrono::seconds(15)));
    CHECK(wait_until([&] { return !a.contacts().find(id)->changed; }, std::chrono::seconds(5)));
    CHECK_FALSE(std::filesystem::exists(request));  // taken by the pass

    // Without a request, a change waits for the poll (a minute): still here after 5 s.
    const std::int64_t later = a.contacts().add(card("Jo Later"));
    std::this_thread::sleep_for(std::chrono::seconds(5));
    CHECK(a.contacts().find(later)->changed);
    CHECK(service.stop(SIGTERM) == 0);
}
