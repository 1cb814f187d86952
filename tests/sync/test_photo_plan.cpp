// Where a photo's upload resumes (sync/photo_plan.hpp), and the PROPFIND
// answers it rests on (common/dav_client.hpp), without a server.
#include <doctest/doctest.h>

#include "common/dav_client.hpp"
#include "photo_plan.hpp"

using cirrus::sync::plan_resume;
using Action = cirrus::sync::ResumePlan::Action;

TEST_CASE("plan_resume: from the server's part, never past the photo; a photo already there is done") {
    CHECK(plan_resume(1000, std::nullopt, std::nullopt).action == Action::upload_from);
    CHECK(plan_resume(1000, std::nullopt, std::nullopt).offset == 0);
    CHECK(plan_resume(1000, 300, std::nullopt).action == Action::upload_from);
    CHECK(plan_resume(1000, 300, std::nullopt).offset == 300);  // mid-chunk too: the server's bytes count
    CHECK(plan_resume(1000, 1000, std::nullopt).action == Action::move_only);
    CHECK(plan_resume(1000, 1200, std::nullopt).action == Action::restart);  // not this photo's part
    CHECK(plan_resume(1000, std::nullopt, 1000).action == Action::already_there);
    CHECK(plan_resume(1000, 300, 1000).action == Action::already_there);
    CHECK(plan_resume(1000, std::nullopt, 999).action == Action::name_taken);
}

TEST_CASE("part and conflict names; files a camera is still writing wait") {
    CHECK(cirrus::sync::part_name("IMG 1.jpg") == ".IMG 1.jpg.cirrus-part");
    CHECK(cirrus::sync::conflict_name("IMG_0001.jpg", 2) == "IMG_0001 (2).jpg");
    CHECK(cirrus::sync::conflict_name("README", 3) == "README (3)");
    CHECK(cirrus::sync::conflict_name(".profile", 2) == ".profile (2)");
    CHECK(cirrus::sync::is_upload_candidate("IMG_0001.jpg"));
    for (const char* name : {".hidden.jpg", "a.jpg.part", "a.tmp", "a.jpg~", "x.crdownload", ".a.jpg.cirrus-part", ""})
        CHECK_FALSE(cirrus::sync::is_upload_candidate(name));
    CHECK(cirrus::sync::chunk_end(0, 10, 4) == 4);
    CHECK(cirrus::sync::chunk_end(8, 10, 4) == 10);
}

TEST_CASE("parse_multistatus: sizes, folders and ETags from 200 propstats only; junk is an error") {
    const auto entries = cirrus::dav::parse_multistatus(
        R"(<?xml version="1.0"?><a:multistatus xmlns:a="DAV:">
<a:response><a:href>/Photos/</a:href><a:propstat><a:prop><a:resourcetype><a:collection/></a:resourcetype></a:prop>
<a:status>HTTP/1.1 200 OK</a:status></a:propstat></a:response>
<a:response><a:href>/Photos/a%20b.jpg</a:href><a:propstat><a:prop><a:getcontentlength> 1234 </a:getcontentlength>
<a:getetag>"e1"</a:getetag></a:prop><a:status>HTTP/1.1 200 OK</a:status></a:propstat>
<a:propstat><a:prop><a:getcontentlength>99</a:getcontentlength></a:prop><a:status>HTTP/1.1 404 Not Found</a:status></a:propstat></a:response>
</a:multistatus>)");
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].collection);
    CHECK(entries[1].href == "/Photos/a%20b.jpg");
    CHECK(entries[1].size == 1234u);
    CHECK(entries[1].etag == "\"e1\"");
    CHECK_THROWS(cirrus::dav::parse_multistatus("<html>not dav</html>"));
    CHECK_THROWS(cirrus::dav::parse_multistatus("\x01\x02 not xml"));
    // An entity that would expand (billion laughs) is not expanded.
    CHECK_NOTHROW(cirrus::dav::parse_multistatus(
        R"(<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaaaaaaaa">]><m:multistatus xmlns:m="DAV:"/>)"));
    CHECK(cirrus::dav::encode_path("Photos/IMG 1#.jpg") == "Photos/IMG%201%23.jpg");
}
