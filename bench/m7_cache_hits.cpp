// M7, cache hits: the latency of answering a request from the offline store
// (common/offline_store.hpp), p50 and p99, for 2, 10 and 100 KB
// bodies, beside a one-file-per-response store in the same run: each
// response written as one file, named by a hash of its key, holding the
// status and headers and then the body, read back with open/fstat/read/close.
// Both give the caller the same thing (status, header list, body bytes).
//
// Goals (issue 5): p99 at most 2 ms, and at least 1.3x faster than the files.
//
// A second table shows what was tried to make SQLite faster, on the same
// files through the bare C API (no header parsing on either side): mmap or
// not, sqlite3_blob_open/blob_read instead of a column, 64 KiB pages, and
// all lookups in one read transaction (which saves the two fcntl() calls on
// the -shm that every WAL read transaction costs), beside open/read/close.
// Those run after a checkpoint, so that no page is read from the WAL.
//
// Method: a few hundred responses of incompressible bytes per size, stored
// in a fresh folder; every entry read once (warm page cache, as on a phone
// that has just used the app); then the same random sequence of lookups on
// both, alternating blocks of 100 so that both see the same machine noise.
// Each lookup is timed alone with steady_clock. The file peer's key hash is
// std::hash (cheaper than the SHA-256 a real one might use: in its favour).
//
//   m7_cache_hits [--entries 300] [--lookups 5000] [--dir DIR] [--mmap-mib 128]
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <sqlite3.h>

#include "common/http_headers.hpp"
#include "common/offline_store.hpp"

using namespace cirrus::offline;

namespace {

using Clock = std::chrono::steady_clock;

const char* const kAppId = "org.example.news";

struct Percentiles {
    double p50_us = 0, p99_us = 0;
};

Percentiles percentiles(std::vector<double> samples) {
    std::sort(samples.begin(), samples.end());
    auto at = [&](double quantile) {
        auto index = static_cast<std::size_t>(std::ceil(quantile * static_cast<double>(samples.size()))) - 1;
        return samples[std::min(index, samples.size() - 1)];
    };
    return {at(0.50), at(0.99)};
}

std::string url_of(int i) { return "https://news.example.org/static/assets/article-" + std::to_string(i) + ".bin?v=3"; }

Headers typical_headers(std::size_t body_bytes, int i) {
    return {{"Content-Type", "application/octet-stream"},
            {"Content-Length", std::to_string(body_bytes)},
            {"Cache-Control", "public, max-age=86400"},
            {"Date", "Mon, 06 Jan 2025 10:00:00 GMT"},
            {"Last-Modified", "Sun, 05 Jan 2025 08:30:00 GMT"},
            {"ETag", "\"" + std::to_string(i) + "-5e3a9c1f\""},
            {"Server", "nginx"}};
}

std::vector<std::uint8_t> random_body(std::size_t size, std::mt19937& random) {
    std::vector<std::uint8_t> body(size);
    for (auto& byte : body) byte = static_cast<std::uint8_t>(random());
    return body;
}

// --- the peer: one file per response ------------------------------------------

// "<status>\n" + header lines + "\n" + body, in a file named by the key's hash.
class FileStore {
public:
    explicit FileStore(std::filesystem::path folder) : folder_(std::move(folder)) {
        std::filesystem::create_directories(folder_);
    }

    std::filesystem::path path_for(const std::string& app, const std::string& method, const std::string& url) const {
        char name[32];
        std::snprintf(name, sizeof name, "%016zx", std::hash<std::string>{}(app + '\n' + method + '\n' + url));
        return folder_ / name;
    }

    void put(const std::string& app, const std::string& url, int status, const Headers& headers,
             const std::vector<std::uint8_t>& body) {
        std::string head = std::to_string(status) + "\n" + serialize_headers(headers) + "\n";
        const std::filesystem::path path = path_for(app, "GET", url);
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0 || ::write(fd, head.data(), head.size()) != static_cast<ssize_t>(head.size()) ||
            ::write(fd, body.data(), body.size()) != static_cast<ssize_t>(body.size())) {
            std::perror("file peer: write");
            std::exit(1);
        }
        ::close(fd);
    }

