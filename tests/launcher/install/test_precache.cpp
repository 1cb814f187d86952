// Install-time precaching: what a page and its stylesheets load (read
// without the network), and precache_app() against a real loopback origin,
// checked by looking its entries up in the offline store the way the
// web-app host does (webapp-host/offline_cache.cpp).
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include <gio/gio.h>

#include "../../temp_dir.hpp"
#include "http_test_server.hpp"
#include "common/manifest.hpp"
#include "common/offline_store.hpp"
#include "precache.hpp"
#include "site.hpp"

using namespace cirrus::launcher;
using cirrus::offline::OfflineStore;
using cirrus::test::HttpTestServer;

namespace {

bool contains(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace

// --- discovery -----------------------------------------------------------------

TEST_CASE("precache discovery: every kind of load a page makes, once each, in document order") {
    const auto urls = page_subresources(R"html(<!doctype html>
<html><head>
  <link rel="stylesheet" href="style.css">
  <link rel="alternate stylesheet" href="/alt.css">
  <LINK REL="Icon" HREF="favicon.ico">
  <link rel="apple-touch-icon" href="touch.png">
  <link rel="manifest" href="app.webmanifest">
  <link rel="preload" href="font.woff2" as="font" imagesrcset="hero-1.png 1x, hero-2.png 2x">
  <link rel="modulepreload" href="mod.js">
  <link rel="canonical" href="canonical.html">
  <link rel="next" href="page2.html">
  <script src="app.js"></script>
  <script>var notALoad = "url(inline-script.png)";</script>
  <style>
    /* url(commented.png) */
    body { background: url( "bg.png" ) }
    @import 'imported.css';
  </style>
</head><body style="background-image:url(body-bg.png)">
  <img src="a.png" srcset="a-1x.png 1x, a-2x.png 2x,a-3x.png 3x">
  <img src="a.png">
  <picture><source srcset="wide.webp 800w, narrow.webp" type="image/webp"><img src="pic.jpg"></picture>
  <video poster="poster.jpg" src="clip.mp4"><track src="subs.vtt"></video>
  <audio src="sound.ogg"></audio>
  <input type="image" src="button.png"><input type="text" src="not-an-image.png">
  <iframe src="frame.html"></iframe>
  <a href="link.html">a link is not a load</a>
  <img src="data:image/png;base64,AAAA"><img src="#fragment-only"><img src="javascript:void(0)">
  <img src="b.png#part">
</body></html>)html",
                                        "http://127.0.0.1:8080/news/");
    const std::string base = "http://127.0.0.1:8080/news/";
    const std::vector<std::string> expected = {
        base + "style.css",       "http://127.0.0.1:8080/alt.css",
        base + "favicon.ico",     base + "touch.png",
        base + "app.webmanifest", base + "font.woff2",
        base + "hero-1.png",      base + "hero-2.png",
        base + "mod.js",          base + "app.js",
        base + "bg.png",          base + "imported.css",
        base + "body-bg.png",     base + "a.png",
        base + "a-1x.png",        base + "a-2x.png",
        base + "a-3x.png",        base + "wide.webp",
        base + "narrow.webp",     base + "pic.jpg",
        base + "poster.jpg",      base + "clip.mp4",
        base + "subs.vtt",        base + "sound.ogg",
        base + "button.png",      base + "b.png",
    };
    CHECK(urls == expected);
}

TEST_CASE("precache discovery: <base href>, other origins kept for the caller, odd URLs as WebKit asks for them") {
    const auto urls = page_subresources(R"html(<html><head>
<link rel="stylesheet" href="css/site.css"><base href="/static/v2/">
<script src="https://cdn.example/lib.js"></script>
<script src="//cdn.example/proto-relative.js"></script>
</head><body><img src="../img/a b.png?q=x y&amp;z='1'"><img src="caf&#233;.png">
<img src="HTTP://127.0.0.1:80/x/../y.png">
</body></html>)html",
                                        "http://127.0.0.1/page.html");
    CHECK(urls == std::vector<std::string>{
                      "http://127.0.0.1/static/v2/css/site.css",  // <base> applies to links before it too
                      "https://cdn.example/lib.js",
                      "http://cdn.example/proto-relative.js",
                      "http://127.0.0.1/static/img/a%20b.png?q=x%20y&z=%271%27",
                      "http://127.0.0.1/static/v2/caf%C3%A9.png",
                      "http://127.0.0.1/y.png",
                  });
}

