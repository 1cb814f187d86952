#!/bin/sh
# Stands in for cirrus-webapp-host in the supervision tests, where what is
# under test is the compositor: a real Wayland client that, like a hostile
# app, claims an app_id that is not its own. The compositor must attribute
# its window by pid, not by that name. The environment it prints lets the
# tests check that the host starts with a clean one.
[ "$1" = "--app" ] || { echo "usage: $0 --app ID" >&2; exit 64; }
# An app id that ends in -RRGGBB (e.g. red-d03030) fills its window with that
# colour, so that tests tell apps apart on screen (the switcher's cards);
# one that ends in -RRGGBB-RRGGBB has a top and a bottom half.
env > "$CIRRUS_TEST_HOST_ENV_DIR/$2.env"
hex='[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'
color=336699
bottom=
case "$2" in
*-$hex-$hex) bottom=${2##*-}; top=${2%-*}; color=${top##*-} ;;
*-$hex) color=${2##*-} ;;
esac
exec "$CIRRUS_TEST_CLIENT" --app-id "not-$2" --title "$2" --color "$color" ${bottom:+--bottom-color "$bottom"}
