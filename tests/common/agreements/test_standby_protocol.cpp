// The standby channel, both sides: the compositor's "open ID" line and its
// listening for "ready", the host's "ready" line and its reading of
// "open ID".
#include <doctest/doctest.h>

#include <string>

#include "common/standby_protocol.hpp"

using namespace cirrus::standby;

TEST_CASE("the standby channel's lines") {
    CHECK(open_line("notes") == "open notes\n");
    CHECK(kReadyLine == "ready\n");
    // The longest line the compositor sends fits in what the host reads.
    CHECK(open_line(std::string(cirrus::kMaxAppIdLength, 'a')).size() <= kMaxLine);
}

TEST_CASE("what the compositor sends, the host reads back") {
    for (const char* app : {"notes", "org.example.app_2-x", "0day"}) {
        CAPTURE(app);
        OpenRequest request;
        CHECK(request.add(open_line(app)) == OpenRequest::State::open);
        CHECK(request.app_id() == app);
    }
    OpenRequest longest;
    const std::string id(cirrus::kMaxAppIdLength, 'a');
    CHECK(longest.add(open_line(id)) == OpenRequest::State::open);
    CHECK(longest.app_id() == id);
}

TEST_CASE("the channel's request: one 'open ID' line, however it arrives") {
    OpenRequest whole;
    CHECK(whole.add("open notes\n") == OpenRequest::State::open);
    CHECK(whole.app_id() == "notes");

    OpenRequest pieces;
    CHECK(pieces.add("op") == OpenRequest::State::waiting);
    CHECK(pieces.add("en org.example") == OpenRequest::State::waiting);
    CHECK(pieces.add(".app_2-x\nopen other\n") == OpenRequest::State::open);
    CHECK(pieces.app_id() == "org.example.app_2-x");  // one app per host: the rest is ignored
    CHECK(pieces.add("open third\n") == OpenRequest::State::open);
    CHECK(pieces.app_id() == "org.example.app_2-x");
}

TEST_CASE("the channel refuses anything but an app id, which names folders") {
    for (const char* bad : {"open ../etc\n", "open Notes\n", "open a/b\n", "open \n", "open .hidden\n",
                            "launch notes\n", "ready\n", "open notes \n", "open -x\n"}) {
        CAPTURE(bad);
        OpenRequest request;
        CHECK(request.add(bad) == OpenRequest::State::refused);
        CHECK_FALSE(request.error().empty());
        CHECK(request.app_id().empty());
        CHECK(request.add("open notes\n") == OpenRequest::State::refused);  // stays refused
    }
    OpenRequest endless;
    CHECK(endless.add(std::string(kMaxLine, 'o')) == OpenRequest::State::waiting);
    CHECK(endless.add("o") == OpenRequest::State::refused);
    CHECK(endless.error().find("bytes") != std::string::npos);

    CHECK(cirrus::valid_app_id("notes"));
    CHECK(cirrus::valid_app_id(std::string(128, 'a')));
    CHECK_FALSE(cirrus::valid_app_id(std::string(129, 'a')));
    CHECK_FALSE(cirrus::valid_app_id("é"));
}

TEST_CASE("the compositor hears 'ready', however it arrives, and keeps no more than a line") {
    ReadySignal whole;
    CHECK(whole.add(kReadyLine));

    ReadySignal pieces;
    CHECK_FALSE(pieces.add("rea"));
    CHECK_FALSE(pieces.add("dy"));
    CHECK(pieces.add("\n"));
    CHECK_FALSE(pieces.add("ready"));  // it listens afresh after each one
    CHECK(pieces.add("\n"));

    ReadySignal chatty;
    CHECK_FALSE(chatty.add("hello\n"));
    CHECK(chatty.add("ready\n"));

    ReadySignal flood;
    CHECK_FALSE(flood.add(std::string(kMaxLine, 'x')));
    CHECK_FALSE(flood.add(kReadyLine));  // past a line's worth nothing more is kept
}
