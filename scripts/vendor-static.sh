#!/usr/bin/env bash
# Fetch the dashboard's third-party browser files from the npm registry into the source tree.
# Run by hand when bumping a version; the result is committed so the product never loads
# anything from the internet at runtime.
set -euo pipefail

HTMX_VERSION="${HTMX_VERSION:-2.0.x}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENDOR="$ROOT/platen/dashboard/static/dashboard/vendor"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
tarball="$(npm pack --silent "htmx.org@$HTMX_VERSION")"
tar -xzf "$tarball"
version="$(node -p "require('./package/package.json').version")"

mkdir -p "$VENDOR"
cp package/dist/htmx.min.js "$VENDOR/htmx.min.js"
cp package/LICENSE "$VENDOR/htmx.LICENSE" 2>/dev/null || true
echo "htmx.org $version" > "$VENDOR/VERSIONS"
echo "vendored htmx.org $version into ${VENDOR#$ROOT/}"
