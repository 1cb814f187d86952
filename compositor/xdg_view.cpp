#include "xdg_view.hpp"

#include "common/protocol_text.hpp"
#include "output.hpp"
#include "server.hpp"
#include "supervisor.hpp"

namespace cirrus {

namespace {

// Phone windows are tiled on every edge: clients then draw no shadows and no
// resize borders.
constexpr uint32_t kAllEdges = WLR_EDGE_TOP | WLR_EDGE_BOTTOM | WLR_EDGE_LEFT | WLR_EDGE_RIGHT;

}  // namespace

XdgView::XdgView(Server& server, wlr_xdg_surface* surface) : xdg(surface), id(server.next_id()), server_(server) {
    wl_client_get_credentials(wl_resource_get_client(xdg->resource), &pid, nullptr, nullptr);
    node_ = wlr_scene_xdg_surface_create(&server_.scene_layer(SceneLayer::apps)->node, xdg);
    if (!node_) {
        wlr_log(WLR_ERROR, "out of memory for a window of pid %d", static_cast<int>(pid));
    } else {
        node_->data = this;
        wlr_scene_node_set_enabled(node_, false);
    }
    // Popups find their parent's tree through the xdg surface's data.
    xdg->data = node_;

    map_.connect(&xdg->events.map, [this](void*) { handle_map(); });
    unmap_.connect(&xdg->events.unmap, [this](void*) { handle_unmap(); });
    destroy_.connect(&xdg->events.destroy, [this](void*) { server_.remove_view(this); });
    commit_.connect(&xdg->surface->events.commit, [this](void*) { handle_commit(); });
    set_title_.connect(&xdg->toplevel->events.set_title, [this](void*) {
        if (handle_) wlr_foreign_toplevel_handle_v1_set_title(handle_, title().c_str());
        if (xdg->mapped) server_.view_title_changed(*this);
    });
    set_app_id_.connect(&xdg->toplevel->events.set_app_id, [this](void*) {
        if (handle_) wlr_foreign_toplevel_handle_v1_set_app_id(handle_, app_id().c_str());
    });
    set_parent_.connect(&xdg->toplevel->events.set_parent, [this](void*) {
        // A window that gains or loses a parent becomes a dialog or an app:
        // the simplest correct move is to re-enter the policy.
        if (!xdg->mapped) return;
        server_.policy.unmap(id);
        enter_policy();
        server_.apply_window_policy();
    });
    // Fullscreen is granted to apps (a web app whose manifest says display:
    // fullscreen asks for it); a phone has no other window states to grant:
    // answer each request with a configure that restates the current one, as
    // the protocol asks.
    auto restate = [this](void*) { wlr_xdg_surface_schedule_configure(xdg); };
    request_fullscreen_.connect(&xdg->toplevel->events.request_fullscreen,
                                [this](void*) { handle_request_fullscreen(); });
    request_maximize_.connect(&xdg->toplevel->events.request_maximize, restate);
    request_minimize_.connect(&xdg->toplevel->events.request_minimize, [](void*) {});

    // new_surface comes with the client's initial commit (wlroots 0.15), so this
    // first configure already carries the phone's size and states.
    wlr_xdg_toplevel_set_tiled(xdg, kAllEdges);
    wlr_xdg_toplevel_set_maximized(xdg, true);
    // A client that asked for fullscreen before its first commit (GTK does,
    // for a window made fullscreen before it is shown) was not heard by the
    // listener above: its request is in `requested`.
    wants_fullscreen_ = xdg->toplevel->requested.fullscreen;
    const bool fullscreen = wants_fullscreen_ && !xdg->toplevel->parent;
    const Rect fullscreen_area = server_.policy.fullscreen_area();
    const Rect area = fullscreen && !fullscreen_area.empty() ? fullscreen_area : server_.policy.work_area();
    if (fullscreen) {
        fullscreen_ = true;
        wlr_xdg_toplevel_set_fullscreen(xdg, true);
    }
    if (!xdg->toplevel->parent && !area.empty()) {
        requested_size_ = area.size();
        wlr_xdg_toplevel_set_size(xdg, static_cast<uint32_t>(area.width), static_cast<uint32_t>(area.height));
    }
}

XdgView::~XdgView() {
    if (handle_) wlr_foreign_toplevel_handle_v1_destroy(handle_);
    xdg->data = nullptr;
    // The scene node belongs to the xdg surface and goes with it.
}

std::string XdgView::app_id() const { return xdg->toplevel && xdg->toplevel->app_id ? xdg->toplevel->app_id : ""; }

std::string XdgView::title() const {
    // Forwarded to the shell and foreign-toplevel clients: bounded here, where
    // a client's title enters.
    if (!xdg->toplevel || !xdg->toplevel->title) return "";
    return protocol_text::bounded(xdg->toplevel->title, protocol_text::kMaxTitleBytes);
}

XdgView* XdgView::parent() const {
    wlr_xdg_surface* p = xdg->toplevel ? xdg->toplevel->parent : nullptr;
    return p ? server_.view_for_surface(p->surface) : nullptr;
}

Size XdgView::geometry_size() const {
    wlr_box geo{};
    wlr_xdg_surface_get_geometry(xdg, &geo);
    return {geo.width, geo.height};
}

void XdgView::enter_policy() {
    const XdgView* p = parent();
    server_.policy.map(id, p ? std::optional<ViewId>(p->id) : std::nullopt, geometry_size());
    server_.policy.set_fullscreen(id, wants_fullscreen_);
}

void XdgView::handle_request_fullscreen() {
    wants_fullscreen_ = xdg->toplevel->requested.fullscreen;
    if (xdg->mapped) {
        server_.policy.set_fullscreen(id, wants_fullscreen_);
        server_.apply_window_policy();
    }
    // Granted or not, the request is answered with a configure.
    wlr_xdg_surface_schedule_configure(xdg);
}

void XdgView::handle_map() {
    last_geometry_ = geometry_size();
    enter_policy();
    server_.supervisor->window_mapped(*this);

    if (server_.foreign_toplevels) {
        handle_ = wlr_foreign_toplevel_handle_v1_create(server_.foreign_toplevels);
    }
    if (handle_) {
        wlr_foreign_toplevel_handle_v1_set_title(handle_, title().c_str());
        wlr_foreign_toplevel_handle_v1_set_app_id(handle_, app_id().c_str());
        if (Output* out = server_.primary_output()) wlr_foreign_toplevel_handle_v1_output_enter(handle_, out->wlr);
        handle_activate_.connect(&handle_->events.request_activate, [this](void*) { server_.focus_view(this); });
        handle_close_.connect(&handle_->events.request_close, [this](void*) { close(); });
    }
    server_.apply_window_policy();
}

void XdgView::handle_unmap() {
    handle_activate_.disconnect();
    handle_close_.disconnect();
    if (handle_) {
        wlr_foreign_toplevel_handle_v1_destroy(handle_);
        handle_ = nullptr;
    }
    server_.policy.unmap(id);
    visible_ = false;
    focused_ = false;
    if (node_) wlr_scene_node_set_enabled(node_, false);
    server_.apply_window_policy();
}

void XdgView::handle_commit() {
    if (!xdg->mapped) return;
    // The window's own geometry offset can change with any commit, and a
    // dialog's size is its own choice: keep both in step with the policy.
    const Size now = geometry_size();
    if (now != last_geometry_) {
        last_geometry_ = now;
        server_.policy.set_preferred_size(id, now);
        server_.apply_window_policy();
    } else if (node_) {
        wlr_box geo{};
        wlr_xdg_surface_get_geometry(xdg, &geo);
        wlr_scene_node_set_position(node_, box_.x - geo.x, box_.y - geo.y);
    }
}

void XdgView::apply(const ViewPlacement& placement) {
    box_ = placement.box;
    visible_ = placement.visible;
    if (placement.fullscreen != fullscreen_) {
        fullscreen_ = placement.fullscreen;
        wlr_xdg_toplevel_set_fullscreen(xdg, fullscreen_);
    }
    // wlroots sends a configure for every set_size, even an unchanged one;
    // each costs the client a repaint, so only real changes go out.
    if (placement.resize && box_.size() != requested_size_) {
        requested_size_ = box_.size();
        wlr_xdg_toplevel_set_size(xdg, static_cast<uint32_t>(box_.width), static_cast<uint32_t>(box_.height));
    }
    if (node_) {
        wlr_box geo{};
        wlr_xdg_surface_get_geometry(xdg, &geo);
        wlr_scene_node_set_position(node_, box_.x - geo.x, box_.y - geo.y);
        wlr_scene_node_set_enabled(node_, visible_);
        wlr_scene_node_raise_to_top(node_);  // called in stacking order
    }
}

void XdgView::set_focused(bool focused) {
    if (focused == focused_) return;
    focused_ = focused;
    wlr_xdg_toplevel_set_activated(xdg, focused);
    if (handle_) wlr_foreign_toplevel_handle_v1_set_activated(handle_, focused);
}

void XdgView::close() { wlr_xdg_toplevel_send_close(xdg); }

void attach_xdg_popup(Server& server, wlr_xdg_popup* popup) {
    if (!popup->parent || !wlr_surface_is_xdg_surface(popup->parent)) return;  // layer popups: see LayerSurface
    wlr_xdg_surface* parent = wlr_xdg_surface_from_wlr_surface(popup->parent);
    auto* parent_node = static_cast<wlr_scene_node*>(parent->data);
    if (!parent_node) return;
    wlr_scene_node* node = wlr_scene_xdg_surface_create(parent_node, popup->base);
    if (!node) {
        wlr_log(WLR_ERROR, "out of memory for a popup");
        return;
    }
    popup->base->data = node;

    // Walk up to the toplevel whose space the constraint box is expressed in.
    wlr_xdg_surface* root = parent;
    while (root->role == WLR_XDG_SURFACE_ROLE_POPUP && root->popup->parent &&
           wlr_surface_is_xdg_surface(root->popup->parent)) {
        root = wlr_xdg_surface_from_wlr_surface(root->popup->parent);
    }
    Output* output = server.primary_output();
    auto* root_node = static_cast<wlr_scene_node*>(root->data);
    if (!output || !root_node) return;
    int lx = 0, ly = 0;
    wlr_scene_node_coords(root_node, &lx, &ly);
    const Rect constraint = popup_constraint_box(output->box(), {lx, ly, 0, 0});
    wlr_box b{constraint.x, constraint.y, constraint.width, constraint.height};
    wlr_xdg_popup_unconstrain_from_box(popup, &b);
}

}  // namespace cirrus
