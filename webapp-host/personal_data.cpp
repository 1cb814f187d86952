// See personal_data.hpp.
#include "personal_data.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <system_error>

#include "common/contact_store.hpp"
#include "common/note_store.hpp"
#include "common/permission_names.hpp"
#include "common/strings.hpp"
#include "common/two_way_merge.hpp"
#include "common/vcard.hpp"

namespace cirrus::webapp {

namespace {

using nlohmann::json;
using sync::vcard_lines;
using sync::vcard_property_name;

// The properties a page reads and writes; every other line is kept as it was.
constexpr std::string_view kManaged[] = {"FN", "N", "TEL", "EMAIL", "ORG", "NOTE"};

bool managed(std::string_view name) {
    return std::any_of(std::begin(kManaged), std::end(kManaged),
                       [&](std::string_view m) { return equals_ignoring_case(name, m); });
}

// RFC 6350 3.4: backslash, comma, semicolon and newline are escaped in text.
std::string escape_text(std::string_view value) {
    std::string out;
    for (const char c : value) {
        if (c == '\\' || c == ',' || c == ';') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else if (c != '\r') {
            out += c;
        }
    }
    return out;
}

// The value unescaped; an unescaped ';' (a structured value's separator, as
// in ORG:Company;Department) becomes a space between non-empty parts.
std::string unescape_text(std::string_view value) {
    std::string out;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const char c = value[i];
        if (c == '\\' && i + 1 < value.size()) {
            const char next = value[++i];
            out += (next == 'n' || next == 'N') ? '\n' : next;
        } else if (c == ';') {
            if (!out.empty() && out.back() != ' ') out += ' ';
        } else {
            out += c;
        }
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

struct CardLine {
    std::string name;  // upper case, no group
    std::string value;
    std::string type;  // the TYPE parameters, lower case, joined by ','
    std::string raw;
};

CardLine parse_line(const std::string& line) {
    CardLine parsed;
    parsed.raw = line;
    const std::size_t colon = line.find(':');
    for (const char c : vcard_property_name(line)) parsed.name += static_cast<char>(std::toupper(c));
    if (colon == std::string::npos) return parsed;
    parsed.value = unescape_text(std::string_view(line).substr(colon + 1));
    const std::string_view head = std::string_view(line).substr(0, colon);
    std::size_t start = head.find(';');
    while (start != std::string_view::npos) {
        const std::size_t end = head.find(';', start + 1);
        std::string_view param = head.substr(start + 1, end == std::string_view::npos ? end : end - start - 1);
        std::string lower;
        for (const char c : param) lower += ascii_lower(c);
        if (lower.starts_with("type=")) {
            std::string types = lower.substr(5);
            std::erase(types, '"');
            parsed.type += (parsed.type.empty() ? "" : ",") + types;
        }
        start = end;
    }
    return parsed;
}

std::string problem_in_text(std::string_view what, const std::string& value, std::size_t limit, bool multiline) {
    if (value.size() > limit)
        return std::string(what) + " is " + std::to_string(value.size()) + " bytes, over the " + std::to_string(limit) +
               " a contact may have";
    for (const char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 || u == 0x7f) && !(multiline && (c == '\n' || c == '\t' || c == '\r')))
            return std::string(what) + " holds a control character (" + std::to_string(u) + ")";
    }
    return "";
}

json values_json(const std::vector<ContactFields::Value>& values) {
    json list = json::array();
    for (const auto& v : values) list.push_back({{"value", v.value}, {"type", v.type}});
    return list;
}

json contact_json(const sync::Contact& contact) {
    const ContactFields fields = fields_from_vcard(contact.vcard);
    return {{"id", contact.id},
            {"name", fields.name},
            {"phones", values_json(fields.phones)},
            {"emails", values_json(fields.emails)},
            {"organization", fields.organization},
            {"note", fields.note},
            // The phone's side of an edit made on both sides, kept by the sync
            // as a contact of its own (two_way_merge.hpp): the page can say so.
            {"conflict", fields.name.ends_with(sync::kConflictSuffix)},
            {"synced", !contact.href.empty() && !contact.changed}};
}

json error(const std::string& why) { return json{{"error", why}}; }

std::string dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

// A contact id from the page: a positive integer.
std::optional<std::int64_t> id_of(const json& request) {
    const json id = request.value("id", json());
    if (!id.is_number_integer()) return std::nullopt;
    const std::int64_t value = id.get<std::int64_t>();
    if (value <= 0) return std::nullopt;
    return value;
}

// A note name from the page: note_store's safe-name rule (no '/', no leading
// '.', no control characters, at most 200 bytes).
std::optional<std::string> note_name_of(const json& request) {
    const json name = request.value("name", json());
    if (!name.is_string() || !sync::acceptable_note_name(name.get<std::string>())) return std::nullopt;
    return name.get<std::string>();
}

std::string note_name_problem(const json& request) {
    const json name = request.value("name", json());
    const std::string shown = name.is_string() ? name.get<std::string>().substr(0, 60) : name.dump().substr(0, 60);
    return "'" + shown +
           "' is not a note name: a name is 1 to 200 bytes with no '/' or '\\', no control characters, and does not "
           "start with '.'";
}

}  // namespace