    // As a careful file cache would: one read of up to 4 KiB for the head
    // (and, for small bodies, all of it), then the rest of the body read
    // straight into its buffer.
    std::optional<CachedResponse> get(const std::string& app, const std::string& url) const {
        const std::filesystem::path path = path_for(app, "GET", url);
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return std::nullopt;
        struct stat status {};
        ::fstat(fd, &status);
        const auto size = static_cast<std::size_t>(status.st_size);
        char first[4096];
        const ssize_t got = ::read(fd, first, std::min(sizeof first, size));
        std::string_view head(first, got > 0 ? static_cast<std::size_t>(got) : 0);
        const std::size_t first_line = head.find('\n');
        const std::size_t end_of_head = head.find("\n\n", first_line);
        if (first_line == std::string_view::npos || end_of_head == std::string_view::npos) {
            ::close(fd);
            return std::nullopt;
        }
        CachedResponse response;
        response.status = std::atoi(first);
        response.headers = parse_headers(head.substr(first_line + 1, end_of_head + 1 - first_line - 1));
        const std::size_t body_start = end_of_head + 2;
        response.body.resize(size - body_start);
        const std::size_t in_first = head.size() - body_start;
        std::memcpy(response.body.data(), first + body_start, in_first);
        std::size_t done = in_first;
        while (done < response.body.size()) {
            const ssize_t more = ::read(fd, response.body.data() + done, response.body.size() - done);
            if (more <= 0) break;
            done += static_cast<std::size_t>(more);
        }
        ::close(fd);
        response.body_bytes = static_cast<std::int64_t>(response.body.size());
        return response;
    }

private:
    std::filesystem::path folder_;
};

// --- one size -------------------------------------------------------------------

// --- the engine variants (second table) ---------------------------------------

// The store's file through the bare C API, with the store's own hit query.
class RawStore {
public:
    RawStore(const std::filesystem::path& path, std::int64_t mmap_bytes) {
        if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) fail("open");
        exec("PRAGMA mmap_size = " + std::to_string(mmap_bytes));
        prepare(&hit_,
                "SELECT e.id, e.vary_names, e.vary_key, e.status, e.headers, e.body_bytes, e.stored_at, "
                "e.last_used, b.data FROM entries e JOIN bodies b ON b.id = e.body_id "
                "WHERE e.app_id = ?1 AND e.method = ?2 AND e.url = ?3");
        prepare(&meta_,
                "SELECT e.headers, e.body_id, e.body_bytes FROM entries e "
                "WHERE e.app_id = ?1 AND e.method = ?2 AND e.url = ?3");
    }
    ~RawStore() {
        sqlite3_finalize(hit_);
        sqlite3_finalize(meta_);
        sqlite3_close(db_);
    }
    RawStore(const RawStore&) = delete;
    RawStore& operator=(const RawStore&) = delete;

    void exec(const std::string& sql) {
        if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) fail(sql.c_str());
    }

    // What OfflineStore::get does, less the header parsing: one statement,
    // the body copied out of the column.
    std::size_t column_read(const std::string& url) {
        bind(hit_, url);
        if (sqlite3_step(hit_) != SQLITE_ROW) fail("step");
        std::string headers(reinterpret_cast<const char*>(sqlite3_column_text(hit_, 4)));
        const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(hit_, 8));
        std::vector<std::uint8_t> body(data, data + sqlite3_column_bytes(hit_, 8));
        sqlite3_reset(hit_);
        return headers.size() + body[body.size() / 2];
    }

    // The entry, then its body through an incremental blob handle, read
    // straight into the caller's buffer (one copy instead of two).
    std::size_t blob_read(const std::string& url) {
        bind(meta_, url);
        if (sqlite3_step(meta_) != SQLITE_ROW) fail("step");
        std::string headers(reinterpret_cast<const char*>(sqlite3_column_text(meta_, 0)));
        const sqlite3_int64 body_id = sqlite3_column_int64(meta_, 1);
        std::vector<std::uint8_t> body(static_cast<std::size_t>(sqlite3_column_int64(meta_, 2)));
        sqlite3_reset(meta_);
        sqlite3_blob* blob = nullptr;
        if (sqlite3_blob_open(db_, "main", "bodies", "data", body_id, 0, &blob) != SQLITE_OK ||
            sqlite3_blob_read(blob, body.data(), static_cast<int>(body.size()), 0) != SQLITE_OK)
            fail("blob");
        sqlite3_blob_close(blob);
        return headers.size() + body[body.size() / 2];
    }

