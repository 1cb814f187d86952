// The generated client headers of the protocols the shell speaks, in one
// place: the layer-shell header names an argument `namespace`, a C++ keyword.
#pragma once

#include <wayland-client.h>

#define namespace namespace_
#include "wlr-layer-shell-unstable-v1-client-protocol.h"
#undef namespace
#include "cirrus-shell-unstable-v1-client-protocol.h"
