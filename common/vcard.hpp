// The little of vCard (RFC 2426 v3, RFC 6350 v4) the contact sync needs, as
// plain C++: is this text a card at all, its UID and name, and the conflict
// copy of a card (a new UID, " (conflict on this phone)" after its name).
// The card itself is kept as the server or the app wrote it; nothing else
// is parsed, so no field a client wrote is lost on the way.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cirrus::sync {

// The largest card kept: a card with a photo is tens of KB; beyond this a
// server's card is skipped (and said so), an app's refused.
inline constexpr std::size_t kMaxVcardBytes = 512u << 10;

// The card's logical lines: CRLF or LF ends a line, a line starting with a
// space or a tab continues the one before (RFC 6350 3.2).
std::vector<std::string> vcard_lines(std::string_view text);

// A line's property name without its group and parameters:
// "item1.TEL;TYPE=cell:+1" -> "TEL".
std::string_view vcard_property_name(std::string_view line);

// "" when `text` is one vCard (BEGIN:VCARD ... END:VCARD, under the size
// limit), else what is wrong with it.
std::string vcard_problem(std::string_view text);

// The first value of a property ("FN", "UID"), its lines unfolded, its
// parameters dropped; "" when absent. Names compare case-insensitively.
std::string vcard_property(std::string_view text, std::string_view name);

// The card with the first `name` property's value set to `value` (its
// parameters kept), or the property added before END:VCARD. Folded lines are
// unfolded and every line ends in CRLF, as the RFCs ask.
std::string vcard_with_property(std::string_view text, std::string_view name, std::string_view value);

// The phone's side of a contact edited on both sides, as a new contact:
// UID `new_uid`, FN "NAME (conflict on this phone)".
std::string vcard_conflict_copy(std::string_view text, std::string_view new_uid);

// A UID as a file name on the server: letters, digits, '-', '_', '.' kept,
// anything else '_'; then ".vcf".
std::string vcard_file_name(std::string_view uid);

}  // namespace cirrus::sync
