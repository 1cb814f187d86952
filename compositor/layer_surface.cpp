#include "layer_surface.hpp"

#include "output.hpp"
#include "server.hpp"
#include "seat.hpp"

namespace cirrus {

namespace {

SceneLayer scene_layer_for(Layer layer) {
    switch (layer) {
    case Layer::background:
        return SceneLayer::background;
    case Layer::bottom:
        return SceneLayer::bottom;
    case Layer::top:
        return SceneLayer::top;
    case Layer::overlay:
        return SceneLayer::overlay;
    }
    return SceneLayer::top;
}

}  // namespace

LayerSurface::LayerSurface(Server& server, wlr_layer_surface_v1* surface, Output* output)
    : wlr(surface), id(server.next_id()), server_(server), output_(output) {
    wlr->data = this;
    wl_client_get_credentials(wl_resource_get_client(wlr->resource), &pid, nullptr, nullptr);
    layer_ = static_cast<Layer>(wlr->pending.layer);
    tree_ = wlr_scene_tree_create(&server_.scene_layer(scene_layer_for(layer_))->node);
    if (!tree_ || !wlr_scene_subsurface_tree_create(&tree_->node, wlr->surface)) {
        wlr_log(WLR_ERROR, "out of memory for layer surface %s; closing it", wlr->namespace_);
        if (tree_) wlr_scene_node_destroy(&tree_->node);
        tree_ = nullptr;
    }
    map_.connect(&wlr->events.map, [this](void*) {
        server_.arrange();
        server_.seat->update_keyboard_focus();
    });
    unmap_.connect(&wlr->events.unmap, [this](void*) {
        if (server_.shutting_down) return;
        server_.seat->forget_layer(this);
        server_.arrange();
        server_.seat->update_keyboard_focus();
    });
    destroy_.connect(&wlr->events.destroy, [this](void*) { server_.remove_layer_surface(this); });
    commit_.connect(&wlr->surface->events.commit, [this](void*) { handle_commit(); });
    new_popup_.connect(&wlr->events.new_popup,
                       [this](void* data) { handle_new_popup(static_cast<wlr_xdg_popup*>(data)); });
}

LayerSurface::~LayerSurface() {
    if (tree_) wlr_scene_node_destroy(&tree_->node);
    wlr->data = nullptr;
}

LayerRequest LayerSurface::request() const {
    const auto& state = wlr->current;
    LayerRequest req;
    req.layer = static_cast<Layer>(state.layer);
    req.anchor = state.anchor;
    req.desired = {static_cast<int>(state.desired_width), static_cast<int>(state.desired_height)};
    req.margin = {static_cast<int>(state.margin.top), static_cast<int>(state.margin.right),
                  static_cast<int>(state.margin.bottom), static_cast<int>(state.margin.left)};
    req.exclusive_zone = state.exclusive_zone;
    return req;
}

void LayerSurface::place(Rect box) {
    box_ = box;
    if (tree_) wlr_scene_node_set_position(&tree_->node, box.x, box.y);
    const bool size_changed = static_cast<int>(wlr->current.actual_width) != box.width ||
                              static_cast<int>(wlr->current.actual_height) != box.height;
    if (size_changed || !wlr->configured) {
        wlr_layer_surface_v1_configure(wlr, static_cast<uint32_t>(box.width), static_cast<uint32_t>(box.height));
    }
}

void LayerSurface::set_hidden(bool hidden) {
    if (hidden == hidden_) return;
    hidden_ = hidden;
    if (tree_) wlr_scene_node_set_enabled(&tree_->node, !hidden);
}

bool LayerSurface::wants_exclusive_keyboard() const {
    return wlr->mapped && wlr->current.keyboard_interactive == ZWLR_LAYER_SURFACE_V1_KEYBOARD_INTERACTIVITY_EXCLUSIVE &&
           (wlr->current.layer == ZWLR_LAYER_SHELL_V1_LAYER_TOP ||
            wlr->current.layer == ZWLR_LAYER_SHELL_V1_LAYER_OVERLAY);
}

bool LayerSurface::accepts_keyboard() const {
    return wlr->mapped && wlr->current.keyboard_interactive != ZWLR_LAYER_SURFACE_V1_KEYBOARD_INTERACTIVITY_NONE;
}

void LayerSurface::handle_commit() {
    if (!output_) return;
    const uint32_t committed = wlr->current.committed;
    const Layer now = static_cast<Layer>(wlr->current.layer);
    if (tree_ && now != layer_) {
        layer_ = now;
        wlr_scene_node_reparent(&tree_->node, &server_.scene_layer(scene_layer_for(layer_))->node);
    }
    // The first commit (before any configure) and every change of what the
    // arrangement depends on re-run it; plain buffer commits do not.
    if (committed || !wlr->configured) {
        server_.arrange();
        server_.seat->update_keyboard_focus();
    }
}

void LayerSurface::handle_new_popup(wlr_xdg_popup* popup) {
    if (!tree_) return;
    wlr_scene_node* node = wlr_scene_xdg_surface_create(&tree_->node, popup->base);
    if (!node) {
        wlr_log(WLR_ERROR, "out of memory for a popup of layer surface %s", wlr->namespace_);
        return;
    }
    popup->base->data = node;
    if (output_) {
        // Popups stay on the output: the box is in the layer surface's space.
        const Rect constraint = popup_constraint_box(output_->box(), box_);
        wlr_box b{constraint.x, constraint.y, constraint.width, constraint.height};
        wlr_xdg_popup_unconstrain_from_box(popup, &b);
    }
}

}  // namespace cirrus
