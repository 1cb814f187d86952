// Packages: folders and zips built in a temp dir, each rule and limit, and
// atomic extraction.
#include <doctest/doctest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

#include <zip.h>

#include "package.hpp"

using namespace cirrus::launcher;
namespace fs = std::filesystem;

namespace {

class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "cirrus-package-test-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()));
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const fs::path& path() const { return path_; }
    fs::path operator/(const std::string& name) const { return path_ / name; }

private:
    fs::path path_;
};

void write_file(const fs::path& path, const std::string& bytes) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << bytes;
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string random_bytes(std::size_t size, unsigned seed = 1) {
    std::mt19937 generator(seed);
    std::string bytes(size, '\0');
    for (char& c : bytes) c = static_cast<char>(generator());
    return bytes;
}

// Writes a zip with libzip, entry by entry, as an attacker could.
class ZipWriter {
public:
    explicit ZipWriter(const fs::path& path) {
        int error = 0;
        archive_ = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
        REQUIRE(archive_);
    }
    ~ZipWriter() {
        if (archive_) zip_discard(archive_);
    }
    ZipWriter(const ZipWriter&) = delete;
    ZipWriter& operator=(const ZipWriter&) = delete;

    ZipWriter& file(const std::string& name, const std::string& bytes, bool compress = true) {
        // libzip frees the copy with the source (an empty file needs none).
        void* copy = bytes.empty() ? nullptr : std::malloc(bytes.size());
        if (copy) std::memcpy(copy, bytes.data(), bytes.size());
        zip_source_t* source = zip_source_buffer(archive_, copy, bytes.size(), copy ? 1 : 0);
        REQUIRE(source);
        last_ = zip_file_add(archive_, name.c_str(), source, ZIP_FL_ENC_RAW);
        REQUIRE(last_ >= 0);
        if (!compress) zip_set_file_compression(archive_, last_, ZIP_CM_STORE, 0);
        return *this;
    }
    ZipWriter& directory(const std::string& name) {
        last_ = zip_dir_add(archive_, name.c_str(), ZIP_FL_ENC_RAW);
        REQUIRE(last_ >= 0);
        return *this;
    }
    // Unix mode bits for the last entry (symlinks, devices).
    ZipWriter& mode(mode_t mode) {
        REQUIRE(zip_file_set_external_attributes(archive_, last_, 0, ZIP_OPSYS_UNIX,
                                                 static_cast<zip_uint32_t>(mode) << 16) == 0);
        return *this;
    }
    void close() {
        REQUIRE(zip_close(archive_) == 0);
        archive_ = nullptr;
    }

private:
    zip_t* archive_ = nullptr;
    zip_int64_t last_ = -1;
};

template <typename Action>
std::string error_of(Action action) {
    try {
        action();
    } catch (const PackageError& error) {
        return error.what();
    }
    return "";
}

std::string open_error(const fs::path& path, const PackageLimits& limits = {}) {
    return error_of([&] { open_package(path, limits); });
}

bool contains_text(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Whether `dir` holds anything whose name starts with `prefix`.
bool has_entry_starting(const fs::path& dir, const std::string& prefix) {
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.path().filename().string().rfind(prefix, 0) == 0) return true;
    return false;
}

void make_small_app(const fs::path& root) {
    write_file(root / "index.html", "<!doctype html><title>App</title><link rel=manifest href=manifest.webmanifest>");
    write_file(root / "manifest.webmanifest", R"({"name":"App","start_url":"./"})");
    write_file(root / "css/app.css", "body{margin:0}");
    write_file(root / "js/app.js", "console.log('hi')");
    write_file(root / "icons/icon-192.png", random_bytes(2000));
}

}  // namespace

