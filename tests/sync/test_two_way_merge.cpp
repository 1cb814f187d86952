// Contacts and notes two-way (issue 19 item 4) without a network: the merge
// policy (common/two_way_merge.hpp), the vCard helpers, the DAV answers'
// parser with hostile input, and the phone's two stores on real SQLite files.
#include <doctest/doctest.h>

#include <algorithm>

#include "../temp_dir.hpp"
#include "common/contact_store.hpp"
#include "dav_xml.hpp"
#include "common/note_store.hpp"
#include "sync_test_support.hpp"
#include "common/two_way_merge.hpp"
#include "common/vcard.hpp"

using namespace cirrus::sync;

namespace {

const MergeAction* step_for(const std::vector<MergeAction>& plan, const std::string& key_or_href) {
    for (const MergeAction& action : plan)
        if (action.key == key_or_href || (action.key.empty() && action.href == key_or_href)) return &action;
    return nullptr;
}

MergeStep only_step(const LocalItem& local, const std::vector<RemoteItem>& remote) {
    const auto plan = plan_merge({local}, remote);
    REQUIRE(plan.size() == 1);
    return plan.front().step;
}

const std::string kAnn = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:ann-1\r\nFN:Ann Lee\r\nTEL:+1 555 0100\r\nEND:VCARD\r\n";

}  // namespace

TEST_CASE("merge: nothing to do when neither side changed") {
    CHECK(plan_merge({{"1", "/ab/a.vcf", "\"e1\"", false, false}}, {{"/ab/a.vcf", "\"e1\""}}).empty());
    // Apache's ETag is weak in the second a file changed, strong later: the same version.
    CHECK(plan_merge({{"1", "/ab/a.vcf", "W/\"e1\"", false, false}}, {{"/ab/a.vcf", "\"e1\""}}).empty());
}

TEST_CASE("merge: server changes come in, phone changes go out") {
    CHECK(only_step({"1", "/a", "e1", false, false}, {{"/a", "e2"}}) == MergeStep::pull);
    CHECK(only_step({"1", "/a", "e1", true, false}, {{"/a", "e1"}}) == MergeStep::push);
    CHECK(only_step({"1", "", "", true, false}, {}) == MergeStep::push_new);
    const auto plan = plan_merge({}, {{"/b", "e9"}});
    REQUIRE(plan.size() == 1);
    CHECK(plan[0].step == MergeStep::pull);
    CHECK(plan[0].key.empty());
    CHECK(plan[0].etag == "e9");
    // The push carries the server's ETag for If-Match.
    CHECK(plan_merge({{"1", "/a", "W/\"x\"", true, false}}, {{"/a", "\"x\""}}).front().etag == "\"x\"");
}

TEST_CASE("merge: deletions go both ways") {
    CHECK(only_step({"1", "/a", "e1", true, true}, {{"/a", "e1"}}) == MergeStep::delete_remote);
    CHECK(only_step({"1", "/a", "e1", false, false}, {}) == MergeStep::delete_local);
    CHECK(only_step({"1", "/a", "e1", true, true}, {}) == MergeStep::forget);
    // Made and deleted on the phone before it ever went up.
    CHECK(only_step({"1", "", "", true, true}, {}) == MergeStep::forget);
}

TEST_CASE("merge: an edit on both sides keeps both; an edit beats a deletion on the other side") {
    CHECK(only_step({"1", "/a", "e1", true, false}, {{"/a", "e2"}}) == MergeStep::keep_both);
    // Deleted on the phone, edited on the server: the server's edit comes back.
    CHECK(only_step({"1", "/a", "e1", true, true}, {{"/a", "e2"}}) == MergeStep::pull);
    // Edited on the phone, deleted on the server: the phone's edit goes up again.
    const auto plan = plan_merge({{"1", "/a", "e1", true, false}}, {});
    REQUIRE(plan.size() == 1);
    CHECK(plan[0].step == MergeStep::push_new);
    CHECK(plan[0].href == "/a");
}

