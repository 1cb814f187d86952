// The few libxml2 tree look-ups the DAV parsers share (common/dav_client's
// PROPFIND answer, sync/dav_xml's CardDAV and sync-collection answers):
// an element by namespace and name, and an element's text.
#pragma once

#include <cstring>
#include <string>

#include <libxml/tree.h>

namespace cirrus::xml {

inline bool is_element(const xmlNode* node, const char* ns, const char* name) {
    return node && node->type == XML_ELEMENT_NODE && node->ns && node->ns->href &&
           std::strcmp(reinterpret_cast<const char*>(node->ns->href), ns) == 0 &&
           std::strcmp(reinterpret_cast<const char*>(node->name), name) == 0;
}

// The first child element `name` in namespace `ns`, or nullptr.
inline const xmlNode* child(const xmlNode* parent, const char* ns, const char* name) {
    if (!parent) return nullptr;
    for (const xmlNode* node = parent->children; node; node = node->next)
        if (is_element(node, ns, name)) return node;
    return nullptr;
}

// All the text inside, untrimmed; "" for nullptr.
inline std::string text_of(const xmlNode* node) {
    if (!node) return "";
    xmlChar* content = xmlNodeGetContent(node);
    std::string text = content ? reinterpret_cast<const char*>(content) : "";
    xmlFree(content);
    return text;
}

}  // namespace cirrus::xml
