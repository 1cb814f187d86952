// Issue 3's install and manifest benchmarks, each beside a floor measured in
// the same run:
//  - install of a ~200 KB packaged app (zip) through Installer::install,
//    beside extracting the same zip with libzip and no checks at all;
//  - manifest processing throughput, beside parsing the same text with
//    nlohmann::json alone.
// Prints Markdown tables. Goal from the issue: install within 100 ms.
//
//   launcher-bench [--runs 20] [--manifests 20000]
#include <nlohmann/json.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <cairo.h>
#include <zip.h>

#include "install.hpp"

using namespace cirrus::launcher;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

struct Summary {
    double min_ms = 0, median_ms = 0, p95_ms = 0;
};

Summary summarise(std::vector<double> samples) {
    std::sort(samples.begin(), samples.end());
    auto at = [&](double q) { return samples[static_cast<std::size_t>(std::ceil(q * samples.size())) - 1]; };
    return {samples.front(), at(0.5), at(0.95)};
}

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

void write(const fs::path& path, const std::string& data) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << data;
}

// Script text with minified JavaScript's mix of keywords and generated names,
// so that the zip is about as large as a real 200 KB app's.
std::string script_text(std::size_t bytes) {
    static const char* words[] = {
        "function", "return", "const", "let", "this",   "state",    "render",        "=>", "{", "}", "(",
        ")",        ";",      "items", "map", "filter", "document", "querySelector", "0",  "1"};
    std::mt19937 rng(42);
    std::string out;
    while (out.size() < bytes) {
        out += words[rng() % 20];
        out += (rng() % 7 == 0) ? "\n" : " ";
        if (rng() % 2 == 0) {
            char name[16];
            std::snprintf(name, sizeof(name), "_%08x ", static_cast<unsigned>(rng()));
            out += name;
        }
    }
    return out;
}

std::string png_icon(int size) {
    cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, size, size);
    cairo_t* cr = cairo_create(surface);
    cairo_pattern_t* gradient = cairo_pattern_create_linear(0, 0, size, size);
    cairo_pattern_add_color_stop_rgb(gradient, 0, 0.2, 0.4, 0.8);
    cairo_pattern_add_color_stop_rgb(gradient, 1, 0.9, 0.6, 0.1);
    cairo_set_source(cr, gradient);
    cairo_paint(cr);
    cairo_pattern_destroy(gradient);
    cairo_destroy(cr);
    std::string png;
    cairo_surface_write_to_png_stream(
        surface,
        [](void* closure, const unsigned char* data, unsigned int length) {
            static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
            return CAIRO_STATUS_SUCCESS;
        },
        &png);
    cairo_surface_destroy(surface);
    return png;
}

const std::string kManifestText = R"J({
  "name": "Bench App", "short_name": "Bench", "start_url": "./index.html", "scope": "./",
  "display": "standalone", "theme_color": "#336699", "background_color": "rgb(250, 250, 250)",
  "description": "A packaged app of about 200 KB", "lang": "en", "categories": ["news", "productivity"],
  "icons": [
    {"src": "icons/icon-192.png", "sizes": "192x192", "type": "image/png"},
    {"src": "icons/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "maskable"}
  ],
  "shortcuts": [{"name": "New", "url": "./index.html?new"}]
})J";

fs::path make_zip(const fs::path& dir) {
    const fs::path src = dir / "src";
    write(src / "manifest.webmanifest", kManifestText);
    write(src / "index.html", "<!doctype html><title>Bench</title><script src=app.js></script>");
    write(src / "app.js", script_text(440 * 1024));
    write(src / "style.css", script_text(20 * 1024));
    write(src / "icons/icon-192.png", png_icon(192));
    write(src / "icons/icon-512.png", png_icon(512));
    const fs::path zip_path = dir / "bench.zip";
    int error = 0;
    zip_t* archive = zip_open(zip_path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    for (const auto& entry : fs::recursive_directory_iterator(src)) {
        if (!entry.is_regular_file()) continue;
        const std::string name = fs::relative(entry.path(), src).string();
        zip_file_add(archive, name.c_str(), zip_source_file(archive, entry.path().c_str(), 0, -1), 0);
    }
    zip_close(archive);
    return zip_path;
}

// The floor: every entry written out, no checks, no manifest, no registry.
void extract_plain(const fs::path& zip_path, const fs::path& dest) {
    int error = 0;
    zip_t* archive = zip_open(zip_path.c_str(), ZIP_RDONLY, &error);
    const zip_int64_t count = zip_get_num_entries(archive, 0);
    std::vector<char> buffer(1 << 16);
    for (zip_int64_t i = 0; i < count; ++i) {
        const fs::path out = dest / zip_get_name(archive, static_cast<zip_uint64_t>(i), 0);
        fs::create_directories(out.parent_path());
        zip_file_t* file = zip_fopen_index(archive, static_cast<zip_uint64_t>(i), 0);
        std::ofstream stream(out, std::ios::binary);
        zip_int64_t n;
        while ((n = zip_fread(file, buffer.data(), buffer.size())) > 0) stream.write(buffer.data(), n);
        zip_fclose(file);
    }
    zip_close(archive);
}

}  // namespace