TEST_CASE("check_package_path") {
    CHECK(check_package_path("a/b.txt").normalised == "a/b.txt");
    CHECK(check_package_path("./a//b/./c").normalised == "a/b/c");
    CHECK(check_package_path("a/").normalised == "a");
    CHECK(check_package_path("../evil.js").problem == "leaves the package (zip-slip)");
    CHECK(check_package_path("a/../../evil.js").problem == "leaves the package (zip-slip)");
    CHECK(check_package_path("a/..").problem == "leaves the package (zip-slip)");
    CHECK(check_package_path("/etc/passwd").problem == "is an absolute path (zip-slip)");
    CHECK(check_package_path("").problem == "has an empty name");
    CHECK(check_package_path("./").problem == "names the package root itself");
    CHECK(check_package_path(std::string(256, 'n')).problem == "has a name component over 255 bytes");
    CHECK(check_package_path("..foo/bar..").normalised == "..foo/bar..");  // dots in names are fine
}

TEST_CASE("folder package: lists, reads and finds the manifest") {
    TempDir temp;
    make_small_app(temp / "app");
    const Package package = open_package(temp / "app");
    CHECK(package.kind() == Package::Kind::folder);
    CHECK(package.name() == "app");
    REQUIRE(package.files().size() == 5);
    CHECK(package.files()[0].path == "css/app.css");  // sorted
    CHECK(package.files()[0].size == 14);
    CHECK(package.files()[4].path == "manifest.webmanifest");
    std::uint64_t sum = 0;
    for (const auto& file : package.files()) sum += file.size;
    CHECK(package.total_size() == sum);
    CHECK(package.files()[1].size == 2000);
    CHECK(package.contains("js/app.js"));
    CHECK(package.contains("./js//app.js"));
    CHECK(!package.contains("js"));
    CHECK(package.read("icons/icon-192.png") == random_bytes(2000));
    CHECK(package.find_manifest() == "manifest.webmanifest");
    CHECK(error_of([&] { package.read("nope.txt"); }) == "app: no file 'nope.txt' in the package");
    CHECK(error_of([&] { package.read("../app/index.html"); }) == "app: no file '../app/index.html' in the package");

    // A trailing slash does not change the name.
    CHECK(open_package((temp / "app").string() + "/").name() == "app");
}

TEST_CASE("folder package: symlinks") {
    TempDir temp;
    make_small_app(temp / "app");
    write_file(temp / "secret.txt", "secret");

    SUBCASE("to a file inside is read through") {
        fs::create_symlink("css/app.css", temp / "app/style.css");
        const Package package = open_package(temp / "app");
        CHECK(package.contains("style.css"));
        CHECK(package.read("style.css") == "body{margin:0}");
    }
    SUBCASE("to a file outside is refused") {
        fs::create_symlink("../../secret.txt", temp / "app/css/leak.txt");
        const std::string error = open_error(temp / "app");
        CHECK(contains_text(error, "app: entry 'css/leak.txt' is a symbolic link to '"));
        CHECK(contains_text(error, "secret.txt', outside the package; refusing it"));
    }
    SUBCASE("absolute, to outside") {
        fs::create_symlink("/etc/passwd", temp / "app/passwd");
        CHECK(contains_text(open_error(temp / "app"), "entry 'passwd' is a symbolic link to '/etc/passwd', outside"));
    }
    SUBCASE("a directory link out of the folder") {
        fs::create_directory_symlink("/etc", temp / "app/etc");
        CHECK(contains_text(open_error(temp / "app"), "entry 'etc' is a symbolic link to '/etc', outside"));
    }
    SUBCASE("a directory link inside (could loop)") {
        fs::create_directory_symlink(".", temp / "app/css/again");
        CHECK(open_error(temp / "app") == "app: entry 'css/again' is a symbolic link to a directory; refusing it");
    }
    SUBCASE("dangling") {
        fs::create_symlink("missing.js", temp / "app/gone.js");
        CHECK(open_error(temp / "app") == "app: entry 'gone.js' is a symbolic link to nothing; refusing it");
    }
}