ContactFields fields_from_vcard(std::string_view vcard) {
    ContactFields fields;
    std::string structured_name;
    for (const std::string& line : vcard_lines(vcard)) {
        const CardLine parsed = parse_line(line);
        if (parsed.name == "FN" && fields.name.empty()) {
            fields.name = parsed.value;
        } else if (parsed.name == "N" && structured_name.empty()) {
            structured_name = parsed.value;
        } else if (parsed.name == "TEL" && fields.phones.size() < kMaxContactValues) {
            fields.phones.push_back({parsed.value, parsed.type});
        } else if (parsed.name == "EMAIL" && fields.emails.size() < kMaxContactValues) {
            fields.emails.push_back({parsed.value, parsed.type});
        } else if (parsed.name == "ORG" && fields.organization.empty()) {
            fields.organization = parsed.value;
        } else if (parsed.name == "NOTE" && fields.note.empty()) {
            fields.note = parsed.value;
        }
    }
    if (fields.name.empty()) fields.name = structured_name;
    return fields;
}

std::string vcard_from_fields(std::string_view original, const ContactFields& fields) {
    std::vector<CardLine> old;  // the original's managed lines
    std::vector<std::string> kept;
    for (const std::string& line : vcard_lines(original)) {
        if (equals_ignoring_case(line, "BEGIN:VCARD") || equals_ignoring_case(line, "END:VCARD")) continue;
        if (managed(vcard_property_name(line))) {
            old.push_back(parse_line(line));
        } else {
            kept.push_back(line);
        }
    }
    if (kept.empty() || !std::any_of(kept.begin(), kept.end(), [](const std::string& l) {
            return equals_ignoring_case(vcard_property_name(l), "VERSION");
        }))
        kept.insert(kept.begin(), "VERSION:3.0");

    std::vector<std::string> lines;
    // A value the page left as it was keeps its original line (its group,
    // its other parameters, its structure); a new or changed one is written.
    auto emit = [&](const std::string& name, const std::string& value, const std::string& type) {
        if (value.empty()) return;
        for (CardLine& line : old) {
            if (line.name == name && line.value == value && line.type == type && !line.raw.empty()) {
                lines.push_back(line.raw);
                line.raw.clear();  // used once
                return;
            }
        }
        lines.push_back(name + (type.empty() ? "" : ";TYPE=" + type) + ":" + escape_text(value));
    };
    emit("FN", fields.name, "");
    // N: the original's while the name is unchanged, else made from the name
    // (the last word the family name, vCard 3 requires N).
    const auto old_fn = std::find_if(old.begin(), old.end(), [](const CardLine& l) { return l.name == "FN"; });
    const auto old_n = std::find_if(old.begin(), old.end(), [](const CardLine& l) { return l.name == "N"; });
    if (old_n != old.end() && old_fn != old.end() && old_fn->value == fields.name) {
        lines.push_back(old_n->raw);
    } else {
        const std::size_t space = fields.name.rfind(' ');
        const std::string family = space == std::string::npos ? fields.name : fields.name.substr(space + 1);
        const std::string given = space == std::string::npos ? "" : fields.name.substr(0, space);
        lines.push_back("N:" + escape_text(family) + ";" + escape_text(given) + ";;;");
    }
    for (const auto& phone : fields.phones) emit("TEL", phone.value, phone.type);
    for (const auto& email : fields.emails) emit("EMAIL", email.value, email.type);
    emit("ORG", fields.organization, "");
    emit("NOTE", fields.note, "");

    std::string card = "BEGIN:VCARD\r\n";
    for (const std::string& line : kept) card += line + "\r\n";
    for (const std::string& line : lines) card += line + "\r\n";
    card += "END:VCARD\r\n";
    return card;
}

