// cirrus-test-system-services: stands in for UPower and ModemManager on a
// test's private bus ($DBUS_SYSTEM_BUS_ADDRESS), with just what the shell's
// status bar reads:
//   /org/freedesktop/UPower/devices/DisplayDevice  org.freedesktop.UPower.Device
//       IsPresent b, Type u, Percentage d, State u
//   /org/freedesktop/ModemManager1                 org.freedesktop.DBus.ObjectManager
//   /org/freedesktop/ModemManager1/Modem/N         org.freedesktop.ModemManager1.Modem
//       State i, AccessTechnologies u, SignalQuality (ub)
// The objects are exported at start; the names are owned on command, so a
// test can set the first values before a service "appears". Commands are
// JSON lines on stdin; each answers with a JSON line on stdout once its
// signals are on the bus:
//   {"cmd":"own","name":"upower"|"modemmanager"}        -> {"event":"owned",...}
//   {"cmd":"release","name":...}                         -> {"event":"released",...}
//   {"cmd":"upower","IsPresent":true,"Type":2,"Percentage":30.0,"State":1}  (any subset;
//       PropertiesChanged with what changed)                -> {"event":"done",...}
//   {"cmd":"add_modem","index":0,"State":8,"AccessTechnologies":32,"SignalQuality":75}
//       (InterfacesAdded)                                   -> {"event":"done",...}
//   {"cmd":"modem","index":0, any of the three}  (PropertiesChanged) -> {"event":"done",...}
//   {"cmd":"remove_modem","index":0}  (InterfacesRemoved)   -> {"event":"done",...}
//   {"cmd":"wait_client","pid":N}  answers once process N is connected to
//       the bus (so that a service can appear after it)      -> {"event":"done",...}
// Errors answer {"event":"error","message":...}. It exits when stdin closes.
#include <gio/gio.h>
#include <glib-unix.h>

#include <cstdint>
#include <map>
#include <string>

#include <unistd.h>

#include "common.hpp"

using cirrus_test::emit;
using cirrus_test::json;

namespace cirrus_test::system_services {

constexpr const char* kUpowerName = "org.freedesktop.UPower";
constexpr const char* kUpowerPath = "/org/freedesktop/UPower/devices/DisplayDevice";
constexpr const char* kUpowerInterface = "org.freedesktop.UPower.Device";
constexpr const char* kMmName = "org.freedesktop.ModemManager1";
constexpr const char* kMmPath = "/org/freedesktop/ModemManager1";
constexpr const char* kModemInterface = "org.freedesktop.ModemManager1.Modem";

constexpr const char* kUpowerXml = R"xml(<node>
  <interface name="org.freedesktop.UPower.Device">
    <property name="IsPresent" type="b" access="read"/>
    <property name="Type" type="u" access="read"/>
    <property name="Percentage" type="d" access="read"/>
    <property name="State" type="u" access="read"/>
  </interface>
</node>)xml";

constexpr const char* kModemXml = R"xml(<node>
  <interface name="org.freedesktop.ModemManager1.Modem">
    <property name="State" type="i" access="read"/>
    <property name="AccessTechnologies" type="u" access="read"/>
    <property name="SignalQuality" type="(ub)" access="read"/>
  </interface>
</node>)xml";

constexpr const char* kObjectManagerXml = R"xml(<node>
  <interface name="org.freedesktop.DBus.ObjectManager">
    <method name="GetManagedObjects">
      <arg name="objects" type="a{oa{sa{sv}}}" direction="out"/>
    </method>
    <signal name="InterfacesAdded">
      <arg name="object_path" type="o"/>
      <arg name="interfaces_and_properties" type="a{sa{sv}}"/>
    </signal>
    <signal name="InterfacesRemoved">
      <arg name="object_path" type="o"/>
      <arg name="interfaces" type="as"/>
    </signal>
  </interface>
</node>)xml";

struct Modem {
    std::int32_t state = 8;
    std::uint32_t access_technologies = 0;
    std::uint32_t signal = 0;
    guint registration = 0;
};

