#!/usr/bin/env bash
# Builds the hardened SQLite shared library that the walkindb-sqlite jar carries.
#
#   sqlite/native/build.sh OUTDIR
#
# The amalgamation comes from the npm package better-sqlite3 (pinned version, tarball
# checked against its sha512 integrity before use). The compiled library is cached in
# sqlite/.native-cache/ under a stamp of (pin, flags, this script, walkindb_guards.c), so a
# rebuild happens only when one of those changes; it is then copied to
# OUTDIR/native/linux-x86_64/. The library is one translation unit: walkindb_guards.c, which
# includes the amalgamation and guards the built-in functions whose work grows faster than
# their arguments (docs/SECURITY.md, "Function guards").
set -euo pipefail

PKG_VERSION=13.2.0   # better-sqlite3 13.2.0 bundles SQLite 3.54.1
PKG_INTEGRITY="sha512-Z8Q/9x/uNyKxA1v4FNodyItRVRw1TeKBrmj32JhxhR0ceNcBY+wMobt/Bv7M7TzwPAXjnZRtNaEsATnUZSKWZQ=="
LIB_NAME=libwalkindb_sqlite.so

# Compile-time hardening (docs/SECURITY.md, layer 1, says why) and the features callers get. Keep one per line.
SQLITE_FLAGS=(
  -DSQLITE_OMIT_LOAD_EXTENSION        # no native code loading, at all
  -DSQLITE_MAX_ATTACHED=0             # ATTACH cannot succeed even if everything else failed
  -DSQLITE_DQS=0                      # "x" is always an identifier, never a string
  -DSQLITE_THREADSAFE=2               # a connection is used by one thread at a time
  -DSQLITE_ENABLE_FTS5
  -DSQLITE_ENABLE_MATH_FUNCTIONS
  -DSQLITE_DEFAULT_FOREIGN_KEYS=1
  -DSQLITE_USE_URI=0
  -DSQLITE_OMIT_DEPRECATED
  -DSQLITE_OMIT_SHARED_CACHE
  -DSQLITE_PRINTF_PRECISION_LIMIT=100000   # printf('%.*c', 2e9, 'x') otherwise ignores interrupts
  -DSQLITE_MAX_ALLOCATION_SIZE=67108864    # no single allocation above 64 MiB
  -DSQLITE_TEMP_STORE=3               # temp data always in memory, under the heap limit
  -DSQLITE_TRUSTED_SCHEMA=0
  -DSQLITE_MAX_MMAP_SIZE=0
  -DSQLITE_DEFAULT_MEMSTATUS=1        # the hard heap limit needs memory accounting
  -DSQLITE_DEFAULT_WAL_SYNCHRONOUS=1  # NORMAL in WAL: durable across process crashes, one fsync per checkpoint
  -DSQLITE_LIKE_DOESNT_MATCH_BLOBS
  -DSQLITE_ENABLE_API_ARMOR           # misuse returns SQLITE_MISUSE instead of crashing
  -DHAVE_USLEEP=1                     # busy waits sleep in ms, not whole seconds
  -DHAVE_FDATASYNC=1
  -DSQLITE_DEFAULT_CACHE_SIZE=-1024   # 1 MiB page cache per connection
  -DSQLITE_DEFAULT_PCACHE_INITSZ=0    # pages on demand: a walk-in is a few pages, not the 20 allocated up front
  -DSQLITE_EXTRA_INIT_MUTEXED=walkindb_guards_init   # installs the function guards (walkindb_guards.c)
)
CC_FLAGS=(-O2 -fPIC -shared -Werror=implicit-function-declaration -fstack-protector-strong -D_FORTIFY_SOURCE=2 -Wl,-z,relro,-z,now -Wl,-z,noexecstack)

OUTDIR=${1:?usage: build.sh OUTDIR}
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE="$HERE/../.native-cache"

need() {
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "error: '$1' is required to build walkindb's SQLite library but was not found on PATH." >&2
  echo "       $2" >&2
  exit 1
}
need gcc "Install it with: apt-get install gcc   (or your system's C compiler package)"
need npm "Install Node.js and npm with: apt-get install nodejs npm   (npm fetches the SQLite amalgamation)"
need node "Install Node.js with: apt-get install nodejs"

STAMP=$( { echo "$PKG_VERSION $PKG_INTEGRITY"; printf '%s\n' "${SQLITE_FLAGS[@]}" "${CC_FLAGS[@]}"; cat "$0" "$HERE/walkindb_guards.c"; } | sha256sum | cut -c1-16)
BUILT="$CACHE/$STAMP/$LIB_NAME"

if [[ ! -f $BUILT ]]; then
  mkdir -p "$CACHE/src"
  TARBALL="$CACHE/src/better-sqlite3-$PKG_VERSION.tgz"
  if [[ ! -f $TARBALL ]]; then
    echo "walkindb: fetching the SQLite source (better-sqlite3@$PKG_VERSION, ~10 MB) from the npm registry" >&2
    (cd "$CACHE/src" && npm pack --silent "better-sqlite3@$PKG_VERSION" >/dev/null)
  fi
  ACTUAL="sha512-$(node -e 'const c=require("crypto");process.stdout.write(c.createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$TARBALL")"
  if [[ $ACTUAL != "$PKG_INTEGRITY" ]]; then
    rm -f "$TARBALL"
    echo "error: better-sqlite3-$PKG_VERSION.tgz does not match its pinned sha512; refusing to build." >&2
    exit 1
  fi
  WORK=$(mktemp -d "$CACHE/work.XXXXXX")
  trap 'rm -rf "$WORK"' EXIT
  tar -xzf "$TARBALL" -C "$WORK" package/deps/sqlite3/sqlite3.c package/deps/sqlite3/sqlite3.h
  VERSION=$(grep -m1 '#define SQLITE_VERSION ' "$WORK/package/deps/sqlite3/sqlite3.h" | awk '{print $3}' | tr -d '"')
  echo "walkindb: compiling SQLite $VERSION with walkindb's hardening flags: one C file of 9 MB, 1-3 min," \
       "once (then cached in sqlite/.native-cache/)" >&2
  "$HERE/../../scripts/with-progress" "compiling SQLite $VERSION" "1-3 min on an idle core" \
    gcc "${CC_FLAGS[@]}" "${SQLITE_FLAGS[@]}" -I"$WORK/package/deps/sqlite3" -o "$WORK/$LIB_NAME" \
    "$HERE/walkindb_guards.c" -lm -lpthread
  mkdir -p "$CACHE/$STAMP"
  mv "$WORK/$LIB_NAME" "$BUILT"
fi

mkdir -p "$OUTDIR/native/linux-x86_64"
cp "$BUILT" "$OUTDIR/native/linux-x86_64/$LIB_NAME"
sha256sum "$BUILT" | cut -d' ' -f1 > "$OUTDIR/native/linux-x86_64/$LIB_NAME.sha256"
