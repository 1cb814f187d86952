// window.cirrus.contacts and .notes as plain C++ (webapp-host/personal_data):
// the vCard mapping keeps what a page does not know, hostile calls are
// refused with a reason and change nothing, and the calls work on a real
// contacts.sqlite and a real Notes folder.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "common/contact_store.hpp"
#include "common/note_store.hpp"
#include "common/vcard.hpp"
#include "personal_data.hpp"
#include "test_support.hpp"

using cirrus::webapp::ContactFields;
using cirrus::webapp::fields_from_vcard;
using cirrus::webapp::parse_contact;
using cirrus::webapp::permission_for_call;
using cirrus::webapp::PersonalData;
using cirrus::webapp::vcard_from_fields;
using nlohmann::json;

namespace {

// A card another device wrote: grouped and typed values, a photo, an
// address and an X- property the phone knows nothing of.
const char* kOtherDeviceCard =
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:abc-123\r\nFN:Ada Lovelace\r\nN:Lovelace;Ada;;;\r\n"
    "item1.TEL;TYPE=CELL;TYPE=pref:+44 20 7946 0000\r\nitem1.X-ABLabel:mobile\r\n"
    "EMAIL;TYPE=work:ada@example.org\r\nORG:Analytical Engines\\, Ltd;Research\r\n"
    "ADR;TYPE=home:;;12 St James's Square;London;;SW1;UK\r\nPHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRg\r\n"
    " ==\r\nX-SPOUSE:William King\r\nNOTE:first line\\nsecond\\, with comma\r\nEND:VCARD\r\n";

json personal_call(const PersonalData& data, const json& request) { return json::parse(data.call(request.dump())); }

}  // namespace

TEST_CASE("a card's fields as a page sees them: values unescaped, types kept, folded lines joined") {
    const ContactFields f = fields_from_vcard(kOtherDeviceCard);
    CHECK(f.name == "Ada Lovelace");
    REQUIRE(f.phones.size() == 1);
    CHECK(f.phones[0].value == "+44 20 7946 0000");
    CHECK(f.phones[0].type == "cell,pref");
    REQUIRE(f.emails.size() == 1);
    CHECK(f.emails[0] == ContactFields::Value{"ada@example.org", "work"});
    CHECK(f.organization == "Analytical Engines, Ltd Research");
    CHECK(f.note == "first line\nsecond, with comma");
    // No FN: the structured name stands in.
    CHECK(fields_from_vcard("BEGIN:VCARD\r\nN:Hopper;Grace;;;\r\nEND:VCARD\r\n").name == "Hopper Grace");
}

TEST_CASE("an edit on the phone replaces only the page's fields and keeps every line another device wrote") {
    ContactFields f = fields_from_vcard(kOtherDeviceCard);
    f.phones.push_back({"+44 1234", "home"});
    f.emails.clear();
    const std::string card = vcard_from_fields(kOtherDeviceCard, f);
    CHECK(cirrus::sync::vcard_problem(card).empty());
    for (const char* kept : {"UID:abc-123", "ADR;TYPE=home:;;12 St James's Square;London;;SW1;UK",
                             "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRg==", "X-SPOUSE:William King",
                             "item1.X-ABLabel:mobile", "VERSION:3.0",
                             // unchanged values keep their own lines (group, parameters, structure)
                             "item1.TEL;TYPE=CELL;TYPE=pref:+44 20 7946 0000", "N:Lovelace;Ada;;;",
                             "ORG:Analytical Engines\\, Ltd;Research"})
        CHECK_MESSAGE(card.find(std::string(kept) + "\r\n") != std::string::npos, kept, "\n", card);
    CHECK(card.find("TEL;TYPE=home:+44 1234\r\n") != std::string::npos);
    CHECK(card.find("EMAIL") == std::string::npos);  // the page removed it
    CHECK(fields_from_vcard(card) == f);

    // A new name: FN and N follow it, escaped.
    f.name = "Ada King, Countess";
    const std::string renamed = vcard_from_fields(card, f);
    CHECK(renamed.find("FN:Ada King\\, Countess\r\n") != std::string::npos);
    CHECK(renamed.find("N:Countess;Ada King\\,;;;\r\n") != std::string::npos);
    CHECK(fields_from_vcard(renamed).name == "Ada King, Countess");
}