TEST_CASE("folder package: pipes and limits") {
    TempDir temp;
    make_small_app(temp / "app");
    SUBCASE("a FIFO is refused") {
        REQUIRE(::mkfifo((temp / "app/pipe").c_str(), 0600) == 0);
        CHECK(open_error(temp / "app") == "app: entry 'pipe' is a device file, pipe or socket; refusing it");
    }
    SUBCASE("too many files") {
        PackageLimits limits;
        limits.max_files = 4;
        CHECK(open_error(temp / "app", limits) == "app: has more than 4 files, over the limit; refusing it");
    }
    SUBCASE("a file over the per-file limit") {
        write_file(temp / "app/big.bin", std::string((10u << 20) + 1, 'x'));
        CHECK(open_error(temp / "app") ==
              "app: entry 'big.bin' is 10485761 bytes, over the 10 MiB per-file limit; refusing it");
    }
    SUBCASE("a name that is not UTF-8") {
        write_file(temp / "app/bad\xff.js", "x");
        CHECK(open_error(temp / "app") == "app: entry 'bad\\xff.js' has a name that is not valid UTF-8; refusing it");
    }
    SUBCASE("a missing folder") {
        CHECK(open_error(temp / "nothing") == "nothing: no such file or folder (" + (temp / "nothing").string() + ")");
    }
}

TEST_CASE("zip package: a good one") {
    TempDir temp;
    ZipWriter(temp / "app.zip")
        .directory("css/")
        .file("css/app.css", "body{}")
        .file("./index.html", "<link rel=manifest href='/app.webmanifest'>")
        .file("app.webmanifest", "{}")
        .file("manifest.json", "{\"stale\":true}")
        .file("js/app.js", random_bytes(100000), false)
        .file("名字.txt", "CJK names are fine")
        .close();
    const Package package = open_package(temp / "app.zip");
    CHECK(package.kind() == Package::Kind::zip);
    CHECK(package.name() == "app.zip");
    REQUIRE(package.files().size() == 6);
    CHECK(package.contains("index.html"));
    CHECK(package.read("js/app.js") == random_bytes(100000));
    CHECK(package.read("名字.txt") == "CJK names are fine");
    CHECK(package.find_manifest() == "app.webmanifest");  // the link wins over manifest.json
}

TEST_CASE("zip package: each unsafe entry is refused by name") {
    TempDir temp;
    const fs::path zip = temp / "app.zip";
    auto refused = [&](auto build) {
        ZipWriter writer(zip);
        writer.file("index.html", "<title>ok</title>");
        build(writer);
        writer.close();
        return open_error(zip);
    };
    CHECK(refused([](ZipWriter& w) { w.file("../evil.js", "x"); }) ==
          "app.zip: entry '../evil.js' leaves the package (zip-slip); refusing it");
    CHECK(refused([](ZipWriter& w) { w.file("js/../../../evil.js", "x"); }) ==
          "app.zip: entry 'js/../../../evil.js' leaves the package (zip-slip); refusing it");
    CHECK(refused([](ZipWriter& w) { w.file("/etc/cron.d/evil", "x"); }) ==
          "app.zip: entry '/etc/cron.d/evil' is an absolute path (zip-slip); refusing it");
    CHECK(refused([](ZipWriter& w) { w.file("..\\evil.js", "x"); }) ==
          "app.zip: entry '..\\evil.js' has a backslash in its name; refusing it");
    CHECK(refused([](ZipWriter& w) { w.file("caf\xe9.js", "x"); }) ==
          "app.zip: entry 'caf\\xe9.js' has a name that is not valid UTF-8; refusing it");
    CHECK(refused([](ZipWriter& w) { w.file("link", "/etc/passwd").mode(S_IFLNK | 0777); }) ==
          "app.zip: entry 'link' is a symbolic link; refusing it");
    CHECK(refused([](ZipWriter& w) { w.file("tty", "").mode(S_IFCHR | 0666); }) ==
          "app.zip: entry 'tty' is a device file, pipe or socket; refusing it");
    CHECK(refused([](ZipWriter& w) { w.file("a.js", "1").file("./a.js", "2"); }) ==
          "app.zip: entry './a.js' appears twice; refusing it");
    CHECK(refused([](ZipWriter& w) { w.file("js", "1").file("js/a.js", "2"); }) ==
          "app.zip: entry 'js' is both a file and a directory; refusing it");
    CHECK(refused([](ZipWriter& w) { w.file("..", "x"); }) ==
          "app.zip: entry '..' leaves the package (zip-slip); refusing it");
    // Ordinary Unix modes are fine.
    CHECK(refused([](ZipWriter& w) { w.file("run.sh", "x").mode(S_IFREG | 0755); }).empty());
}