int main(int argc, char** argv) {
    int runs = 20;
    int manifests = 20000;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--runs")) runs = std::atoi(argv[i + 1]);
        if (!std::strcmp(argv[i], "--manifests")) manifests = std::atoi(argv[i + 1]);
    }
    char templ[] = "/tmp/cirrus-launcher-bench-XXXXXX";
    const fs::path dir = mkdtemp(templ);
    const fs::path zip_path = make_zip(dir);

    std::vector<double> install_ms, floor_ms;
    {
        Registry registry = Registry::open(dir / "registry.db");
        Installer installer(registry, dir / "apps");
        installer.install(zip_path.string());  // warm the caches and the loaders
        for (int i = 0; i < runs; ++i) {
            auto start = Clock::now();
            installer.install(zip_path.string());
            install_ms.push_back(ms_since(start));
            const fs::path dest = dir / ("plain-" + std::to_string(i));
            start = Clock::now();
            extract_plain(zip_path, dest);
            floor_ms.push_back(ms_since(start));
            fs::remove_all(dest);
        }
    }
    const auto install = summarise(install_ms);
    const auto floor = summarise(floor_ms);
    std::printf("## Install of a %.0f KB packaged app (zip; %d runs, warm)\n\n", fs::file_size(zip_path) / 1024.0,
                runs);
    std::printf("| what | min ms | median ms | p95 ms |\n| --- | ---: | ---: | ---: |\n");
    std::printf(
        "| cirrus install (checks, manifest, 5 icon sizes x 2 purposes, copy, registry) | %.1f | %.1f | %.1f |\n",
        install.min_ms, install.median_ms, install.p95_ms);
    std::printf("| floor: libzip extraction only | %.1f | %.1f | %.1f |\n\n", floor.min_ms, floor.median_ms,
                floor.p95_ms);
    std::printf("Goal: install within 100 ms: %s (median %.1f ms).\n\n", install.median_ms <= 100 ? "MET" : "NOT MET",
                install.median_ms);

    // Manifest processing throughput.
    auto start = Clock::now();
    std::size_t ok = 0;
    for (int i = 0; i < manifests; ++i) {
        ok += process_manifest(kManifestText, "app://bench/manifest.webmanifest", "app://bench/index.html") ? 1 : 0;
    }
    const double process_s = ms_since(start) / 1000.0;
    start = Clock::now();
    std::size_t parsed = 0;
    for (int i = 0; i < manifests; ++i) parsed += nlohmann::json::parse(kManifestText).size();
    const double parse_s = ms_since(start) / 1000.0;
    const double mib = static_cast<double>(kManifestText.size()) * manifests / (1024.0 * 1024.0);
    std::printf("## Manifest processing (%zu-byte manifest, %d times)\n\n", kManifestText.size(), manifests);
    std::printf("| what | manifests/s | MiB/s | us each |\n| --- | ---: | ---: | ---: |\n");
    std::printf("| process_manifest (parse, every member, URLs, colours) | %.0f | %.1f | %.1f |\n",
                manifests / process_s, mib / process_s, process_s * 1e6 / manifests);
    std::printf("| floor: nlohmann::json::parse only | %.0f | %.1f | %.1f |\n", manifests / parse_s, mib / parse_s,
                parse_s * 1e6 / manifests);
    std::fprintf(stderr, "(%zu processed, %zu members parsed)\n", ok, parsed);
    fs::remove_all(dir);
    return 0;
}