TEST_CASE("precache discovery: a stylesheet's url()s and @imports, and what is not one") {
    const auto urls = stylesheet_references(R"css(
@charset "utf-8";
@import "reset.css";
@import url(theme.css) screen;
@IMPORT url('print.css') print;
/* @import "commented.css"; url(commented.png) */
body { background: url(img/bg.png) no-repeat; }
.a { background-image: URL( 'img/quoted a.png' ); }
.b { background: url("img/dq.png"), url(data:image/png;base64,AAAA); }
.c { content: "url(not-a-url.png)"; font-family: 'x.css'; }
.d { filter: url(#blur); mask: url(/abs/mask.svg#m); }
.e { background-image: image-set("img/set-1x.png" 1x, url(img/set-2x.png) 2x); }
.f { background-image: -webkit-image-set('img/wk.png' 1x); }
.g { background: url(img/esc\)aped.png); }
.h { background: url(  img/spaced.png  ); }
@font-face { font-family: F; src: local(F), url(fonts/f.woff2) format("woff2"); }
myurl(not-this.png);
.i { background: url(img/bg.png); }
)css",
                                            "http://127.0.0.1:8080/news/css/main.css");
    const std::string base = "http://127.0.0.1:8080/news/css/";
    CHECK(urls == std::vector<std::string>{
                      base + "reset.css",
                      base + "theme.css",
                      base + "print.css",
                      base + "img/bg.png",
                      base + "img/quoted%20a.png",
                      base + "img/dq.png",
                      "http://127.0.0.1:8080/abs/mask.svg",
                      base + "img/set-1x.png",
                      base + "img/set-2x.png",
                      base + "img/wk.png",
                      base + "img/esc)aped.png",
                      base + "img/spaced.png",
                      base + "fonts/f.woff2",
                  });
}

TEST_CASE("precache discovery: broken input is harmless") {
    CHECK(stylesheet_references("", "http://h/a.css").empty());
    CHECK(stylesheet_references("url(", "http://h/a.css").empty());
    CHECK(stylesheet_references("@import", "http://h/a.css").empty());
    CHECK(stylesheet_references("/* never closed url(x.png)", "http://h/a.css").empty());
    CHECK(stylesheet_references("a{b:url('unterminated.png", "http://h/a.css") ==
          std::vector<std::string>{"http://h/unterminated.png"});
    CHECK(stylesheet_references("\\", "http://h/a.css").empty());
    CHECK(stylesheet_references("x{background:url(\\", "http://h/a.css").empty());
    CHECK(page_subresources("", "http://h/").empty());
    CHECK(page_subresources("<img srcset=', , ,'><img srcset='a.png 1x,, b.png'>", "http://h/") ==
          std::vector<std::string>{"http://h/a.png", "http://h/b.png"});
    // Deep nesting is walked without recursion (libxml2 stops nesting at
    // its depth limit; what came before is found).
    std::string deep = "<img src=first.png>";
    for (int i = 0; i < 100000; ++i) deep += "<div>";
    deep += "<img src=deep.png>";
    const auto found = page_subresources(deep, "http://h/");
    REQUIRE_FALSE(found.empty());
    CHECK(found.front() == "http://h/first.png");
}

TEST_CASE("precache: request_url is what WebKit requests") {
    CHECK(request_url("http://H.example:80/a/./b/../c.png#x") == "http://h.example/a/c.png");
    CHECK(request_url("https://h.example/a b/{c}?d e&f={g}'") == "https://h.example/a%20b/%7Bc%7D?d%20e&f={g}%27");
    CHECK(request_url("http://h.example") == "http://h.example/");
    CHECK(request_url("http://h.example/a%2Fb%20c") == "http://h.example/a%2Fb%20c");  // escapes stay encoded
    CHECK_FALSE(request_url("data:text/plain,x").has_value());
    CHECK_FALSE(request_url("app://notes/index.html").has_value());
    CHECK_FALSE(request_url("not a url").has_value());
}

// --- precache_app against an origin ---------------------------------------------

