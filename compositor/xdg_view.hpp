// An xdg-shell toplevel: an app window or a dialog. The window policy decides
// where it goes; this class applies that to the scene and the protocol.
#pragma once

#include <string>
#include <sys/types.h>

#include "geometry.hpp"
#include "listener.hpp"
#include "window_policy.hpp"
#include "wlr.hpp"

namespace cirrus {

class Server;

class XdgView {
public:
    XdgView(Server& server, wlr_xdg_surface* surface);
    ~XdgView();
    XdgView(const XdgView&) = delete;
    XdgView& operator=(const XdgView&) = delete;

    void apply(const ViewPlacement& placement);
    void set_focused(bool focused);
    void close();
    bool mapped() const { return xdg->mapped; }
    Rect box() const { return box_; }
    bool visible() const { return visible_; }
    std::string app_id() const;
    std::string title() const;
    XdgView* parent() const;
    wlr_surface* surface() const { return xdg->surface; }
    wlr_scene_node* scene_node() const { return node_; }

    wlr_xdg_surface* const xdg;
    const ViewId id;
    pid_t pid = 0;

    // What the client drew: its xdg window geometry's size (smaller than
    // box() for a window that keeps its own size, e.g. a fixed-size nested phone).
    Size geometry_size() const;

private:
    void handle_map();
    void handle_unmap();
    void handle_commit();
    // Enters the policy (on map, and again when the parent changes).
    void enter_policy();
    void handle_request_fullscreen();

    Server& server_;
    wlr_scene_node* node_ = nullptr;
    wlr_foreign_toplevel_handle_v1* handle_ = nullptr;
    Rect box_;
    bool visible_ = false;
    bool focused_ = false;
    Size last_geometry_;
    Size requested_size_;            // the last size we configured: configure only on change
    bool wants_fullscreen_ = false;  // what the client last asked (xdg_toplevel.set_fullscreen)
    bool fullscreen_ = false;        // the state last configured

    Listener map_;
    Listener unmap_;
    Listener destroy_;
    Listener commit_;
    Listener set_title_;
    Listener set_app_id_;
    Listener set_parent_;
    Listener request_fullscreen_;
    Listener request_maximize_;
    Listener request_minimize_;
    Listener handle_activate_;
    Listener handle_close_;
};

// Places an xdg popup in its parent's scene tree and keeps it on the output.
void attach_xdg_popup(Server& server, wlr_xdg_popup* popup);

}  // namespace cirrus
