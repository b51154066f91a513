# Shared by scripts/setup, scripts/start and scripts/test: paths and small helpers.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

# Build output lives outside the clone by default, so every clone on this machine (and CI)
# reuses one cache. Override with CARGO_TARGET_DIR.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sop-store/target}"
export PATH="$HOME/.cargo/bin:$PATH"
# Release builds run the first wasm-opt on PATH: binaryen 132 from npm, never Debian's 108,
# whose output builds but never hydrates (binaryen#4711).
export PATH="$ROOT/end2end/node_modules/.bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
warn() { printf '\033[1;33m==> %s\033[0m\n' "$*" >&2; }
die() { printf '\033[1;31m==> %s\033[0m\n' "$*" >&2; exit 1; }

# The built server binary and the site folder cargo-leptos writes.
SERVER_BIN="$CARGO_TARGET_DIR/release/server"
SITE_ROOT="$ROOT/target/site"
