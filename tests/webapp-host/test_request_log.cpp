// The request log's line (`cirrus dev`): method, URL, status, size, time and
// where the answer came from, on one printable line.
#include <doctest/doctest.h>

#include "request_log.hpp"

using cirrus::webapp::format_request_line;
using cirrus::webapp::RequestLogEntry;

TEST_CASE("a request log line says what was asked, the answer and where it came from") {
    CHECK(format_request_line("notes", {"GET", "app://notes/style.css", 200, 1234, 3, "package"}) ==
          "[notes] GET app://notes/style.css 200 1.2 KB 3 ms package");
    CHECK(format_request_line("news", {"GET", "https://news.example/api", 200, 12, 250, "store"}) ==
          "[news] GET https://news.example/api 200 12 B 250 ms store");
    CHECK(format_request_line("news", {"POST", "https://news.example/api", 202, 3 << 20, 1, "queued"}) ==
          "[news] POST https://news.example/api 202 3.0 MB 1 ms queued");
    CHECK(format_request_line("news", {"GET", "https://news.example/x", 0, 0, 9, "network"}) ==
          "[news] GET https://news.example/x failed 0 B 9 ms network");
}

TEST_CASE("a request log line is one printable line of bounded length") {
    const std::string line =
        format_request_line("a\nb", {"GET", "app://a/" + std::string(500, 'x') + "\x1b[2J", 200, 0, 0, "package"});
    CHECK(line.find('\n') == std::string::npos);
    CHECK(line.find('\x1b') == std::string::npos);
    CHECK(line.find("...") != std::string::npos);
    CHECK(line.size() < 300);
}
