#!/usr/bin/env bash
# Consent log throughput on SQLite: N decisions from concurrent writers, then a check that
# every acknowledged decision is in the log and the hash chain verifies (issue 5's target:
# at least 2,000 decisions per second with every acknowledged row present).
#   bench/consent-log.sh                 20,000 decisions, 32 writers
#   DECISIONS=50000 WRITERS=64 bench/consent-log.sh
set -euo pipefail
command_line="$(printf '%q ' "$0" "$@")"
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../scripts/lib/common.sh"

decisions="${DECISIONS:-20000}"
writers="${WRITERS:-32}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

say "Building the benchmark (release)" >&2
cargo build --release -p server --example consent_log_bench >&2
out="$("$CARGO_TARGET_DIR/release/examples/consent_log_bench" "sqlite://$work/bench.db" "$decisions" "$writers")"
value() { awk -F= -v k="$1" '$1 == k { print $2 }' <<<"$out"; }
rate="$(value decisions_per_second)"
verdict="$(awk -v r="$rate" 'BEGIN { print (r >= 2000) ? "PASS" : "FAIL" }')"
[[ "$(value all_acknowledged_rows_present)" == true ]] || verdict=FAIL

cat <<REPORT
## Consent log, $(date -u '+%Y-%m-%d %H:%M UTC')

- Command: \`${command_line% }\`; commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo uncommitted); nproc $(nproc)
- SQLite (WAL, synchronous=NORMAL), ${writers} concurrent writers, ${decisions} decisions, release build

| Decisions/s | Append p99 (ms) | Every acknowledged row present, chain intact |
|---:|---:|---|
| ${rate} | $(value append_p99_ms) | $(value all_acknowledged_rows_present) ($(value chain)) |

**Target ≥ 2,000 decisions/s with every acknowledged row present: ${verdict}**
REPORT