private:
    void bind(sqlite3_stmt* statement, const std::string& url) {
        sqlite3_bind_text(statement, 1, kAppId, -1, SQLITE_STATIC);
        sqlite3_bind_text(statement, 2, "GET", 3, SQLITE_STATIC);
        sqlite3_bind_text(statement, 3, url.data(), static_cast<int>(url.size()), SQLITE_STATIC);
    }
    void prepare(sqlite3_stmt** statement, const char* sql) {
        if (sqlite3_prepare_v2(db_, sql, -1, statement, nullptr) != SQLITE_OK) fail(sql);
    }
    [[noreturn]] void fail(const char* what) {
        std::fprintf(stderr, "raw SQLite: %s: %s\n", what, sqlite3_errmsg(db_));
        std::exit(1);
    }

    sqlite3* db_ = nullptr;
    sqlite3_stmt* hit_ = nullptr;
    sqlite3_stmt* meta_ = nullptr;
};

// open/fstat/read/close of the whole file, no parsing.
std::size_t file_read(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat status {};
    ::fstat(fd, &status);
    std::vector<std::uint8_t> data(static_cast<std::size_t>(status.st_size));
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t got = ::read(fd, data.data() + done, data.size() - done);
        if (got <= 0) break;
        done += static_cast<std::size_t>(got);
    }
    ::close(fd);
    return data[data.size() / 2];
}

struct Variant {
    std::string name;
    Percentiles latency;
};

template <typename Lookup>
Percentiles time_each(const std::vector<int>& order, Lookup&& lookup) {
    std::vector<double> samples;
    samples.reserve(order.size());
    std::size_t checksum = 0;
    for (int index : order) {
        const auto begin = Clock::now();
        checksum += lookup(index);
        samples.push_back(std::chrono::duration<double, std::micro>(Clock::now() - begin).count());
    }
    if (checksum == 42) std::puts("");
    return percentiles(std::move(samples));
}

std::vector<Variant> engine_variants(const std::filesystem::path& folder, const FileStore& files, int entries,
                                     const std::vector<int>& order, std::int64_t mmap_bytes) {
    std::vector<std::string> urls;
    std::vector<std::filesystem::path> paths;
    for (int i = 0; i < entries; ++i) {
        urls.push_back(url_of(i));
        paths.push_back(files.path_for(kAppId, "GET", url_of(i)));
    }
    auto by_column = [&](RawStore& raw) {
        return [&](int i) { return raw.column_read(urls[static_cast<std::size_t>(i)]); };
    };
    std::vector<Variant> variants;
    {
        RawStore raw(folder / "cache.db", mmap_bytes);
        raw.exec("PRAGMA wal_checkpoint(TRUNCATE)");
        for (int i = 0; i < entries; ++i) raw.column_read(urls[static_cast<std::size_t>(i)]);
        variants.push_back({"SQLite, 4 KiB pages, mmap (the store's way)", time_each(order, by_column(raw))});
        variants.push_back({"SQLite, ... + sqlite3_blob_open/blob_read",
                            time_each(order, [&](int i) { return raw.blob_read(urls[static_cast<std::size_t>(i)]); })});
        raw.exec("BEGIN");
        raw.column_read(urls[0]);  // the read transaction starts at the first read
        variants.push_back({"SQLite, ... + all lookups in one read transaction", time_each(order, by_column(raw))});
        raw.exec("COMMIT");
    }
    {
        RawStore raw(folder / "cache.db", 0);
        variants.push_back({"SQLite, 4 KiB pages, no mmap", time_each(order, by_column(raw))});
    }
    {
        // The same file rewritten with 64 KiB pages (possible only outside WAL).
        RawStore raw(folder / "cache.db", mmap_bytes);
        raw.exec("PRAGMA journal_mode = DELETE");
        raw.exec("PRAGMA page_size = 65536");
        raw.exec("VACUUM");
        raw.exec("PRAGMA journal_mode = WAL");
        for (int i = 0; i < entries; ++i) raw.column_read(urls[static_cast<std::size_t>(i)]);
        variants.push_back({"SQLite, 64 KiB pages, mmap", time_each(order, by_column(raw))});
    }
    for (const auto& path : paths) file_read(path);
    variants.push_back({"files: open/fstat/read/close",
                        time_each(order, [&](int i) { return file_read(paths[static_cast<std::size_t>(i)]); })});
    return variants;
}

