// parse_site on pages shaped like real ones: broken, uppercase, relative.
#include <doctest/doctest.h>

#include <climits>
#include <string>

#include "site.hpp"

using namespace cirrus::launcher;

TEST_CASE("site: a tidy page") {
    const auto info = parse_site(R"html(<!doctype html>
<html lang="en-GB">
<head>
  <meta charset="utf-8">
  <title>
     Example   News
     — Home
  </title>
  <link rel="manifest" href="/manifest.webmanifest">
  <link rel="icon" href="favicon.ico" sizes="16x16 32x32">
  <link rel="icon" type="image/svg+xml" href="icon.svg" sizes="any">
  <link rel="apple-touch-icon" href="/apple-touch-icon.png" sizes="180x180">
  <meta name="theme-color" content=" #336699 ">
  <meta name="application-name" content="Example">
</head>
<body><p>Hello</p></body>
</html>)html",
                                 "https://news.example/section/page.html");
    CHECK(info.title == "Example News — Home");
    CHECK(info.lang == "en-GB");
    REQUIRE(info.manifest_url);
    CHECK(*info.manifest_url == "https://news.example/manifest.webmanifest");
    CHECK(info.theme_color == "#336699");
    CHECK(info.application_name == "Example");
    CHECK(info.base_url == "https://news.example/section/page.html");
    REQUIRE(info.icons.size() == 3);
    CHECK(info.icons[0].url == "https://news.example/section/favicon.ico");
    CHECK(info.icons[0].rel == "icon");
    CHECK(info.icons[0].sizes == "16x16 32x32");
    CHECK(info.icons[0].largest_declared_size() == 32);
    CHECK(info.icons[1].type == "image/svg+xml");
    CHECK(info.icons[1].largest_declared_size() == INT_MAX);
    CHECK(info.icons[2].rel == "apple-touch-icon");
    CHECK(info.icons[2].url == "https://news.example/apple-touch-icon.png");
    CHECK(info.icons[2].largest_declared_size() == 180);
}

TEST_CASE("site: broken HTML — no </head>, uppercase tags, unquoted attributes, a <base>") {
    const auto info = parse_site(R"html(<HTML LANG=fr><HEAD>
<TITLE>Le   Monde</TITLE>
<BASE HREF="https://cdn.example/static/">
<LINK REL="Shortcut Icon" HREF="img/fav.ico">
<LINK REL=apple-touch-icon-precomposed HREF=../touch.png SIZES=152X152>
<link rel="stylesheet" href="site.css">
<META NAME="Theme-Color" CONTENT="rebeccapurple">
<BODY><DIV><P>unclosed <B>bold
<link rel="manifest" href="late.json">
)html",
                                 "http://www.example.fr/article/42");
    CHECK(info.title == "Le Monde");
    CHECK(info.lang == "fr");
    CHECK(info.base_url == "https://cdn.example/static/");
    REQUIRE(info.icons.size() == 2);
    CHECK(info.icons[0].rel == "icon");
    CHECK(info.icons[0].url == "https://cdn.example/static/img/fav.ico");
    CHECK(info.icons[1].rel == "apple-touch-icon-precomposed");
    CHECK(info.icons[1].url == "https://cdn.example/touch.png");
    CHECK(info.icons[1].largest_declared_size() == 152);
    CHECK(info.theme_color == "rebeccapurple");
    // A manifest link in the body still counts: pages this broken exist.
    CHECK(info.manifest_url == "https://cdn.example/static/late.json");
}

TEST_CASE("site: the first of each wins; media-specific theme colours only stand in") {
    const auto info = parse_site(R"html(<head>
<title>First</title><title>Second</title>
<meta name="theme-color" media="(prefers-color-scheme: dark)" content="#000">
<meta name="theme-color" content="#fff">
<link rel=manifest href=a.json><link rel=manifest href=b.json>
<base href="/one/"><base href="/two/">
</head>)html",
                                 "http://127.0.0.1:8080/app/");
    CHECK(info.title == "First");
    CHECK(info.theme_color == "#fff");
    CHECK(info.base_url == "http://127.0.0.1:8080/one/");
    CHECK(info.manifest_url == "http://127.0.0.1:8080/one/a.json");

    const auto dark_only =
        parse_site(R"html(<meta name="theme-color" media="(prefers-color-scheme: dark)" content="#000">)html",
                   "http://127.0.0.1/");
    CHECK(dark_only.theme_color == "#000");
}

