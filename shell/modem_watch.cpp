#include "modem_watch.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace cirrus::shell {

namespace {

constexpr const char* kModemManager = "org.freedesktop.ModemManager1";
constexpr const char* kManagerPath = "/org/freedesktop/ModemManager1";
constexpr const char* kModemInterface = "org.freedesktop.ModemManager1.Modem";

// The manager's objects (each a reference), released however we leave.
struct ObjectList {
    GList* list;
    ~ObjectList() { g_list_free_full(list, g_object_unref); }
};

ModemReading read_modem(GDBusProxy* proxy) {
    ModemReading m;
    // A property missing or of another type keeps its default (no service,
    // no technology, no signal).
    if (const VariantRef v(g_dbus_proxy_get_cached_property(proxy, "State"));
        v && g_variant_is_of_type(v.get(), G_VARIANT_TYPE_INT32)) {
        m.state = g_variant_get_int32(v.get());
    }
    if (const VariantRef v(g_dbus_proxy_get_cached_property(proxy, "AccessTechnologies"));
        v && g_variant_is_of_type(v.get(), G_VARIANT_TYPE_UINT32)) {
        m.access_technologies = g_variant_get_uint32(v.get());
    }
    if (const VariantRef v(g_dbus_proxy_get_cached_property(proxy, "SignalQuality"));
        v && g_variant_is_of_type(v.get(), G_VARIANT_TYPE("(ub)"))) {
        guint32 percent = 0;
        gboolean recent = FALSE;
        // "Recent" false means the modem has not refreshed it lately; the
        // value is still its best knowledge, so it is shown.
        g_variant_get(v.get(), "(ub)", &percent, &recent);
        m.signal_percent = percent;
    }
    return m;
}

// Modem/2 before Modem/10: shorter paths first, then by text.
bool path_order(const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() < b.size() : a < b;
}

void make_manager(GDBusConnection* bus, GCancellable* cancellable, gpointer watch) {
    g_dbus_object_manager_client_new(bus, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_DO_NOT_AUTO_START, kModemManager,
                                     kManagerPath, nullptr, nullptr, nullptr, cancellable,
                                     ServiceWatch::finished<g_dbus_object_manager_client_new_finish>, watch);
}

// Modems coming and going, interfaces added to or removed from one, and
// property changes: each is a reason to look again (a few modems at most,
// so reading them all is simpler than patching).
const ServiceWatch::Recipe kModemRecipe{
    kModemManager,
    "ModemManager's object manager",
    make_manager,
    {"object-added", "object-removed", "interface-added", "interface-removed", "interface-proxy-properties-changed"}};

}  // namespace

ModemWatch::ModemWatch(GDBusConnection* bus, Changed on_change)
    : on_change_(std::move(on_change)), watch_(bus, kModemRecipe, [this](GObject* manager) { update(manager); }) {}

void ModemWatch::update(GObject* manager) {
    if (!manager) {
        report(std::nullopt);
        return;
    }
    guard_callback("ModemManager modems", [&] {
        std::vector<std::pair<std::string, ModemReading>> found;
        const ObjectList objects{g_dbus_object_manager_get_objects(G_DBUS_OBJECT_MANAGER(manager))};
        for (GList* l = objects.list; l; l = l->next) {
            auto* object = G_DBUS_OBJECT(l->data);
            const GObjectRef<GDBusInterface> modem(g_dbus_object_get_interface(object, kModemInterface));
            if (!modem || !G_IS_DBUS_PROXY(modem.get())) continue;
            found.emplace_back(g_dbus_object_get_object_path(object), read_modem(G_DBUS_PROXY(modem.get())));
        }
        std::sort(found.begin(), found.end(),
                  [](const auto& a, const auto& b) { return path_order(a.first, b.first); });
        std::vector<ModemReading> modems;
        for (auto& [path, reading] : found) modems.push_back(reading);
        report(primary_modem(modems));
    });
}

void ModemWatch::report(std::optional<ModemReading> modem) {
    // Property changes that leave the primary modem as it was (another
    // modem's, or a property the bar does not show) are not passed on.
    if (has_reported_ && modem == reported_) return;
    has_reported_ = true;
    reported_ = modem;
    guard_callback("ModemManager modem", [&] {
        if (on_change_) on_change_(modem);
    });
}

}  // namespace cirrus::shell
