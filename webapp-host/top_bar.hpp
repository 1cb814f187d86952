// The host's own bars above the page: the slim bar of minimal-ui and
// browser apps (back, reload), and the system browser's chrome (back,
// forward, the address field, a menu, a progress line while a page loads).
// What the browser's chrome decides is browser_policy; this is its GTK half.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <gtk/gtk.h>
#include <webkit2/webkit2.h>

namespace cirrus::webapp {

// minimal-ui and browser apps: back and reload, in the app's theme colour
// when it has one ("#rrggbb"). The back button follows the view's history.
GtkWidget* make_minimal_bar(WebKitWebView* view, const std::optional<std::string>& theme_color);

// The system browser app's chrome. The menu's runtime entries are the
// host's to perform (the compositor decides where a link goes and whether
// an app is installed); an entry whose hook is empty is not offered.
class BrowserBar {
public:
    struct Hooks {
        // The installed app (not the browser) whose scope holds the URI.
        std::function<std::optional<std::string>(const std::string& uri)> installed_app;
        std::function<void(const std::string& uri)> open_in_app;
        std::function<void(const std::string& uri)> add_to_home;
        // A short message over the page (an address that cannot open).
        std::function<void(const std::string& text)> notice;
    };

    BrowserBar(WebKitWebView* view, Hooks hooks, const std::optional<std::string>& theme_color);
    ~BrowserBar();
    BrowserBar(const BrowserBar&) = delete;
    BrowserBar& operator=(const BrowserBar&) = delete;

    GtkWidget* widget() const { return box_; }
    // The menu's panel, for the host to float over the top of the page.
    GtkWidget* menu() const { return menu_; }

private:
    static void handle_uri(GObject*, GParamSpec*, gpointer data);
    static void handle_progress(GObject*, GParamSpec*, gpointer data);
    static void handle_load_changed(WebKitWebView*, WebKitLoadEvent event, gpointer data);
    static void handle_address(GtkEntry*, gpointer data);
    static void handle_menu_clicked(GtkButton*, gpointer data);
    static gboolean handle_page_touched(GtkWidget*, GdkEvent*, gpointer data);
    void close_menu();
    void show_uri();
    void update_history_buttons();
    std::string current_uri() const;

    WebKitWebView* view_;  // a reference is held: signals are disconnected before it goes
    Hooks hooks_;
    GtkWidget* box_ = nullptr;
    GtkWidget* back_ = nullptr;
    GtkWidget* forward_ = nullptr;
    GtkWidget* address_ = nullptr;
    GtkWidget* menu_button_ = nullptr;
    GtkWidget* menu_ = nullptr;
    GtkWidget* add_entry_ = nullptr;
    GtkWidget* open_entry_ = nullptr;
    GtkWidget* copy_entry_ = nullptr;
    GtkWidget* progress_ = nullptr;
};

}  // namespace cirrus::webapp
