#!/usr/bin/env bash
# Fetch the dashboard's third-party browser files from the npm registry into the source tree.
# Run by hand when bumping a version; the result is committed so the product never loads
# anything from the internet at runtime.
set -euo pipefail

HTMX_VERSION="${HTMX_VERSION:-2.0.x}"
SWAGGER_UI_VERSION="${SWAGGER_UI_VERSION:-5.35.0}"  # the API docs page (/v4/docs)
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENDOR="$ROOT/platen/dashboard/static/dashboard/vendor"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# unpack PACKAGE@VERSION into $WORK/<name>/package and print its exact version
unpack() {
  mkdir -p "$WORK/$1" && cd "$WORK/$1"
  tar -xzf "$(npm pack --silent "$1@$2")"
  node -p "require('./package/package.json').version"
}

mkdir -p "$VENDOR"
htmx="$(unpack htmx.org "$HTMX_VERSION")"
cp "$WORK/htmx.org/package/dist/htmx.min.js" "$VENDOR/htmx.min.js"
cp "$WORK/htmx.org/package/LICENSE" "$VENDOR/htmx.LICENSE" 2>/dev/null || true

swagger="$(unpack swagger-ui-dist "$SWAGGER_UI_VERSION")"
mkdir -p "$VENDOR/swagger-ui"
for file in swagger-ui-bundle.js swagger-ui.css LICENSE; do
  cp "$WORK/swagger-ui-dist/package/$file" "$VENDOR/swagger-ui/$file"
done
# The bundle names a source map that is not shipped; browsers would ask for it.
sed -i -E '/^(\/\/|\/\*)# sourceMappingURL=/d' "$VENDOR/swagger-ui/swagger-ui-bundle.js" "$VENDOR/swagger-ui/swagger-ui.css"

printf 'htmx.org %s\nswagger-ui-dist %s\n' "$htmx" "$swagger" > "$VENDOR/VERSIONS"
echo "vendored htmx.org $htmx and swagger-ui-dist $swagger into ${VENDOR#$ROOT/}"
