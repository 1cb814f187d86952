// The phone's contacts and notes as a page sees them (issue 19 item 4):
// window.cirrus.contacts and window.cirrus.notes, as plain C++ with no
// WebKit (personal_data_bridge.cpp is the glue; tests/webapp-host/
// test_personal_data.cpp runs these on real SQLite files and folders).
//
// A call is one JSON object {"op": "contacts.save", ...}; the answer is JSON,
// {"error": "..."} when the call is refused. Every call is hostile input:
// sizes and counts bounded, ids and note names checked (a note name follows
// note_store's safe-name rule, so no "../x"), control characters refused
// where a field cannot hold them; nothing is written unless the whole call is
// acceptable.
//
// A contact is the fields a page can use (name, phones, emails,
// organisation, note), kept in the store as its vCard. An edit replaces only
// the lines of those properties and keeps every other line of the card as it
// was (its UID, a photo, an address another device wrote, X- properties), so
// an edit on the phone does not erase what another device wrote. The store
// marks the row changed; cirrus-sync sends it on its next pass.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace cirrus::webapp {

// Bounds on what a page may send (each a refusal with its reason, not a cut).
// A 1 MiB note, every byte JSON-escaped as two (control characters, which
// would take six, are refused in a note anyway).
inline constexpr std::size_t kMaxPersonalMessageBytes = (2u << 20) + 4096;
inline constexpr std::size_t kMaxContactNameBytes = 256;
inline constexpr std::size_t kMaxContactFieldBytes = 256;  // a phone number, an e-mail address, an organisation
inline constexpr std::size_t kMaxContactNoteBytes = 8192;
inline constexpr std::size_t kMaxContactValues = 20;  // phones, e-mails
inline constexpr std::size_t kMaxContacts = 10000;

// What a page sees of one contact.
struct ContactFields {
    std::string name;
    struct Value {
        std::string value;
        std::string type;  // the TYPE parameter ("cell", "work"), "" when none
        bool operator==(const Value&) const = default;
    };
    std::vector<Value> phones;
    std::vector<Value> emails;
    std::string organization;
    std::string note;
    bool operator==(const ContactFields&) const = default;
};

// The fields of a vCard (values unescaped, RFC 6350 3.4).
ContactFields fields_from_vcard(std::string_view vcard);

// The card for `fields`: `original` (a stored card, or "" for a new contact)
// with its FN, N, TEL, EMAIL, ORG and NOTE lines replaced by the page's and
// every other line kept.
std::string vcard_from_fields(std::string_view original, const ContactFields& fields);

// The page's contact object as fields; the reason it is refused otherwise
// ("phones[2]: ... is over 256 bytes").
struct ParsedContact {
    std::optional<ContactFields> fields;
    std::string problem;
};
ParsedContact parse_contact(const nlohmann::json& object);

// The permission a call needs ("contacts", "notes"), "" for no known call.
std::string permission_for_call(std::string_view op);

// Whether a call changes the phone's contacts or notes (save, remove, write):
// after one that succeeded, the host asks the sync service to send it now.
bool changes_personal_data(std::string_view op);

// The data folder's stores: DATA/contacts.sqlite, DATA/Notes/ with its
// journal DATA/notes.sqlite (where cirrus-sync looks for them).
class PersonalData {
public:
    explicit PersonalData(std::filesystem::path data_folder);

    // One call (the message's text), answered as JSON text. Never throws:
    // a store that cannot be read or written is an {"error"} answer too.
    std::string call(std::string_view message) const;

private:
    nlohmann::json contacts_call(const std::string& op, const nlohmann::json& request) const;
    nlohmann::json notes_call(const std::string& op, const nlohmann::json& request) const;
    std::filesystem::path data_;
};

}  // namespace cirrus::webapp
