#include "top_bar.hpp"

#include <cstdio>

#include "app_config.hpp"
#include "browser_policy.hpp"
#include "navigation_policy.hpp"

namespace cirrus::webapp {

namespace {

// Touch targets: 40 px high buttons (a fingertip), a 3 px progress line.
constexpr const char* kBarCss =
    "#cirrus-bar { min-height: 40px; padding: 0 4px; }\n"
    "#cirrus-bar button { min-height: 36px; min-width: 40px; padding: 0; background: none; border: none; "
    "box-shadow: none; }\n"
    "#cirrus-bar entry { min-height: 32px; margin: 4px 2px; }\n"
    "#cirrus-menu { background: #ffffff; border: 1px solid #c0c0c0; margin: 0 4px; }\n"
    "#cirrus-menu button { min-height: 44px; min-width: 220px; padding: 0 16px; }\n"
    "#cirrus-progress, #cirrus-progress trough, #cirrus-progress progress { min-height: 3px; }\n";

GtkWidget* bar_button(const char* icon, const char* fallback_label, const char* tooltip) {
    GtkIconTheme* theme = gtk_icon_theme_get_default();
    GtkWidget* button = (theme && gtk_icon_theme_has_icon(theme, icon))
                            ? gtk_button_new_from_icon_name(icon, GTK_ICON_SIZE_BUTTON)
                            : gtk_button_new_with_label(fallback_label);
    gtk_widget_set_tooltip_text(button, tooltip);
    gtk_button_set_relief(GTK_BUTTON(button), GTK_RELIEF_NONE);
    gtk_widget_set_can_focus(button, FALSE);
    return button;
}

// The bars' layout, and the app's theme colour behind them.
void style_bars(const std::optional<std::string>& theme_color) {
    std::string css = kBarCss;
    if (theme_color) {
        if (const auto rgb = parse_hex_colour(*theme_color)) {
            char colours[160];
            std::snprintf(colours, sizeof colours,
                          "#cirrus-bar { background: #%06x; }\n#cirrus-bar > button { color: #%06x; }\n", *rgb,
                          contrasting_text_colour(*rgb));
            css += colours;
        }
    }
    GtkCssProvider* provider = gtk_css_provider_new();
    gtk_css_provider_load_from_data(provider, css.c_str(), -1, nullptr);
    gtk_style_context_add_provider_for_screen(gdk_screen_get_default(), GTK_STYLE_PROVIDER(provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
    g_object_unref(provider);
}

void go_back(GtkButton*, gpointer view) { webkit_web_view_go_back(WEBKIT_WEB_VIEW(view)); }
void go_forward(GtkButton*, gpointer view) { webkit_web_view_go_forward(WEBKIT_WEB_VIEW(view)); }
void reload(GtkButton*, gpointer view) { webkit_web_view_reload(WEBKIT_WEB_VIEW(view)); }

void follow_back(WebKitWebView* view, WebKitLoadEvent event, gpointer button) {
    if (event == WEBKIT_LOAD_COMMITTED || event == WEBKIT_LOAD_FINISHED) {
        gtk_widget_set_sensitive(GTK_WIDGET(button), webkit_web_view_can_go_back(view));
    }
}

}  // namespace

GtkWidget* make_minimal_bar(WebKitWebView* view, const std::optional<std::string>& theme_color) {
    GtkWidget* bar = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 0);
    gtk_widget_set_name(bar, "cirrus-bar");
    GtkWidget* back = bar_button("go-previous-symbolic", "<", "Back");
    GtkWidget* again = bar_button("view-refresh-symbolic", "R", "Reload");
    g_signal_connect(back, "clicked", G_CALLBACK(go_back), view);
    g_signal_connect(again, "clicked", G_CALLBACK(reload), view);
    // The button goes with the view's window: the handler cannot outlive it.
    g_signal_connect_object(view, "load-changed", G_CALLBACK(follow_back), back, G_CONNECT_DEFAULT);
    gtk_box_pack_start(GTK_BOX(bar), back, FALSE, FALSE, 0);
    gtk_box_pack_start(GTK_BOX(bar), again, FALSE, FALSE, 0);
    gtk_widget_set_sensitive(back, FALSE);
    style_bars(theme_color);
    return bar;
}

BrowserBar::BrowserBar(WebKitWebView* view, Hooks hooks, const std::optional<std::string>& theme_color)
    : view_(WEBKIT_WEB_VIEW(g_object_ref(view))), hooks_(std::move(hooks)) {
    box_ = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
    GtkWidget* bar = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 0);
    gtk_widget_set_name(bar, "cirrus-bar");
    back_ = bar_button("go-previous-symbolic", "<", "Back");
    forward_ = bar_button("go-next-symbolic", ">", "Forward");
    g_signal_connect(back_, "clicked", G_CALLBACK(go_back), view_);
    g_signal_connect(forward_, "clicked", G_CALLBACK(go_forward), view_);
    gtk_widget_set_sensitive(back_, FALSE);
    gtk_widget_set_sensitive(forward_, FALSE);

