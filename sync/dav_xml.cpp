// See dav_xml.hpp.
#include "dav_xml.hpp"

#include <cstring>
#include <stdexcept>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "common/strings.hpp"
#include "common/xml_nodes.hpp"
#include "common/vcard.hpp"

namespace cirrus::sync {

namespace {

constexpr const char* kDav = "DAV:";
constexpr const char* kCardDav = "urn:ietf:params:xml:ns:carddav";

using cirrus::xml::child;
using cirrus::xml::text_of;

bool is(const xmlNode* node, const char* ns, const char* name) { return cirrus::xml::is_element(node, ns, name); }

std::string trimmed(const xmlNode* node) { return std::string(trim(text_of(node), kAsciiWhitespace)); }

// "HTTP/1.1 404 Not Found" -> 404; 0 when unreadable.
unsigned status_code(const std::string& line) {
    const auto space = line.find(' ');
    if (space == std::string::npos || line.size() < space + 4) return 0;
    unsigned code = 0;
    for (std::size_t i = space + 1; i < space + 4; ++i) {
        if (line[i] < '0' || line[i] > '9') return 0;
        code = code * 10 + static_cast<unsigned>(line[i] - '0');
    }
    return code;
}

void read_prop(const xmlNode* prop, DavMember& member) {
    if (const xmlNode* type = child(prop, kDav, "resourcetype")) {
        member.collection = member.collection || child(type, kDav, "collection");
        member.addressbook = member.addressbook || child(type, kCardDav, "addressbook");
    }
    if (const xmlNode* etag = child(prop, kDav, "getetag")) member.etag = trimmed(etag);
    if (const xmlNode* principal = child(prop, kDav, "current-user-principal"))
        member.principal = trimmed(child(principal, kDav, "href"));
    if (const xmlNode* home = child(prop, kCardDav, "addressbook-home-set"))
        member.home = trimmed(child(home, kDav, "href"));
    if (const xmlNode* token = child(prop, kDav, "sync-token")) member.sync_token = trimmed(token);
    if (const xmlNode* data = child(prop, kCardDav, "address-data")) {
        std::string card = text_of(data);
        if (card.size() > kMaxVcardBytes) member.oversized = true;
        else member.address_data = std::move(card);
    }
}

}  // namespace

DavAnswer parse_dav_answer(std::string_view xml) {
    if (xml.size() > (64u << 20)) throw std::runtime_error("the server's answer is over 64 MiB");
    // No network, no entity expansion, no DTD loading: the server is not trusted.
    xmlDoc* document = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "answer.xml", nullptr,
                                     XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!document) throw std::runtime_error("the server's answer is not XML");
    const xmlNode* root = xmlDocGetRootElement(document);
    if (!is(root, kDav, "multistatus")) {
        xmlFreeDoc(document);
        throw std::runtime_error("the server's answer is not a DAV:multistatus");
    }
    DavAnswer answer;
    for (const xmlNode* node = root->children; node; node = node->next) {
        if (is(node, kDav, "sync-token")) answer.sync_token = trimmed(node);
        if (!is(node, kDav, "response")) continue;
        if (answer.members.size() >= kMaxDavResponses) {
            xmlFreeDoc(document);
            throw std::runtime_error("the server's answer lists over " + std::to_string(kMaxDavResponses) +
                                     " items, more than the phone keeps");
        }
        DavMember member;
        member.href = trimmed(child(node, kDav, "href"));
        if (const xmlNode* status = child(node, kDav, "status")) member.status = status_code(trimmed(status));
        for (const xmlNode* propstat = node->children; propstat; propstat = propstat->next) {
            if (!is(propstat, kDav, "propstat")) continue;
            const unsigned code = status_code(trimmed(child(propstat, kDav, "status")));
            const xmlNode* prop = child(propstat, kDav, "prop");
            if (code < 200 || code > 299 || !prop) continue;
            member.has_props = true;
            read_prop(prop, member);
        }
        if (!member.href.empty()) answer.members.push_back(std::move(member));
    }
    xmlFreeDoc(document);
    return answer;
}

std::string xml_escape(std::string_view text) {
    std::string escaped;
    for (const char c : text) {
        switch (c) {
        case '&':
            escaped += "&amp;";
            break;
        case '<':
            escaped += "&lt;";
            break;
        case '>':
            escaped += "&gt;";
            break;
        case '"':
            escaped += "&quot;";
            break;
        default:
            escaped += c;
        }
    }
    return escaped;
}

std::string href_path(std::string_view href) {
    if (href.starts_with("http://") || href.starts_with("https://")) {
        const std::size_t host = href.find("//") + 2;
        const std::size_t slash = href.find('/', host);
        return slash == std::string_view::npos ? "/" : std::string(href.substr(slash));
    }
    return std::string(href);
}

}  // namespace cirrus::sync
