// The generated client headers of the protocols the keyboard speaks, in one
// place: the layer-shell header names an argument `namespace`, a C++ keyword.
#pragma once

#include <wayland-client.h>

#define namespace namespace_
#include "wlr-layer-shell-unstable-v1-client-protocol.h"
#undef namespace
#include "input-method-unstable-v2-client-protocol.h"
#include "virtual-keyboard-unstable-v1-client-protocol.h"
