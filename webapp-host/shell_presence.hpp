// What an app shows of itself outside its window, through the compositor
// link: the moment its first frame of its own content is on screen (which
// ends the compositor's splash), its theme colour (the status bar tint), and
// its Web Notifications (the shell's banners).
#pragma once

#include <cstdint>
#include <gtk/gtk.h>
#include <webkit2/webkit2.h>

#include "compositor_link.hpp"

namespace cirrus::webapp {

class ShellPresence {
public:
    // Watches `view` inside `window`; the link outlives this object.
    ShellPresence(CompositorLink& link, GtkWidget* window, WebKitWebView* view);
    ~ShellPresence();
    ShellPresence(const ShellPresence&) = delete;
    ShellPresence& operator=(const ShellPresence&) = delete;

    // The user script and message handler that report the page's first
    // frame; added to the view's content manager before the first load.
    static void add_first_frame_script(WebKitUserContentManager* content);

    bool first_frame_reported() const { return reported_; }

private:
    static void on_first_frame_message(WebKitUserContentManager*, WebKitJavascriptResult*, gpointer data);
    static void on_load_changed(WebKitWebView*, WebKitLoadEvent event, gpointer data);
    static void on_after_paint(GdkFrameClock*, gpointer data);
    static void on_theme_color(GObject*, GParamSpec*, gpointer data);
    static gboolean on_show_notification(WebKitWebView*, WebKitNotification* notification, gpointer data);
    static void on_notification_closed(WebKitNotification* notification, gpointer data);
    void content_ready();

    CompositorLink& link_;
    GtkWidget* window_;
    WebKitWebView* view_;
    GdkFrameClock* clock_ = nullptr;
    gulong after_paint_ = 0;
    bool reported_ = false;
};

}  // namespace cirrus::webapp
