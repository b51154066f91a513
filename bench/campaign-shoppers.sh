#!/usr/bin/env bash
# Issue 15's target, third part: while a campaign to SUBSCRIBERS (100,000) consenting addresses
# is prepared (and then sent, as the store does in the background), shoppers' pages keep their
# p99 within 20% of an idle store. The store (server/examples/campaign_bench.rs in `serve`
# mode: the real Application on one thread, as the server binary runs) serves the category
# page to wrk for SECONDS_PER_RUN idle, then again while it prepares campaign after campaign
# for the whole run. SQLite.
#   bench/campaign-shoppers.sh
#   SUBSCRIBERS=200000 SECONDS_PER_RUN=20 bench/campaign-shoppers.sh
set -euo pipefail
command_line="$(printf '%q ' "$0" "$@")"
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../scripts/lib/common.sh"
command -v wrk >/dev/null || die "wrk is missing: apt-get install wrk"

subscribers="${SUBSCRIBERS:-100000}"
duration="${SECONDS_PER_RUN:-10}"
port=3320
page="http://127.0.0.1:$port/category/kitchen-dining"
work="$(mktemp -d)"
bench_pid=""
cleanup() { exec 3>&- 2>/dev/null || true; [[ -n "$bench_pid" ]] && kill "$bench_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

say "Building the campaign benchmark (release)" >&2
cargo build --release -p server --example campaign_bench >&2
[[ -n "$(ls "$SITE_ROOT/pkg" 2>/dev/null)" ]] || die "no site build: run cargo leptos build --release --split first"
mkfifo "$work/control"
LISTEN_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT="$SITE_ROOT" DEMO_DATA=true PREPARE_SECONDS="$((duration + 2))" RUST_LOG=warn \
  "$CARGO_TARGET_DIR/release/examples/campaign_bench" "sqlite://$work/bench.db?mode=rwc" "$subscribers" serve \
  <"$work/control" >"$work/out" 2>"$work/err" &
bench_pid=$!
exec 3>"$work/control"
say "Seeding $subscribers subscribers" >&2
for _ in $(seq 600); do grep -q '^listening=' "$work/out" 2>/dev/null && break; sleep 0.2; done
grep -q '^listening=' "$work/out" || { cat "$work/err" >&2; die "the store did not start"; }
for _ in $(seq 100); do curl -fso /dev/null "$page" && break; sleep 0.1; done

p99_ms() { awk '/ 99%/ { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else { sub(/s$/, "", v); v *= 1000 } print v }' <<<"$1"; }
rps() { awk '/Requests\/sec/ { print $2 }' <<<"$1"; }

say "Category page, idle store" >&2
wrk -t1 -c8 -d2s "$page" >/dev/null
idle="$(wrk -t1 -c8 -d"${duration}s" --latency "$page")"
say "Category page while campaigns are prepared and sent" >&2
echo go >&3
busy="$(wrk -t1 -c8 -d"${duration}s" --latency "$page")"
for _ in $(seq 100); do grep -q '^campaigns_prepared=' "$work/out" && break; sleep 0.2; done
value() { awk -F= -v k="$1" '$1 == k { print $2 }' "$work/out"; }

idle_p99="$(p99_ms "$idle")"
busy_p99="$(p99_ms "$busy")"
ratio="$(awk -v a="$idle_p99" -v b="$busy_p99" 'BEGIN { printf "%.2f", b / a }')"
verdict="$(awk -v r="$ratio" 'BEGIN { print (r <= 1.20 ? "PASS" : "FAIL") }')"
cat <<REPORT
## Shoppers' pages while a campaign is prepared, $(date -u '+%Y-%m-%d %H:%M UTC')

- Command: \`${command_line% }\`; commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo uncommitted); nproc $(nproc); release build; SQLite
- \`wrk -t1 -c8 -d${duration}s --latency\` on the category page; during the second run the store prepared $(value campaigns_prepared) campaigns back to back ($(value recipients_prepared) delivery rows in $(value prepare_seconds) s, $subscribers consenting subscribers each), its sender queueing their mail meanwhile

| Store | Requests/s | p99 (ms) |
|---|---:|---:|
| Idle | $(rps "$idle") | $idle_p99 |
| Preparing and sending campaigns | $(rps "$busy") | $busy_p99 |

**p99 during ÷ idle = $ratio (target ≤ 1.20): $verdict**
REPORT
