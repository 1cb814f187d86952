// A wlr-layer-shell surface: its scene tree in the layer it asked for, its
// placement from the output's arrangement, its popups.
#pragma once

#include <sys/types.h>

#include "geometry.hpp"
#include "layer_layout.hpp"
#include "listener.hpp"
#include "window_policy.hpp"
#include "wlr.hpp"

namespace cirrus {

class Server;
class Output;

class LayerSurface {
public:
    LayerSurface(Server& server, wlr_layer_surface_v1* surface, Output* output);
    ~LayerSurface();
    LayerSurface(const LayerSurface&) = delete;
    LayerSurface& operator=(const LayerSurface&) = delete;

    Output* output() const { return output_; }
    void forget_output() { output_ = nullptr; }
    LayerRequest request() const;
    // Moves the surface to its box (layout coordinates) and configures its size.
    void place(Rect box);
    Rect box() const { return box_; }
    bool mapped() const { return wlr->mapped; }
    bool wants_exclusive_keyboard() const;
    bool accepts_keyboard() const;
    // Hidden (not drawn, not hit by input) while a fullscreen app covers it:
    // the status bar, see yields_to_fullscreen.
    void set_hidden(bool hidden);
    bool hidden() const { return hidden_; }

    wlr_layer_surface_v1* const wlr;
    const ViewId id;
    pid_t pid = 0;

private:
    void handle_commit();
    void handle_new_popup(wlr_xdg_popup* popup);

    Server& server_;
    Output* output_;
    wlr_scene_tree* tree_ = nullptr;
    Layer layer_ = Layer::top;
    Rect box_;
    bool hidden_ = false;
    Listener map_;
    Listener unmap_;
    Listener destroy_;
    Listener commit_;
    Listener new_popup_;
};

}  // namespace cirrus