namespace {

using Handler = HttpTestServer::Handler;

Handler answer(const std::string& type, const std::string& body, const std::string& cache_control = "",
               unsigned status = 200, std::vector<std::pair<std::string, std::string>> headers = {}) {
    return [=](SoupServerMessage* message) {
        soup_server_message_set_status(message, status, nullptr);
        SoupMessageHeaders* out = soup_server_message_get_response_headers(message);
        if (!cache_control.empty()) soup_message_headers_replace(out, "Cache-Control", cache_control.c_str());
        for (const auto& [name, value] : headers) soup_message_headers_append(out, name.c_str(), value.c_str());
        soup_server_message_set_response(message, type.c_str(), SOUP_MEMORY_COPY, body.data(), body.size());
    };
}

// `text`, gzip-compressed, sent with Content-Encoding: gzip.
Handler gzipped(const std::string& type, const std::string& text) {
    return [=](SoupServerMessage* message) {
        GZlibCompressor* compressor = g_zlib_compressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
        GOutputStream* memory = g_memory_output_stream_new_resizable();
        GOutputStream* gzip = g_converter_output_stream_new(memory, G_CONVERTER(compressor));
        g_output_stream_write_all(gzip, text.data(), text.size(), nullptr, nullptr, nullptr);
        g_output_stream_close(gzip, nullptr, nullptr);
        GBytes* bytes = g_memory_output_stream_steal_as_bytes(G_MEMORY_OUTPUT_STREAM(memory));
        soup_server_message_set_status(message, 200, nullptr);
        soup_message_headers_replace(soup_server_message_get_response_headers(message), "Content-Encoding", "gzip");
        soup_message_headers_replace(soup_server_message_get_response_headers(message), "Vary", "Accept-Encoding");
        gsize length = 0;
        const void* data = g_bytes_get_data(bytes, &length);
        soup_server_message_set_response(message, type.c_str(), SOUP_MEMORY_COPY, static_cast<const char*>(data),
                                         length);
        g_bytes_unref(bytes);
        g_object_unref(gzip);
        g_object_unref(memory);
        g_object_unref(compressor);
    };
}

const char* kPage = R"(<!doctype html><html><head><title>News</title>
<link rel="manifest" href="manifest.webmanifest">
<link rel="stylesheet" href="style.css">
<link rel="stylesheet" href="https://cdn.example/font.css">
<script src="app.js"></script></head>
<body><img src="img/logo.png"><img src="https://cdn.example/ad.png"></body></html>)";

Manifest manifest_for(const HttpTestServer& origin, const std::string& extra = "") {
    const std::string text = R"({"name":"News","start_url":"/news/?from=home#top","scope":"/news/",)"
                             R"("icons":[{"src":"icon.svg","sizes":"any","type":"image/svg+xml"}])" +
                             extra + "}";
    ProcessedManifest processed =
        process_manifest(text, origin.url("/news/manifest.webmanifest"), origin.url("/news/"));
    REQUIRE(processed);
    return *processed.manifest;
}

std::string body_of(const cirrus::offline::CachedResponse& response) {
    return {response.body.begin(), response.body.end()};
}

}  // namespace

