#include "common/css_colour.hpp"

#include <doctest/doctest.h>

using namespace cirrus::launcher;

namespace {
Rgba rgba(int r, int g, int b, int a = 255) {
    return Rgba{static_cast<std::uint8_t>(r), static_cast<std::uint8_t>(g), static_cast<std::uint8_t>(b),
                static_cast<std::uint8_t>(a)};
}
}  // namespace

TEST_CASE("hex colours in all four lengths") {
    CHECK(parse_css_colour("#f00") == rgba(255, 0, 0));
    CHECK(parse_css_colour("#F00A") == rgba(255, 0, 0, 0xAA));
    CHECK(parse_css_colour("#1a2B3c") == rgba(0x1a, 0x2b, 0x3c));
    CHECK(parse_css_colour("#1a2b3c80") == rgba(0x1a, 0x2b, 0x3c, 0x80));
    CHECK(parse_css_colour("  #000000 ") == rgba(0, 0, 0));
    for (const char* bad : {"#", "#ff", "#fffff", "#fffffffff", "#ggg", "# fff", "fff", "#12345g"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_css_colour(bad));
    }
}

TEST_CASE("rgb() and rgba(): comma and space syntax, numbers and percentages") {
    CHECK(parse_css_colour("rgb(255, 0, 0)") == rgba(255, 0, 0));
    CHECK(parse_css_colour("rgba(255,0,0,0.5)") == rgba(255, 0, 0, 128));
    CHECK(parse_css_colour("rgb(100%, 50%, 0%)") == rgba(255, 128, 0));
    CHECK(parse_css_colour("rgba(0, 0, 0, 25%)") == rgba(0, 0, 0, 64));
    CHECK(parse_css_colour("rgb(255 128 0)") == rgba(255, 128, 0));
    CHECK(parse_css_colour("rgb(255 128 0 / 0.5)") == rgba(255, 128, 0, 128));
    CHECK(parse_css_colour("rgba(10 20 30 / 50%)") == rgba(10, 20, 30, 128));
    CHECK(parse_css_colour("rgb(100% 0 0)") == rgba(255, 0, 0));  // modern syntax may mix
    CHECK(parse_css_colour("RGB(1,2,3)") == rgba(1, 2, 3));
    CHECK(parse_css_colour("rgb(300, -20, 127.6)") == rgba(255, 0, 128));  // clamped, rounded
    CHECK(parse_css_colour("rgb(+1, 2e1, .5e1)") == rgba(1, 20, 5));
    CHECK(parse_css_colour("rgb(none 0 0)") == rgba(0, 0, 0));
    CHECK(parse_css_colour("rgb(0, 0, 0, 2)") == rgba(0, 0, 0, 255));  // rgb() takes alpha too
    for (const char* bad :
         {"rgb()", "rgb(1, 2)", "rgb(1, 2, 3, 4, 5)", "rgb(1 2)", "rgb(1, 2 3)", "rgb(100%, 0, 0)", "rgb(1 2 3 / )",
          "rgb(1 2 3 / 4 / 5)", "rgb(1,2,3", "rgb(1deg, 2, 3)", "rgb(a, b, c)", "rgb(inf, 0, 0)", "rgb(nan 0 0)",
          "rgb (1,2,3)", "rgb(1,2,3))", "rgb(none, 0, 0)", "rgb(1,2,3)x", "rgb(0x10, 0, 0)", "rgb(1, 2, 3, 0.5deg)"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_css_colour(bad));
    }
}

TEST_CASE("hsl() and hsla()") {
    CHECK(parse_css_colour("hsl(0, 100%, 50%)") == rgba(255, 0, 0));
    CHECK(parse_css_colour("hsl(120, 100%, 50%)") == rgba(0, 255, 0));
    CHECK(parse_css_colour("hsl(240deg, 100%, 50%)") == rgba(0, 0, 255));
    CHECK(parse_css_colour("hsl(0.5turn 100% 25%)") == rgba(0, 128, 128));
    CHECK(parse_css_colour("hsla(-120, 100%, 50%, 0.5)") == rgba(0, 0, 255, 128));
    CHECK(parse_css_colour("hsl(480 100% 50% / 100%)") == rgba(0, 255, 0));
    CHECK(parse_css_colour("hsl(3.14159265rad 100% 50%)") == rgba(0, 255, 255));
    CHECK(parse_css_colour("hsl(200grad, 100%, 50%)") == rgba(0, 255, 255));
    CHECK(parse_css_colour("hsl(0, 0%, 100%)") == rgba(255, 255, 255));
    CHECK(parse_css_colour("hsl(270 60 50)") == parse_css_colour("hsl(270 60% 50%)"));
    CHECK(parse_css_colour("hsl(270, 60%, 70%)") == rgba(179, 133, 224));
    for (const char* bad : {"hsl(0, 100, 50)", "hsl(0px, 100%, 50%)", "hsl(0, 100%)", "hsl()", "hsv(0, 100%, 50%)"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_css_colour(bad));
    }
}

