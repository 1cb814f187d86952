#include "shell_presence.hpp"

#include <gdk/gdkwayland.h>
#include <string>

namespace cirrus::webapp {
namespace {

constexpr const char* kFirstFrameHandler = "cirrusFirstFrame";

// Reports once the document is parsed (its blocking styles applied) and two
// animation frames have passed, i.e. the web process has produced a frame of
// the page's own content rather than of an empty document.
constexpr const char* kFirstFrameScript = R"JS(
(function () {
  const sink = window.webkit && window.webkit.messageHandlers && window.webkit.messageHandlers.cirrusFirstFrame;
  if (!sink) return;
  const report = () => requestAnimationFrame(() => requestAnimationFrame(() => sink.postMessage(0)));
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', report, { once: true });
  } else {
    report();
  }
})();
)JS";

std::uint32_t argb_of(const GdkRGBA& rgba) {
    auto channel = [](double v) { return static_cast<std::uint32_t>(v * 255.0 + 0.5) & 0xff; };
    return (channel(rgba.alpha) << 24) | (channel(rgba.red) << 16) | (channel(rgba.green) << 8) | channel(rgba.blue);
}

}  // namespace

void ShellPresence::add_first_frame_script(WebKitUserContentManager* content) {
    webkit_user_content_manager_register_script_message_handler(content, kFirstFrameHandler);
    WebKitUserScript* script = webkit_user_script_new(kFirstFrameScript, WEBKIT_USER_CONTENT_INJECT_TOP_FRAME,
                                                      WEBKIT_USER_SCRIPT_INJECT_AT_DOCUMENT_START, nullptr, nullptr);
    webkit_user_content_manager_add_script(content, script);
    webkit_user_script_unref(script);
}

ShellPresence::ShellPresence(CompositorLink& link, GtkWidget* window, WebKitWebView* view)
    : link_(link), window_(window), view_(view) {
    WebKitUserContentManager* content = webkit_web_view_get_user_content_manager(view_);
    g_signal_connect(content, "script-message-received::cirrusFirstFrame", G_CALLBACK(on_first_frame_message), this);
    // A page that never runs the script (scripts off, an error page) still
    // ends the splash once its load finishes.
    g_signal_connect(view_, "load-changed", G_CALLBACK(on_load_changed), this);
    g_signal_connect(view_, "notify::theme-color", G_CALLBACK(on_theme_color), this);
    g_signal_connect(view_, "show-notification", G_CALLBACK(on_show_notification), this);
}

ShellPresence::~ShellPresence() {
    if (clock_ && after_paint_) g_signal_handler_disconnect(clock_, after_paint_);
    g_signal_handlers_disconnect_by_data(view_, this);
    g_signal_handlers_disconnect_by_data(webkit_web_view_get_user_content_manager(view_), this);
}

void ShellPresence::on_first_frame_message(WebKitUserContentManager*, WebKitJavascriptResult*, gpointer data) {
    static_cast<ShellPresence*>(data)->content_ready();
}

void ShellPresence::on_load_changed(WebKitWebView*, WebKitLoadEvent event, gpointer data) {
    if (event == WEBKIT_LOAD_FINISHED) static_cast<ShellPresence*>(data)->content_ready();
}

void ShellPresence::content_ready() {
    if (reported_ || after_paint_ || !link_.present()) return;
    // The web process has its frame; the window shows it once GTK has painted
    // and committed: report after that paint, never before.
    clock_ = gtk_widget_get_frame_clock(window_);
    if (!clock_) return;
    after_paint_ = g_signal_connect(clock_, "after-paint", G_CALLBACK(on_after_paint), this);
    gtk_widget_queue_draw(GTK_WIDGET(view_));
}

void ShellPresence::on_after_paint(GdkFrameClock* clock, gpointer data) {
    auto* self = static_cast<ShellPresence*>(data);
    g_signal_handler_disconnect(clock, self->after_paint_);
    self->after_paint_ = 0;
    self->clock_ = nullptr;
    GdkWindow* gdk_window = gtk_widget_get_window(self->window_);
    if (!gdk_window || !GDK_IS_WAYLAND_WINDOW(gdk_window)) return;
    self->reported_ = true;
    self->link_.first_frame(gdk_wayland_window_get_wl_surface(gdk_window));
}

void ShellPresence::on_theme_color(GObject*, GParamSpec*, gpointer data) {
    auto* self = static_cast<ShellPresence*>(data);
    GdkRGBA rgba{};
    webkit_web_view_get_theme_color(self->view_, &rgba);
    // A page without <meta name="theme-color"> reports transparent: alpha 0
    // tells the compositor to fall back to the manifest's colour.
    self->link_.set_theme_color(argb_of(rgba));
}

gboolean ShellPresence::on_show_notification(WebKitWebView*, WebKitNotification* notification, gpointer data) {
    auto* self = static_cast<ShellPresence*>(data);
    if (!self->link_.present()) return FALSE;  // WebKit's own (desktop) notifications
    const auto tag = static_cast<std::uint32_t>(webkit_notification_get_id(notification));
    const char* title = webkit_notification_get_title(notification);
    const char* body = webkit_notification_get_body(notification);
    g_object_ref(notification);
    g_signal_connect(notification, "closed", G_CALLBACK(on_notification_closed), self);
    self->link_.notify(tag, title ? title : "", body ? body : "",
                       [notification]() { webkit_notification_clicked(notification); });
    // The reference goes when the page closes it or the banner is tapped;
    // WebKit emits "closed" for both.
    return TRUE;
}

void ShellPresence::on_notification_closed(WebKitNotification* notification, gpointer data) {
    auto* self = static_cast<ShellPresence*>(data);
    self->link_.withdraw_notification(static_cast<std::uint32_t>(webkit_notification_get_id(notification)));
    g_signal_handlers_disconnect_by_data(notification, self);
    g_object_unref(notification);
}

}  // namespace cirrus::webapp