TEST_CASE("precache: a hosted app's page, what it loads, its icons and assets are stored where the host looks") {
    std::atomic<int> logo_requests{0};
    HttpTestServer origin({
        {"/news/", answer("text/html", kPage, "no-cache")},
        {"/news/manifest.webmanifest", answer("application/manifest+json", "{}")},
        {"/news/style.css", gzipped("text/css", "@import 'theme.css';\nbody{background:url(img/bg.png)}")},
        {"/news/theme.css", answer("text/css", "h1{background:url(/news/img/h1.png)}", "max-age=60")},
        {"/news/app.js", answer("text/javascript", "window.x = 1;", "max-age=60", 200,
                                {{"Set-Cookie", "session=1"}, {"Connection", "close"}})},
        {"/news/img/logo.png",
         [&](SoupServerMessage* m) {
             ++logo_requests;
             answer("image/png", "logo-bytes")(m);
         }},
        {"/news/img/bg.png", answer("image/png", "bg-bytes")},
        {"/news/img/h1.png", answer("image/png", "h1-bytes")},
        {"/news/icon.svg", answer("image/svg+xml", "<svg/>")},
        {"/news/offline.html", answer("text/html", "<p>offline</p>")},
    });
    cirrus::test::TempDir tmp("cirrus-precache-test");
    const Manifest manifest = manifest_for(origin, R"(,"cirrus_offline":{"assets":["offline.html"]})");

    std::vector<PrecacheStep> steps;
    PrecacheOptions options;
    options.store_path = tmp / "offline.sqlite";
    options.progress = [&](const PrecacheStep& step) { steps.push_back(step); };
    const PrecacheReport report = precache_app("news", manifest, options);

    const std::string start = origin.url("/news/?from=home");
    CHECK(report.urls.front() == start);  // the start_url, without its fragment
    for (const char* path :
         {"/news/manifest.webmanifest", "/news/style.css", "/news/theme.css", "/news/app.js", "/news/img/logo.png",
          "/news/img/bg.png", "/news/img/h1.png", "/news/icon.svg", "/news/offline.html"})
        CHECK_MESSAGE(contains(report.urls, origin.url(path)), path);
    CHECK(report.urls.size() == 10);  // nothing from cdn.example
    CHECK(report.ready());
    CHECK(report.stored == 10);
    CHECK(report.missing.empty());
    bool noted = false;
    for (const auto& note : report.notes)
        noted = noted || note.find("https://cdn.example/font.css") != std::string::npos;
    CHECK_MESSAGE(noted, "the other origin's files are named");

    // Progress: one step per file, the count never past what is known.
    REQUIRE(steps.size() == 10);
    for (std::size_t i = 0; i < steps.size(); ++i) {
        CHECK(steps[i].done == i + 1);
        CHECK(steps[i].done <= steps[i].total);
        CHECK(steps[i].stored);
    }
    CHECK(steps.back().total == 10);

    // The host's lookups find them: the document with its Accept, the rest
    // as the web process asks (its own headers; Vary: Accept-Encoding
    // matches when neither side has one).
    OfflineStore store = OfflineStore::open(tmp / "offline.sqlite");
    CHECK(store.offline_ready("news"));
    const auto page = store.get("news", {"GET", start, {{"Accept", kDocumentAccept}}});
    REQUIRE(page.has_value());
    CHECK(body_of(*page).find("<title>News</title>") != std::string::npos);
    const auto css = store.get("news", {"GET", origin.url("/news/style.css"), {{"Accept", "text/css,*/*;q=0.1"}}});
    REQUIRE(css.has_value());
    CHECK(body_of(*css) == "@import 'theme.css';\nbody{background:url(img/bg.png)}");  // decoded
    CHECK_FALSE(cirrus::offline::header_value(css->headers, "Content-Encoding").has_value());
    CHECK_FALSE(cirrus::offline::header_value(css->headers, "Content-Length").has_value());
    const auto js = store.get("news", {"GET", origin.url("/news/app.js"), {}});
    REQUIRE(js.has_value());
    CHECK(cirrus::offline::header_value(js->headers, "Cache-Control") == "max-age=60");
    CHECK_FALSE(cirrus::offline::header_value(js->headers, "Set-Cookie").has_value());
    CHECK_FALSE(cirrus::offline::header_value(js->headers, "Connection").has_value());
    CHECK(body_of(*store.get("news", {"GET", origin.url("/news/img/h1.png"), {}})) == "h1-bytes");
    CHECK(logo_requests == 1);

    // Another app's lookups find nothing of it.
    CHECK_FALSE(store.get("other", {"GET", origin.url("/news/app.js"), {}}).has_value());
}

TEST_CASE("precache: a failed, a no-store and an evicted file leave the app not offline-ready, each named") {
    HttpTestServer origin({
        {"/news/", answer("text/html", kPage)},
        {"/news/manifest.webmanifest", answer("application/manifest+json", "{}")},
        {"/news/style.css", answer("text/plain", "boom", "", 500)},
        {"/news/app.js", answer("text/javascript", "secret", "no-store")},
        {"/news/img/logo.png", answer("image/png", "logo")},
        {"/news/icon.svg", answer("image/svg+xml", "<svg/>")},
    });
    cirrus::test::TempDir tmp("cirrus-precache-test");
    PrecacheOptions options;
    options.store_path = tmp / "offline.sqlite";
    const PrecacheReport report =
        precache_app("news", manifest_for(origin, R"(,"cirrus_offline":{"assets":["missing.js"]})"), options);
    CHECK_FALSE(report.ready());
    CHECK(report.urls.size() == 7);
    CHECK(report.stored == 4);
    REQUIRE(report.missing.size() == 3);
    auto reason = [&](const std::string& path) {
        for (const auto& miss : report.missing)
            if (miss.url == origin.url(path)) return miss.reason;
        return std::string("(not missing)");
    };
    CHECK(reason("/news/style.css").find("HTTP 500") != std::string::npos);
    CHECK(reason("/news/app.js").find("no-store") != std::string::npos);
    CHECK(reason("/news/missing.js").find("HTTP 404") != std::string::npos);

    OfflineStore store = OfflineStore::open(tmp / "offline.sqlite");
    CHECK_FALSE(store.offline_ready("news"));
    CHECK_FALSE(store.get("news", {"GET", origin.url("/news/app.js"), {}}).has_value());  // no-store honoured
    const auto missing = store.missing_precache("news");
    CHECK(missing.size() == 3);
    CHECK(contains(missing, origin.url("/news/style.css")));
}

