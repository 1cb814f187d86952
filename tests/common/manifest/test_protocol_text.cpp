// The one rule for strings that cross a Wayland protocol
// (common/protocol_text.hpp): valid UTF-8, no control characters, cut on a
// character boundary with an ellipsis.

#include <doctest/doctest.h>

#include "common/protocol_text.hpp"

using cirrus::protocol_text::bounded;
using cirrus::protocol_text::is_bounded;

namespace {
const std::string kEllipsisText = "\xe2\x80\xa6";
}

TEST_CASE("protocol text: short valid text passes unchanged") {
    CHECK(bounded("Notes", 256) == "Notes");
    CHECK(bounded("你好，世界", 256) == "你好，世界");
    CHECK(bounded("", 0).empty());
    CHECK(is_bounded("Café 🎉", 64));
}

TEST_CASE("protocol text: long text is cut to the bound and ends with an ellipsis") {
    const std::string cut = bounded(std::string(5000, 'a'), 256);
    CHECK(cut.size() == 256);
    CHECK(cut == std::string(253, 'a') + kEllipsisText);
    CHECK(bounded("abcdef", 6) == "abcdef");  // exactly at the bound: whole
    CHECK(bounded("abcdefg", 6) == "abc" + kEllipsisText);
}

TEST_CASE("protocol text: a cut never splits a character") {
    std::string chinese;
    for (int i = 0; i < 100; ++i) chinese += "名";  // 3 bytes each
    for (std::size_t bound = 3; bound < 40; ++bound) {
        const std::string cut = bounded(chinese, bound);
        CAPTURE(bound);
        CHECK(cut.size() <= bound);
        CHECK(cut.ends_with(kEllipsisText));
        CHECK((cut.size() - kEllipsisText.size()) % 3 == 0);
        CHECK(is_bounded(cut, bound));
    }
    // Four-byte characters too.
    const std::string emoji = bounded("🎉🎉🎉🎉", 9);
    CHECK(emoji == "🎉" + kEllipsisText);
}

TEST_CASE("protocol text: bad bytes become U+FFFD and control characters spaces") {
    CHECK(bounded("a\xff"
                  "b",
                  64) ==
          "a\xef\xbf\xbd"
          "b");
    CHECK(bounded("\xc0\xaf", 64) == "\xef\xbf\xbd\xef\xbf\xbd");                  // overlong '/'
    CHECK(bounded("\xed\xa0\x80", 64) == "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // a surrogate
    CHECK(bounded("\xe5\x90", 64) == "\xef\xbf\xbd\xef\xbf\xbd");                  // a truncated character
    CHECK(bounded("line\nbreak\ttab\x1b[31m\x7f", 64) == "line break tab [31m ");
    CHECK_FALSE(is_bounded("a\nb", 64));
}

TEST_CASE("protocol text: bounds too small for the ellipsis cut without one") {
    CHECK(bounded("abcdef", 2) == "ab");
    CHECK(bounded("名字", 2).empty());
    CHECK(bounded("abc", 0).empty());
}

TEST_CASE("protocol text: decode_utf8 reads one character and refuses what RFC 3629 refuses") {
    using cirrus::protocol_text::decode_utf8;
    CHECK(decode_utf8("a", 0).code_point == U'a');
    CHECK(decode_utf8("a", 0).length == 1);
    CHECK(decode_utf8("名", 0).code_point == U'名');
    CHECK(decode_utf8("名", 0).length == 3);
    CHECK(decode_utf8("🎉", 0).code_point == U'🎉');
    CHECK(decode_utf8("x\xc3\xa9", 1).code_point == 0xe9);
    CHECK(decode_utf8("\xc0\xaf", 0).length == 0);          // overlong
    CHECK(decode_utf8("\xe0\x80\xaf", 0).length == 0);      // overlong
    CHECK(decode_utf8("\xed\xa0\x80", 0).length == 0);      // a surrogate
    CHECK(decode_utf8("\xf4\x90\x80\x80", 0).length == 0);  // past U+10FFFF
    CHECK(decode_utf8("\xe5\x90", 0).length == 0);          // cut short
    CHECK(decode_utf8("\x80", 0).length == 0);              // a lone continuation
}
