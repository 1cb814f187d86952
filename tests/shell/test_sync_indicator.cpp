// The status bar's sync icon from cirrus-sync's status file: shown while the
// service moves data, marked when it waits on the user, and nothing for any
// text the service would not write.
#include <doctest/doctest.h>

#include <string>

#include "status_bar_layout.hpp"
#include "sync_indicator.hpp"

using cirrus::shell::sync_indicator;
using cirrus::shell::SyncIndicator;

TEST_CASE("the sync icon shows while cirrus-sync is active, and marked when it waits on the user") {
    CHECK(sync_indicator(R"({"active":true,"hold":"none","activity":"uploading 3 photos"})") ==
          SyncIndicator{true, false});
    CHECK(sync_indicator(R"({"active":false,"hold":"link_too_weak"})") == SyncIndicator{});
    CHECK(sync_indicator(R"({"active":false,"hold":"none","message":"no account: add one"})") == SyncIndicator{});
    CHECK(sync_indicator(R"({"active":false,"hold":"needs_user","last_error":"the server refused the password"})") ==
          SyncIndicator{true, true});
}

TEST_CASE("the sync icon: anything the service would not write shows nothing") {
    for (const std::string text : {"", "garbage", "[true]", "null", R"({"active":"yes"})", R"({"active":1})",
                                   R"({"hold":7})", R"({"active":true)"}) {
        CAPTURE(text);
        CHECK(sync_indicator(text) == SyncIndicator{});
    }
    // Larger than any status the service writes: not parsed at all.
    std::string huge = R"({"active":true,"activity":")";
    huge += std::string(cirrus::shell::kMaxSyncStatusBytes, 'x');
    huge += "\"}";
    CHECK(sync_indicator(huge) == SyncIndicator{});
}

TEST_CASE("the sync icon sits at the right end of the clock's box, clear of the time") {
    const auto boxes = cirrus::shell::status_bar_layout(480, 24);
    const auto icon = cirrus::shell::sync_icon(boxes.clock);
    CHECK(icon.x + icon.width <= boxes.clock.x + boxes.clock.width);
    CHECK(icon.x > boxes.clock.x + boxes.clock.width / 2 + 40);  // the time is centred, some 40 px each side
    CHECK(icon.y >= 0);
    CHECK(icon.y + icon.height <= 24);
}