ParsedContact parse_contact(const json& object) {
    if (!object.is_object()) return {std::nullopt, "a contact is an object {name, phones, emails, organization, note}"};
    ContactFields fields;
    auto text = [&](const char* key, std::string& into, std::size_t limit, bool multiline) -> std::string {
        const json value = object.value(key, json(""));
        if (!value.is_string()) return std::string(key) + " is not a string";
        into = value.get<std::string>();
        std::erase(into, '\r');
        return problem_in_text(key, into, limit, multiline);
    };
    auto values = [&](const char* key, std::vector<ContactFields::Value>& into) -> std::string {
        const json list = object.value(key, json::array());
        if (!list.is_array()) return std::string(key) + " is not a list";
        if (list.size() > kMaxContactValues)
            return std::string(key) + " has " + std::to_string(list.size()) + " entries, over the " +
                   std::to_string(kMaxContactValues) + " a contact may have";
        for (std::size_t i = 0; i < list.size(); ++i) {
            const std::string where = std::string(key) + "[" + std::to_string(i) + "]";
            ContactFields::Value v;
            const json& item = list[i];
            const json value = item.is_object() ? item.value("value", json()) : item;
            const json type = item.is_object() ? item.value("type", json("")) : json("");
            if (!value.is_string() || !type.is_string())
                return where + " is neither a string nor {value, type} with strings";
            v.value = value.get<std::string>();
            v.type = type.get<std::string>();
            if (auto problem = problem_in_text(where, v.value, kMaxContactFieldBytes, false); !problem.empty())
                return problem;
            if (v.type.size() > 40 || !std::all_of(v.type.begin(), v.type.end(), [](char c) {
                    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                           c == ',';
                }))
                return where + ".type may hold only letters, digits, '-' and ',' (at most 40)";
            for (char& c : v.type) c = ascii_lower(c);
            if (!v.value.empty()) into.push_back(std::move(v));
        }
        return "";
    };
    for (const std::string& problem :
         {text("name", fields.name, kMaxContactNameBytes, false), values("phones", fields.phones),
          values("emails", fields.emails), text("organization", fields.organization, kMaxContactFieldBytes, false),
          text("note", fields.note, kMaxContactNoteBytes, true)}) {
        if (!problem.empty()) return {std::nullopt, problem};
    }
    if (fields.name.empty() && fields.phones.empty() && fields.emails.empty())
        return {std::nullopt, "a contact needs a name, a phone number or an e-mail address"};
    if (fields.name.empty()) fields.name = !fields.phones.empty() ? fields.phones[0].value : fields.emails[0].value;
    return {std::move(fields), ""};
}

std::string permission_for_call(std::string_view op) {
    if (op.starts_with("contacts.")) return std::string(launcher::permission::kContacts);
    if (op.starts_with("notes.")) return std::string(launcher::permission::kNotes);
    return "";
}

bool changes_personal_data(std::string_view op) {
    return op == "contacts.save" || op == "contacts.remove" || op == "notes.write" || op == "notes.remove";
}

PersonalData::PersonalData(std::filesystem::path data_folder) : data_(std::move(data_folder)) {}

std::string PersonalData::call(std::string_view message) const {
    if (message.size() > kMaxPersonalMessageBytes)
        return dump(error("the call is " + std::to_string(message.size() >> 10) + " KiB, over the " +
                          std::to_string(kMaxPersonalMessageBytes >> 10) + " KiB a call may have"));
    const json request = json::parse(message, nullptr, false);
    if (!request.is_object() || !request.value("op", json()).is_string())
        return dump(error("a call is a JSON object with an 'op'"));
    const std::string op = request["op"];
    try {
        if (op.starts_with("contacts.")) return dump(contacts_call(op, request));
        if (op.starts_with("notes.")) return dump(notes_call(op, request));
        return dump(error("no call '" + op.substr(0, 40) + "'"));
    } catch (const std::exception& e) {
        return dump(error(op.substr(0, 40) + " failed: " + e.what()));
    }
}

