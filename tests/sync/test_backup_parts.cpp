// The backup's plain parts (issue 19 item 3): content-defined chunks, the
// keys and seals, the manifest format, the upload plan and the chunk index.
#include <doctest/doctest.h>

#include <numeric>
#include <random>

#include "common/backup_chunker.hpp"
#include "common/backup_crypto.hpp"
#include "common/backup_index.hpp"
#include "common/backup_manifest.hpp"
#include "common/backup_plan.hpp"
#include "../temp_dir.hpp"

using namespace cirrus::backup;

namespace {

std::vector<std::uint8_t> noise(std::size_t size, unsigned seed) {
    std::mt19937 generator(seed);
    std::vector<std::uint8_t> bytes(size);
    for (auto& byte : bytes) byte = static_cast<std::uint8_t>(generator());
    return bytes;
}

std::vector<std::vector<std::uint8_t>> cut(const std::vector<std::uint8_t>& data) {
    std::vector<std::vector<std::uint8_t>> chunks;
    std::size_t at = 0;
    for (std::size_t length : chunk_lengths(data)) {
        chunks.emplace_back(data.begin() + static_cast<long>(at), data.begin() + static_cast<long>(at + length));
        at += length;
    }
    return chunks;
}

std::size_t shared(const std::vector<std::vector<std::uint8_t>>& a, const std::vector<std::vector<std::uint8_t>>& b) {
    std::size_t same = 0;
    for (const auto& chunk : b)
        if (std::find(a.begin(), a.end(), chunk) != a.end()) ++same;
    return same;
}

}  // namespace