struct Services {
    GDBusConnection* bus = nullptr;
    GMainLoop* loop = nullptr;
    GDBusNodeInfo* upower_info = nullptr;
    GDBusNodeInfo* modem_info = nullptr;
    GDBusNodeInfo* manager_info = nullptr;
    guint upower_registration = 0;
    guint manager_registration = 0;
    bool is_present = true;
    std::uint32_t type = 2;
    double percentage = 50;
    std::uint32_t upower_state = 2;
    std::map<int, Modem> modems;
    std::map<std::string, guint> owners;  // "upower"/"modemmanager" -> g_bus_own_name id
    std::string input;
};

std::string modem_path(int index) { return std::string(kMmPath) + "/Modem/" + std::to_string(index); }

GVariant* upower_property(const Services& s, const std::string& name) {
    if (name == "IsPresent") return g_variant_new_boolean(s.is_present);
    if (name == "Type") return g_variant_new_uint32(s.type);
    if (name == "Percentage") return g_variant_new_double(s.percentage);
    if (name == "State") return g_variant_new_uint32(s.upower_state);
    return nullptr;
}

GVariant* modem_property(const Modem& m, const std::string& name) {
    if (name == "State") return g_variant_new_int32(m.state);
    if (name == "AccessTechnologies") return g_variant_new_uint32(m.access_technologies);
    if (name == "SignalQuality") return g_variant_new("(ub)", m.signal, TRUE);
    return nullptr;
}

// a{sv} of every property of a modem.
GVariant* modem_properties(const Modem& m) {
    GVariantBuilder b;
    g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
    for (const char* name : {"State", "AccessTechnologies", "SignalQuality"}) {
        g_variant_builder_add(&b, "{sv}", name, modem_property(m, name));
    }
    return g_variant_builder_end(&b);
}

GVariant* get_upower_property(GDBusConnection*, const gchar*, const gchar*, const gchar*, const gchar* name,
                              GError** error, gpointer data) {
    GVariant* v = upower_property(*static_cast<Services*>(data), name);
    if (!v) g_set_error(error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_PROPERTY, "no property %s", name);
    return v;
}

GVariant* get_modem_property(GDBusConnection*, const gchar*, const gchar* path, const gchar*, const gchar* name,
                             GError** error, gpointer data) {
    auto& s = *static_cast<Services*>(data);
    for (const auto& [index, m] : s.modems) {
        if (modem_path(index) == path) {
            if (GVariant* v = modem_property(m, name)) return v;
        }
    }
    g_set_error(error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_PROPERTY, "no property %s on %s", name, path);
    return nullptr;
}

void manager_method(GDBusConnection*, const gchar*, const gchar*, const gchar*, const gchar* method, GVariant*,
                    GDBusMethodInvocation* invocation, gpointer data) {
    auto& s = *static_cast<Services*>(data);
    if (std::string(method) != "GetManagedObjects") {
        g_dbus_method_invocation_return_error(invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD, "no %s", method);
        return;
    }
    GVariantBuilder objects;
    g_variant_builder_init(&objects, G_VARIANT_TYPE("a{oa{sa{sv}}}"));
    for (const auto& [index, m] : s.modems) {
        GVariantBuilder interfaces;
        g_variant_builder_init(&interfaces, G_VARIANT_TYPE("a{sa{sv}}"));
        g_variant_builder_add(&interfaces, "{s@a{sv}}", kModemInterface, modem_properties(m));
        g_variant_builder_add(&objects, "{oa{sa{sv}}}", modem_path(index).c_str(), &interfaces);
    }
    g_dbus_method_invocation_return_value(invocation, g_variant_new("(a{oa{sa{sv}}})", &objects));
}

const GDBusInterfaceVTable kUpowerVtable = {nullptr, get_upower_property, nullptr, {}};
const GDBusInterfaceVTable kModemVtable = {nullptr, get_modem_property, nullptr, {}};
const GDBusInterfaceVTable kManagerVtable = {manager_method, nullptr, nullptr, {}};

