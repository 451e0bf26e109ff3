#!/usr/bin/env bash
# Builds the browser playground into OUTDIR:
#   OUTDIR/index.html, OUTDIR/*.js (the page's own modules), OUTDIR/style.css, OUTDIR/favicon.svg,
#   OUTDIR/sdk/**.js (the JS SDK's compiled ESM, built here when missing or stale).
# The server serves OUTDIR/index.html at `/` and OUTDIR/<path> at `/playground/<path>`.
# Usage: playground/build.sh OUTDIR        Fails (non-zero) when anything is missing.
set -euo pipefail

die() { echo "playground/build.sh: $*" >&2; exit 1; }

[[ $# -eq 1 && -n $1 ]] || die "usage: playground/build.sh OUTDIR"
out=$1

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
src=$here/src
sdk=$repo/clients/js

# 1. The page's own files (index.html, style.css, app.js and its modules, the icon).
[[ -d $src ]] || die "missing $src"
mapfile -t files < <(cd "$src" && find . -maxdepth 1 -type f \( -name '*.html' -o -name '*.js' -o -name '*.css' -o -name '*.svg' \) -printf '%P\n' | sort)
for f in index.html style.css app.js format.js examples.js favicon.svg; do
  [[ -s $src/$f ]] || die "missing or empty $src/$f"
done

# 2. The JS SDK: build it when dist/index.js is missing or older than anything in src/.
[[ -d $sdk ]] || die "the JS SDK is missing: no directory $sdk"
[[ -f $sdk/package.json ]] || die "the JS SDK is missing: no $sdk/package.json"
[[ -d $sdk/src ]] || die "the JS SDK is missing: no $sdk/src"
command -v npm >/dev/null 2>&1 || die "npm is needed to build the JS SDK ($sdk) and is not on PATH"

needs_build=0
if [[ ! -f $sdk/dist/index.js ]]; then
  needs_build=1
elif [[ -n $(find "$sdk/src" "$sdk/package.json" -newer "$sdk/dist/index.js" -print -quit) ]]; then
  needs_build=1
fi
if [[ $needs_build -eq 1 ]]; then
  echo "playground/build.sh: building the JS SDK in $sdk" >&2
  (cd "$sdk" && npm ci --no-audit --no-fund >&2 && npm run build >&2) \
    || die "building the JS SDK failed (cd clients/js && npm ci && npm run build)"
fi
[[ -f $sdk/dist/index.js ]] || die "the JS SDK build did not produce $sdk/dist/index.js"

# 3. Write OUTDIR afresh (only what we own in it).
mkdir -p "$out" || die "cannot create $out"
rm -rf "$out/sdk"
mkdir -p "$out/sdk"
for f in "${files[@]}"; do
  cp "$src/$f" "$out/$f"
done
(cd "$sdk/dist" && find . -type f -name '*.js' -printf '%P\n') | while IFS= read -r f; do
  mkdir -p "$out/sdk/$(dirname "$f")"
  cp "$sdk/dist/$f" "$out/sdk/$f"
done
[[ -s $out/sdk/index.js ]] || die "no sdk/index.js was written to $out"
[[ -s $out/index.html && -s $out/app.js && -s $out/style.css ]] || die "incomplete output in $out"

echo "playground/build.sh: wrote $(find "$out" -type f | wc -l) files to $out" >&2
