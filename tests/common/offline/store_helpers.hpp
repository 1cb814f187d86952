// Shared by the offline store's tests: a temporary folder, bytes, GET
// requests, a fake clock, and ways to damage a database file the way flash
// and crashes do.
#pragma once

#include <doctest/doctest.h>
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "common/offline_store.hpp"
#include "common/sqlite.hpp"
#include "../../temp_dir.hpp"

namespace cirrus::offline::testing {

// cirrus::test::TempDir, its folder named for these tests.
class TempDir : public cirrus::test::TempDir {
public:
    TempDir() : cirrus::test::TempDir("cirrus-offline") {}
};

inline std::vector<std::uint8_t> bytes(const std::string& text) { return {text.begin(), text.end()}; }

// A GET of `url` with these request headers.
inline CacheRequest get_request(const std::string& url, Headers headers = {}) {
    return {"GET", url, std::move(headers)};
}

// `size` bytes that differ for every seed (so that bodies do not dedupe).
inline std::vector<std::uint8_t> random_bytes(std::size_t size, unsigned seed) {
    std::mt19937 random(seed);
    std::vector<std::uint8_t> data(size);
    for (auto& byte : data) byte = static_cast<std::uint8_t>(random());
    return data;
}

inline std::vector<std::uint8_t> read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_file(const std::filesystem::path& path, const std::vector<std::uint8_t>& data) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

// Overwrites page `page` (1-based) of a closed database with random bytes.
inline void damage_page(const std::filesystem::path& path, std::int64_t page, std::int64_t page_size) {
    std::fstream file(path, std::ios::binary | std::ios::in | std::ios::out);
    REQUIRE(file);
    file.seekp((page - 1) * page_size);
    std::vector<std::uint8_t> garbage = random_bytes(static_cast<std::size_t>(page_size), 99);
    file.write(reinterpret_cast<const char*>(garbage.data()), static_cast<std::streamsize>(garbage.size()));
    REQUIRE(file);
}

// The b-tree pages of `table` (leaf pages), from SQLite's dbstat table.
inline std::vector<std::int64_t> leaf_pages(const std::filesystem::path& path, const std::string& table) {
    launcher::Database database = launcher::Database::open(path);
    launcher::Statement query =
        database.prepare("SELECT pageno FROM dbstat WHERE name = ?1 AND pagetype = 'leaf' ORDER BY pageno");
    query.bind(1, table);
    std::vector<std::int64_t> pages;
    while (query.step()) pages.push_back(query.column_int64(0));
    return pages;
}

inline std::int64_t single_int(const launcher::Database& database, const std::string& sql) {
    launcher::Statement query = database.prepare(sql);
    REQUIRE(query.step());
    return query.column_int64(0);
}

// A clock the test moves by hand.
struct FakeClock {
    std::int64_t now = 1'700'000'000'000;
    OfflineStore::Clock clock() {
        return [this] { return now; };
    }
};

}  // namespace cirrus::offline::testing
