// common/file_text: a whole small file, a read error an answer. A directory
// opens but every read(2) of it fails (EISDIR), as /proc/PID/stat does with
// ESRCH once its process has ended: the same path as the web-app host's
// abort through libstdc++'s filebuf.
#include <doctest/doctest.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "common/file_text.hpp"

TEST_CASE("read_file_text: contents, nothing for what cannot be read or is too long, never an exception") {
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("cirrus-file-text-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::filesystem::path file = dir / "note";
    { std::ofstream(file, std::ios::binary) << std::string("two\0lines\n", 10); }

    const auto text = cirrus::read_file_text(file);
    REQUIRE(text);
    CHECK(*text == std::string("two\0lines\n", 10));
    CHECK(cirrus::read_file_text(file, 10));
    CHECK_FALSE(cirrus::read_file_text(file, 9));
    CHECK_FALSE(cirrus::read_file_text(dir / "missing"));
    std::optional<std::string> of_dir;
    CHECK_NOTHROW(of_dir = cirrus::read_file_text(dir));
    CHECK_FALSE(of_dir);
    std::filesystem::remove_all(dir);
}

TEST_CASE("write_file_replacing: whole or not at all; a failure keeps the old file and leaves no temporary") {
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("cirrus-file-replace-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::filesystem::path file = dir / "status.json";

    REQUIRE(cirrus::write_file_replacing(file, "first\n"));
    CHECK(cirrus::read_file_text(file) == "first\n");
    const std::string big(1 << 20, 'x');  // more than one write(2) may take
    REQUIRE(cirrus::write_file_replacing(file, big));
    CHECK(cirrus::read_file_text(file) == big);
    CHECK_FALSE(std::filesystem::exists(dir / "status.json.new"));

    // A folder that is not there: false with the reason, nothing written.
    errno = 0;
    CHECK_FALSE(cirrus::write_file_replacing(dir / "missing" / "file", "x"));
    CHECK(errno == ENOENT);
    // The target is a folder (the rename fails): the temporary is removed.
    std::filesystem::create_directories(dir / "taken");
    { std::ofstream(dir / "taken" / "inside") << "keep"; }
    CHECK_FALSE(cirrus::write_file_replacing(dir / "taken", "x"));
    CHECK_FALSE(std::filesystem::exists(dir / "taken.new"));
    CHECK(cirrus::read_file_text(dir / "taken" / "inside") == "keep");
    std::filesystem::remove_all(dir);
}