TEST_CASE("zip package: a NUL byte hidden in a name is refused") {
    TempDir temp;
    const fs::path zip = temp / "app.zip";
    ZipWriter(zip).file("index.html", "x").file("evilXname.js", "x").close();
    // Patch the name in both the local header and the central directory.
    std::string bytes = read_file(zip);
    for (auto at = bytes.find("evilXname"); at != std::string::npos; at = bytes.find("evilXname", at))
        bytes[at + 4] = '\0';
    write_file(zip, bytes);
    CHECK(open_error(zip) == "app.zip: entry 'evil\\x00name.js' has a NUL byte in its name; refusing it");
}

TEST_CASE("zip package: limits") {
    TempDir temp;
    const fs::path zip = temp / "app.zip";
    SUBCASE("a zip bomb: 20 MiB of zeros") {
        ZipWriter(zip).file("index.html", "x").file("zeros.bin", std::string(20u << 20, '\0')).close();
        CHECK(fs::file_size(zip) < (1u << 20));
        const std::string error = open_error(zip);
        CHECK(contains_text(error, "app.zip: entry 'zeros.bin' expands "));
        CHECK(contains_text(error, ":1, over the 100:1 compression limit (a zip bomb?); refusing it"));
    }
    SUBCASE("small files may compress well") {
        ZipWriter(zip).file("index.html", std::string(60000, ' ')).close();
        CHECK(open_error(zip).empty());
    }
    SUBCASE("a file over the per-file limit, stored") {
        ZipWriter(zip).file("video.bin", std::string((10u << 20) + 1, 'v'), false).close();
        CHECK(open_error(zip) ==
              "app.zip: entry 'video.bin' is 10485761 bytes, over the 10 MiB per-file limit; refusing it");
    }
    SUBCASE("too many files (2001)") {
        ZipWriter writer(zip);
        for (int i = 0; i <= 2000; ++i) writer.file("f/" + std::to_string(i) + ".txt", "x");
        writer.close();
        CHECK(open_error(zip) == "app.zip: has more than 2000 files, over the limit; refusing it");
    }
    SUBCASE("the total") {
        ZipWriter(zip)
            .file("a.bin", random_bytes(400000, 1))
            .file("b.bin", random_bytes(400000, 2))
            .file("c.bin", random_bytes(400000, 3))
            .close();
        PackageLimits limits;
        limits.max_total_bytes = 1u << 20;
        CHECK(open_error(zip, limits) ==
              "app.zip: its files add up to more than 1 MiB (at entry 'c.bin'), over the limit; refusing it");
        CHECK(open_error(zip).empty());
    }
    SUBCASE("not a zip at all") {
        write_file(zip, "PK? no, just text");
        CHECK(contains_text(open_error(zip), "app.zip: not a readable zip archive ("));
    }
}

TEST_CASE("find_manifest") {
    TempDir temp;
    const fs::path app = temp / "app";
    fs::create_directories(app);
    CHECK(!open_package(app).find_manifest());

    write_file(app / "manifest.json", "{}");
    CHECK(open_package(app).find_manifest() == "manifest.json");

    write_file(app / "manifest.webmanifest", "{}");
    CHECK(open_package(app).find_manifest() == "manifest.webmanifest");

    write_file(app / "index.html", "<LINK REL=manifest HREF='https://elsewhere.example/m.json'>");
    CHECK(open_package(app).find_manifest() == "manifest.webmanifest");  // not inside: ignored

    write_file(app / "index.html", "<link rel=manifest href='missing.json'>");
    CHECK(open_package(app).find_manifest() == "manifest.webmanifest");

    write_file(app / "meta/app%20one.json", "{}");
    write_file(app / "index.html", "<html><head><link rel=manifest href='./meta/app%2520one.json?v=2'>");
    CHECK(open_package(app).find_manifest() == "meta/app%20one.json");

    write_file(app / "index.html", "<link rel=manifest href='../../meta/app%2520one.json'>");
    CHECK(open_package(app).find_manifest() == "meta/app%20one.json");  // URLs cannot climb above /
}