TEST_CASE("merge: many items at once, each once, phone's first") {
    const std::vector<LocalItem> local = {{"1", "/a", "e1", false, false},
                                          {"2", "/b", "e1", true, false},
                                          {"3", "", "", true, false},
                                          {"4", "/d", "e1", false, false}};
    const std::vector<RemoteItem> remote = {{"/a", "e2"}, {"/b", "e1"}, {"/n", "e5"}};
    const auto plan = plan_merge(local, remote);
    REQUIRE(plan.size() == 5);
    CHECK(step_for(plan, "1")->step == MergeStep::pull);
    CHECK(step_for(plan, "2")->step == MergeStep::push);
    CHECK(step_for(plan, "3")->step == MergeStep::push_new);
    CHECK(step_for(plan, "4")->step == MergeStep::delete_local);
    CHECK(step_for(plan, "/n")->step == MergeStep::pull);
    CHECK(plan.back().href == "/n");
}

TEST_CASE("merge: a sync-collection delta is the phone's list with the server's changes") {
    const std::vector<LocalItem> local = {
        {"1", "/a", "e1", false, false}, {"2", "/b", "e1", false, false}, {"3", "", "", true, false}};
    const auto listing = apply_delta(local, {{"/b", "e2"}, {"/c", "e3"}}, {"/a"});
    REQUIRE(listing.size() == 2);
    CHECK(listing[0].href == "/b");
    CHECK(listing[0].etag == "e2");
    CHECK(listing[1].href == "/c");
    const auto plan = plan_merge(local, listing);
    CHECK(step_for(plan, "1")->step == MergeStep::delete_local);
    CHECK(step_for(plan, "2")->step == MergeStep::pull);
    CHECK(step_for(plan, "3")->step == MergeStep::push_new);
    CHECK(step_for(plan, "/c")->step == MergeStep::pull);
    // An empty delta changes nothing.
    CHECK(plan_merge({local[0], local[1]}, apply_delta({local[0], local[1]}, {}, {})).empty());
}

TEST_CASE("conflict copies are named for the user, never over another note") {
    auto none = [](const std::string&) { return false; };
    CHECK(conflict_name("Shopping.txt", none) == "Shopping (conflict on this phone).txt");
    CHECK(conflict_name("Ideas", none) == "Ideas (conflict on this phone)");
    CHECK(conflict_name(".profile", none) == ".profile (conflict on this phone)");
    auto first_taken = [](const std::string& name) { return name == "a (conflict on this phone).md"; };
    CHECK(conflict_name("a.md", first_taken) == "a (conflict on this phone 2).md");
}

TEST_CASE("vCard: checked, read, and copied for a conflict with a new UID") {
    CHECK(vcard_problem(kAnn).empty());
    CHECK(!vcard_problem("hello").empty());
    CHECK(!vcard_problem("BEGIN:VCARD\r\nFN:x\r\n").empty());
    CHECK(!vcard_problem(kAnn + kAnn).empty());
    CHECK(!vcard_problem("BEGIN:VCARD\r\nNOTE:" + std::string(kMaxVcardBytes, 'x') + "\r\nEND:VCARD\r\n").empty());
    CHECK(vcard_property(kAnn, "fn") == "Ann Lee");
    CHECK(vcard_property(kAnn, "UID") == "ann-1");
    // Folded lines, parameters and groups.
    CHECK(vcard_property("BEGIN:VCARD\nitem1.FN;CHARSET=UTF-8:Jo\n hn Smith\nEND:VCARD\n", "FN") == "John Smith");
    const std::string copy = vcard_conflict_copy(kAnn, "new-2");
    CHECK(vcard_property(copy, "FN") == "Ann Lee (conflict on this phone)");
    CHECK(vcard_property(copy, "UID") == "new-2");
    CHECK(vcard_property(copy, "TEL") == "+1 555 0100");
    CHECK(vcard_problem(copy).empty());
    // A card without a UID gets one before END:VCARD.
    const std::string added = vcard_with_property("BEGIN:VCARD\nFN:X\nEND:VCARD\n", "UID", "u");
    CHECK(added == "BEGIN:VCARD\r\nFN:X\r\nUID:u\r\nEND:VCARD\r\n");
    CHECK(vcard_file_name("a/b c") == "a_b_c.vcf");
    CHECK(vcard_file_name("..") == "_...vcf");
}

