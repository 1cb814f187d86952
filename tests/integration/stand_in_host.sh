#!/bin/sh
# Stands in for cirrus-webapp-host in the supervision tests, where what is
# under test is the compositor: a real Wayland client that, like a hostile
# app, claims an app_id that is not its own. The compositor must attribute
# its window by pid, not by that name. The environment it prints lets the
# tests check that the host starts with a clean one.
[ "$1" = "--app" ] || { echo "usage: $0 --app ID" >&2; exit 64; }
env > "$CIRRUS_TEST_HOST_ENV_DIR/$2.env"
exec "$CIRRUS_TEST_CLIENT" --app-id "not-$2" --title "$2" --color 336699
