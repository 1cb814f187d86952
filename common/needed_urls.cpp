#include "needed_urls.hpp"

#include "replay_policy.hpp"

namespace cirrus::offline {

std::string_view to_string(NotNeededBecause why) {
    switch (why) {
    case NotNeededBecause::not_get:
        return "not a GET";
    case NotNeededBecause::other_origin:
        return "another origin";
    case NotNeededBecause::write_endpoint:
        return "a declared write endpoint";
    case NotNeededBecause::too_long:
        return "longer than kMaxNeededUrlLength";
    case NotNeededBecause::not_a_url:
        return "not an http(s) URL";
    }
    return "?";
}

namespace {

NeededUrl refused(NotNeededBecause why) { return {std::nullopt, why}; }

// "http://host:port/..." or "https://..." starting with exactly `origin`,
// followed by the path ("/") or nothing.
bool of_origin(std::string_view url, std::string_view origin) {
    if (origin.empty() || !url.starts_with(origin)) return false;
    return url.size() == origin.size() || url[origin.size()] == '/';
}

}  // namespace

NeededUrl needed_url(std::string_view method, std::string_view url, std::string_view origin,
                     const std::vector<std::string>& write_endpoints) {
    if (method != "GET") return refused(NotNeededBecause::not_get);
    url = url.substr(0, url.find('#'));
    if (!url.starts_with("http://") && !url.starts_with("https://")) return refused(NotNeededBecause::not_a_url);
    if (url.size() > kMaxNeededUrlLength) return refused(NotNeededBecause::too_long);
    for (char c : url) {
        // Control characters or spaces: not a URL WebKit would have sent.
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return refused(NotNeededBecause::not_a_url);
    }
    if (!of_origin(url, origin)) return refused(NotNeededBecause::other_origin);
    if (matches_write_endpoint(url, write_endpoints)) return refused(NotNeededBecause::write_endpoint);
    std::string key(url);
    if (key.size() == origin.size()) key += '/';  // as WebKit sends "http://host" itself
    return {std::move(key), std::nullopt};
}

AnswerMeaning answer_meaning(bool network_failed, int status) {
    if (network_failed) return AnswerMeaning::unknown;
    if ((status >= 200 && status < 300) || status == 304) return AnswerMeaning::needed;
    if (status == 404 || status == 410) return AnswerMeaning::gone;
    return AnswerMeaning::unknown;
}

}  // namespace cirrus::offline
