#include "upower_watch.hpp"

#include <utility>

namespace cirrus::shell {

namespace {

constexpr const char* kService = "org.freedesktop.UPower";
constexpr const char* kDisplayDevice = "/org/freedesktop/UPower/devices/DisplayDevice";
constexpr const char* kDeviceInterface = "org.freedesktop.UPower.Device";

// The cached property, if UPower sent it with the expected type.
template <typename T>
std::optional<T> cached(GDBusProxy* proxy, const char* name, const char* type, T (*get)(GVariant*)) {
    const VariantRef value(g_dbus_proxy_get_cached_property(proxy, name));
    if (!value || !g_variant_is_of_type(value.get(), G_VARIANT_TYPE(type))) return std::nullopt;
    return get(value.get());
}

void make_device_proxy(GDBusConnection* bus, GCancellable* cancellable, gpointer watch) {
    g_dbus_proxy_new(bus, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, nullptr, kService, kDisplayDevice, kDeviceInterface,
                     cancellable, ServiceWatch::finished<g_dbus_proxy_new_finish>, watch);
}

const ServiceWatch::Recipe kRecipe{kService, "UPower's display device", make_device_proxy, {"g-properties-changed"}};

}  // namespace

UPowerWatch::UPowerWatch(GDBusConnection* bus, Changed on_change)
    : on_change_(std::move(on_change)), watch_(bus, kRecipe, [this](GObject* device) { update(device); }) {}

void UPowerWatch::update(GObject* device_object) {
    if (!device_object) {
        report(std::nullopt);
        return;
    }
    GDBusProxy* proxy = G_DBUS_PROXY(device_object);
    UPowerDevice device;
    // A property missing or of another type reads as no battery.
    device.is_present = cached<bool>(proxy, "IsPresent", "b", [](GVariant* v) -> bool {
                            return g_variant_get_boolean(v);
                        }).value_or(false);
    device.type = cached<std::uint32_t>(proxy, "Type", "u", [](GVariant* v) -> std::uint32_t {
                      return g_variant_get_uint32(v);
                  }).value_or(0);
    device.percentage = cached<double>(proxy, "Percentage", "d", [](GVariant* v) -> double {
                            return g_variant_get_double(v);
                        }).value_or(0);
    device.state = cached<std::uint32_t>(proxy, "State", "u", [](GVariant* v) -> std::uint32_t {
                       return g_variant_get_uint32(v);
                   }).value_or(0);
    report(battery_from_upower(device));
}

void UPowerWatch::report(std::optional<BatteryStatus> battery) {
    guard_callback("UPower battery", [&] {
        if (on_change_) on_change_(battery);
    });
}

}  // namespace cirrus::shell
