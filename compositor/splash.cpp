#include "splash.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <pango/pangocairo.h>

#include "cairo_buffer.hpp"
#include "common/css_colour.hpp"
#include "output.hpp"
#include "server.hpp"

namespace cirrus {
namespace {

constexpr int kIconLogicalPx = 96;
constexpr int kLabelLogicalWidth = 280;
constexpr int kLabelGapPx = 16;
constexpr int kTextLogicalHeight = 48;  // two lines of the name at most
constexpr const char* kLabelFont = "Sans 15";

struct Colour {
    double r = 1, g = 1, b = 1;
};

Colour colour_of(const std::optional<std::string>& css) {
    if (!css) return {};  // a manifest without background_color: white, as browsers show
    const auto parsed = launcher::parse_css_colour(*css);
    if (!parsed) return {};
    return {parsed->r / 255.0, parsed->g / 255.0, parsed->b / 255.0};
}

// Dark text on light backgrounds and light text on dark ones, by relative
// luminance, so that the name stays readable on any background_color.
Colour text_colour_for(Colour background) {
    const double luminance = 0.2126 * background.r + 0.7152 * background.g + 0.0722 * background.b;
    return luminance > 0.55 ? Colour{0.1, 0.1, 0.1} : Colour{1, 1, 1};
}

struct PngReader {
    const std::vector<std::uint8_t>* bytes;
    std::size_t offset = 0;
};

cairo_status_t read_png_chunk(void* closure, unsigned char* data, unsigned int length) {
    auto* reader = static_cast<PngReader*>(closure);
    if (reader->offset + length > reader->bytes->size()) return CAIRO_STATUS_READ_ERROR;
    std::memcpy(data, reader->bytes->data() + reader->offset, length);
    reader->offset += length;
    return CAIRO_STATUS_SUCCESS;
}

// Icon above the app's name, centred, on a transparent buffer `scale` times
// the logical size.
wlr_buffer* draw_label(const std::optional<std::vector<std::uint8_t>>& png, const std::string& name, Colour text,
                       double scale, Size logical) {
    const int width = static_cast<int>(std::ceil(logical.width * scale));
    const int height = static_cast<int>(std::ceil(logical.height * scale));
    cairo_t* cr = nullptr;
    wlr_buffer* buffer = create_cairo_buffer(width, height, &cr);
    if (!buffer) return nullptr;
    cairo_scale(cr, scale, scale);

    if (png) {
        PngReader reader{&*png};
        cairo_surface_t* icon = cairo_image_surface_create_from_png_stream(&read_png_chunk, &reader);
        if (cairo_surface_status(icon) == CAIRO_STATUS_SUCCESS) {
            const double side = cairo_image_surface_get_width(icon);
            cairo_save(cr);
            cairo_translate(cr, (logical.width - kIconLogicalPx) / 2.0, 0);
            cairo_scale(cr, kIconLogicalPx / side, kIconLogicalPx / side);
            cairo_set_source_surface(cr, icon, 0, 0);
            cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
            cairo_paint(cr);
            cairo_restore(cr);
        }
        cairo_surface_destroy(icon);
    }

    PangoLayout* layout = pango_cairo_create_layout(cr);
    PangoFontDescription* font = pango_font_description_from_string(kLabelFont);
    pango_layout_set_font_description(layout, font);
    pango_font_description_free(font);
    pango_layout_set_width(layout, logical.width * PANGO_SCALE);
    pango_layout_set_height(layout, -2);  // at most two lines, then an ellipsis
    pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END);
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER);
    pango_layout_set_text(layout, name.c_str(), -1);
    cairo_set_source_rgb(cr, text.r, text.g, text.b);
    cairo_move_to(cr, 0, kIconLogicalPx + kLabelGapPx);
    pango_cairo_show_layout(cr, layout);
    g_object_unref(layout);
    cairo_destroy(cr);
    return buffer;
}

}  // namespace

Splash::~Splash() { remove_all(); }

bool Splash::show(const std::string& app, const SplashContent& content) {
    Output* output = server_.primary_output();
    const double scale = output ? output->wlr->scale : 1.0;
    remove(app);

    Entry entry;
    entry.fullscreen = content.fullscreen;
    entry.tree = wlr_scene_tree_create(&server_.scene_layer(SceneLayer::apps)->node);
    if (!entry.tree) return false;
    const Colour background = colour_of(content.background);
    const float rgba[4] = {static_cast<float>(background.r), static_cast<float>(background.g),
                           static_cast<float>(background.b), 1.0f};
    entry.background = wlr_scene_rect_create(&entry.tree->node, 0, 0, rgba);
    entry.label_size = {kLabelLogicalWidth, kIconLogicalPx + kLabelGapPx + kTextLogicalHeight};
    if (wlr_buffer* buffer =
            draw_label(content.icon_png, content.name, text_colour_for(background), scale, entry.label_size)) {
        entry.label = wlr_scene_buffer_create(&entry.tree->node, buffer);
        if (entry.label) wlr_scene_buffer_set_dest_size(entry.label, entry.label_size.width, entry.label_size.height);
        wlr_buffer_drop(buffer);  // the scene node keeps its own reference
    }
    if (!entry.background) {
        wlr_scene_node_destroy(&entry.tree->node);
        return false;
    }
    place(entry);
    splashes_[app] = entry;
    return true;
}

Rect Splash::area_for(const Entry& entry) const {
    if (entry.fullscreen) {
        if (Output* output = server_.primary_output()) return output->box();
    }
    return server_.policy.work_area();
}

void Splash::place(Entry& entry) {
    const Rect area = area_for(entry);
    wlr_scene_node_set_position(&entry.tree->node, area.x, area.y);
    wlr_scene_rect_set_size(entry.background, area.width, area.height);
    if (entry.label) {
        // A little above the centre, where the eye expects the app's mark.
        wlr_scene_node_set_position(&entry.label->node, (area.width - entry.label_size.width) / 2,
                                    std::max(0, area.height * 2 / 5 - kIconLogicalPx / 2));
    }
    wlr_scene_node_raise_to_top(&entry.tree->node);
    // The lock screen and the switcher cover the apps, splashes included.
    wlr_scene_node_set_enabled(&entry.tree->node, !server_.policy.covered());
}

void Splash::remove(const std::string& app) {
    auto it = splashes_.find(app);
    if (it == splashes_.end()) return;
    wlr_scene_node_destroy(&it->second.tree->node);
    splashes_.erase(it);
}

void Splash::remove_all() {
    for (auto& [app, entry] : splashes_) wlr_scene_node_destroy(&entry.tree->node);
    splashes_.clear();
}

void Splash::restack() {
    for (auto& [app, entry] : splashes_) place(entry);
}

}  // namespace cirrus
