// fetch() against a real HTTP origin on 127.0.0.1, and the progress printer.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <vector>

#include <gio/gio.h>

#include "fetch.hpp"
#include "http_test_server.hpp"

using namespace cirrus::launcher;
using cirrus::test::HttpTestServer;

namespace {

void respond(SoupServerMessage* message, const char* type, std::string body) {
    soup_server_message_set_status(message, 200, nullptr);
    soup_server_message_set_response(message, type, SOUP_MEMORY_COPY, body.data(), body.size());
}

// Sends headers and then nothing: the request stays paused until the server
// shuts down.
void never_finish(SoupServerMessage* message) { soup_server_message_pause(message); }

// A chunked body of `size` bytes (no Content-Length to check up front).
void respond_chunked(SoupServerMessage* message, std::size_t size) {
    soup_server_message_set_status(message, 200, nullptr);
    soup_message_headers_set_encoding(soup_server_message_get_response_headers(message), SOUP_ENCODING_CHUNKED);
    SoupMessageBody* body = soup_server_message_get_response_body(message);
    const std::string chunk(64 * 1024, 'c');
    for (std::size_t sent = 0; sent < size; sent += chunk.size())
        soup_message_body_append(body, SOUP_MEMORY_COPY, chunk.data(), chunk.size());
    soup_message_body_complete(body);
}

// `size` zero bytes, gzip-compressed (a few KiB on the wire).
void respond_gzip_bomb(SoupServerMessage* message, std::size_t size) {
    GZlibCompressor* compressor = g_zlib_compressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
    GOutputStream* memory = g_memory_output_stream_new_resizable();
    GOutputStream* gzip = g_converter_output_stream_new(memory, G_CONVERTER(compressor));
    const std::string zeros(1 << 20, '\0');
    for (std::size_t written = 0; written < size; written += zeros.size())
        g_output_stream_write_all(gzip, zeros.data(), zeros.size(), nullptr, nullptr, nullptr);
    g_output_stream_close(gzip, nullptr, nullptr);
    GBytes* bytes = g_memory_output_stream_steal_as_bytes(G_MEMORY_OUTPUT_STREAM(memory));
    soup_server_message_set_status(message, 200, nullptr);
    soup_message_headers_replace(soup_server_message_get_response_headers(message), "Content-Encoding", "gzip");
    gsize length = 0;
    const void* data = g_bytes_get_data(bytes, &length);
    soup_server_message_set_response(message, "application/octet-stream", SOUP_MEMORY_COPY,
                                     static_cast<const char*>(data), length);
    g_bytes_unref(bytes);
    g_object_unref(gzip);
    g_object_unref(memory);
    g_object_unref(compressor);
}

const std::string kAppJsonBody = "{\"name\":\"Test\"," + std::string(300 * 1024, ' ') + "}";

HttpTestServer& server() {
    static HttpTestServer instance({
        {"/app.json",
         [](SoupServerMessage* m) { respond(m, "application/manifest+json; charset=utf-8", kAppJsonBody); }},
        {"/page",
         [](SoupServerMessage* m) {
             soup_message_headers_append(soup_server_message_get_response_headers(m), "X-Cirrus-Test", "yes");
             respond(m, "text/html; charset=UTF-8", "<title>hi</title>");
         }},
        {"/redirect", [](SoupServerMessage* m) { soup_server_message_set_redirect(m, 302, "/app.json"); }},
        {"/redirect-twice", [](SoupServerMessage* m) { soup_server_message_set_redirect(m, 301, "redirect"); }},
        {"/loop", [](SoupServerMessage* m) { soup_server_message_set_redirect(m, 307, "/loop"); }},
        {"/to-ftp", [](SoupServerMessage* m) { soup_server_message_set_redirect(m, 302, "ftp://127.0.0.1/x"); }},
        {"/big", [](SoupServerMessage* m) { respond(m, "application/zip", std::string(6 << 20, 'b')); }},
        {"/big-chunked", [](SoupServerMessage* m) { respond_chunked(m, 6 << 20); }},
        {"/gzip-bomb", [](SoupServerMessage* m) { respond_gzip_bomb(m, 64 << 20); }},
        {"/slow", never_finish},
        {"/teapot",
         [](SoupServerMessage* m) {
             soup_server_message_set_status(m, 418, nullptr);
             soup_server_message_set_response(m, "text/plain", SOUP_MEMORY_COPY, "short and stout", 15);
         }},
    });
    return instance;
}

std::string fetch_error(const std::string& url, const FetchOptions& options = {}) {
    try {
        fetch(url, options);
    } catch (const FetchError& error) {
        return error.what();
    }
    return "";
}

FetchError::Reason reason_of(const std::string& url, const FetchOptions& options = {}) {
    try {
        fetch(url, options);
    } catch (const FetchError& error) {
        return error.reason();
    }
    FAIL("no FetchError from " << url);
    return FetchError::Reason::other;
}

}  // namespace

