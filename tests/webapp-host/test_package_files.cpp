// app:// file serving rules: own authority only, never outside the package.
#include <doctest/doctest.h>

#include <filesystem>

#include "package_files.hpp"
#include "test_support.hpp"

using namespace cirrus::webapp;
using webapp_test::TempDir;
using webapp_test::write_file;

namespace {

struct Package {
    TempDir tmp;
    std::filesystem::path dir = tmp.path() / "pkg";
    Package() {
        write_file(dir / "index.html", "<p>hi");
        write_file(dir / "css" / "a.css", "p{}");
        write_file(dir / "sub" / "index.html", "<p>sub");
        write_file(dir / "odd name.js", "1");
        write_file(tmp.path() / "secret.txt", "secret");
        std::filesystem::create_symlink(tmp.path() / "secret.txt", dir / "leak.txt");
        std::filesystem::create_symlink("/etc/passwd", dir / "passwd");
        std::filesystem::create_directory_symlink(tmp.path(), dir / "up");
        std::filesystem::create_symlink("css/a.css", dir / "inside.css");  // stays inside: fine
    }
    PackageLookup get(const std::string& uri, const std::string& id = "notes") const {
        return resolve_package_uri(uri, id, dir);
    }
};

}  // namespace

TEST_CASE("app:// serves the package's files, a folder's index.html, and 404 for missing ones") {
    Package p;
    auto r = p.get("app://notes/index.html");
    REQUIRE(r.status == 200);
    CHECK(r.file == std::filesystem::canonical(p.dir / "index.html"));
    CHECK(p.get("app://notes/").file.filename() == "index.html");
    CHECK(p.get("app://notes").status == 200);
    CHECK(p.get("app://notes/sub/").file == std::filesystem::canonical(p.dir / "sub" / "index.html"));
    CHECK(p.get("app://notes/sub").status == 200);
    CHECK(p.get("app://notes/css/a.css?v=2#x").file.filename() == "a.css");
    CHECK(p.get("app://notes/./css//a.css").status == 200);
    CHECK(p.get("app://notes/odd%20name.js").status == 200);
    CHECK(p.get("app://NOTES/index.html").status == 200);  // hosts are case-insensitive
    CHECK(p.get("app://notes/inside.css").status == 200);
    CHECK(p.get("app://notes/missing.html").status == 404);
    CHECK(p.get("app://notes/css/").status == 404);  // a folder without index.html
}

TEST_CASE("app:// never reads outside the package") {
    Package p;
    for (const char* uri : {
             "app://notes/../secret.txt",
             "app://notes/../../../../etc/passwd",
             "app://notes/%2e%2e/secret.txt",
             "app://notes/%2E%2E/%2e%2e/etc/passwd",
             "app://notes/..%2fsecret.txt",
             "app://notes/css/..%2f..%2fsecret.txt",
             "app://notes/css%2f..%2f..%2fsecret.txt",
             "app://notes/..%5csecret.txt",
             "app://notes/index.html%00.png",
             "app://notes/leak.txt",
             "app://notes/passwd",
             "app://notes/up/secret.txt",
             "app://notes/%zz",
         }) {
        CAPTURE(uri);
        const PackageLookup r = p.get(uri);
        CHECK(r.status != 200);
        CHECK(r.file.empty());
    }
    CHECK(p.get("app://notes/leak.txt").status == 403);
    CHECK(p.get("app://notes/passwd").status == 403);
    CHECK(p.get("app://notes/..%2fsecret.txt").status == 403);
}

TEST_CASE("app:// serves only the host's own app") {
    Package p;
    CHECK(p.get("app://other-app/index.html").status == 403);
    CHECK(p.get("app://notes.evil/index.html").status == 403);
    CHECK(p.get("app:///index.html").status == 403);
    CHECK(p.get("https://notes/index.html").status == 403);
    CHECK(p.get("app://notes@other/index.html").status == 403);
    CHECK(resolve_package_uri("app://notes/index.html", "notes", p.tmp.path() / "gone").status == 404);
}

TEST_CASE("MIME types come from the file extension") {
    CHECK(mime_type_for("a/index.html") == "text/html");
    CHECK(mime_type_for("app.js") == "text/javascript");
    CHECK(mime_type_for("mod.mjs") == "text/javascript");
    CHECK(mime_type_for("s.CSS") == "text/css");
    CHECK(mime_type_for("d.json") == "application/json");
    CHECK(mime_type_for("manifest.webmanifest") == "application/manifest+json");
    CHECK(mime_type_for("i.svg") == "image/svg+xml");
    CHECK(mime_type_for("i.png") == "image/png");
    CHECK(mime_type_for("i.jpg") == "image/jpeg");
    CHECK(mime_type_for("i.webp") == "image/webp");
    CHECK(mime_type_for("favicon.ico") == "image/x-icon");
    CHECK(mime_type_for("f.woff2") == "font/woff2");
    CHECK(mime_type_for("r.txt") == "text/plain");
    CHECK(mime_type_for("m.wasm") == "application/wasm");
    CHECK(mime_type_for("README") == "application/octet-stream");
    CHECK(mime_type_for("x.exe") == "application/octet-stream");
    CHECK(is_text_mime_type("text/css"));
    CHECK(is_text_mime_type("image/svg+xml"));
    CHECK_FALSE(is_text_mime_type("image/png"));
}