TEST_CASE("DAV answers: sync-collection with removed members, multiget with cards, discovery") {
    const std::string sync = R"(<?xml version="1.0"?>
<d:multistatus xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav">
 <d:response><d:href>/alice/ab/a.vcf</d:href>
  <d:propstat><d:prop><d:getetag>"e1"</d:getetag><c:address-data>BEGIN:VCARD&#13;
END:VCARD</c:address-data></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>
 <d:response><d:href>/alice/ab/gone.vcf</d:href><d:status>HTTP/1.1 404 Not Found</d:status></d:response>
 <d:sync-token>http://radicale.org/ns/sync/abc</d:sync-token>
</d:multistatus>)";
    const DavAnswer answer = parse_dav_answer(sync);
    REQUIRE(answer.members.size() == 2);
    CHECK(answer.members[0].etag == "\"e1\"");
    CHECK(answer.members[0].has_props);
    CHECK(answer.members[0].address_data.starts_with("BEGIN:VCARD"));
    CHECK(answer.members[1].status == 404);
    CHECK(!answer.members[1].has_props);
    CHECK(answer.sync_token == "http://radicale.org/ns/sync/abc");

    const std::string discovery = R"(<multistatus xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">
 <response><href>/</href><propstat><prop><current-user-principal><href>/alice/</href></current-user-principal>
 <C:addressbook-home-set><href>/alice/</href></C:addressbook-home-set>
 <resourcetype><collection/><C:addressbook/></resourcetype></prop><status>HTTP/1.1 200 OK</status></propstat>
 <propstat><prop><sync-token/></prop><status>HTTP/1.1 404 Not Found</status></propstat></response></multistatus>)";
    const DavAnswer found = parse_dav_answer(discovery);
    REQUIRE(found.members.size() == 1);
    CHECK(found.members[0].principal == "/alice/");
    CHECK(found.members[0].home == "/alice/");
    CHECK(found.members[0].addressbook);
    CHECK(found.members[0].collection);
    CHECK(href_path("http://h:1/a/b/") == "/a/b/");
    CHECK(href_path("/a/b") == "/a/b");
    CHECK(xml_escape("<a&\">") == "&lt;a&amp;&quot;&gt;");
}

TEST_CASE("DAV answers: hostile ones are refused or bounded, never followed") {
    CHECK_THROWS(parse_dav_answer("not xml"));
    CHECK_THROWS(parse_dav_answer("<html><body>It works!</body></html>"));
    // An external entity is neither fetched nor expanded.
    const std::string xxe = R"(<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<d:multistatus xmlns:d="DAV:"><d:response><d:href>&x;</d:href><d:propstat><d:prop><d:getetag>e</d:getetag></d:prop>
<d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>)";
    try {
        const DavAnswer answer = parse_dav_answer(xxe);
        for (const DavMember& member : answer.members) CHECK(member.href.find("root:") == std::string::npos);
    } catch (const std::runtime_error&) {
        CHECK(true);  // refused outright is fine too
    }
    // Too many members.
    std::string many = "<d:multistatus xmlns:d=\"DAV:\">";
    for (std::size_t i = 0; i <= kMaxDavResponses; ++i) many += "<d:response><d:href>/x</d:href></d:response>";
    many += "</d:multistatus>";
    CHECK_THROWS_WITH(parse_dav_answer(many), doctest::Contains("more than the phone keeps"));
    // An oversized card is dropped and marked.
    const std::string big =
        "<d:multistatus xmlns:d=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:ns:carddav\"><d:response>"
        "<d:href>/b.vcf</d:href><d:propstat><d:prop><c:address-data>" +
        std::string(kMaxVcardBytes + 1, 'x') +
        "</c:address-data></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>"
        "</d:response></d:multistatus>";
    const DavAnswer answer = parse_dav_answer(big);
    REQUIRE(answer.members.size() == 1);
    CHECK(answer.members[0].oversized);
    CHECK(answer.members[0].address_data.empty());
}

