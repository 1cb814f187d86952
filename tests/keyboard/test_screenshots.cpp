// Each layout drawn by the real model and drawing code into a Cairo image
// at 480 logical pixels wide, scale 1 and 2, compared with the committed
// reference PNGs in reference/. A pixel differs when a channel is off by
// more than kChannelTolerance; a picture fails when more than kMaxDiffering
// of its pixels differ (font rasterisation may move a few edge pixels). On
// failure the actual image is written to $CIRRUS_KEYBOARD_ACTUAL_DIR (the
// build's meson-logs) beside the test log. CIRRUS_UPDATE_REFERENCES=1
// rewrites the references instead (then look at them before committing).
#include <cairo.h>
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "drawing.hpp"
#include "fakes.hpp"

using namespace keyboard_test;

namespace {

constexpr int kChannelTolerance = 24;
constexpr double kMaxDifferingFraction = 0.002;

struct Scene {
    std::string name;
    LayoutChoice choice;
    std::function<void(KeyboardModel&, RecordingSink&)> act;  // after activate
};

std::string env_or(const char* name, const std::string& fallback) {
    const char* v = std::getenv(name);
    return v && *v ? v : fallback;
}

struct Compared {
    long differing = 0;
    long total = 0;
    std::string problem;
};

Compared compare(cairo_surface_t* actual, const std::string& reference_path) {
    Compared c;
    cairo_surface_t* reference = cairo_image_surface_create_from_png(reference_path.c_str());
    if (cairo_surface_status(reference) != CAIRO_STATUS_SUCCESS) {
        c.problem = "cannot read " + reference_path + " (run with CIRRUS_UPDATE_REFERENCES=1 to make it)";
        cairo_surface_destroy(reference);
        return c;
    }
    const int w = cairo_image_surface_get_width(actual), h = cairo_image_surface_get_height(actual);
    if (cairo_image_surface_get_width(reference) != w || cairo_image_surface_get_height(reference) != h) {
        c.problem = "size differs from " + reference_path;
        cairo_surface_destroy(reference);
        return c;
    }
    cairo_surface_flush(actual);
    const unsigned char* a = cairo_image_surface_get_data(actual);
    const unsigned char* r = cairo_image_surface_get_data(reference);
    const int sa = cairo_image_surface_get_stride(actual), sr = cairo_image_surface_get_stride(reference);
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            const auto* pa = reinterpret_cast<const std::uint32_t*>(a + y * sa) + x;
            const auto* pr = reinterpret_cast<const std::uint32_t*>(r + y * sr) + x;
            bool differs = false;
            for (int shift : {0, 8, 16}) {
                const int da = static_cast<int>((*pa >> shift) & 0xff) - static_cast<int>((*pr >> shift) & 0xff);
                if (da > kChannelTolerance || da < -kChannelTolerance) differs = true;
            }
            c.differing += differs;
        }
    }
    c.total = static_cast<long>(w) * h;
    cairo_surface_destroy(reference);
    return c;
}

void check_scene(const Scene& scene, int scale) {
    RecordingSink sink;
    Composition composition(std::make_unique<ScriptedEngine>());
    KeyboardModel model(sink, composition, measure_candidate);
    model.resize(480, 480, 800);
    model.activate(scene.choice);
    if (scene.act) scene.act(model, sink);
    const int w = 480 * scale;
    const int h = static_cast<int>(model.geometry().height) * scale;
    cairo_surface_t* image = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t* cr = cairo_create(image);
    cairo_scale(cr, scale, scale);
    draw_keyboard(cr, model);
    cairo_destroy(cr);

    const std::string file = scene.name + "-x" + std::to_string(scale) + ".png";
    const std::string reference = env_or("CIRRUS_KEYBOARD_REFERENCES", "reference") + "/" + file;
    if (std::getenv("CIRRUS_UPDATE_REFERENCES")) {
        REQUIRE(cairo_surface_write_to_png(image, reference.c_str()) == CAIRO_STATUS_SUCCESS);
        MESSAGE("wrote " << reference);
    } else {
        const Compared c = compare(image, reference);
        const bool ok = c.problem.empty() && c.differing <= static_cast<long>(c.total * kMaxDifferingFraction);
        if (!ok) {
            const std::string actual = env_or("CIRRUS_KEYBOARD_ACTUAL_DIR", ".") + "/keyboard-actual-" + file;
            cairo_surface_write_to_png(image, actual.c_str());
            FAIL_CHECK(file << ": " << (c.problem.empty() ? "" : c.problem + "; ") << c.differing << " of " << c.total
                            << " pixels differ; actual image: " << actual);
        } else {
            CHECK(c.differing <= static_cast<long>(c.total * kMaxDifferingFraction));
        }
    }
    cairo_surface_destroy(image);
}

void press_at(KeyboardModel& model, const std::string& label, int id) {
    for (std::size_t i = 0; i < model.geometry().keys.size(); ++i) {
        if (model.key(i).shown() == label) {
            const Rect& r = model.geometry().keys[i].rect;
            model.touch_down(id, r.x + r.w / 2, r.y + r.h / 2, 1000);
            return;
        }
    }
    FAIL("no key " << label);
}

void tap_at(KeyboardModel& model, const std::string& label, int id) {
    press_at(model, label, id);
    model.touch_up(id, 1050);
}

std::vector<Scene> scenes() {
    LayoutChoice text;
    LayoutChoice number = choose_layout(static_cast<std::uint32_t>(Purpose::Number), 0);
    LayoutChoice phone = choose_layout(static_cast<std::uint32_t>(Purpose::Phone), 0);
    LayoutChoice url = choose_layout(static_cast<std::uint32_t>(Purpose::Url), 0);
    LayoutChoice email = choose_layout(static_cast<std::uint32_t>(Purpose::Email), 0);
    LayoutChoice password = choose_layout(static_cast<std::uint32_t>(Purpose::Password), 0);
    return {
        {"letters", text, nullptr},
        {"shift", text, [](KeyboardModel& m, RecordingSink&) { tap_at(m, "⇧", 1); }},
        {"symbols", text, [](KeyboardModel& m, RecordingSink&) { m.set_page(Page::Symbols); }},
        {"more-symbols", text, [](KeyboardModel& m, RecordingSink&) { m.set_page(Page::MoreSymbols); }},
        {"number", number, nullptr},
        {"phone", phone, nullptr},
        {"url", url, nullptr},
        {"email", email, nullptr},
        {"password", password, nullptr},
        {"preview", text, [](KeyboardModel& m, RecordingSink&) { press_at(m, "g", 1); }},
        {"accents", text,
         [](KeyboardModel& m, RecordingSink&) {
             press_at(m, "e", 1);
             m.tick(1000 + kLongPressMs);
         }},
        {"pinyin", text,
         [](KeyboardModel& m, RecordingSink&) {
             tap_at(m, "中/EN", 1);
             for (const char* k : {"n", "i", "h", "a", "o"}) tap_at(m, k, 2);
         }},
    };
}

}  // namespace

TEST_CASE("each layout looks as its reference at scale 1 and 2") {
    for (const Scene& scene : scenes()) {
        for (int scale : {1, 2}) {
            CAPTURE(scene.name);
            CAPTURE(scale);
            check_scene(scene, scale);
        }
    }
}