    address_ = gtk_entry_new();
    gtk_entry_set_input_purpose(GTK_ENTRY(address_), GTK_INPUT_PURPOSE_URL);
    gtk_entry_set_input_hints(GTK_ENTRY(address_), GTK_INPUT_HINT_NO_SPELLCHECK);
    gtk_entry_set_placeholder_text(GTK_ENTRY(address_), "Address / 地址");
    gtk_widget_set_tooltip_text(address_, "Address");
    g_signal_connect(address_, "activate", G_CALLBACK(handle_address), this);
    // A tap on the field selects the whole address, so that typing replaces
    // it (as phone browsers do). The entry's own gesture places the cursor
    // as the tap ends, so the selection is made after that, from the main
    // loop; focus from elsewhere (no tap) selects at once.
    g_signal_connect(address_, "focus-in-event", G_CALLBACK(+[](GtkWidget* entry, GdkEvent*, gpointer) -> gboolean {
                         g_object_set_data(G_OBJECT(entry), "cirrus-select-all", GINT_TO_POINTER(1));
                         gtk_editable_select_region(GTK_EDITABLE(entry), 0, -1);
                         return FALSE;
                     }),
                     nullptr);
    g_signal_connect(address_, "event", G_CALLBACK(+[](GtkWidget* entry, GdkEvent* event, gpointer) -> gboolean {
                         const GdkEventType type = gdk_event_get_event_type(event);
                         if ((type == GDK_BUTTON_RELEASE || type == GDK_TOUCH_END) &&
                             g_object_get_data(G_OBJECT(entry), "cirrus-select-all")) {
                             g_object_set_data(G_OBJECT(entry), "cirrus-select-all", nullptr);
                             g_idle_add_full(
                                 G_PRIORITY_DEFAULT_IDLE,
                                 +[](gpointer data) -> gboolean {
                                     gtk_editable_select_region(GTK_EDITABLE(data), 0, -1);
                                     return G_SOURCE_REMOVE;
                                 },
                                 g_object_ref(entry), g_object_unref);
                         }
                         return FALSE;
                     }),
                     nullptr);
    // The menu: a panel over the top right of the page (the host puts it in
    // the page's overlay), one 44 px entry per line, closed by any entry, the
    // menu button, a touch on the page or a new load.
    menu_button_ = bar_button("open-menu-symbolic", "⋮", "Menu");
    g_signal_connect(menu_button_, "clicked", G_CALLBACK(handle_menu_clicked), this);
    menu_ = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
    gtk_widget_set_name(menu_, "cirrus-menu");
    gtk_widget_set_halign(menu_, GTK_ALIGN_END);
    gtk_widget_set_valign(menu_, GTK_ALIGN_START);
    gtk_widget_set_no_show_all(menu_, TRUE);
    // It goes with the page's overlay, which may go before the bar.
    g_object_add_weak_pointer(G_OBJECT(menu_), reinterpret_cast<gpointer*>(&menu_));
    add_entry_ = gtk_button_new_with_label("Add to Home Screen");
    open_entry_ = gtk_button_new_with_label("Open in the installed app");
    GtkWidget* reload_entry = gtk_button_new_with_label("Reload");
    copy_entry_ = gtk_button_new_with_label("Copy link");
    struct Entry {
        GtkWidget* button;
        void (*action)(BrowserBar&);
    };
    static const auto add = +[](BrowserBar& bar) {
        if (bar.hooks_.add_to_home) bar.hooks_.add_to_home(bar.current_uri());
    };
    static const auto open = +[](BrowserBar& bar) {
        if (bar.hooks_.open_in_app) bar.hooks_.open_in_app(bar.current_uri());
    };
    static const auto again = +[](BrowserBar& bar) { webkit_web_view_reload(bar.view_); };
    static const auto copy = +[](BrowserBar& bar) {
        const std::string uri = bar.current_uri();
        gtk_clipboard_set_text(gtk_widget_get_clipboard(bar.menu_, GDK_SELECTION_CLIPBOARD), uri.c_str(),
                               static_cast<gint>(uri.size()));
    };
    for (const Entry& entry :
         {Entry{add_entry_, add}, Entry{open_entry_, open}, Entry{reload_entry, again}, Entry{copy_entry_, copy}}) {
        gtk_button_set_relief(GTK_BUTTON(entry.button), GTK_RELIEF_NONE);
        gtk_widget_set_can_focus(entry.button, FALSE);
        gtk_widget_set_halign(gtk_bin_get_child(GTK_BIN(entry.button)), GTK_ALIGN_START);
        g_object_set_data(G_OBJECT(entry.button), "cirrus-action", reinterpret_cast<gpointer>(entry.action));
        g_signal_connect(
            entry.button, "clicked", G_CALLBACK(+[](GtkButton* button, gpointer data) {
                auto& self = *static_cast<BrowserBar*>(data);
                self.close_menu();
                reinterpret_cast<void (*)(BrowserBar&)>(g_object_get_data(G_OBJECT(button), "cirrus-action"))(self);
            }),
            this);
        gtk_box_pack_start(GTK_BOX(menu_), entry.button, FALSE, FALSE, 0);
        gtk_widget_show_all(entry.button);
    }

