#include "upower_watch.hpp"

#include <cstdio>

namespace cirrus::shell {

namespace {

constexpr const char* service = "org.freedesktop.UPower";
constexpr const char* display_device = "/org/freedesktop/UPower/devices/DisplayDevice";
constexpr const char* device_interface = "org.freedesktop.UPower.Device";

// The cached property, if UPower sent it with the expected type.
template <typename T>
std::optional<T> cached(GDBusProxy* proxy, const char* name, const char* type, T (*get)(GVariant*)) {
    const VariantRef value(g_dbus_proxy_get_cached_property(proxy, name));
    if (!value || !g_variant_is_of_type(value.get(), G_VARIANT_TYPE(type))) return std::nullopt;
    return get(value.get());
}

}  // namespace

UPowerWatch::UPowerWatch(GDBusConnection* bus, Changed on_change) : bus_(bus), on_change_(std::move(on_change)) {
    watch_ = g_bus_watch_name_on_connection(bus_, service, G_BUS_NAME_WATCHER_FLAGS_NONE, name_appeared,
                                            name_vanished, this, nullptr);
}

UPowerWatch::~UPowerWatch() {
    g_bus_unwatch_name(watch_);  // no callback runs after this
    forget_device();
}

void UPowerWatch::name_appeared(GDBusConnection*, const gchar*, const gchar*, gpointer data) {
    auto* self = static_cast<UPowerWatch*>(data);
    self->forget_device();
    self->pending_.reset(g_cancellable_new());
    g_dbus_proxy_new(self->bus_, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, nullptr, service, display_device,
                     device_interface, self->pending_.get(), proxy_ready, self);
}

void UPowerWatch::name_vanished(GDBusConnection*, const gchar*, gpointer data) {
    auto* self = static_cast<UPowerWatch*>(data);
    self->forget_device();
    self->report(std::nullopt);
}

void UPowerWatch::proxy_ready(GObject*, GAsyncResult* result, gpointer data) {
    ErrorHolder error;
    GDBusProxy* proxy = g_dbus_proxy_new_finish(result, error.out());
    if (error.cancelled()) return;  // forgotten: `self` may be gone
    auto* self = static_cast<UPowerWatch*>(data);
    self->pending_.reset();
    if (!proxy) {
        std::fprintf(stderr, "cirrus-shell: UPower's display device: %s\n", error.message());
        return;
    }
    self->device_.reset(proxy);
    self->changed_handler_ = g_signal_connect(proxy, "g-properties-changed", G_CALLBACK(properties_changed), self);
    self->update();
}

void UPowerWatch::properties_changed(GDBusProxy*, GVariant*, const gchar* const*, gpointer data) {
    static_cast<UPowerWatch*>(data)->update();
}

void UPowerWatch::forget_device() {
    if (pending_) g_cancellable_cancel(pending_.get());
    pending_.reset();
    if (device_) g_signal_handler_disconnect(device_.get(), changed_handler_);
    changed_handler_ = 0;
    device_.reset();
}

void UPowerWatch::update() {
    if (!device_) return;
    GDBusProxy* proxy = device_.get();
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
