// Registry load time (issue 3's goal: open + list() within 10 ms for 200
// apps), with a plain sqlite3 C API loop over the same rows as the peer in
// the same run, plus installing one app with its icons. Prints a Markdown
// table. Times are with the file in the page cache (warm), as at every load
// after the first since boot.
//
//   registry-bench [--apps 200] [--runs 50]
#include <cairo.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "common/icons.hpp"
#include "common/registry.hpp"

using namespace cirrus::launcher;

namespace {

using Clock = std::chrono::steady_clock;

struct Summary {
    double min_ms, median_ms, p95_ms;
};

Summary summarise(std::vector<double> samples) {
    std::sort(samples.begin(), samples.end());
    auto at = [&](double quantile) {
        auto index = static_cast<std::size_t>(std::ceil(quantile * static_cast<double>(samples.size()))) - 1;
        return samples[std::min(index, samples.size() - 1)];
    };
    return {samples.front(), at(0.5), at(0.95)};
}

std::vector<double> time_runs(int runs, const std::function<void(int)>& body) {
    std::vector<double> samples;
    for (int run = 0; run < runs; ++run) {
        auto start = Clock::now();
        body(run);
        samples.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
    return samples;
}

cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
    auto* out = static_cast<std::vector<std::uint8_t>*>(closure);
    out->insert(out->end(), data, data + length);
    return CAIRO_STATUS_SUCCESS;
}

// A 512 px source icon like a real one: a gradient, shapes, and some grain
// (photographic or shaded icons compress far worse than flat colour).
std::vector<std::uint8_t> make_source_icon(unsigned seed) {
    std::mt19937 random(seed);
    std::uniform_real_distribution<double> unit(0, 1);
    constexpr int size = 512;
    cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, size, size);
    cairo_t* cr = cairo_create(surface);
    cairo_pattern_t* gradient = cairo_pattern_create_linear(0, 0, size, size);
    cairo_pattern_add_color_stop_rgb(gradient, 0, unit(random), unit(random), unit(random));
    cairo_pattern_add_color_stop_rgb(gradient, 1, unit(random), unit(random), unit(random));
    cairo_set_source(cr, gradient);
    cairo_paint(cr);
    cairo_pattern_destroy(gradient);
    for (int i = 0; i < 12; ++i) {
        cairo_set_source_rgba(cr, unit(random), unit(random), unit(random), 0.7);
        cairo_arc(cr, unit(random) * size, unit(random) * size, 20 + unit(random) * 120, 0, 2 * M_PI);
        cairo_fill(cr);
    }
    cairo_surface_flush(surface);
    unsigned char* pixels = cairo_image_surface_get_data(surface);
    const int stride = cairo_image_surface_get_stride(surface);
    std::uniform_int_distribution<int> grain(-2, 2);
    for (int y = 0; y < size; ++y) {
        for (int x = 0; x < size * 4; ++x) {
            if (x % 4 == 3) continue;  // keep alpha
            int value = pixels[y * stride + x] + grain(random);
            pixels[y * stride + x] = static_cast<unsigned char>(std::clamp(value, 0, 255));
        }
    }
    cairo_surface_mark_dirty(surface);
    std::vector<std::uint8_t> png;
    cairo_surface_write_to_png_stream(surface, append, &png);
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
    return png;
}

AppRecord make_app(int index) {
    AppRecord app;
    app.id = "org.example.app" + std::to_string(index);
    app.name = "Example App " + std::to_string(index);
    app.short_name = "App " + std::to_string(index);
    app.start_url = "https://app" + std::to_string(index) + ".example.org/?source=homescreen";
    app.scope = "https://app" + std::to_string(index) + ".example.org/";
    app.display = "standalone";
    app.theme_color = "#3367d6";
    app.background_color = "#ffffff";
    // A processed manifest of a typical size (~1.5 KB).
    app.manifest_json = R"({"name":")" + app.name + R"(","short_name":")" + *app.short_name + R"(","start_url":")" +
                        app.start_url + R"(","scope":")" + app.scope +
                        R"(","display":"standalone","orientation":"portrait","lang":"en","dir":"ltr",)" +
                        R"("description":")" + std::string(600, 'd') + R"(","icons":[)";
    for (int size : {48, 72, 96, 144, 192, 512})
        app.manifest_json += R"({"src":"icons/)" + std::to_string(size) + R"(.png","sizes":")" + std::to_string(size) +
                             "x" + std::to_string(size) + R"(","type":"image/png"},)";
    app.manifest_json.back() = ']';
    app.manifest_json += "}";
    app.source_kind = SourceKind::zip;
    app.source = "/home/user/Downloads/app" + std::to_string(index) + ".zip";
    app.package_dir = "/home/user/.local/share/cirrus/apps/" + app.id;
    return app;
}