    gtk_box_pack_start(GTK_BOX(bar), back_, FALSE, FALSE, 0);
    gtk_box_pack_start(GTK_BOX(bar), forward_, FALSE, FALSE, 0);
    gtk_box_pack_start(GTK_BOX(bar), address_, TRUE, TRUE, 0);
    gtk_box_pack_start(GTK_BOX(bar), menu_button_, FALSE, FALSE, 0);

    progress_ = gtk_progress_bar_new();
    gtk_widget_set_name(progress_, "cirrus-progress");
    gtk_widget_set_no_show_all(progress_, TRUE);
    gtk_box_pack_start(GTK_BOX(box_), bar, FALSE, FALSE, 0);
    gtk_box_pack_start(GTK_BOX(box_), progress_, FALSE, FALSE, 0);
    style_bars(theme_color);

    g_signal_connect(view_, "notify::uri", G_CALLBACK(handle_uri), this);
    g_signal_connect(view_, "notify::estimated-load-progress", G_CALLBACK(handle_progress), this);
    g_signal_connect(view_, "load-changed", G_CALLBACK(handle_load_changed), this);
    g_signal_connect(view_, "button-press-event", G_CALLBACK(handle_page_touched), this);
    g_signal_connect(view_, "touch-event", G_CALLBACK(handle_page_touched), this);
    // The bar's widgets go with the window, which may be before this object:
    // from then on the view's signals must not reach them.
    g_signal_connect(box_, "destroy", G_CALLBACK(+[](GtkWidget*, gpointer data) {
                         auto& self = *static_cast<BrowserBar*>(data);
                         g_signal_handlers_disconnect_by_data(self.view_, data);
                         self.box_ = nullptr;
                     }),
                     this);
}

BrowserBar::~BrowserBar() {
    if (menu_) g_object_remove_weak_pointer(G_OBJECT(menu_), reinterpret_cast<gpointer*>(&menu_));
    if (box_) {
        g_signal_handlers_disconnect_by_data(box_, this);
        g_signal_handlers_disconnect_by_data(view_, this);
    }
    g_object_unref(view_);
}

std::string BrowserBar::current_uri() const {
    const char* uri = webkit_web_view_get_uri(view_);
    return uri ? uri : "";
}

// The page's address, unless the user is typing one.
void BrowserBar::show_uri() {
    if (gtk_widget_has_focus(address_)) return;
    const std::string uri = current_uri();
    // The browser's own start page has no address worth showing.
    gtk_entry_set_text(GTK_ENTRY(address_), is_web_url(uri) ? uri.c_str() : "");
}

void BrowserBar::update_history_buttons() {
    gtk_widget_set_sensitive(back_, webkit_web_view_can_go_back(view_));
    gtk_widget_set_sensitive(forward_, webkit_web_view_can_go_forward(view_));
}

void BrowserBar::handle_uri(GObject*, GParamSpec*, gpointer data) { static_cast<BrowserBar*>(data)->show_uri(); }

void BrowserBar::handle_progress(GObject*, GParamSpec*, gpointer data) {
    auto& self = *static_cast<BrowserBar*>(data);
    const double progress = webkit_web_view_get_estimated_load_progress(self.view_);
    gtk_progress_bar_set_fraction(GTK_PROGRESS_BAR(self.progress_), progress);
}

void BrowserBar::handle_load_changed(WebKitWebView*, WebKitLoadEvent event, gpointer data) {
    auto& self = *static_cast<BrowserBar*>(data);
    if (event == WEBKIT_LOAD_STARTED) {
        self.close_menu();
        gtk_progress_bar_set_fraction(GTK_PROGRESS_BAR(self.progress_), 0.0);
        gtk_widget_show(self.progress_);
    } else if (event == WEBKIT_LOAD_FINISHED) {
        gtk_widget_hide(self.progress_);
    }
    if (event == WEBKIT_LOAD_COMMITTED || event == WEBKIT_LOAD_FINISHED) {
        self.update_history_buttons();
        self.show_uri();
    }
}

gboolean BrowserBar::handle_page_touched(GtkWidget*, GdkEvent*, gpointer data) {
    static_cast<BrowserBar*>(data)->close_menu();
    return FALSE;  // the page has the touch as well
}

void BrowserBar::handle_address(GtkEntry* entry, gpointer data) {
    auto& self = *static_cast<BrowserBar*>(data);
    const AddressOutcome outcome = address_to_url(gtk_entry_get_text(entry));
    if (!outcome.url) {
        if (self.hooks_.notice) self.hooks_.notice(outcome.refusal);
        return;
    }
    // The page takes the focus back, so the field shows the page's address
    // from here on (and the keyboard goes down).
    gtk_widget_grab_focus(GTK_WIDGET(self.view_));
    webkit_web_view_load_uri(self.view_, outcome.url->c_str());
}

// The entries the page in view allows, decided as the menu opens (the
// registry is read then, not on every navigation).
void BrowserBar::handle_menu_clicked(GtkButton*, gpointer data) {
    auto& self = *static_cast<BrowserBar*>(data);
    if (gtk_widget_get_visible(self.menu_)) {
        self.close_menu();
        return;
    }
    const std::string uri = self.current_uri();
    const std::optional<std::string> app = self.hooks_.installed_app ? self.hooks_.installed_app(uri) : std::nullopt;
    const BrowserMenuState state = browser_menu_state(uri, app, static_cast<bool>(self.hooks_.add_to_home));
    gtk_widget_set_visible(self.add_entry_, state.add_to_home);
    gtk_widget_set_sensitive(self.open_entry_, state.open_in_app && self.hooks_.open_in_app);
    gtk_widget_set_sensitive(self.copy_entry_, state.copy_link);
    gtk_widget_show(self.menu_);
}

void BrowserBar::close_menu() {
    if (menu_) gtk_widget_hide(menu_);
}

}  // namespace cirrus::webapp
