#!/bin/sh
# Builds python3-edgelb-octavia_<version>_all.deb into OUTDIR with dpkg-deb only
# (no network, no pip): the module plus an .egg-info whose entry_points.txt lets
# stevedore (importlib.metadata) find the driver and the provider agent.
set -eu
OUT=${1:?usage: build-deb.sh OUTDIR}
HERE=$(cd "$(dirname "$0")" && pwd)
VERSION=$(sed -n 's/^version *= *//p' "$HERE/setup.cfg")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
SITE=$WORK/root/usr/lib/python3/dist-packages
mkdir -p "$SITE/edgelb_octavia" "$SITE/edgelb_octavia-$VERSION.egg-info" "$WORK/root/DEBIAN"
cp "$HERE"/edgelb_octavia/*.py "$SITE/edgelb_octavia/"
EGG=$SITE/edgelb_octavia-$VERSION.egg-info
printf 'Metadata-Version: 2.1\nName: edgelb-octavia\nVersion: %s\nSummary: edgelb provider driver for Octavia\n' \
    "$VERSION" > "$EGG/PKG-INFO"
sed -n '/^\[options.entry_points\]/,$p' "$HERE/setup.cfg" | sed '1d' \
    | sed -e 's/^\([a-z].*\) =$/[\1]/' -e 's/^    //' > "$EGG/entry_points.txt"
echo edgelb_octavia > "$EGG/top_level.txt"
find "$WORK/root/usr" -type d -exec chmod 0755 {} + && find "$WORK/root/usr" -type f -exec chmod 0644 {} +
cat > "$WORK/root/DEBIAN/control" <<CONTROL
Package: python3-edgelb-octavia
Version: $VERSION
Architecture: all
Maintainer: edgelb <edgelb@localhost>
Depends: python3, python3-octavia-lib, python3-oslo.config
Section: python
Priority: optional
Description: edgelb provider driver and provider agent for OpenStack Octavia
 Octavia provider "edgelb": load balancers served by edgelb routers through
 the edgelb hub, with status and statistics relayed by a provider agent.
CONTROL
mkdir -p "$OUT"
dpkg-deb --root-owner-group --build "$WORK/root" "$OUT/python3-edgelb-octavia_${VERSION}_all.deb" >/dev/null
echo "$OUT/python3-edgelb-octavia_${VERSION}_all.deb"