TEST_CASE("a new contact is a vCard 3.0 with FN and N; a page's contact is checked field by field") {
    const auto parsed = parse_contact(json{{"name", "Grace Hopper"},
                                           {"phones", {"+1 555 0100"}},
                                           {"emails", {{{"value", "grace@navy.mil"}, {"type", "WORK"}}}}});
    REQUIRE_MESSAGE(parsed.fields, parsed.problem);
    CHECK(parsed.fields->emails[0].type == "work");
    const std::string card = vcard_from_fields("", *parsed.fields);
    CHECK(card.starts_with("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Grace Hopper\r\nN:Hopper;Grace;;;\r\n"));
    CHECK(card.ends_with("END:VCARD\r\n"));

    // Refusals say which field and why.
    CHECK(parse_contact(json::array()).problem.find("a contact is an object") != std::string::npos);
    CHECK(parse_contact(json{{"name", "a\x01"}}).problem == "name holds a control character (1)");
    CHECK(parse_contact(json{{"name", "x"}, {"phones", {"1", 2}}}).problem.find("phones[1]") == 0);
    CHECK(parse_contact(json{{"name", std::string(300, 'n')}}).problem.find("over the 256") != std::string::npos);
    CHECK(parse_contact(json{{"name", "x"}, {"phones", json(std::vector<std::string>(21, "1"))}})
              .problem.find("21 entries") != std::string::npos);
    CHECK(parse_contact(json{{"name", "x"}, {"emails", {{{"value", "a@b"}, {"type", "work:x"}}}}})
              .problem.find("emails[0].type") == 0);
    CHECK(parse_contact(json{{"note", "only a note"}}).problem.find("needs a name") != std::string::npos);
    // A note may hold lines; a line break in a phone number may not.
    CHECK(parse_contact(json{{"name", "x"}, {"note", "a\nb\tc"}}).fields);
    CHECK_FALSE(parse_contact(json{{"name", "x"}, {"phones", {"1\n2"}}}).fields);
    // No name: the first number stands in.
    CHECK(parse_contact(json{{"phones", {"+1 555"}}}).fields->name == "+1 555");
}

TEST_CASE("calls need their permission by name") {
    CHECK(permission_for_call("contacts.save") == "contacts");
    CHECK(permission_for_call("notes.list") == "notes");
    CHECK(permission_for_call("catalogue") == "");
    CHECK(permission_for_call("") == "");
}

TEST_CASE("the calls that change the phone's data are the ones that ask cirrus-sync to send them now") {
    for (const char* op : {"contacts.save", "contacts.remove", "notes.write", "notes.remove"})
        CHECK_MESSAGE(cirrus::webapp::changes_personal_data(op), op);
    for (const char* op : {"contacts.list", "contacts.get", "notes.list", "notes.read", "", "contacts.saved"})
        CHECK_FALSE_MESSAGE(cirrus::webapp::changes_personal_data(op), op);
}

TEST_CASE("contacts: saved from a page into contacts.sqlite marked changed, edited without losing lines, removed") {
    webapp_test::TempDir tmp;
    const PersonalData data(tmp.path());
    const json saved = personal_call(
        data, {{"op", "contacts.save"}, {"contact", {{"name", "Grace Hopper"}, {"phones", {"+1 555 0100"}}}}});
    REQUIRE_MESSAGE(saved.is_object(), saved.dump());
    REQUIRE_MESSAGE(saved.contains("id"), saved.dump());
    const std::int64_t id = saved["id"];
    {
        cirrus::sync::ContactStore store(tmp.path() / "contacts.sqlite");
        const auto row = store.find(id);
        REQUIRE(row);
        CHECK(row->changed);  // cirrus-sync sends it on its next pass
        CHECK_FALSE(row->uid.empty());
        CHECK(cirrus::sync::vcard_property(row->vcard, "FN") == "Grace Hopper");
        // Another device's lines arrive with the sync.
        store.store_from_server(id, "/book/g.vcf", "\"e1\"",
                                "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:" + row->uid +
                                    "\r\nFN:Grace Hopper\r\nTEL:+1 555 0100\r\nX-RANK:Rear Admiral\r\nEND:VCARD\r\n");
    }
    CHECK(personal_call(data, {{"op", "contacts.get"}, {"id", id}})["synced"] == true);
    const json edited = personal_call(
        data,
        {{"op", "contacts.save"}, {"contact", {{"id", id}, {"name", "Grace Hopper"}, {"emails", {"g@navy.mil"}}}}});
    CHECK(edited["emails"][0]["value"] == "g@navy.mil");
    CHECK(edited["synced"] == false);
    {
        const cirrus::sync::ContactStore store(tmp.path() / "contacts.sqlite");
        const auto row = store.find(id);
        CHECK(row->changed);
        CHECK(row->vcard.find("X-RANK:Rear Admiral\r\n") != std::string::npos);
        CHECK(row->vcard.find("TEL") == std::string::npos);
    }
    const json list = personal_call(data, {{"op", "contacts.list"}});
    REQUIRE(list.size() == 1);
    CHECK(list[0]["name"] == "Grace Hopper");
    CHECK(list[0]["conflict"] == false);

    CHECK(personal_call(data, {{"op", "contacts.remove"}, {"id", id}}) == true);
    CHECK(personal_call(data, {{"op", "contacts.list"}}).empty());
    // On the server: kept as a tombstone for the sync to delete there.
    CHECK(cirrus::sync::ContactStore(tmp.path() / "contacts.sqlite").contacts(true).at(0).deleted);
    CHECK(personal_call(data, {{"op", "contacts.get"}, {"id", id}})["error"] ==
          "contacts.get: no contact " + std::to_string(id));
}

