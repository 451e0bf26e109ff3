#!/usr/bin/env bash
# Times the worst case of every guarded SQLite function at its bound (measure-guards.c) on
# walkindb's library, built exactly as for the jar. docs/SECURITY.md records the figures.
#
#   sqlite/native/measure-guards.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
bash "$HERE/build.sh" "$WORK/out" >&2
tar -xzf "$HERE"/../.native-cache/src/better-sqlite3-*.tgz -C "$WORK" package/deps/sqlite3/sqlite3.h
LIB="$WORK/out/native/linux-x86_64"
gcc -O2 -I"$WORK/package/deps/sqlite3" -o "$WORK/measure" "$HERE/measure-guards.c" \
  -L"$LIB" -lwalkindb_sqlite -Wl,-rpath,"$LIB"
"$WORK/measure"