TEST_CASE("fetch: a 200 returns the body, type, headers and reports progress") {
    std::vector<std::pair<std::uint64_t, std::optional<std::uint64_t>>> calls;
    FetchOptions options;
    options.on_progress = [&](std::uint64_t received, std::optional<std::uint64_t> total) {
        calls.emplace_back(received, total);
    };
    const auto result = fetch(server().url("/app.json"), options);
    CHECK(result.status == 200);
    CHECK(result.body == kAppJsonBody);
    CHECK(result.final_url == server().url("/app.json"));
    CHECK(result.content_type == "application/manifest+json");
    CHECK(result.charset == "utf-8");
    CHECK(result.header("server") == "cirrus-test");
    CHECK(result.header("CONTENT-LENGTH") == std::to_string(kAppJsonBody.size()));

    REQUIRE(calls.size() >= 3);  // the start, several 64 KiB chunks
    CHECK(calls.front().first == 0);
    CHECK(calls.back().first == kAppJsonBody.size());
    for (std::size_t i = 1; i < calls.size(); ++i) CHECK(calls[i].first >= calls[i - 1].first);
    for (const auto& call : calls) CHECK(call.second == kAppJsonBody.size());
}

TEST_CASE("fetch: custom headers and charset are read") {
    const auto result = fetch(server().url("/page"));
    CHECK(result.header("x-cirrus-test") == "yes");
    CHECK(result.content_type == "text/html");
    CHECK(result.charset == "UTF-8");
    CHECK(result.header("x-missing").empty());
}

TEST_CASE("fetch: a 404 names the URL and the status") {
    const std::string url = server().url("/nothing-here.json");
    CHECK(fetch_error(url) == url + ": HTTP 404 Not Found");
    CHECK(reason_of(url) == FetchError::Reason::http_status);
}

TEST_CASE("fetch: error statuses can be returned instead of thrown") {
    FetchOptions options;
    options.fail_on_http_error = false;
    const auto result = fetch(server().url("/teapot"), options);
    CHECK(result.status == 418);
    CHECK(result.body == "short and stout");
}

TEST_CASE("fetch: redirects are followed and bounded") {
    SUBCASE("one, and the final URL is the target") {
        const auto result = fetch(server().url("/redirect"));
        CHECK(result.final_url == server().url("/app.json"));
        CHECK(result.body == kAppJsonBody);
    }
    SUBCASE("a relative Location, two hops") {
        CHECK(fetch(server().url("/redirect-twice")).final_url == server().url("/app.json"));
    }
    SUBCASE("a chain longer than the limit") {
        FetchOptions options;
        options.max_redirects = 1;
        CHECK(fetch_error(server().url("/redirect-twice"), options).find("more than 1 redirects") != std::string::npos);
    }
    SUBCASE("a loop") {
        const std::string url = server().url("/loop");
        CHECK(fetch_error(url) == url + ": more than 5 redirects (last to " + url + ")");
        CHECK(reason_of(url) == FetchError::Reason::too_many_redirects);
    }
    SUBCASE("to a scheme other than http(s)") {
        CHECK(fetch_error(server().url("/to-ftp")).find("which is not http(s)") != std::string::npos);
    }
}