TEST_CASE("site: hrefs that cannot be used are dropped") {
    const auto info = parse_site(R"html(<link rel="manifest" href="javascript:alert(1)">
<link rel="icon" href="data:image/png;base64,iVBORw0KGgo=">
<link rel="icon" href="  /padded.png
">
<link rel="icon">
<link rel="icon" href="ftp://files.example/icon.png">)html",
                                 "https://site.example/");
    CHECK(!info.manifest_url);
    REQUIRE(info.icons.size() == 2);
    CHECK(info.icons[0].url == "data:image/png;base64,iVBORw0KGgo=");
    CHECK(info.icons[1].url == "https://site.example/padded.png");
}

TEST_CASE("site: CJK text survives, with and without a declared charset") {
    const std::string page = "<html lang=zh-CN><title>  笔记  本 </title><meta name=application-name content=\"笔记\">";
    const auto guessed = parse_site(page, "http://127.0.0.1/");
    CHECK(guessed.title == "笔记 本");
    CHECK(guessed.application_name == "笔记");
    CHECK(guessed.lang == "zh-CN");

    SiteParseOptions options;
    options.encoding = "UTF-8";
    CHECK(parse_site(page, "http://127.0.0.1/", options).title == "笔记 本");

    // GBK bytes for 笔记, declared in a <meta>.
    const std::string gbk = "<meta charset=gbk><title>\xb1\xca\xbc\xc7</title>";
    CHECK(parse_site(gbk, "http://127.0.0.1/").title == "笔记");
}

TEST_CASE("site: empty, garbage and binary input give an empty result") {
    CHECK(parse_site("", "http://127.0.0.1/").title.empty());
    CHECK(parse_site(std::string("\0\xff\xfe<<<>>>", 9), "http://127.0.0.1/").icons.empty());
    const auto text = parse_site("just words, no tags", "http://127.0.0.1/");
    CHECK(text.title.empty());
    CHECK(!text.manifest_url);
    CHECK(text.base_url == "http://127.0.0.1/");
}

TEST_CASE("site: huge and deeply nested pages are bounded") {
    std::string deep = "<title>deep</title>";
    for (int i = 0; i < 100000; ++i) deep += "<div>";
    deep += "<link rel=icon href=/x.png>";
    const auto nested = parse_site(deep, "http://127.0.0.1/");
    CHECK(nested.title == "deep");

    std::string huge = "<title>big</title><link rel=manifest href=m.json>";
    while (huge.size() < (8u << 20)) huge += "<p>lorem ipsum dolor sit amet</p>\n";
    huge += "<link rel=icon href=/after-the-limit.png>";
    const auto big = parse_site(huge, "http://127.0.0.1/");
    CHECK(big.title == "big");
    CHECK(big.manifest_url == "http://127.0.0.1/m.json");
    CHECK(big.icons.empty());  // past max_bytes, never read
}

TEST_CASE("resolve_href") {
    CHECK(resolve_href("http://a.example/b/c", "d") == "http://a.example/b/d");
    CHECK(resolve_href("http://a.example/b/c", "//cdn.example/x") == "http://cdn.example/x");
    CHECK(resolve_href("http://a.example/b/c", "/x?y=1#z") == "http://a.example/x?y=1#z");
    CHECK(resolve_href("http://a.example/b/c", "a%20b") == "http://a.example/b/a%20b");
    CHECK(resolve_href("http://a.example/", "\thttps://b.example/\n") == "https://b.example/");
    CHECK(!resolve_href("", "relative"));
}
