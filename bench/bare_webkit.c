/* bare_webkit: the M2/M3 peer (bench/m2_m3_webapps.py). A plain GTK3 window
 * with one WebKitGTK 4.1 view on the URL given on the command line, and
 * nothing else: default web context, default settings except that GL
 * compositing is off (as in cirrus-webapp-host: the reference phones have no
 * GPU), and no client-side title bar (like the host). No sandbox, data manager or scheme handlers of our own.
 *
 *   WAYLAND_DISPLAY=... bare_webkit file:///path/to/index.html
 *
 * For a fair comparison with the host, run it with NO_AT_BRIDGE=1,
 * GTK_A11Y=none and GSETTINGS_BACKEND=memory (the host sets these itself);
 * the benchmark does. */
#include <glib-unix.h>
#include <gtk/gtk.h>
#include <webkit2/webkit2.h>

#include <signal.h>
#include <stdio.h>

static void on_destroy(GtkWidget* widget, gpointer data) {
    (void)widget;
    (void)data;
    gtk_main_quit();
}

static gboolean on_signal(gpointer data) {
    (void)data;
    gtk_main_quit();
    return G_SOURCE_REMOVE;
}

int main(int argc, char** argv) {
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr,
                "usage: bare_webkit URL\n"
                "Shows URL in a bare 480x800 GTK3 window with a WebKitGTK 4.1 view.\n");
        return 2;
    }
    if (!gtk_init_check(&argc, &argv)) {
        fprintf(stderr, "bare_webkit: cannot open a display (is WAYLAND_DISPLAY set?)\n");
        return 5;
    }
    g_unix_signal_add(SIGTERM, on_signal, NULL);
    g_unix_signal_add(SIGINT, on_signal, NULL);

    GtkWidget* window = gtk_window_new(GTK_WINDOW_TOPLEVEL);
    gtk_window_set_default_size(GTK_WINDOW(window), 480, 800);
    gtk_window_set_title(GTK_WINDOW(window), "bare_webkit");
    gtk_window_set_decorated(GTK_WINDOW(window),
                             FALSE); /* no CSD title bar: the page at the same place as in the host */
    g_signal_connect(window, "destroy", G_CALLBACK(on_destroy), NULL);

    WebKitSettings* settings = webkit_settings_new();
    webkit_settings_set_hardware_acceleration_policy(settings, WEBKIT_HARDWARE_ACCELERATION_POLICY_NEVER);
    GtkWidget* view = webkit_web_view_new_with_settings(settings);
    g_object_unref(settings);
    gtk_container_add(GTK_CONTAINER(window), view);
    webkit_web_view_load_uri(WEBKIT_WEB_VIEW(view), argv[1]);
    gtk_widget_show_all(window);
    gtk_main();
    return 0;
}