TEST_CASE("contacts: a conflict copy made by the sync is its own entry, marked") {
    webapp_test::TempDir tmp;
    {
        cirrus::sync::ContactStore store(tmp.path() / "contacts.sqlite");
        store.add("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bob\r\nEND:VCARD\r\n");
        store.add(cirrus::sync::vcard_conflict_copy("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bob\r\nEND:VCARD\r\n", "u2"));
    }
    const json list = personal_call(PersonalData(tmp.path()), {{"op", "contacts.list"}});
    REQUIRE(list.size() == 2);
    CHECK(list[0]["conflict"] == false);
    CHECK(list[1]["conflict"] == true);
    CHECK(list[1]["name"] == "Bob (conflict on this phone)");
}

TEST_CASE("contacts: hostile calls are refused with a reason and change nothing") {
    webapp_test::TempDir tmp;
    const PersonalData data(tmp.path());
    const json first = personal_call(data, {{"op", "contacts.save"}, {"contact", {{"name", "Kept"}}}});
    REQUIRE(first.contains("id"));
    for (const json& request :
         {json{{"op", "contacts.save"}, {"contact", {{"name", std::string(1000, 'x')}}}},
          json{{"op", "contacts.save"}, {"contact", {{"id", first["id"]}, {"name", "a\x1b[31m"}}}},
          json{{"op", "contacts.save"}, {"contact", {{"id", -4}, {"name", "x"}}}},
          json{{"op", "contacts.save"}, {"contact", {{"id", 999}, {"name", "x"}}}},
          json{{"op", "contacts.save"}, {"contact", "BEGIN:VCARD"}}, json{{"op", "contacts.get"}, {"id", "1 OR 1=1"}},
          json{{"op", "contacts.remove"}, {"id", 1.5}}, json{{"op", "contacts.drop"}}}) {
        const json answer = personal_call(data, request);
        CHECK_MESSAGE(answer.contains("error"), request.dump());
    }
    CHECK(json::parse(data.call("not json"))["error"] == "a call is a JSON object with an 'op'");
    CHECK(json::parse(data.call(std::string(3 << 20, ' ')))["error"].get<std::string>().find("over the") !=
          std::string::npos);
    const json list = personal_call(data, {{"op", "contacts.list"}});
    REQUIRE(list.size() == 1);
    CHECK(list[0]["name"] == "Kept");
}

TEST_CASE("notes: one file per note in DATA/Notes; hostile names, sizes and bytes refused, nothing lost") {
    webapp_test::TempDir tmp;
    const PersonalData data(tmp.path());
    CHECK(personal_call(data, {{"op", "notes.write"}, {"name", "shopping.txt"}, {"text", "milk\neggs\n"}})["bytes"] ==
          10);
    std::ifstream in(tmp.path() / "Notes" / "shopping.txt");
    CHECK(std::string(std::istreambuf_iterator<char>(in), {}) == "milk\neggs\n");
    CHECK(personal_call(data, {{"op", "notes.read"}, {"name", "shopping.txt"}})["text"] == "milk\neggs\n");
    const json list = personal_call(data, {{"op", "notes.list"}});
    REQUIRE(list.size() == 1);
    CHECK(list[0]["name"] == "shopping.txt");
    CHECK(list[0]["bytes"] == 10);

    for (const json& request :
         {json{{"op", "notes.write"}, {"name", "../x"}, {"text", "escape"}},
          json{{"op", "notes.write"}, {"name", "..\\x"}, {"text", "escape"}},
          json{{"op", "notes.write"}, {"name", ".hidden"}, {"text", "x"}},
          json{{"op", "notes.write"}, {"name", "a\nb"}, {"text", "x"}},
          json{{"op", "notes.write"}, {"name", ""}, {"text", "x"}},
          json{{"op", "notes.write"}, {"name", std::string(201, 'n')}, {"text", "x"}},
          json{{"op", "notes.write"}, {"name", "shopping.txt"}, {"text", std::string("nul\0here", 8)}},
          json{{"op", "notes.write"}, {"name", "shopping.txt"}, {"text", std::string((1 << 20) + 1, 'a')}},
          json{{"op", "notes.write"}, {"name", "shopping.txt"}, {"text", 42}},
          json{{"op", "notes.read"}, {"name", "../../etc/passwd"}}, json{{"op", "notes.read"}, {"name", "absent"}},
          json{{"op", "notes.remove"}, {"name", "/etc/passwd"}}}) {
        CHECK_MESSAGE(personal_call(data, request).contains("error"), request.dump().substr(0, 80));
    }
    CHECK_FALSE(std::filesystem::exists(tmp.path() / "x"));
    CHECK(personal_call(data, {{"op", "notes.read"}, {"name", "shopping.txt"}})["text"] == "milk\neggs\n");
    CHECK(personal_call(data, {{"op", "notes.list"}}).size() == 1);

    CHECK(personal_call(data, {{"op", "notes.remove"}, {"name", "shopping.txt"}}) == true);
    CHECK_FALSE(std::filesystem::exists(tmp.path() / "Notes" / "shopping.txt"));
    CHECK(personal_call(data, {{"op", "notes.remove"}, {"name", "shopping.txt"}}) == false);
}