// Emits `signal` and waits until it has left for the bus, so that a test
// reading the answer knows the shell can see it.
bool emit_signal(Services& s, const char* path, const char* interface, const char* signal, GVariant* args,
                 std::string& error_text) {
    GError* error = nullptr;
    if (!g_dbus_connection_emit_signal(s.bus, nullptr, path, interface, signal, args, &error)) {
        error_text = error->message;
        g_error_free(error);
        return false;
    }
    if (!g_dbus_connection_flush_sync(s.bus, nullptr, &error)) {
        error_text = error->message;
        g_error_free(error);
        return false;
    }
    return true;
}

bool properties_changed(Services& s, const char* path, const char* interface, GVariantBuilder* changed,
                        std::string& error_text) {
    GVariantBuilder invalidated;
    g_variant_builder_init(&invalidated, G_VARIANT_TYPE_STRING_ARRAY);
    return emit_signal(s, path, "org.freedesktop.DBus.Properties", "PropertiesChanged",
                       g_variant_new("(sa{sv}as)", interface, changed, &invalidated), error_text);
}

const char* bus_name_of(const std::string& service) {
    if (service == "upower") return kUpowerName;
    if (service == "modemmanager") return kMmName;
    return nullptr;
}

// The unique names on the bus whose process is `pid`.
bool client_connected(Services& s, std::uint32_t pid) {
    GVariant* names = g_dbus_connection_call_sync(s.bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                                  "org.freedesktop.DBus", "ListNames", nullptr, G_VARIANT_TYPE("(as)"),
                                                  G_DBUS_CALL_FLAGS_NONE, -1, nullptr, nullptr);
    if (!names) return false;
    bool found = false;
    GVariantIter* iter = nullptr;
    g_variant_get(names, "(as)", &iter);
    for (const gchar* name = nullptr; !found && g_variant_iter_next(iter, "&s", &name);) {
        if (name[0] != ':') continue;
        GVariant* owner_pid =
            g_dbus_connection_call_sync(s.bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                        "GetConnectionUnixProcessID", g_variant_new("(s)", name), G_VARIANT_TYPE("(u)"),
                                        G_DBUS_CALL_FLAGS_NONE, -1, nullptr, nullptr);
        if (!owner_pid) continue;
        guint32 value = 0;
        g_variant_get(owner_pid, "(u)", &value);
        g_variant_unref(owner_pid);
        found = value == pid;
    }
    g_variant_iter_free(iter);
    g_variant_unref(names);
    return found;
}

struct ClientWait {
    Services* services;
    std::uint32_t pid;
};

gboolean check_client(gpointer data) {
    auto* wait = static_cast<ClientWait*>(data);
    if (!client_connected(*wait->services, wait->pid)) return G_SOURCE_CONTINUE;
    emit({{"event", "done"}, {"cmd", "wait_client"}});
    delete wait;
    return G_SOURCE_REMOVE;
}

struct OwnRequest {
    std::string service;
};

void name_acquired(GDBusConnection*, const gchar*, gpointer data) {
    emit({{"event", "owned"}, {"name", static_cast<OwnRequest*>(data)->service}});
}

void name_lost(GDBusConnection*, const gchar*, gpointer data) {
    emit({{"event", "error"}, {"message", "lost or could not own " + static_cast<OwnRequest*>(data)->service}});
}

void free_request(gpointer data) { delete static_cast<OwnRequest*>(data); }

