// libFuzzer target: the shell's handling of cirrus_shell_v1 events with
// hostile strings. The compositor bounds what it forwards
// (common/protocol_text.hpp), but the shell must not trust that: an empty,
// invalid-UTF-8, huge, control-character-filled, right-to-left or
// combining-mark-only app id, title, notification or permission name must
// never crash it, trip a sanitizer or hang it.
//
// The input is a sequence of events, each a kind byte and then its
// arguments (strings as a 16-bit little-endian length and that many bytes,
// integers as 1 or 4 bytes). They go to ShellEvents, the code the shell's
// Wayland listeners call, and on to the shell's own models wired as
// shell/main.cpp wires them (BannerQueue, PermissionQueue, RecentApps,
// SwitcherModel, the lock screen's list). After each `done`, each passing of
// time and each user answer, what the overlays would show is drawn with the
// shell's drawing functions (overlay_cards, overlay_drawing, home_drawing)
// into a small Cairo image.
#include <cairo.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "shell/banner_queue.hpp"
#include "shell/home_drawing.hpp"
#include "shell/lock_model.hpp"
#include "shell/overlay_cards.hpp"
#include "shell/overlay_drawing.hpp"
#include "shell/permission_model.hpp"
#include "shell/shell_events.hpp"
#include "shell/switcher_model.hpp"
#include "shell/theme.hpp"

namespace {

using namespace cirrus::shell;

// A phone's output, small enough to keep each run fast.
constexpr int kWidth = 360;
constexpr int kHeight = 720;
// cirrus_shell_v1.gesture (protocols/cirrus/cirrus-shell-unstable-v1.xml).
constexpr std::uint32_t kGestureHome = 0, kGestureSwitcher = 1, kGestureHomeKey = 2;

class Reader {
public:
    Reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
    bool empty() const { return at_ >= size_; }
    std::uint8_t byte() { return at_ < size_ ? data_[at_++] : 0; }
    std::uint32_t u32() {
        std::uint32_t value = 0;
        for (int i = 0; i < 4; ++i) value |= static_cast<std::uint32_t>(byte()) << (8 * i);
        return value;
    }
    // A notification or request id: few values, so that closes and answers
    // meet the ids that were sent.
    std::uint32_t id() { return byte() % 8; }
    std::string text() {
        std::size_t length = byte();
        length |= static_cast<std::size_t>(byte()) << 8;
        length = std::min(length, size_ - std::min(at_, size_));
        std::string s(reinterpret_cast<const char*>(data_ + at_), length);
        at_ += length;
        // libwayland delivers strings NUL-terminated: what follows a NUL is never seen.
        s.resize(std::min(s.size(), s.find('\0')));
        return s;
    }

private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t at_ = 0;
};

// The shell's objects as main.cpp wires them to the events, minus the
// surfaces: what each overlay would show is drawn by draw_all().
class Shell : public ShellEvents {
public:
    Shell() : ShellEvents([](const char*, const std::function<void()>& body) { body(); }) {
        // An exception escaping a handler would end the shell (the real
        // guard quits): here it escapes to libFuzzer, which reports it.
        on_notification = [this](std::uint32_t id, const std::string& app, const std::string& title,
                                 const std::string& body) {
            Notice n{id, app, title, body};
            if (locked_) add_to_lock_list(std::move(n));
            else banners_.push(std::move(n), now_);
        };
        on_notification_closed = [this](std::uint32_t id) {
            std::erase_if(lock_list_, [id](const Notice& n) { return n.id == id; });
            banners_.remove(id, now_);
        };
        on_permission_request = [this](std::uint32_t request_id, const std::string& app,
                                       const std::string& permission) {
            questions_.push({request_id, app, permission});
        };
        on_state = [this](const CompositorState& state) {
            std::vector<std::string> running;
            for (const auto& [app, app_state] : state.apps) running.push_back(app);
            recent_.update(state.front_app, running);
            if (switcher_open_) {
                if (state.locked || !state.front_app.empty()) {
                    switcher_open_ = false;
                } else {
                    std::vector<std::string> gone;
                    for (std::size_t i = 0; i < switcher_.size(); ++i) {
                        if (!state.apps.count(switcher_.app(i))) gone.push_back(switcher_.app(i));
                    }
                    for (const std::string& app : gone) switcher_.remove(app, now_);
                }
            }
            if (state.locked && !locked_) {
                // The lock screen takes every banner, shown and waiting.
                for (Notice& n : banners_.take_all()) add_to_lock_list(std::move(n));
            }
            locked_ = state.locked;
            (void)text_colour_on(status_bar_background(state.front_app.empty() ? 0 : state.front_theme));
        };
        on_gesture = [this](std::uint32_t gesture) {
            if (gesture == kGestureHome || gesture == kGestureHomeKey) {
                switcher_open_ = false;
            } else if (gesture == kGestureSwitcher && !switcher_open_ && !recent_.order().empty()) {
                switcher_.open(recent_.order());
                switcher_.set_geometry(compute_switcher_geometry(kWidth, kHeight));
                switcher_open_ = true;
            }
        };
        on_launch_failed = [](const std::string&, const std::string&) {};
        on_link_state = [](std::uint32_t) {};
    }

    void pass_time(std::uint32_t ms) {
        now_ += ms;
        banners_.advance(now_);
    }
    void user_taps_banner() { (void)banners_.take_current(now_); }
    void user_answers_prompt() {
        if (!locked_) (void)questions_.answer_front();
    }

