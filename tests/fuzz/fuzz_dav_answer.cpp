// libFuzzer target: what a CardDAV or WebDAV server sends (issue 19 item 4)
// on arbitrary bytes must never crash, hang or trip a sanitizer: the
// multistatus parser (sync/dav_xml) either throws std::runtime_error or
// returns members within its bounds, and the vCard helpers (common/vcard) keep
// any card they accept a card after the conflict copy.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "sync/dav_xml.hpp"
#include "common/vcard.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace cirrus::sync;
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const DavAnswer answer = parse_dav_answer(text);
        if (answer.members.size() > kMaxDavResponses) std::abort();
        for (const DavMember& member : answer.members) {
            if (member.address_data.size() > kMaxVcardBytes) std::abort();
            (void)href_path(member.href);
            (void)xml_escape(member.href);
        }
    } catch (const std::runtime_error&) {}
    if (vcard_problem(text).empty()) {
        const std::string copy = vcard_conflict_copy(text, "fuzz-uid");
        if (vcard_property(copy, "UID") != "fuzz-uid") std::abort();
        if (copy.size() < kMaxVcardBytes - 4096 && !vcard_problem(copy).empty()) std::abort();
    }
    (void)vcard_property(text, "FN");
    (void)vcard_file_name(text.substr(0, 300));
    return 0;
}