TEST_CASE("precache: a copy stored before counts when the origin fails now, and says so") {
    std::atomic<bool> broken{false};
    HttpTestServer origin({
        {"/news/", answer("text/html", "<link rel=stylesheet href=style.css>")},
        {"/news/style.css",
         [&](SoupServerMessage* m) {
             if (broken) answer("text/plain", "down", "", 503)(m);
             else answer("text/css", "body{}")(m);
         }},
        {"/news/icon.svg", answer("image/svg+xml", "<svg/>")},
    });
    cirrus::test::TempDir tmp("cirrus-precache-test");
    PrecacheOptions options;
    options.store_path = tmp / "offline.sqlite";
    CHECK(precache_app("news", manifest_for(origin), options).ready());
    broken = true;
    const PrecacheReport again = precache_app("news", manifest_for(origin), options);
    CHECK(again.ready());
    bool noted = false;
    for (const auto& note : again.notes)
        noted = noted || (note.find("style.css") != std::string::npos && note.find("HTTP 503") != std::string::npos);
    CHECK(noted);
}

TEST_CASE("precache: stylesheets importing stylesheets stop at the depth bound, and the list at its size bound") {
    // /c/0.css imports 1.css, which imports 2.css, ... each with an image.
    std::map<std::string, Handler> routes = {
        {"/c/", answer("text/html", "<link rel=stylesheet href=0.css>")},
        {"/c/icon.svg", answer("image/svg+xml", "<svg/>")},
    };
    for (int i = 0; i < 10; ++i) {
        routes["/c/" + std::to_string(i) + ".css"] =
            answer("text/css",
                   "@import '" + std::to_string(i + 1) + ".css'; a{background:url(" + std::to_string(i) + ".png)}");
        routes["/c/" + std::to_string(i) + ".png"] = answer("image/png", "png");
    }
    HttpTestServer origin(routes);
    cirrus::test::TempDir tmp("cirrus-precache-test");
    ProcessedManifest processed =
        process_manifest(R"({"name":"C","start_url":"/c/"})", origin.url("/c/m.json"), origin.url("/c/"));
    REQUIRE(processed);
    PrecacheOptions options;
    options.store_path = tmp / "offline.sqlite";
    options.max_css_depth = 2;
    const PrecacheReport report = precache_app("c", *processed.manifest, options);
    // The page, 0.css (depth 1), 1.css (2) and 2.css (3, not read) and the
    // images of the two read ones.
    CHECK(contains(report.urls, origin.url("/c/1.css")));
    CHECK(contains(report.urls, origin.url("/c/2.css")));
    CHECK(contains(report.urls, origin.url("/c/1.png")));
    CHECK_FALSE(contains(report.urls, origin.url("/c/3.css")));
    CHECK_FALSE(contains(report.urls, origin.url("/c/2.png")));
    CHECK(report.ready());

    options.max_css_depth = 20;
    options.max_urls = 5;
    const PrecacheReport bounded = precache_app("c", *processed.manifest, options);
    CHECK(bounded.urls.size() == 5);
    bool noted = false;
    for (const auto& note : bounded.notes) noted = noted || note.find("stops at 5 files") != std::string::npos;
    CHECK(noted);
    CHECK(bounded.ready());  // what is listed is stored
}

TEST_CASE("precache: the origin gone leaves nothing ready, with the reason, and a store that cannot open throws") {
    const int port = cirrus::test::closed_local_port();
    const std::string base = "http://127.0.0.1:" + std::to_string(port);
    ProcessedManifest processed = process_manifest(R"({"name":"Gone","start_url":"/"})", base + "/m.json", base + "/");
    REQUIRE(processed);
    cirrus::test::TempDir tmp("cirrus-precache-test");
    PrecacheOptions options;
    options.store_path = tmp / "offline.sqlite";
    const PrecacheReport report = precache_app("gone", *processed.manifest, options);
    CHECK_FALSE(report.ready());
    REQUIRE(report.missing.size() == 1);
    CHECK(report.missing[0].reason.find("connection refused") != std::string::npos);

    options.store_path = "/proc/cirrus-no-such-dir/offline.sqlite";
    CHECK_THROWS_AS(precache_app("gone", *processed.manifest, options), std::runtime_error);
}
