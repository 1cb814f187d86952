// Owning handles for the GLib objects the shell's D-Bus code holds, so that
// every reference taken is dropped on every path, and the guard that keeps
// C++ exceptions out of GLib's C callbacks.
#pragma once

#include <gio/gio.h>

#include <cstdio>
#include <exception>
#include <utility>

namespace cirrus::shell {

// One reference to a GObject (adopted: the constructor does not ref).
template <typename T>
class GObjectRef {
public:
    GObjectRef() = default;
    explicit GObjectRef(T* adopted) : object_(adopted) {}
    ~GObjectRef() { reset(); }
    GObjectRef(GObjectRef&& other) noexcept : object_(std::exchange(other.object_, nullptr)) {}
    GObjectRef& operator=(GObjectRef&& other) noexcept {
        if (this != &other) reset(std::exchange(other.object_, nullptr));
        return *this;
    }
    GObjectRef(const GObjectRef&) = delete;
    GObjectRef& operator=(const GObjectRef&) = delete;

    void reset(T* adopted = nullptr) {
        if (object_) g_object_unref(object_);
        object_ = adopted;
    }
    T* get() const { return object_; }
    explicit operator bool() const { return object_ != nullptr; }

private:
    T* object_ = nullptr;
};

// One reference to a GVariant (adopted).
class VariantRef {
public:
    explicit VariantRef(GVariant* adopted) : variant_(adopted) {}
    ~VariantRef() {
        if (variant_) g_variant_unref(variant_);
    }
    VariantRef(const VariantRef&) = delete;
    VariantRef& operator=(const VariantRef&) = delete;
    GVariant* get() const { return variant_; }
    explicit operator bool() const { return variant_ != nullptr; }

private:
    GVariant* variant_;
};

// A GError out-parameter that frees itself.
class ErrorHolder {
public:
    ErrorHolder() = default;
    ~ErrorHolder() {
        if (error_) g_error_free(error_);
    }
    ErrorHolder(const ErrorHolder&) = delete;
    ErrorHolder& operator=(const ErrorHolder&) = delete;
    GError** out() { return &error_; }
    GError* get() const { return error_; }
    explicit operator bool() const { return error_ != nullptr; }
    bool cancelled() const { return g_error_matches(error_, G_IO_ERROR, G_IO_ERROR_CANCELLED); }
    const char* message() const { return error_ ? error_->message : ""; }

private:
    GError* error_ = nullptr;
};

// Runs `body` from a GLib callback: an exception is logged, never thrown
// through GLib's C frames.
template <typename F>
void guard_callback(const char* where, F&& body) noexcept {
    try {
        body();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "cirrus-shell: %s: %s\n", where, e.what());
    } catch (...) {
        std::fprintf(stderr, "cirrus-shell: %s: unknown exception\n", where);
    }
}

}  // namespace cirrus::shell