struct Pair {
    Percentiles store, files;
};

struct Row {
    std::size_t body_kib;
    Pair after_writes;  // as just stored: recent pages still in the WAL
    Pair after_flush;   // after OfflineStore::flush() (idle time) checkpointed them
    std::vector<Variant> variants;
};

// The same lookups on both, alternating blocks of 100.
Pair interleaved(OfflineStore& store, const FileStore& files, const std::vector<CacheRequest>& requests,
                 const std::vector<int>& order) {
    std::vector<double> store_us, files_us;
    store_us.reserve(order.size());
    files_us.reserve(order.size());
    std::size_t checksum = 0;  // keeps the reads from being optimised away
    constexpr std::size_t block = 100;
    for (std::size_t start = 0; start < order.size(); start += block) {
        const std::size_t end = std::min(order.size(), start + block);
        for (std::size_t k = start; k < end; ++k) {
            const CacheRequest& request = requests[static_cast<std::size_t>(order[k])];
            const auto begin = Clock::now();
            std::optional<CachedResponse> hit = store.get(kAppId, request);
            store_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - begin).count());
            checksum += hit ? hit->body[hit->body.size() / 2] + hit->headers.size() : 0;
        }
        for (std::size_t k = start; k < end; ++k) {
            const std::string& url = requests[static_cast<std::size_t>(order[k])].url;
            const auto begin = Clock::now();
            std::optional<CachedResponse> hit = files.get(kAppId, url);
            files_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - begin).count());
            checksum += hit ? hit->body[hit->body.size() / 2] + hit->headers.size() : 0;
        }
    }
    if (checksum == 42) std::puts("");
    return {percentiles(std::move(store_us)), percentiles(std::move(files_us))};
}

int flag(int argc, char** argv, const char* name, int fallback) {
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], name) == 0) return std::max(0, std::atoi(argv[i + 1]));
    }
    return fallback;
}

const char* text_flag(int argc, char** argv, const char* name, const char* fallback) {
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
    }
    return fallback;
}

Row measure(const std::filesystem::path& folder, std::size_t body_kib, int entries, int lookups,
            std::int64_t mmap_bytes) {
    const std::size_t body_bytes = body_kib * 1024;
    std::mt19937 random(static_cast<unsigned>(body_kib));
    OfflineStore::Options options;
    options.budget.overall_bytes = std::int64_t{1} << 40;
    options.mmap_bytes = mmap_bytes;
    auto store_holder = std::make_unique<OfflineStore>(OfflineStore::open(folder / "cache.db", options));
    OfflineStore& store = *store_holder;
    FileStore files(folder / "files");

    const std::int64_t now =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    for (int i = 0; i < entries; ++i) {
        const std::vector<std::uint8_t> body = random_body(body_bytes, random);
        const Headers headers = typical_headers(body_bytes, i);
        store.put(kAppId, {"GET", url_of(i), {}}, {200, headers, body}, now);
        files.put(kAppId, url_of(i), 200, headers, body);
    }

    std::vector<CacheRequest> requests;
    for (int i = 0; i < entries; ++i)
        requests.push_back({"GET", url_of(i), {{"Accept", "*/*"}, {"User-Agent", "Cirrus"}}});
    // Warm: every entry once on both sides, checking that both give it back.
    for (int i = 0; i < entries; ++i) {
        auto from_store = store.get(kAppId, requests[static_cast<std::size_t>(i)]);
        auto from_files = files.get(kAppId, url_of(i));
        if (!from_store || !from_files || from_store->body != from_files->body ||
            from_store->headers != from_files->headers || from_store->body.size() != body_bytes) {
            std::fprintf(stderr, "entry %d differs between the store and the files\n", i);
            std::exit(1);
        }
    }

    std::uniform_int_distribution<int> pick(0, entries - 1);
    std::vector<int> order(static_cast<std::size_t>(lookups));
    for (int& index : order) index = pick(random);

    const Pair after_writes = interleaved(store, files, requests, order);
    store.flush();
    const Pair after_flush = interleaved(store, files, requests, order);
    store_holder.reset();  // closed: its WAL checkpointed into the file
    return {body_kib, after_writes, after_flush, engine_variants(folder, files, entries, order, mmap_bytes)};
}

}  // namespace