TEST_CASE("fetch: the size limit") {
    SUBCASE("a Content-Length over the limit is refused before reading") {
        const std::string url = server().url("/big");
        CHECK(fetch_error(url) == url + ": the response exceeds the 5 MiB limit");
        CHECK(reason_of(url) == FetchError::Reason::too_large);
    }
    SUBCASE("a chunked body is cut off when it passes the limit") {
        FetchOptions options;
        std::uint64_t most = 0;
        options.on_progress = [&](std::uint64_t received, std::optional<std::uint64_t> total) {
            most = received;
            CHECK(!total);
        };
        CHECK(fetch_error(server().url("/big-chunked"), options).find("exceeds the 5 MiB limit") != std::string::npos);
        CHECK(most <= (5u << 20));
    }
    SUBCASE("a gzip bomb is limited by its decoded size") {
        FetchOptions options;
        options.max_bytes = 1 << 20;
        CHECK(fetch_error(server().url("/gzip-bomb"), options).find("exceeds the 1 MiB limit") != std::string::npos);
    }
    SUBCASE("a larger limit lets it through") {
        FetchOptions options;
        options.max_bytes = 7 << 20;
        CHECK(fetch(server().url("/big"), options).body.size() == (6u << 20));
    }
}

TEST_CASE("fetch: connection refused") {
    const std::string url = "http://127.0.0.1:" + std::to_string(cirrus::test::closed_local_port()) + "/app.json";
    CHECK(fetch_error(url) == url + ": connection refused");
    CHECK(reason_of(url) == FetchError::Reason::connection);
}

TEST_CASE("fetch: a server that never answers times out") {
    FetchOptions options;
    options.io_timeout = std::chrono::seconds(1);
    const std::string url = server().url("/slow");
    const auto started = std::chrono::steady_clock::now();
    CHECK(fetch_error(url, options) == url + ": timed out (no answer for 1 s)");
    const auto took = std::chrono::steady_clock::now() - started;
    CHECK(took >= std::chrono::milliseconds(900));
    CHECK(took < std::chrono::seconds(10));
}

TEST_CASE("fetch: URLs that are not http(s) are refused without a connection") {
    CHECK(fetch_error("file:///etc/passwd") == "file:///etc/passwd: not an http:// or https:// URL");
    CHECK(fetch_error("not a url") == "not a url: not an http:// or https:// URL");
    CHECK(reason_of("ftp://127.0.0.1/") == FetchError::Reason::bad_url);
}

TEST_CASE("format_bytes") {
    CHECK(format_bytes(0) == "0 B");
    CHECK(format_bytes(1023) == "1023 B");
    CHECK(format_bytes(1024) == "1 KiB");
    CHECK(format_bytes(1536) == "1.5 KiB");
    CHECK(format_bytes(5u << 20) == "5 MiB");
    CHECK(format_bytes((12u << 20) + (300u << 10)) == "12.3 MiB");
}

namespace {

std::string contents_of(std::FILE* file) {
    std::fflush(file);
    std::rewind(file);
    std::string text;
    char buffer[256];
    while (std::size_t got = std::fread(buffer, 1, sizeof buffer, file)) text.append(buffer, got);
    return text;
}

}  // namespace

TEST_CASE("ProgressPrinter: periodic lines when not on a terminal") {
    std::FILE* out = std::tmpfile();
    REQUIRE(out);
    {
        ProgressPrinter printer("app.zip", out, false);
        auto callback = printer.callback();
        callback(0, 4096);
        callback(1024, 4096);  // within the interval: not printed
        callback(4096, 4096);
    }  // the destructor prints the final state
    CHECK(contents_of(out) == "app.zip: 0 B of 4 KiB (0%)\napp.zip: 4 KiB of 4 KiB (100%)\n");
    std::fclose(out);
}

TEST_CASE("ProgressPrinter: one line rewritten in place on a terminal") {
    std::FILE* out = std::tmpfile();
    REQUIRE(out);
    ProgressPrinter printer("page", out, true);
    printer.update(10, std::nullopt);
    printer.update(20, std::nullopt);
    printer.finish();
    printer.finish();  // once only
    const std::string text = contents_of(out);
    CHECK(text == "\r\033[Kpage: 10 B\r\033[Kpage: 20 B\n");
    std::fclose(out);
}

TEST_CASE("ProgressPrinter: nothing when nothing was downloaded") {
    std::FILE* out = std::tmpfile();
    REQUIRE(out);
    { ProgressPrinter printer("x", out, false); }
    CHECK(contents_of(out).empty());
    std::fclose(out);
}
