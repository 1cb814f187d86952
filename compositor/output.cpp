#include "output.hpp"

#include "lifecycle.hpp"

#include <cmath>
#include <ctime>
#include <vector>

#include "layer_layout.hpp"
#include "layer_surface.hpp"
#include "nested_window.hpp"
#include "server.hpp"

namespace cirrus {

namespace {

// Among the output's modes, the one of this size whose refresh is nearest the
// wanted one (or the fastest when none is wanted).
wlr_output_mode* find_mode(wlr_output* output, Size size, std::optional<int> refresh_mhz) {
    wlr_output_mode* best = nullptr;
    wlr_output_mode* mode;
    wl_list_for_each(mode, &output->modes, link) {
        if (mode->width != size.width || mode->height != size.height) continue;
        if (!best) {
            best = mode;
        } else if (refresh_mhz) {
            if (std::abs(mode->refresh - *refresh_mhz) < std::abs(best->refresh - *refresh_mhz)) best = mode;
        } else if (mode->refresh > best->refresh) {
            best = mode;
        }
    }
    return best;
}

constexpr float kBackgroundColour[4] = {0.063f, 0.078f, 0.094f, 1.0f};  // #101418

}  // namespace

Output::Output(Server& server, wlr_output* output) : wlr(output), server_(server) {
    wlr->data = this;
    frame_.connect(&wlr->events.frame, [this](void*) { handle_frame(); });
    commit_.connect(&wlr->events.commit,
                    [this](void* data) { handle_commit(static_cast<wlr_output_event_commit*>(data)); });
    destroy_.connect(&wlr->events.destroy, [this](void*) { handle_destroy(); });

    apply_config();
    const OutputConfig& cfg = server_.config.output;
    if (!cfg.window_title.empty() || cfg.fixed_window_size) {
        const Size* fixed = cfg.fixed_window_size && cfg.size ? &*cfg.size : nullptr;
        const std::string done = configure_nested_window(wlr, cfg.window_title, fixed);
        if (!done.empty()) wlr_log(WLR_INFO, "output %s: nested window: %s", wlr->name, done.c_str());
        if (fixed) mode_.connect(&wlr->events.mode, [this](void*) { handle_mode(); });
        if (fixed && wlr_output_is_x11(wlr)) x11_hints_frames_left_ = kX11HintsFrames;
    }
    wlr_output_layout_add_auto(server_.output_layout, wlr);
    scene_output = wlr_scene_get_scene_output(server_.scene, wlr);

    // The wallpaper sits under every layer so that the screen always has a
    // defined colour, and screenshots of an empty phone are not transparent.
    background_ = wlr_scene_rect_create(&server_.scene->node, 0, 0, kBackgroundColour);
    if (background_) wlr_scene_node_lower_to_bottom(&background_->node);
    arrange_layers();
}

Output::~Output() {
    if (present_idle_) wl_event_source_remove(present_idle_);
    if (fixed_size_idle_) wl_event_source_remove(fixed_size_idle_);
    if (background_) wlr_scene_node_destroy(&background_->node);
    wlr->data = nullptr;
}

void Output::apply_config() {
    const OutputConfig& cfg = server_.config.output;
    const std::optional<Size> wanted = cfg.mode ? cfg.mode : cfg.size;
    if (!wl_list_empty(&wlr->modes)) {
        wlr_output_mode* mode = wlr_output_preferred_mode(wlr);
        if (wanted) {
            if (wlr_output_mode* match = find_mode(wlr, *wanted, cfg.refresh_mhz)) {
                mode = match;
            } else {
                wlr_log(WLR_ERROR,
                        "output %s has no %dx%d mode; using its preferred mode "
                        "(list modes with wlr-randr, or drop --mode/--size)",
                        wlr->name, wanted->width, wanted->height);
            }
        }
        if (mode) wlr_output_set_mode(wlr, mode);
    } else if (wanted) {
        // Nested windows and headless outputs take any size: a phone-sized window.
        wlr_output_set_custom_mode(wlr, wanted->width, wanted->height, cfg.refresh_mhz.value_or(0));
    }
    wlr_output_set_scale(wlr, static_cast<float>(cfg.scale));
    wlr_output_set_transform(wlr, static_cast<wl_output_transform>(cfg.transform));
    wlr_output_enable(wlr, true);
    if (!wlr_output_commit(wlr)) {
        wlr_log(WLR_ERROR, "output %s refused the configured mode; retrying with its defaults", wlr->name);
        wlr_output_rollback(wlr);
        wlr_output_enable(wlr, true);
        if (!wlr_output_commit(wlr)) wlr_log(WLR_ERROR, "output %s could not be enabled", wlr->name);
    }
}

Rect Output::box() const {
    const wlr_box* b = wlr_output_layout_get_box(server_.output_layout, wlr);
    return b ? Rect{b->x, b->y, b->width, b->height} : Rect{};
}

bool Output::arrange_layers() {
    const Rect output_box = box();
    if (background_) {
        wlr_scene_node_set_position(&background_->node, output_box.x, output_box.y);
        wlr_scene_rect_set_size(background_, output_box.width, output_box.height);
    }

    std::vector<LayerSurface*> surfaces;
    std::vector<LayerRequest> requests;
    for (auto& layer : server_.layer_surfaces) {
        if (layer->output() != this || !layer->wlr->added) continue;
        surfaces.push_back(layer.get());
        requests.push_back(layer->request());
    }
    const Rect local{0, 0, output_box.width, output_box.height};
    const LayerArrangement arrangement = cirrus::arrange_layers(local, requests);
    for (std::size_t i = 0; i < surfaces.size(); ++i) {
        Rect placed = arrangement.boxes[i];
        placed.x += output_box.x;
        placed.y += output_box.y;
        surfaces[i]->place(placed);
    }
    Rect area = arrangement.work_area;
    area.x += output_box.x;
    area.y += output_box.y;
    Rect fullscreen = arrangement.fullscreen_area;
    fullscreen.x += output_box.x;
    fullscreen.y += output_box.y;
    const bool changed = area != work_area_ || fullscreen != fullscreen_area_;
    work_area_ = area;
    fullscreen_area_ = fullscreen;
    return changed;
}

bool Output::set_power(bool on) {
    wlr_output_enable(wlr, on);
    if (!wlr_output_commit(wlr)) {
        // Some backends cannot (headless in wlroots 0.15 refuses to disable).
        wlr_output_rollback(wlr);
        wlr_log(WLR_INFO, "output %s: could not turn power %s", wlr->name, on ? "on" : "off");
        return false;
    }
    return true;
}

void Output::handle_frame() {
    // wlr_scene_output_commit renders only when the scene has damage; an idle
    // screen stops the frame loop here and costs nothing.
    if (scene_output) wlr_scene_output_commit(scene_output);
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (scene_output) wlr_scene_output_send_frame_done(scene_output, &now);
}

void Output::handle_commit(wlr_output_event_commit* event) {
    if (event->committed & WLR_OUTPUT_STATE_BUFFER) {
        ++server_.frames_committed;
        if (server_.lifecycle) server_.lifecycle->output_frame();
        // wlroots 0.15's headless backend reports "present" inside the commit,
        // before presentation-time feedback for that commit is registered, so
        // no client ever hears "presented" there. Report it again once the
        // commit is complete; DRM and nested backends present later by
        // themselves and need nothing.
        if (wlr_output_is_headless(wlr) && !present_idle_) {
            present_idle_ = wl_event_loop_add_idle(server_.loop, &Output::send_headless_present, this);
        }
    }
    if ((event->committed & WLR_OUTPUT_STATE_BUFFER) && x11_hints_frames_left_ > 0) set_x11_hints();
    constexpr uint32_t geometry_fields =
        WLR_OUTPUT_STATE_MODE | WLR_OUTPUT_STATE_SCALE | WLR_OUTPUT_STATE_TRANSFORM | WLR_OUTPUT_STATE_ENABLED;
    if (event->committed & geometry_fields) server_.arrange();
}

void Output::send_headless_present(void* data) {
    auto* self = static_cast<Output*>(data);
    self->present_idle_ = nullptr;
    wlr_output_event_present event{};
    event.commit_seq = self->wlr->commit_seq;
    event.presented = true;
    event.refresh = self->wlr->refresh > 0 ? static_cast<int>(1000000000000LL / self->wlr->refresh) : 0;
    wlr_output_send_present(self->wlr, &event);
}

void Output::set_x11_hints() {
    --x11_hints_frames_left_;
    const OutputConfig& cfg = server_.config.output;
    if (const auto done = set_x11_size_hints(wlr, *cfg.size, server_.parent_x_display)) {
        x11_hints_frames_left_ = 0;
        wlr_log(WLR_INFO, "output %s: nested window: %s", wlr->name, done->c_str());
    } else if (x11_hints_frames_left_ == 0) {
        wlr_log(WLR_ERROR, "output %s: the X window never showed on the display: no size hints", wlr->name);
    }
}

void Output::handle_mode() {
    // wlroots' wl backend takes a desktop's configure as the new mode. The
    // phone keeps its size: the window goes back to it at once (the desktop
    // then letterboxes the smaller window in its tile), so the layout never
    // stretches to the desktop's size. Not inside the backend's event.
    const Size wanted = *server_.config.output.size;
    if ((wlr->width == wanted.width && wlr->height == wanted.height) || fixed_size_idle_) return;
    fixed_size_idle_ = wl_event_loop_add_idle(server_.loop, &Output::restore_fixed_size, this);
}

void Output::restore_fixed_size(void* data) {
    auto* self = static_cast<Output*>(data);
    self->fixed_size_idle_ = nullptr;
    const Size wanted = *self->server_.config.output.size;
    if (self->wlr->width == wanted.width && self->wlr->height == wanted.height) return;
    wlr_output_set_custom_mode(self->wlr, wanted.width, wanted.height, 0);
    if (!wlr_output_commit(self->wlr)) {
        wlr_output_rollback(self->wlr);
        wlr_log(WLR_ERROR, "output %s: could not keep its %dx%d size", self->wlr->name, wanted.width, wanted.height);
    }
}

void Output::handle_destroy() {
    // Listeners go with this object; the server forgets it and re-arranges.
    server_.remove_output(this);
}

}  // namespace cirrus
