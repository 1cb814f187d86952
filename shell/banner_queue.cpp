#include "banner_queue.hpp"

#include <algorithm>

#include "lock_model.hpp"  // ease_out

namespace cirrus::shell {

namespace {

// now - start in ms, 0 when `now` is (a little) before `start`: event and
// frame times come from the compositor, phase starts from our own reading
// of the same clock, and either may be the earlier one.
std::uint32_t elapsed(std::uint32_t now, std::uint32_t start) {
    const auto d = static_cast<std::int32_t>(now - start);
    return d > 0 ? static_cast<std::uint32_t>(d) : 0;
}

}  // namespace

std::vector<std::uint32_t> BannerQueue::push(Notice notice, std::uint32_t now) {
    std::vector<std::uint32_t> dropped;
    if (!current_) {
        current_ = std::move(notice);
        phase_ = Phase::entering;
        phase_start_ = now;
        return dropped;
    }
    waiting_.push_front(std::move(notice));
    while (waiting_.size() > timing_.max_waiting) {
        dropped.push_back(waiting_.back().id);
        waiting_.pop_back();
    }
    return dropped;
}

void BannerQueue::show_next(std::uint32_t now) {
    current_.reset();
    phase_ = Phase::hidden;
    held_ = false;
    if (waiting_.empty()) return;
    current_ = std::move(waiting_.front());
    waiting_.pop_front();
    phase_ = Phase::entering;
    phase_start_ = now;
}

void BannerQueue::leave(std::uint32_t now, double from_fraction) {
    phase_ = Phase::leaving;
    phase_start_ = now;
    leave_from_ = std::clamp(from_fraction, 0.0, 1.0);
    held_ = false;
}

bool BannerQueue::remove(std::uint32_t id, std::uint32_t now) {
    if (current_ && current_->id == id) {
        if (phase_ != Phase::leaving) leave(now, visible_fraction(now));
        return true;
    }
    const auto it = std::find_if(waiting_.begin(), waiting_.end(), [id](const Notice& n) { return n.id == id; });
    if (it == waiting_.end()) return false;
    waiting_.erase(it);
    return true;
}

std::optional<Notice> BannerQueue::take_current(std::uint32_t now) {
    if (!current_) return std::nullopt;
    std::optional<Notice> taken = std::move(current_);
    show_next(now);
    return taken;
}

std::optional<std::uint32_t> BannerQueue::dismiss_current(std::uint32_t now, double from_fraction) {
    if (!current_ || phase_ == Phase::leaving) return std::nullopt;
    leave(now, from_fraction);
    return current_->id;
}

void BannerQueue::hold(bool held, std::uint32_t now) {
    if (held == held_) return;
    held_ = held;
    if (held || phase_ != Phase::showing) return;
    const std::uint32_t at_least = now + timing_.after_touch_ms;
    if (static_cast<std::int32_t>(at_least - show_until_) > 0) show_until_ = at_least;
}

std::vector<Notice> BannerQueue::take_all() {
    std::vector<Notice> all;
    // One on its way up was dismissed, closed or seen to its end: not news.
    if (current_ && phase_ != Phase::leaving) all.push_back(std::move(*current_));
    for (Notice& n : waiting_) all.push_back(std::move(n));
    current_.reset();
    waiting_.clear();
    phase_ = Phase::hidden;
    held_ = false;
    // The compositor numbers notifications in the order they came.
    std::sort(all.begin(), all.end(), [](const Notice& a, const Notice& b) { return a.id > b.id; });
    return all;
}

void BannerQueue::advance(std::uint32_t now) {
    for (;;) {
        switch (phase_) {
        case Phase::hidden:
            return;
        case Phase::entering:
            if (elapsed(now, phase_start_) < timing_.slide_ms) return;
            phase_ = Phase::showing;
            phase_start_ += timing_.slide_ms;
            show_until_ = phase_start_ + timing_.show_ms;
            break;
        case Phase::showing:
            if (held_ || static_cast<std::int32_t>(now - show_until_) < 0) return;
            leave(now, 1);
            return;  // the slide up starts now
        case Phase::leaving:
            if (elapsed(now, phase_start_) < static_cast<std::uint32_t>(timing_.slide_ms * leave_from_)) return;
            show_next(now);
            return;
        }
    }
}

double BannerQueue::visible_fraction(std::uint32_t now) const {
    switch (phase_) {
    case Phase::hidden:
        return 0;
    case Phase::entering:
        if (timing_.slide_ms == 0) return 1;
        return ease_out(static_cast<double>(elapsed(now, phase_start_)) / timing_.slide_ms);
    case Phase::showing:
        return 1;
    case Phase::leaving: {
        const double duration = timing_.slide_ms * leave_from_;
        if (duration <= 0) return 0;
        return leave_from_ * (1 - ease_out(elapsed(now, phase_start_) / duration));
    }
    }
    return 0;
}

bool BannerQueue::is_animating(std::uint32_t) const { return phase_ == Phase::entering || phase_ == Phase::leaving; }

std::optional<std::uint32_t> BannerQueue::ms_until_leave(std::uint32_t now) const {
    if (phase_ != Phase::showing || held_) return std::nullopt;
    const auto d = static_cast<std::int32_t>(show_until_ - now);
    return d > 0 ? static_cast<std::uint32_t>(d) : 0;
}

BannerGeometry compute_banner_geometry(int width) {
    BannerGeometry g;
    g.width = width;
    constexpr int margin = 8;
    g.surface_height = kBannerCardHeight + 2 * margin;
    // A phone-width card; centred on a wide (landscape) screen.
    const int card_width = std::min(width - 2 * margin, 560);
    g.card = {(width - card_width) / 2, margin, card_width, kBannerCardHeight};
    g.icon = {g.card.x + 12, g.card.y + 16, 40, 40};
    const int text_x = g.icon.x + g.icon.width + 12;
    const int text_width = std::max(0, g.card.x + g.card.width - 12 - text_x);
    g.app = {text_x, g.card.y + 7, text_width, 16};
    g.title = {text_x, g.card.y + 25, text_width, 20};
    g.body = {text_x, g.card.y + 46, text_width, 18};
    return g;
}

}  // namespace cirrus::shell