TEST_CASE("chunks: sizes between min and max around the average, covering the data, the same cuts every time") {
    const auto data = noise(5'000'000, 1);
    const auto lengths = chunk_lengths(data);
    CHECK(std::accumulate(lengths.begin(), lengths.end(), std::size_t{0}) == data.size());
    for (std::size_t i = 0; i + 1 < lengths.size(); ++i) {
        CHECK(lengths[i] > ChunkerParams{}.min_size);
        CHECK(lengths[i] <= ChunkerParams{}.max_size);
    }
    const double average = static_cast<double>(data.size()) / static_cast<double>(lengths.size());
    MESSAGE("5 MB of noise: ", lengths.size(), " chunks, average ", average, " bytes");
    CHECK(average > 6000);
    CHECK(average < 12000);
    CHECK(chunk_lengths(data) == lengths);
    // Zeros never cut: the maximum does.
    const std::vector<std::uint8_t> zeros(100'000, 0);
    CHECK(chunk_lengths(zeros).front() == ChunkerParams{}.max_size);
    CHECK(chunk_lengths(std::vector<std::uint8_t>{}).empty());
    CHECK(chunk_lengths(std::vector<std::uint8_t>(100, 7)) == std::vector<std::size_t>{100});
}

TEST_CASE("chunks: one 4 KiB page rewritten, or bytes inserted, changes only the chunks near it") {
    const auto before = noise(5'000'000, 2);
    auto page = before;
    const auto fresh = noise(4096, 3);
    std::copy(fresh.begin(), fresh.end(), page.begin() + 4096 * 600);
    const auto a = cut(before);
    const auto b = cut(page);
    CHECK(b.size() - shared(a, b) <= 3);
    auto inserted = before;
    inserted.insert(inserted.begin() + 1'000'000, 100, 0x55);
    const auto c = cut(inserted);
    CHECK(c.size() - shared(a, c) <= 2);
}

TEST_CASE("keys: a passphrase derives the same keys from the key file; a wrong one is told in words") {
    auto [file, keys] = Keys::create("correct horse");
    const Keys again = Keys::derive("correct horse", key_file_from_json(to_json(file)));
    CHECK(again.master() == keys.master());
    CHECK(again.chunk_id("hello") == keys.chunk_id("hello"));
    CHECK(keys.chunk_id("hello").size() == 32);
    CHECK(keys.chunk_id("hello") != keys.chunk_id("hello!"));
    CHECK_THROWS_WITH_AS(Keys::derive("wrong horse", file), doctest::Contains("passphrase does not open"), CryptoError);
    // Another key names the same content differently: the server cannot confirm a guess.
    auto [other_file, other] = Keys::create("correct horse");
    CHECK(other.chunk_id("hello") != keys.chunk_id("hello"));
}

TEST_CASE("seals: open only under their own name and key, and any cut or flipped byte is caught") {
    auto [file, keys] = Keys::create("p");
    const std::string sealed = keys.seal("chunk bytes", "chunk/abc");
    CHECK(sealed.size() == 11 + kSealOverhead);
    CHECK(keys.open(sealed, "chunk/abc") == "chunk bytes");
    CHECK(keys.seal("chunk bytes", "chunk/abc") != sealed);  // a fresh nonce each time
    CHECK_THROWS_AS(keys.open(sealed, "chunk/abd"), CryptoError);
    std::string flipped = sealed;
    flipped[30] ^= 1;
    CHECK_THROWS_AS(keys.open(flipped, "chunk/abc"), CryptoError);
    CHECK_THROWS_AS(keys.open(sealed.substr(0, 20), "chunk/abc"), CryptoError);
    auto [other_file, other] = Keys::create("p");
    CHECK_THROWS_AS(other.open(sealed, "chunk/abc"), CryptoError);
}

TEST_CASE("key files: a hostile one (limits a phone cannot run, a newer version, bad salt) is refused by field") {
    auto [file, keys] = Keys::create("p");
    nlohmann::json json = to_json(file);
    json["memlimit"] = 8ull << 30;
    CHECK_THROWS_WITH(key_file_from_json(json), doctest::Contains("memlimit"));
    json = to_json(file);
    json["version"] = 2;
    CHECK_THROWS_WITH(key_file_from_json(json), doctest::Contains("update Cirrus"));
    json = to_json(file);
    json["salt"] = "zz";
    CHECK_THROWS_WITH(key_file_from_json(json), doctest::Contains("salt"));
    CHECK_THROWS(key_file_from_json(nlohmann::json::array()));
}

TEST_CASE("manifests: round trip, and hostile paths, ids, modes and versions refused by field") {
    Snapshot snapshot;
    snapshot.name = snapshot_name_at(1765135290);
    CHECK(snapshot.name == "20251207T192130Z");
    snapshot.created = 1765135290;
    AppEntry app;
    app.record.id = "notes";
    app.record.name = "Notes";
    app.record.start_url = "app://notes/index.html";
    app.record.source_kind = cirrus::launcher::SourceKind::folder;
    app.record.home_position = 0;
    app.permissions["geolocation"] = cirrus::launcher::PermissionState::granted;
    app.has_package = true;
    app.package.push_back({"index.html", 0644, 5, {std::string(32, 'a')}});
    app.data.push_back({"LocalStorage/x.localstorage", 0600, 9, {std::string(32, 'b'), std::string(32, 'a')}});
    snapshot.apps.push_back(app);
    snapshot.home = {"notes"};
    const Snapshot back = parse_snapshot(serialize(snapshot), snapshot.name);
    CHECK(back.apps.at(0).record.id == "notes");
    CHECK(back.apps.at(0).record.home_position == 0);
    CHECK(back.apps.at(0).permissions.at("geolocation") == cirrus::launcher::PermissionState::granted);
    CHECK(back.apps.at(0).data.at(0).chunks.size() == 2);
    CHECK(back.home == std::vector<std::string>{"notes"});
    CHECK(all_chunk_ids(back) == std::vector<std::string>{std::string(32, 'a'), std::string(32, 'b')});

    auto with = [&](auto change) {
        nlohmann::json json = to_json(snapshot);
        change(json);
        return json.dump();
    };
    for (const char* path : {"../etc/passwd", "/abs", "a//b", "a/./b", ""}) {
        CHECK_THROWS_WITH(parse_snapshot(with([&](auto& j) { j["apps"][0]["data"][0]["path"] = path; }), snapshot.name),
                          doctest::Contains("not a safe relative path"));
    }
    CHECK_THROWS_WITH(parse_snapshot(with([](auto& j) { j["apps"][0]["record"]["id"] = "../x"; }), snapshot.name),
                      doctest::Contains("not an app id"));
    CHECK_THROWS_WITH(parse_snapshot(with([](auto& j) { j["version"] = 9; }), snapshot.name),
                      doctest::Contains("update Cirrus"));
    CHECK_THROWS_WITH(
        parse_snapshot(with([](auto& j) { j["apps"][0]["data"][0]["chunks"][0] = "XYZ"; }), snapshot.name),
        doctest::Contains("32 hex"));
    CHECK_THROWS_WITH(parse_snapshot(with([](auto& j) { j["home"] = {"calc"}; }), snapshot.name),
                      doctest::Contains("home"));
    CHECK_THROWS_WITH(parse_snapshot(serialize(snapshot), "20200101T000000Z"), doctest::Contains("\"name\""));
    CHECK_THROWS(parse_snapshot("{not json", snapshot.name));
    // Set-uid and friends never come back from a server.
    CHECK(parse_snapshot(with([](auto& j) { j["apps"][0]["data"][0]["mode"] = 04755; }), snapshot.name)
              .apps[0]
              .data[0]
              .mode == 0755);
    CHECK(valid_snapshot_name("20261207T192130Z"));
    CHECK_FALSE(valid_snapshot_name(".20261207T192130Z.part"));
}

TEST_CASE("the plan: the index decides what it knows; the server's listing the rest, by size") {
    const std::string id(32, 'c');
    CHECK(plan_chunk(id, 100, true, std::nullopt) == ChunkAction::skip_known);
    CHECK(plan_chunk(id, 100, false, std::nullopt) == ChunkAction::list_first);
    std::map<std::string, std::uint64_t> listing{{id, 100}};
    CHECK(plan_chunk(id, 100, false, listing) == ChunkAction::skip_listed);
    CHECK(plan_chunk(id, 101, false, listing) == ChunkAction::upload);  // cut on the server: again
    CHECK(plan_chunk(std::string(32, 'd'), 100, false, listing) == ChunkAction::upload);
}

TEST_CASE("the chunk index: kept across opens for one owner, emptied for another") {
    cirrus::test::TempDir dir("cirrus-backup-index");
    {
        ChunkIndex index(dir / "backup.sqlite", "https://a/ key1");
        index.record(std::string(32, 'e'), 40);
        index.set_last_backup(1000);
    }
    {
        ChunkIndex index(dir / "backup.sqlite", "https://a/ key1");
        CHECK(index.has(std::string(32, 'e')));
        CHECK(index.last_backup() == 1000);
    }
    ChunkIndex other(dir / "backup.sqlite", "https://b/ key2");
    CHECK_FALSE(other.has(std::string(32, 'e')));
    CHECK(other.count() == 0);
    CHECK_FALSE(other.last_backup());
}

TEST_CASE("manifests are deflated before sealing; a bomb or a cut stream is refused") {
    const std::string json = "{\"chunks\": [\"" + std::string(10000, 'a') + "\"]}";
    const std::string deflated = compress_manifest(json);
    CHECK(deflated.size() < json.size() / 10);
    CHECK(decompress_manifest(deflated, "s") == json);
    CHECK_THROWS_WITH(decompress_manifest(deflated.substr(0, deflated.size() / 2), "s"),
                      doctest::Contains("not zlib data"));
    CHECK_THROWS(decompress_manifest("not zlib at all", "s"));
    const std::string bomb = compress_manifest(std::string(kMaxManifestBytes + 1, ' '));
    CHECK_THROWS_WITH(decompress_manifest(bomb, "s"), doctest::Contains("over 64 MiB"));
}
