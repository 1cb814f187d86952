// What an app's runs record as needed offline (common/needed_urls.hpp):
// own-origin GETs only, without fragments, never a write endpoint, bounded;
// and which answers mean "needed" or "gone".
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "common/needed_urls.hpp"

using namespace cirrus::offline;

namespace {
const std::string kNeedOrigin = "http://127.0.0.1:8080";
const std::vector<std::string> kNeedWrites{"http://127.0.0.1:8080/api/notes", "http://127.0.0.1:8080/api/forms/*"};

NeededUrl needed_get(const std::string& url) { return needed_url("GET", url, kNeedOrigin, kNeedWrites); }
}  // namespace

TEST_CASE("needed: an own-origin GET is recorded under the store's key, without its fragment") {
    CHECK(needed_get(kNeedOrigin + "/img/a.svg").url == kNeedOrigin + "/img/a.svg");
    CHECK(needed_get(kNeedOrigin + "/img/a.svg#frag").url == kNeedOrigin + "/img/a.svg");
    CHECK(needed_get(kNeedOrigin + "/list?page=2").url == kNeedOrigin + "/list?page=2");
    CHECK(needed_get(kNeedOrigin).url == kNeedOrigin + "/");  // the origin alone is its root page
    CHECK_FALSE(needed_get(kNeedOrigin + "/a.svg").not_because.has_value());
}

TEST_CASE("needed: never a non-GET, another origin, a write endpoint, a long or malformed URL") {
    CHECK(needed_url("POST", kNeedOrigin + "/img/a.svg", kNeedOrigin, kNeedWrites).not_because ==
          NotNeededBecause::not_get);
    CHECK(needed_url("HEAD", kNeedOrigin + "/img/a.svg", kNeedOrigin, kNeedWrites).not_because ==
          NotNeededBecause::not_get);
    CHECK(needed_get("http://127.0.0.1:8081/a.svg").not_because == NotNeededBecause::other_origin);
    CHECK(needed_get("https://127.0.0.1:8080/a.svg").not_because == NotNeededBecause::other_origin);
    // A host that merely starts with the origin's text is another origin.
    CHECK(needed_get("http://127.0.0.1:80800/a.svg").not_because == NotNeededBecause::other_origin);
    CHECK(needed_url("GET", kNeedOrigin + "/a.svg", "", kNeedWrites).not_because == NotNeededBecause::other_origin);
    CHECK(needed_get(kNeedOrigin + "/api/notes").not_because == NotNeededBecause::write_endpoint);
    CHECK(needed_get(kNeedOrigin + "/api/notes?since=3").not_because == NotNeededBecause::write_endpoint);
    CHECK(needed_get(kNeedOrigin + "/api/forms/7").not_because == NotNeededBecause::write_endpoint);
    CHECK(needed_get(kNeedOrigin + "/api/notesx").url.has_value());  // not the endpoint's path
    CHECK(needed_get(kNeedOrigin + "/" + std::string(kMaxNeededUrlLength, 'a')).not_because ==
          NotNeededBecause::too_long);
    CHECK(
        needed_get(kNeedOrigin + "/" + std::string(kMaxNeededUrlLength - kNeedOrigin.size() - 1, 'a')).url.has_value());
    CHECK(needed_get("cirrus-offline://app/a.svg").not_because == NotNeededBecause::not_a_url);
    CHECK(needed_get(kNeedOrigin + "/a b.svg").not_because == NotNeededBecause::not_a_url);
    CHECK(needed_get(kNeedOrigin + "/a\n.svg").not_because == NotNeededBecause::not_a_url);
    CHECK(needed_get("").not_because == NotNeededBecause::not_a_url);
    for (auto why : {NotNeededBecause::not_get, NotNeededBecause::other_origin, NotNeededBecause::write_endpoint,
                     NotNeededBecause::too_long, NotNeededBecause::not_a_url})
        CHECK(!to_string(why).empty());
}

TEST_CASE("needed: 2xx and 304 mean needed, 404 and 410 gone, anything else changes nothing") {
    CHECK(answer_meaning(false, 200) == AnswerMeaning::needed);
    CHECK(answer_meaning(false, 206) == AnswerMeaning::needed);
    CHECK(answer_meaning(false, 304) == AnswerMeaning::needed);
    CHECK(answer_meaning(false, 404) == AnswerMeaning::gone);
    CHECK(answer_meaning(false, 410) == AnswerMeaning::gone);
    for (int status : {0, 101, 301, 302, 401, 403, 429, 500, 503})
        CHECK(answer_meaning(false, status) == AnswerMeaning::unknown);
    // A network failure says nothing about the URL, whatever status it carries.
    CHECK(answer_meaning(true, 200) == AnswerMeaning::unknown);
    CHECK(answer_meaning(true, 404) == AnswerMeaning::unknown);
}
