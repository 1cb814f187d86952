// The status bar over a fullscreen app: hidden while the app is in front,
// shown for kStatusBarRevealMs after a swipe down from the top edge. The app
// keeps its size throughout; only the bar's scene node is shown or hidden.
#include "layer_surface.hpp"
#include "server.hpp"

namespace cirrus {

void Server::update_bars() {
    if (shutting_down) return;
    const bool hide = policy.status_bar_hidden();
    for (auto& layer : layer_surfaces) layer->set_hidden(hide && yields_to_fullscreen(layer->request()));
}

void Server::reveal_status_bar() {
    if (!policy.reveal_status_bar()) return;
    if (!reveal_timer_) reveal_timer_ = wl_event_loop_add_timer(loop, &Server::handle_reveal_timer, this);
    if (!reveal_timer_) {
        // Without a timer the bar could never hide again: do not show it.
        wlr_log(WLR_ERROR, "cannot create the status bar timer; the bar stays hidden");
        policy.end_status_bar_reveal();
        return;
    }
    // A swipe during a reveal starts the time over.
    wl_event_source_timer_update(reveal_timer_, kStatusBarRevealMs);
    update_bars();
}

int Server::handle_reveal_timer(void* data) {
    auto* self = static_cast<Server*>(data);
    self->policy.end_status_bar_reveal();
    self->update_bars();
    return 0;
}

}  // namespace cirrus