// The peer: what the registry's list() does, written straight against the
// C API with no wrapper, opened with the same settings.
std::size_t plain_sqlite_list(const std::string& path) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
        std::fprintf(stderr, "peer: open failed: %s\n", sqlite3_errmsg(db));
        std::exit(1);
    }
    sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL", nullptr,
                 nullptr, nullptr);
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(db,
                       "SELECT id, name, short_name, start_url, scope, display, theme_color, background_color, "
                       "manifest_json, source_kind, source, package_dir, installed_at, updated_at, launch_count, "
                       "last_launched_at, home_position, offline_ready FROM apps "
                       "ORDER BY home_position IS NULL, home_position, name, id",
                       -1, &statement, nullptr);
    std::vector<std::vector<std::string>> rows;
    while (sqlite3_step(statement) == SQLITE_ROW) {
        std::vector<std::string> row;
        for (int column = 0; column < 18; ++column) {
            const unsigned char* text = sqlite3_column_text(statement, column);
            row.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
        }
        rows.push_back(std::move(row));
    }
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return rows.size();
}

int parse_flag(int argc, char** argv, const char* name, int fallback) {
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], name) == 0) return std::max(1, std::atoi(argv[i + 1]));
    }
    return fallback;
}

}  // namespace

int main(int argc, char** argv) {
    const int app_count = parse_flag(argc, argv, "--apps", 200);
    const int runs = parse_flag(argc, argv, "--runs", 50);

    char dir_template[] = "/tmp/cirrus-registry-bench-XXXXXX";
    if (!mkdtemp(dir_template)) {
        std::perror("mkdtemp");
        return 1;
    }
    const std::filesystem::path dir = dir_template;
    const std::filesystem::path path = dir / "registry.db";

    // Icons as installs make them: rasterised from a 512 px source. A few
    // distinct sources, shared round-robin, keep set-up short.
    std::vector<std::vector<IconImage>> icon_sets;
    std::vector<std::uint8_t> sample_source;
    for (unsigned seed = 1; seed <= 8; ++seed) {
        std::vector<std::uint8_t> source = make_source_icon(seed);
        icon_sets.push_back(rasterise_icon({source, "image/png", IconPurpose::any, "bench"}));
        sample_source = std::move(source);
    }
    std::size_t icon_bytes = 0;
    for (const IconImage& icon : icon_sets[0]) icon_bytes += icon.png.size();

    {
        Registry registry = Registry::open(path);
        for (int i = 0; i < app_count; ++i)
            registry.install(make_app(i), icon_sets[static_cast<std::size_t>(i) % icon_sets.size()]);
    }
    // As the file is after the last writer closed: checkpointed, no -wal.
    const auto file_size = std::filesystem::file_size(path);

    std::size_t listed = 0;
    auto registry_load = [&](const Registry::Options& options) {
        return time_runs(runs, [&](int) {
            Registry registry = Registry::open(path, options);
            listed = registry.list().size();
        });
    };
    Summary default_load = summarise(registry_load(Registry::Options{}));
    Registry::Options whole_file;
    whole_file.check_tables.clear();
    Summary whole_file_load = summarise(registry_load(whole_file));
    Registry::Options header_only;
    header_only.check = OpenCheck::header;
    Summary header_load = summarise(registry_load(header_only));
    std::size_t peer_listed = 0;
    Summary peer = summarise(time_runs(runs, [&](int) { peer_listed = plain_sqlite_list(path.string()); }));

    Summary install;
    {
        Registry registry = Registry::open(path);
        install =
            summarise(time_runs(runs, [&](int run) { registry.install(make_app(app_count + run), icon_sets[0]); }));
    }
    Summary rasterise = summarise(time_runs(std::max(1, runs / 5), [&](int) {
        rasterise_icon({sample_source, "image/png", IconPurpose::any, "bench"});
    }));

    std::printf(
        "Registry: %d apps, %zu icons of %zu bytes (5 sizes) each, file %.1f MiB; %d runs each, warm page cache.\n\n",
        app_count, icon_sets[0].size(), icon_bytes, static_cast<double>(file_size) / (1024.0 * 1024.0), runs);
    std::printf("| what | rows | min ms | median ms | p95 ms |\n");
    std::printf("| --- | ---: | ---: | ---: | ---: |\n");
    auto row = [](const char* what, std::size_t rows, const Summary& s) {
        std::printf("| %s | %zu | %.2f | %.2f | %.2f |\n", what, rows, s.min_ms, s.median_ms, s.p95_ms);
    };
    row("Registry::open + list() (default: quick_check of apps, permissions)", listed, default_load);
    row("Registry::open + list(), quick_check of the whole file", listed, whole_file_load);
    row("Registry::open + list(), header and schema read only", listed, header_load);
    row("peer: plain sqlite3 C API open + SELECT loop", peer_listed, peer);
    row("Registry::install of one app with 5 icons", 1, install);
    row("rasterise_icon: 512 px PNG to 5 sizes", 5, rasterise);
    std::printf("\nGoal (issue 3): registry load at most 10 ms: median %.2f ms, p95 %.2f ms: %s\n",
                default_load.median_ms, default_load.p95_ms, default_load.p95_ms <= 10.0 ? "met" : "NOT met");

    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
    return 0;
}