// Applies one command; the answer is printed by it (or, for "own", when
// the bus grants the name).
void run_command(Services& s, const json& c) {
    const std::string cmd = c.value("cmd", "");
    std::string error;
    const auto done = [&] {
        if (error.empty()) emit({{"event", "done"}, {"cmd", cmd}});
        else emit({{"event", "error"}, {"cmd", cmd}, {"message", error}});
    };
    if (cmd == "own" || cmd == "release") {
        const std::string service = c.value("name", "");
        const char* name = bus_name_of(service);
        if (!name) {
            emit({{"event", "error"}, {"message", "unknown service " + service}});
        } else if (cmd == "own") {
            if (s.owners.count(service)) return emit({{"event", "owned"}, {"name", service}});
            s.owners[service] = g_bus_own_name_on_connection(s.bus, name, G_BUS_NAME_OWNER_FLAGS_NONE, name_acquired,
                                                             name_lost, new OwnRequest{service}, free_request);
        } else {
            if (const auto it = s.owners.find(service); it != s.owners.end()) {
                g_bus_unown_name(it->second);  // releases the name with a call of its own
                s.owners.erase(it);
            }
            GError* flush_error = nullptr;
            if (!g_dbus_connection_flush_sync(s.bus, nullptr, &flush_error)) g_error_free(flush_error);
            emit({{"event", "released"}, {"name", service}});
        }
        return;
    }
    if (cmd == "wait_client") {
        // Checked every 20 ms until it holds; the test has its own timeout.
        auto* wait = new ClientWait{&s, c.value("pid", 0u)};
        if (check_client(wait) == G_SOURCE_CONTINUE) g_timeout_add(20, check_client, wait);
        return;
    }
    if (cmd == "upower") {
        GVariantBuilder changed;
        g_variant_builder_init(&changed, G_VARIANT_TYPE_VARDICT);
        if (c.contains("IsPresent")) s.is_present = c["IsPresent"].get<bool>();
        if (c.contains("Type")) s.type = c["Type"].get<std::uint32_t>();
        if (c.contains("Percentage")) s.percentage = c["Percentage"].get<double>();
        if (c.contains("State")) s.upower_state = c["State"].get<std::uint32_t>();
        for (const char* name : {"IsPresent", "Type", "Percentage", "State"}) {
            if (c.contains(name)) g_variant_builder_add(&changed, "{sv}", name, upower_property(s, name));
        }
        properties_changed(s, kUpowerPath, kUpowerInterface, &changed, error);
        return done();
    }
    const int index = c.value("index", 0);
    const std::string path = modem_path(index);
    if (cmd == "add_modem") {
        if (s.modems.count(index)) {
            error = "modem " + std::to_string(index) + " exists";
            return done();
        }
        Modem m;
        m.state = c.value("State", m.state);
        m.access_technologies = c.value("AccessTechnologies", m.access_technologies);
        m.signal = c.value("SignalQuality", m.signal);
        GError* reg_error = nullptr;
        m.registration = g_dbus_connection_register_object(s.bus, path.c_str(), s.modem_info->interfaces[0],
                                                           &kModemVtable, &s, nullptr, &reg_error);
        if (!m.registration) {
            error = reg_error->message;
            g_error_free(reg_error);
            return done();
        }
        s.modems[index] = m;
        GVariantBuilder interfaces;
        g_variant_builder_init(&interfaces, G_VARIANT_TYPE("a{sa{sv}}"));
        g_variant_builder_add(&interfaces, "{s@a{sv}}", kModemInterface, modem_properties(m));
        emit_signal(s, kMmPath, "org.freedesktop.DBus.ObjectManager", "InterfacesAdded",
                    g_variant_new("(oa{sa{sv}})", path.c_str(), &interfaces), error);
        return done();
    }
    const auto it = s.modems.find(index);
    if (it == s.modems.end()) {
        error = "no modem " + std::to_string(index);
        return done();
    }
    Modem& m = it->second;
    if (cmd == "modem") {
        GVariantBuilder changed;
        g_variant_builder_init(&changed, G_VARIANT_TYPE_VARDICT);
        if (c.contains("State")) m.state = c["State"].get<std::int32_t>();
        if (c.contains("AccessTechnologies")) m.access_technologies = c["AccessTechnologies"].get<std::uint32_t>();
        if (c.contains("SignalQuality")) m.signal = c["SignalQuality"].get<std::uint32_t>();
        for (const char* name : {"State", "AccessTechnologies", "SignalQuality"}) {
            if (c.contains(name)) g_variant_builder_add(&changed, "{sv}", name, modem_property(m, name));
        }
        properties_changed(s, path.c_str(), kModemInterface, &changed, error);
        return done();
    }
    if (cmd == "remove_modem") {
        const char* removed[] = {kModemInterface, nullptr};
        emit_signal(s, kMmPath, "org.freedesktop.DBus.ObjectManager", "InterfacesRemoved",
                    g_variant_new("(o^as)", path.c_str(), removed), error);
        g_dbus_connection_unregister_object(s.bus, m.registration);
        s.modems.erase(it);
        return done();
    }
    emit({{"event", "error"}, {"message", "unknown command " + cmd}});
}

