#include "inflight_gets.hpp"

#include <algorithm>

#include "common/strings.hpp"
#include "common/vary.hpp"

namespace cirrus::webapp {

namespace {
// Request fields that change the answer whatever the origin's Vary says:
// validators and ranges ask another question, credentials may be another
// user, and the page's cache directives (no-cache, no-store) ask for a fetch
// of their own.
constexpr const char* kAnswerChoosingFields[] = {
    "authorization",       "cache-control", "if-match", "if-modified-since", "if-none-match", "if-range",
    "if-unmodified-since", "pragma",        "range",
};

bool chooses_answer(const std::string& lower_name) {
    return std::find(std::begin(kAnswerChoosingFields), std::end(kAnswerChoosingFields), lower_name) !=
           std::end(kAnswerChoosingFields);
}
}  // namespace

std::string inflight_key(const std::string& method, const std::string& url, const offline::Headers& headers) {
    if (method != "GET" && method != "HEAD") return "";
    std::vector<std::string> fields;
    for (const auto& h : headers) {
        std::string name = lowercase(h.name);
        if (chooses_answer(name)) fields.push_back(name + ": " + h.value);
    }
    std::sort(fields.begin(), fields.end());  // the same fields in another order are the same request
    std::string key = method + " " + url;
    for (const auto& field : fields) key += "\n" + field;
    return key;
}

bool shares_answer(const offline::Headers& leader_headers, const offline::Headers& joiner_headers,
                   const offline::Headers& response_headers) {
    const offline::VaryRule vary = offline::VaryRule::from_response(response_headers);
    if (vary.any) return false;
    return vary.request_key(leader_headers) == vary.request_key(joiner_headers);
}

}  // namespace cirrus::webapp
