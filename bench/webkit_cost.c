/* webkit_cost: the probe of bench/app_cost.py (issue 16, per-app cost). One
 * GTK3 process (a "UI process", like cirrus-webapp-host) with --apps N
 * undecorated 480x800 windows, each app set up as the host sets up one app:
 * its own WebKitWebsiteDataManager (own data and cache folders under
 * $XDG_DATA_HOME/webkit-cost/appI), its own WebKitWebContext (so its own web
 * process), WebKit's bubblewrap sandbox when bwrap exists, GL compositing off,
 * the cache model asked for. It answers what the host cannot be switched to
 * without a code change: which cache model costs what, and what sharing one
 * UI process between apps would save and share (the network process?).
 *
 *   webkit_cost [--apps N] [--cache-model document-viewer|web-browser]
 *               [--memory-limit MIB [--conservative F] [--strict F] [--poll S]]
 *               URL
 *
 * Every window loads URL. Each title change is printed on stdout as
 * "title I TEXT" (I: the app's index), and once every window's process has
 * started "pids I WEB_PID" per window, so that the bench can read each
 * process's memory. Runs until SIGTERM/SIGINT. */
#include <glib-unix.h>
#include <gtk/gtk.h>
#include <webkit2/webkit2.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_APPS 8

typedef struct {
    int index;
    WebKitWebView* view;
} App;

static gboolean on_signal(gpointer data) {
    (void)data;
    gtk_main_quit();
    return G_SOURCE_REMOVE;
}

static void on_title(WebKitWebView* view, GParamSpec* pspec, gpointer data) {
    (void)pspec;
    const App* app = data;
    const char* title = webkit_web_view_get_title(view);
    printf("title %d %s\n", app->index, title ? title : "");
    fflush(stdout);
}

static void on_terminated(WebKitWebView* view, WebKitWebProcessTerminationReason reason, gpointer data) {
    (void)view;
    const App* app = data;
    printf("terminated %d %s\n", app->index,
           reason == WEBKIT_WEB_PROCESS_EXCEEDED_MEMORY_LIMIT ? "memory-limit"
           : reason == WEBKIT_WEB_PROCESS_CRASHED             ? "crashed"
                                                              : "api");
    fflush(stdout);
}

static int usage(void) {
    fprintf(stderr,
            "usage: webkit_cost [--apps N] [--cache-model document-viewer|web-browser]\n"
            "                   [--memory-limit MIB [--conservative F] [--strict F] [--poll S]] URL\n");
    return 2;
}