    // Every overlay that is up, drawn as the shell draws it.
    void draw_all() {
        cairo_surface_t* screen = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, kWidth, kHeight);
        cairo_t* cr = cairo_create(screen);
        if (locked_) draw_lock_list(cr);
        if (const Notice* n = banners_.current(); n && !locked_) draw_banner(cr, *n);
        if (const PermissionQuestion* q = questions_.front(); q && !locked_) {
            // The shell names the app by its registry label, else its id:
            // with no registry here, the id (as hostile as any label).
            draw_permission_dialog(cr, compute_prompt_geometry(kWidth, kHeight),
                                   permission_sentence(q->app, q->permission), nullptr);
        }
        if (switcher_open_) draw_switcher_headers(cr);
        cairo_destroy(cr);
        cairo_surface_destroy(screen);
    }

private:
    void answer_not_asked(std::uint32_t, const std::string&, const std::string&) override {}

    void add_to_lock_list(Notice notice) {
        for (const Notice& n : lock_list_) {
            if (n.id == notice.id) return;
        }
        const auto at =
            std::find_if(lock_list_.begin(), lock_list_.end(), [&](const Notice& n) { return n.id < notice.id; });
        lock_list_.insert(at, std::move(notice));
    }

    void draw_banner(cairo_t* cr, const Notice& n) {
        const BannerGeometry g = compute_banner_geometry(kWidth);
        SurfacePtr card = new_logical_surface(g.width, g.surface_height, 1);
        if (!card) std::abort();
        SurfacePtr icon = make_placeholder_icon(n.app, g.icon.width);
        cairo_t* card_cr = cairo_create(card.get());
        draw_banner_card(card_cr, g, 1, n, n.app, icon.get());
        cairo_destroy(card_cr);
        paint_at(cr, card.get(), 0, 0, 1);
    }

    void draw_lock_list(cairo_t* cr) {
        const LockGeometry g = compute_lock_geometry(kWidth, kHeight);
        const int rows = std::min<int>(static_cast<int>(lock_list_.size()), g.rows_that_fit());
        for (int i = 0; i < rows; ++i) {
            const Notice& n = lock_list_[static_cast<std::size_t>(i)];
            draw_lock_notification_row(cr, g.row(i), n.app, n);
        }
    }

    void draw_switcher_headers(cairo_t* cr) {
        const SwitcherGeometry& g = switcher_.geometry();
        for (std::size_t i = 0; i < switcher_.size(); ++i) {
            const std::string& app = switcher_.app(i);
            // Switcher::name_of: the document title, else the app's name.
            const auto title = state().titles.find(app);
            const std::string name = title != state().titles.end() && !title->second.empty() ? title->second : app;
            SurfacePtr icon = make_placeholder_icon(name, g.icon_size);
            const int label_width = std::max(1, g.card_width - 8 - g.icon_size);
            SurfacePtr label = new_logical_surface(label_width, g.header_height, 1);
            if (!label) std::abort();
            cairo_t* label_cr = cairo_create(label.get());
            draw_switcher_card_name(label_cr, name, label_width, g.header_height, g.name_font_px);
            cairo_destroy(label_cr);
            const SwitcherModel::CardView view = switcher_.card(i, now_);
            paint_at(cr, label.get(), view.frame.x, view.frame.y - g.header_height, 1);
        }
    }

    BannerQueue banners_;
    std::vector<Notice> lock_list_;
    PermissionQueue questions_;
    RecentApps recent_;
    SwitcherModel switcher_;
    bool switcher_open_ = false;
    bool locked_ = false;
    std::uint32_t now_ = 1000;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Reader in(data, size);
    Shell shell;
    // A restarted shell is sent the open notifications and questions as it
    // binds, before its handlers are set: they wait for deliver_held().
    bool delivered = false;
    // Bounds the work per input (each draw lays out every string shown).
    int draws = 0;
    const auto draw = [&] {
        if (++draws <= 64) shell.draw_all();
    };
    while (!in.empty()) {
        switch (in.byte() % 14) {
        case 0: {
            std::string app = in.text();
            shell.app_state(app, static_cast<AppState>(in.byte() % 3));
            break;
        }
        case 1: {
            std::string app = in.text();
            shell.app_title(app, in.text());
            break;
        }
        case 2: {
            std::string app = in.text();
            shell.launch_failed(app, in.text());
            break;
        }
        case 3: {
            std::string app = in.text();
            shell.front_app(app, in.u32());
            break;
        }
        case 4: {
            const std::uint32_t id = in.id();
            std::string app = in.text();
            std::string title = in.text();
            shell.notification(id, app, title, in.text());
            break;
        }
        case 5:
            shell.notification_closed(in.id());
            break;
        case 6: {
            const std::uint32_t id = in.id();
            std::string app = in.text();
            shell.permission_request(id, app, in.text());
            break;
        }
        case 7:
            shell.locked(in.byte() & 1);
            break;
        case 8:
            shell.gesture(in.byte() % 5);
            break;
        case 9:
            shell.link_state(in.u32());
            break;
        case 10:
            shell.done();
            draw();
            break;
        case 11:
            if (!delivered) shell.deliver_held();
            delivered = true;
            break;
        case 12:
            shell.pass_time(in.byte() * 40u);
            draw();
            break;
        case 13:
            if (in.byte() & 1) shell.user_taps_banner();
            else shell.user_answers_prompt();
            draw();
            break;
        }
    }
    if (!delivered) shell.deliver_held();
    shell.done();
    shell.draw_all();
    return 0;
}
