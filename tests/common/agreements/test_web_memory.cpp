// WebKit's memory-pressure settings, both sides: the compositor's
// CIRRUS_WEB_MEMORY=LIMIT_MIB,POLL_MS and the host's reading of it.
#include <doctest/doctest.h>

#include <string>

#include "common/web_memory.hpp"

using cirrus::parse_web_memory;
using cirrus::web_memory_assignment;
using cirrus::WebMemorySettings;

TEST_CASE("without a limit nothing is passed: the host keeps WebKit's own settings") {
    CHECK(web_memory_assignment(WebMemorySettings{}) == "");
    CHECK(web_memory_assignment(WebMemorySettings{0, 2000}) == "");
}

TEST_CASE("what the compositor passes, the host reads back") {
    const WebMemorySettings w700{160, 2000};
    const std::string line = web_memory_assignment(w700);
    CHECK(line == "CIRRUS_WEB_MEMORY=160,2000");
    const auto back = parse_web_memory(line.substr(line.find('=') + 1));
    REQUIRE(back.has_value());
    CHECK(*back == w700);
    for (const WebMemorySettings edge :
         {WebMemorySettings{WebMemorySettings::kMinLimitMib, WebMemorySettings::kMinPollMs},
          WebMemorySettings{WebMemorySettings::kMaxLimitMib, WebMemorySettings::kMaxPollMs}}) {
        const std::string l = web_memory_assignment(edge);
        CHECK(parse_web_memory(l.substr(l.find('=') + 1)) == edge);
    }
}

TEST_CASE("the host refuses anything else, so a wrong hand-set value keeps WebKit's settings") {
    for (const char* bad :
         {"", "160", "160,", ",2000", "160,2000,1", "-160,2000", "160,-2000", " 160,2000", "160M,2000", "160,2s",
          "31,2000", "3073,2000", "160,999", "160,3600001", "99999999999,2000", "0,2000"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_web_memory(bad).has_value());
    }
}