int main(int argc, char** argv) {
    int apps = 1;
    WebKitCacheModel cache_model = WEBKIT_CACHE_MODEL_DOCUMENT_VIEWER;
    unsigned memory_limit = 0;
    double conservative = 0, strict = 0, poll = 0;
    const char* url = NULL;
    for (int i = 1; i < argc; i++) {
        const char* a = argv[i];
        const char* v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--apps") == 0 && v) {
            apps = atoi(v);
            i++;
        } else if (strcmp(a, "--cache-model") == 0 && v) {
            if (strcmp(v, "document-viewer") == 0) cache_model = WEBKIT_CACHE_MODEL_DOCUMENT_VIEWER;
            else if (strcmp(v, "web-browser") == 0) cache_model = WEBKIT_CACHE_MODEL_WEB_BROWSER;
            else return usage();
            i++;
        } else if (strcmp(a, "--memory-limit") == 0 && v) {
            memory_limit = (unsigned)atoi(v);
            i++;
        } else if (strcmp(a, "--conservative") == 0 && v) {
            conservative = atof(v);
            i++;
        } else if (strcmp(a, "--strict") == 0 && v) {
            strict = atof(v);
            i++;
        } else if (strcmp(a, "--poll") == 0 && v) {
            poll = atof(v);
            i++;
        } else if (a[0] != '-' && !url) {
            url = a;
        } else {
            return usage();
        }
    }
    if (!url || apps < 1 || apps > MAX_APPS) return usage();

    /* What the host sets for itself (host.cpp: quiet_session_services,
     * no_gl_display). */
    g_setenv("NO_AT_BRIDGE", "1", FALSE);
    g_setenv("GTK_A11Y", "none", FALSE);
    g_setenv("GSETTINGS_BACKEND", "memory", FALSE);
    g_setenv("GIO_USE_VFS", "local", FALSE);
    g_setenv("WEBKIT_DISABLE_COMPOSITING_MODE", "1", FALSE);
    if (!gtk_init_check(&argc, &argv)) {
        fprintf(stderr, "webkit_cost: cannot open a display (is WAYLAND_DISPLAY set?)\n");
        return 5;
    }
    g_unix_signal_add(SIGTERM, on_signal, NULL);
    g_unix_signal_add(SIGINT, on_signal, NULL);

    WebKitMemoryPressureSettings* pressure = NULL;
    if (memory_limit) {
        pressure = webkit_memory_pressure_settings_new();
        webkit_memory_pressure_settings_set_memory_limit(pressure, memory_limit);
        if (conservative > 0) webkit_memory_pressure_settings_set_conservative_threshold(pressure, conservative);
        if (strict > 0) webkit_memory_pressure_settings_set_strict_threshold(pressure, strict);
        if (poll > 0) webkit_memory_pressure_settings_set_poll_interval(pressure, poll);
        /* Network processes: before any data manager exists. */
        webkit_website_data_manager_set_memory_pressure_settings(pressure);
    }
    gchar* bwrap = g_find_program_in_path("bwrap");

    static App all[MAX_APPS];
    for (int i = 0; i < apps; i++) {
        gchar* base = g_strdup_printf("%s/webkit-cost/app%d", g_get_user_data_dir(), i);
        gchar* data = g_build_filename(base, "data", NULL);
        gchar* cache = g_build_filename(base, "cache", NULL);
        WebKitWebsiteDataManager* manager =
            webkit_website_data_manager_new("base-data-directory", data, "base-cache-directory", cache, NULL);
        WebKitWebContext* context = pressure ? g_object_new(WEBKIT_TYPE_WEB_CONTEXT, "website-data-manager", manager,
                                                            "memory-pressure-settings", pressure, NULL)
                                             : webkit_web_context_new_with_website_data_manager(manager);
        g_object_unref(manager);
        webkit_web_context_set_cache_model(context, cache_model);
        if (bwrap) webkit_web_context_set_sandbox_enabled(context, TRUE);
        g_free(base);
        g_free(data);
        g_free(cache);

        WebKitSettings* settings = webkit_settings_new();
        webkit_settings_set_hardware_acceleration_policy(settings, WEBKIT_HARDWARE_ACCELERATION_POLICY_NEVER);
        GtkWidget* view =
            GTK_WIDGET(g_object_new(WEBKIT_TYPE_WEB_VIEW, "web-context", context, "settings", settings, NULL));
        g_object_unref(settings);
        g_object_unref(context); /* the view keeps it */

        GtkWidget* window = gtk_window_new(GTK_WINDOW_TOPLEVEL);
        gtk_window_set_default_size(GTK_WINDOW(window), 480, 800);
        gtk_window_set_decorated(GTK_WINDOW(window), FALSE);
        gtk_window_set_title(GTK_WINDOW(window), "webkit_cost");
        gtk_container_add(GTK_CONTAINER(window), view);
        all[i].index = i;
        all[i].view = WEBKIT_WEB_VIEW(view);
        g_signal_connect(view, "notify::title", G_CALLBACK(on_title), &all[i]);
        g_signal_connect(view, "web-process-terminated", G_CALLBACK(on_terminated), &all[i]);
        webkit_web_view_load_uri(WEBKIT_WEB_VIEW(view), url);
        gtk_widget_show_all(window);
    }
    g_free(bwrap);
    if (pressure) webkit_memory_pressure_settings_free(pressure);
    gtk_main();
    return 0;
}
