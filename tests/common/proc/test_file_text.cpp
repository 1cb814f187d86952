// common/file_text: a whole small file, a read error an answer. A directory
// opens but every read(2) of it fails (EISDIR), as /proc/PID/stat does with
// ESRCH once its process has ended: the same path as the web-app host's
// abort through libstdc++'s filebuf.
#include <doctest/doctest.h>

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