json PersonalData::contacts_call(const std::string& op, const json& request) const {
    sync::ContactStore store(data_ / "contacts.sqlite");
    if (op == "contacts.list") {
        json list = json::array();
        for (const sync::Contact& contact : store.contacts()) list.push_back(contact_json(contact));
        return list;
    }
    if (op == "contacts.get" || op == "contacts.remove") {
        const auto id = id_of(request);
        if (!id) return error(op + ": 'id' is a contact's id (a positive integer)");
        const auto contact = store.find(*id);
        if (!contact || contact->deleted) return error(op + ": no contact " + std::to_string(*id));
        if (op == "contacts.get") return contact_json(*contact);
        store.remove(*id);
        return true;
    }
    if (op == "contacts.save") {
        const json object = request.value("contact", json());
        const ParsedContact parsed = parse_contact(object);
        if (!parsed.fields) return error("contacts.save: " + parsed.problem);
        if (object.contains("id") && !object["id"].is_null()) {
            const auto id = id_of(object);
            if (!id)
                return error("contacts.save: 'id' is a contact's id (a positive integer), or absent for a new one");
            const auto contact = store.find(*id);
            if (!contact || contact->deleted) return error("contacts.save: no contact " + std::to_string(*id));
            store.edit(*id, vcard_from_fields(contact->vcard, *parsed.fields));
            return contact_json(*store.find(*id));
        }
        if (store.contacts().size() >= kMaxContacts)
            return error("contacts.save: the phone keeps at most " + std::to_string(kMaxContacts) + " contacts");
        const std::int64_t id = store.add(vcard_from_fields("", *parsed.fields));
        return contact_json(*store.find(id));
    }
    return error("no call '" + op.substr(0, 40) + "'");
}

json PersonalData::notes_call(const std::string& op, const json& request) const {
    sync::NoteStore store(data_ / "Notes", data_ / "notes.sqlite");
    if (op == "notes.list") {
        json list = json::array();
        std::error_code ec;
        for (const auto& entry : std::filesystem::directory_iterator(store.folder(), ec)) {
            const std::string name = entry.path().filename().string();
            if (!sync::acceptable_note_name(name) || !entry.is_regular_file(ec)) continue;
            const auto bytes = entry.file_size(ec);
            const auto modified = std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::chrono::file_clock::to_sys(entry.last_write_time(ec)).time_since_epoch())
                                      .count();
            list.push_back({{"name", name}, {"bytes", bytes}, {"modified", modified}});
            if (list.size() >= sync::kMaxNotes) break;
        }
        std::sort(list.begin(), list.end(), [](const json& a, const json& b) { return a["name"] < b["name"]; });
        return list;
    }
    const auto name = note_name_of(request);
    if (!name) return error(op + ": " + note_name_problem(request));
    if (op == "notes.read") {
        if (!store.exists(*name)) return error("notes.read: no note '" + *name + "'");
        return {{"name", *name}, {"text", store.read(*name)}};
    }
    if (op == "notes.remove") {
        const bool existed = store.exists(*name);
        store.remove(*name);
        return existed;
    }
    if (op == "notes.write") {
        const json text = request.value("text", json());
        if (!text.is_string()) return error("notes.write: 'text' is the note's text (a string)");
        const std::string& body = text.get_ref<const std::string&>();
        if (body.size() > sync::kMaxNoteBytes)
            return error("notes.write: the note is " + std::to_string(body.size() >> 10) + " KiB, over the " +
                         std::to_string(sync::kMaxNoteBytes >> 10) + " KiB a note may have");
        for (const char c : body) {
            const auto u = static_cast<unsigned char>(c);
            if ((u < 0x20 || u == 0x7f) && c != '\n' && c != '\t' && c != '\r')
                return error("notes.write: the text holds a control character (" + std::to_string(u) +
                             "); a note is plain text");
        }
        if (!store.exists(*name)) {
            std::size_t count = 0;
            std::error_code ec;
            for (auto it = std::filesystem::directory_iterator(store.folder(), ec);
                 !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
                ++count;
            if (count >= sync::kMaxNotes)
                return error("notes.write: the phone keeps at most " + std::to_string(sync::kMaxNotes) + " notes");
        }
        store.write(*name, body);
        return {{"name", *name}, {"bytes", body.size()}};
    }
    return error("no call '" + op.substr(0, 40) + "'");
}

}  // namespace cirrus::webapp