TEST_CASE("the contact store: edits mark a contact changed, a sync clears only the revision it sent") {
    cirrus::test::TempDir dir("cirrus-contacts");
    ContactStore store(dir / "contacts.sqlite");
    const std::int64_t id = store.add("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bo\r\nEND:VCARD\r\n");
    auto bo = store.find(id);
    REQUIRE(bo);
    CHECK(!bo->uid.empty());
    CHECK(vcard_property(bo->vcard, "UID") == bo->uid);
    CHECK(bo->changed);
    CHECK_THROWS_AS(store.add("nope"), std::invalid_argument);

    const std::int64_t sent = bo->revision;
    store.edit(id, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bo Two\r\nEND:VCARD\r\n");  // while the PUT was on its way
    store.mark_synced(id, sent, "/ab/bo.vcf", "\"e1\"");
    bo = store.find(id);
    CHECK(bo->changed);  // the later edit still goes
    CHECK(vcard_property(bo->vcard, "UID") == store.find(id)->uid);
    store.mark_synced(id, bo->revision, "/ab/bo.vcf", "\"e2\"");
    CHECK(!store.find(id)->changed);

    // Deleting a synced contact leaves a tombstone until the server's copy goes.
    store.remove(id);
    CHECK(store.contacts().empty());
    REQUIRE(store.contacts(true).size() == 1);
    CHECK(store.contacts(true)[0].deleted);
    // One never synced just goes.
    const std::int64_t local_only = store.add(kAnn);
    store.remove(local_only);
    CHECK(!store.find(local_only));

    store.set_state("sync_token", "t1");
    store.add_conflict("both kept");
    ContactStore reopened(dir / "contacts.sqlite");
    CHECK(reopened.state("sync_token") == "t1");
    CHECK(reopened.conflicts() == std::vector<std::string>{"both kept"});
    CHECK(reopened.find_by_href("/ab/bo.vcf"));
}

TEST_CASE("the note store: new, changed and deleted notes from the folder and its journal") {
    cirrus::test::TempDir dir("cirrus-notes");
    NoteStore store(dir / "Notes", dir / "notes.sqlite");
    store.write("a.txt", "one");
    store.write("b.txt", "two");
    store.write("c.txt", "three");
    cirrus::test::write_text(dir / "Notes" / ".hidden", "x");
    cirrus::test::write_text(dir / "Notes" / "big.txt", std::string(kMaxNoteBytes + 1, 'x'));
    store.save_record({"a.txt", "/Notes/a.txt", "e1", text_hash("one")});
    store.save_record({"b.txt", "/Notes/b.txt", "e1", text_hash("old")});
    store.save_record({"gone.txt", "/Notes/gone.txt", "e1", text_hash("x")});
    std::vector<std::string> skipped;
    auto items = store.local_items(&skipped);
    std::sort(items.begin(), items.end(), [](const auto& x, const auto& y) { return x.key < y.key; });
    REQUIRE(items.size() == 4);
    CHECK((items[0].key == "a.txt" && !items[0].changed && items[0].href == "/Notes/a.txt"));
    CHECK((items[1].key == "b.txt" && items[1].changed && !items[1].deleted));
    CHECK((items[2].key == "c.txt" && items[2].changed && items[2].href.empty()));
    CHECK((items[3].key == "gone.txt" && items[3].deleted));
    CHECK(skipped == std::vector<std::string>{"big.txt"});
    CHECK(!acceptable_note_name("../x"));
    CHECK(!acceptable_note_name(".x"));
    CHECK(!acceptable_note_name("a\nb"));
    CHECK(acceptable_note_name("Shopping list.txt"));
}