TEST_CASE("named colours and transparent") {
    CHECK(parse_css_colour("red") == rgba(255, 0, 0));
    CHECK(parse_css_colour("RebeccaPurple") == rgba(0x66, 0x33, 0x99));
    CHECK(parse_css_colour("gray") == rgba(128, 128, 128));  // the web's gray, not X11's
    CHECK(parse_css_colour("grey") == rgba(128, 128, 128));
    CHECK(parse_css_colour("green") == rgba(0, 128, 0));
    CHECK(parse_css_colour("maroon") == rgba(128, 0, 0));
    CHECK(parse_css_colour("purple") == rgba(128, 0, 128));
    CHECK(parse_css_colour("aliceblue") == rgba(0xf0, 0xf8, 0xff));
    CHECK(parse_css_colour("yellowgreen") == rgba(0x9a, 0xcd, 0x32));
    CHECK(parse_css_colour("lightgoldenrodyellow") == rgba(0xfa, 0xfa, 0xd2));
    CHECK(parse_css_colour("transparent") == rgba(0, 0, 0, 0));
    for (const char* bad : {"", "   ", "currentcolor", "notacolour", "red blue", "webgreen", "color(srgb 1 0 0)",
                            "lab(50% 0 0)", "inherit"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_css_colour(bad));
    }
}

TEST_CASE("all 148 named colours are known") {
    const char* names[] = {"aliceblue",
                           "antiquewhite",
                           "aqua",
                           "aquamarine",
                           "azure",
                           "beige",
                           "bisque",
                           "black",
                           "blanchedalmond",
                           "blue",
                           "blueviolet",
                           "brown",
                           "burlywood",
                           "cadetblue",
                           "chartreuse",
                           "chocolate",
                           "coral",
                           "cornflowerblue",
                           "cornsilk",
                           "crimson",
                           "cyan",
                           "darkblue",
                           "darkcyan",
                           "darkgoldenrod",
                           "darkgray",
                           "darkgreen",
                           "darkgrey",
                           "darkkhaki",
                           "darkmagenta",
                           "darkolivegreen",
                           "darkorange",
                           "darkorchid",
                           "darkred",
                           "darksalmon",
                           "darkseagreen",
                           "darkslateblue",
                           "darkslategray",
                           "darkslategrey",
                           "darkturquoise",
                           "darkviolet",
                           "deeppink",
                           "deepskyblue",
                           "dimgray",
                           "dimgrey",
                           "dodgerblue",
                           "firebrick",
                           "floralwhite",
                           "forestgreen",
                           "fuchsia",
                           "gainsboro",
                           "ghostwhite",
                           "gold",
                           "goldenrod",
                           "gray",
                           "green",
                           "greenyellow",
                           "grey",
                           "honeydew",
                           "hotpink",
                           "indianred",
                           "indigo",
                           "ivory",
                           "khaki",
                           "lavender",
                           "lavenderblush",
                           "lawngreen",
                           "lemonchiffon",
                           "lightblue",
                           "lightcoral",
                           "lightcyan",
                           "lightgoldenrodyellow",
                           "lightgray",
                           "lightgreen",
                           "lightgrey",
                           "lightpink",
                           "lightsalmon",
                           "lightseagreen",
                           "lightskyblue",
                           "lightslategray",
                           "lightslategrey",
                           "lightsteelblue",
                           "lightyellow",
                           "lime",
                           "limegreen",
                           "linen",
                           "magenta",
                           "maroon",
                           "mediumaquamarine",
                           "mediumblue",
                           "mediumorchid",
                           "mediumpurple",
                           "mediumseagreen",
                           "mediumslateblue",
                           "mediumspringgreen",
                           "mediumturquoise",
                           "mediumvioletred",
                           "midnightblue",
                           "mintcream",
                           "mistyrose",
                           "moccasin",
                           "navajowhite",
                           "navy",
                           "oldlace",
                           "olive",
                           "olivedrab",
                           "orange",
                           "orangered",
                           "orchid",
                           "palegoldenrod",
                           "palegreen",
                           "paleturquoise",
                           "palevioletred",
                           "papayawhip",
                           "peachpuff",
                           "peru",
                           "pink",
                           "plum",
                           "powderblue",
                           "purple",
                           "rebeccapurple",
                           "red",
                           "rosybrown",
                           "royalblue",
                           "saddlebrown",
                           "salmon",
                           "sandybrown",
                           "seagreen",
                           "seashell",
                           "sienna",
                           "silver",
                           "skyblue",
                           "slateblue",
                           "slategray",
                           "slategrey",
                           "snow",
                           "springgreen",
                           "steelblue",
                           "tan",
                           "teal",
                           "thistle",
                           "tomato",
                           "turquoise",
                           "violet",
                           "wheat",
                           "white",
                           "whitesmoke",
                           "yellow",
                           "yellowgreen"};
    CHECK(std::size(names) == 148);
    for (const char* name : names) {
        CAPTURE(name);
        auto colour = parse_css_colour(name);
        REQUIRE(colour);
        CHECK(colour->a == 255);
    }
    CHECK(parse_css_colour("navy") == rgba(0, 0, 128));
    CHECK(parse_css_colour("darkgray") == rgba(0xa9, 0xa9, 0xa9));
}

TEST_CASE("to_hex writes #rrggbb, or #rrggbbaa when not opaque, and reads back") {
    CHECK(to_hex(rgba(255, 0, 16)) == "#ff0010");
    CHECK(to_hex(rgba(1, 2, 3, 4)) == "#01020304");
    for (auto colour : {rgba(0, 0, 0, 0), rgba(18, 52, 86, 120), rgba(255, 255, 255)}) {
        CHECK(parse_css_colour(to_hex(colour)) == colour);
    }
}