int main(int argc, char** argv) {
    const int entries = std::max(1, flag(argc, argv, "--entries", 300));
    const int lookups = std::max(1, flag(argc, argv, "--lookups", 5000));
    const std::int64_t mmap_bytes = std::int64_t{flag(argc, argv, "--mmap-mib", 128)} << 20;
    std::filesystem::path base = text_flag(argc, argv, "--dir", "");
    const bool own_base = base.empty();
    if (own_base) {
        std::string pattern = (std::filesystem::temp_directory_path() / "cirrus-m7-XXXXXX").string();
        if (!mkdtemp(pattern.data())) {
            std::perror("mkdtemp");
            return 1;
        }
        base = pattern;
    }

    std::vector<Row> rows;
    for (std::size_t kib : {2, 10, 100}) {
        const std::filesystem::path folder = base / (std::to_string(kib) + "k");
        std::filesystem::remove_all(folder);
        std::filesystem::create_directories(folder);
        rows.push_back(measure(folder, kib, entries, lookups, mmap_bytes));
    }
    if (own_base) std::filesystem::remove_all(base);

    std::printf("M7 cache hits: %d entries per size, %d random lookups, warm page cache, mmap_size %lld MiB\n\n",
                entries, lookups, static_cast<long long>(mmap_bytes >> 20));
    std::printf(
        "| body | store | store p50 | store p99 | files p50 | files p99 | files/store p50 | files/store p99 |\n");
    std::printf("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    bool p99_goal = true, ratio_goal = true;
    for (const Row& row : rows) {
        for (const auto& [state, pair] :
             {std::pair{"just written", &row.after_writes}, std::pair{"after flush()", &row.after_flush}}) {
            const double ratio50 = pair->files.p50_us / pair->store.p50_us;
            const double ratio99 = pair->files.p99_us / pair->store.p99_us;
            std::printf("| %zu KB | %s | %.1f µs | %.1f µs | %.1f µs | %.1f µs | %.2fx | %.2fx |\n", row.body_kib,
                        state, pair->store.p50_us, pair->store.p99_us, pair->files.p50_us, pair->files.p99_us, ratio50,
                        ratio99);
            p99_goal = p99_goal && pair->store.p99_us <= 2000.0;
            ratio_goal = ratio_goal && ratio50 >= 1.3;
        }
    }
    std::printf("\nGoals: store p99 <= 2 ms: %s; store >= 1.3x faster than the files (p50): %s\n",
                p99_goal ? "met" : "NOT met", ratio_goal ? "met" : "NOT met");

    std::printf("\nWhat was tried: the same lookups through the bare C API, no header parsing (p50 / p99)\n\n");
    std::printf("| variant |");
    for (const Row& row : rows) std::printf(" %zu KB |", row.body_kib);
    std::printf("\n| --- |");
    for (std::size_t i = 0; i < rows.size(); ++i) std::printf(" ---: |");
    std::printf("\n");
    for (std::size_t v = 0; v < rows.front().variants.size(); ++v) {
        std::printf("| %s |", rows.front().variants[v].name.c_str());
        for (const Row& row : rows)
            std::printf(" %.1f / %.1f µs |", row.variants[v].latency.p50_us, row.variants[v].latency.p99_us);
        std::printf("\n");
    }
    return 0;
}