gboolean stdin_ready(gint fd, GIOCondition, gpointer data) {
    auto& s = *static_cast<Services*>(data);
    char buf[4096];
    const ssize_t n = read(fd, buf, sizeof(buf));
    if (n <= 0) {
        g_main_loop_quit(s.loop);
        return G_SOURCE_REMOVE;
    }
    s.input.append(buf, static_cast<std::size_t>(n));
    for (std::size_t nl; (nl = s.input.find('\n')) != std::string::npos;) {
        const std::string line = s.input.substr(0, nl);
        s.input.erase(0, nl + 1);
        if (line.empty()) continue;
        try {
            run_command(s, json::parse(line));
        } catch (const std::exception& e) {
            emit({{"event", "error"}, {"message", std::string("bad command: ") + e.what()}});
        }
    }
    return G_SOURCE_CONTINUE;
}

int run(int, char**) {
    Services s;
    GError* error = nullptr;
    s.bus = g_bus_get_sync(G_BUS_TYPE_SYSTEM, nullptr, &error);
    if (!s.bus) {
        emit({{"event", "error"}, {"message", std::string("no system bus: ") + error->message}});
        g_error_free(error);
        return 1;
    }
    s.upower_info = g_dbus_node_info_new_for_xml(kUpowerXml, nullptr);
    s.modem_info = g_dbus_node_info_new_for_xml(kModemXml, nullptr);
    s.manager_info = g_dbus_node_info_new_for_xml(kObjectManagerXml, nullptr);
    s.upower_registration = g_dbus_connection_register_object(s.bus, kUpowerPath, s.upower_info->interfaces[0],
                                                              &kUpowerVtable, &s, nullptr, &error);
    if (s.upower_registration) {
        s.manager_registration = g_dbus_connection_register_object(s.bus, kMmPath, s.manager_info->interfaces[0],
                                                                   &kManagerVtable, &s, nullptr, &error);
    }
    if (!s.upower_registration || !s.manager_registration) {
        emit({{"event", "error"}, {"message", std::string("cannot export: ") + error->message}});
        g_error_free(error);
        return 1;
    }
    s.loop = g_main_loop_new(nullptr, FALSE);
    g_unix_fd_add(STDIN_FILENO, static_cast<GIOCondition>(G_IO_IN | G_IO_HUP | G_IO_ERR), stdin_ready, &s);
    emit({{"event", "ready"}, {"unique_name", g_dbus_connection_get_unique_name(s.bus)}});
    g_main_loop_run(s.loop);

    for (const auto& [service, id] : s.owners) g_bus_unown_name(id);
    for (const auto& [index, m] : s.modems) g_dbus_connection_unregister_object(s.bus, m.registration);
    g_dbus_connection_unregister_object(s.bus, s.manager_registration);
    g_dbus_connection_unregister_object(s.bus, s.upower_registration);
    g_dbus_node_info_unref(s.upower_info);
    g_dbus_node_info_unref(s.modem_info);
    g_dbus_node_info_unref(s.manager_info);
    g_main_loop_unref(s.loop);
    g_object_unref(s.bus);
    return 0;
}

}  // namespace cirrus_test::system_services
