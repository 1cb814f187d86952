// One display: its mode from the config, its frame loop (which renders only
// when the scene has damage), its background and its layer surfaces.
#pragma once

#include "listener.hpp"
#include "geometry.hpp"
#include "wlr.hpp"

namespace cirrus {

class Server;

class Output {
public:
    Output(Server& server, wlr_output* output);
    ~Output();
    Output(const Output&) = delete;
    Output& operator=(const Output&) = delete;

    // Layout box in logical pixels.
    Rect box() const;
    Rect work_area() const { return work_area_; }
    Rect fullscreen_area() const { return fullscreen_area_; }  // see LayerArrangement
    // Places this output's layer surfaces; returns true when the work area
    // or the fullscreen area changed.
    bool arrange_layers();
    bool set_power(bool on);  // false if the backend cannot

    wlr_output* const wlr;
    wlr_scene_output* scene_output = nullptr;

private:
    void apply_config();
    void handle_frame();
    void handle_commit(wlr_output_event_commit* event);
    void handle_destroy();
    static void send_headless_present(void* data);
    // A nested window with a fixed size (--fixed-size) that the desktop
    // configured to another size: back to the configured size.
    void handle_mode();
    void set_x11_hints();
    static void restore_fixed_size(void* data);

    Server& server_;
    wlr_scene_rect* background_ = nullptr;
    Rect work_area_;
    Rect fullscreen_area_;
    wl_event_source* present_idle_ = nullptr;
    wl_event_source* fixed_size_idle_ = nullptr;
    // A fixed-size window on X11: frames left in which to set its size
    // hints (nested_window.hpp), counted down until they are set.
    static constexpr int kX11HintsFrames = 30;
    int x11_hints_frames_left_ = 0;
    Listener frame_;
    Listener commit_;
    Listener mode_;
    Listener destroy_;
};

}  // namespace cirrus