TEST_CASE("extract_to: the whole package lands at once") {
    TempDir temp;
    make_small_app(temp / "app");
    ZipWriter(temp / "app.zip")
        .file("index.html", "zip index")
        .file("js/app.js", "zip js")
        .file("empty.txt", "")
        .close();

    SUBCASE("from a folder") {
        open_package(temp / "app").extract_to(temp / "installed/app");
        CHECK(read_file(temp / "installed/app/css/app.css") == "body{margin:0}");
        CHECK(read_file(temp / "installed/app/icons/icon-192.png") == random_bytes(2000));
        CHECK(!has_entry_starting(temp / "installed", ".app"));
        CHECK((fs::status(temp / "installed/app").permissions() & fs::perms::others_read) != fs::perms::none);
    }
    SUBCASE("from a zip, replacing an older copy") {
        write_file(temp / "installed/app/old.txt", "old");
        open_package(temp / "app.zip").extract_to(temp / "installed/app");
        CHECK(read_file(temp / "installed/app/index.html") == "zip index");
        CHECK(read_file(temp / "installed/app/js/app.js") == "zip js");
        CHECK(fs::exists(temp / "installed/app/empty.txt"));
        CHECK(!fs::exists(temp / "installed/app/old.txt"));
        CHECK(!has_entry_starting(temp / "installed", ".app"));
    }
}

TEST_CASE("extract_to: a failure late in the package leaves nothing behind") {
    TempDir temp;
    make_small_app(temp / "app");
    write_file(temp / "app/zz-last.bin", "small when listed");

    SUBCASE("a folder file that grew past the per-file limit after listing") {
        const Package package = open_package(temp / "app");
        write_file(temp / "app/zz-last.bin", std::string((10u << 20) + 5, 'g'));
        const std::string error = error_of([&] { package.extract_to(temp / "installed/app"); });
        CHECK(error == "app: entry 'zz-last.bin' now holds more than 10 MiB, over the per-file limit; refusing it");
        CHECK(!fs::exists(temp / "installed/app"));
        CHECK(fs::is_empty(temp / "installed"));
    }
    SUBCASE("a folder file swapped for a symlink after listing") {
        const Package package = open_package(temp / "app");
        fs::remove(temp / "app/zz-last.bin");
        fs::create_symlink("/etc/passwd", temp / "app/zz-last.bin");
        CHECK(
            contains_text(error_of([&] { package.extract_to(temp / "installed/app"); }), "cannot read 'zz-last.bin'"));
        CHECK(fs::is_empty(temp / "installed"));
    }
    SUBCASE("a zip whose last entry is damaged, over an existing install") {
        write_file(temp / "installed/app/old.txt", "old");
        ZipWriter(temp / "app.zip")
            .file("index.html", "fine")
            .file("zz-last.bin", std::string(5000, 'Q'), false)
            .close();
        std::string bytes = read_file(temp / "app.zip");
        bytes[bytes.find(std::string(5000, 'Q')) + 2500] = 'X';  // the CRC no longer matches
        write_file(temp / "app.zip", bytes);

        const Package package = open_package(temp / "app.zip");
        const std::string error = error_of([&] { package.extract_to(temp / "installed/app"); });
        CHECK(contains_text(error, "app.zip: cannot read entry 'zz-last.bin': "));
        CHECK(contains_text(error, "(the archive is damaged)"));
        // The old install is untouched, and no staging directory is left.
        CHECK(read_file(temp / "installed/app/old.txt") == "old");
        CHECK(!fs::exists(temp / "installed/app/index.html"));
        CHECK(!has_entry_starting(temp / "installed", ".app"));
    }
}
