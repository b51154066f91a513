#!/usr/bin/env bash
# Checkouts (issue 4's target): at least 200 completed checkouts per second on SQLite on this
# machine, with the orders verified afterwards (their count and the stock match exactly).
# Guest shoppers each add a unit to the basket, load it and place the order, over HTTP against
# the release server; then the database is read directly and checked.
#   bench/checkout.sh                                  20 s, 32 shoppers, fresh SQLite
#   BENCH_SECONDS=60 SHOPPERS=64 bench/checkout.sh
#   REUSE_SESSIONS=1 bench/checkout.sh                 one session per shopper, not per checkout
#   DATABASE_URL=postgres://USER@HOST/EMPTY_DB bench/checkout.sh   (an empty database you made)
set -euo pipefail
command_line="$(printf '%q ' "$0" "$@")"
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../scripts/lib/common.sh"

duration="${BENCH_SECONDS:-20}"
shoppers="${SHOPPERS:-32}"
products="${PRODUCTS:-8}"
connections="${DATABASE_MAX_CONNECTIONS:-8}"
port=3400
work="$(mktemp -d)"
database_url="${DATABASE_URL:-sqlite://$work/bench.db}"
reuse=()
[[ -n "${REUSE_SESSIONS:-}" ]] && reuse=(--reuse-sessions)
server_pid=""
cleanup() { [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

[[ -n "$(ls "$SITE_ROOT/pkg" 2>/dev/null)" ]] || die "no site build in $SITE_ROOT: run cargo leptos build --release --split first"
curl -so /dev/null "http://127.0.0.1:$port/" && die "port $port is in use: stop whatever listens there first"
say "Building the server and the checkout benchmark (release)" >&2
# Two builds: together, the example's dev-dependencies would change the features of the
# server's own dependencies and rebuild the server binary that the other scripts use.
cargo build --release -p server --bin server >&2
cargo build --release -p server --example checkout_bench >&2
bench="$CARGO_TARGET_DIR/release/examples/checkout_bench"

say "Seeding $products bench products into ${database_url%%\?*}" >&2
"$bench" seed "$database_url" "$products" >&2
LISTEN_ADDR="127.0.0.1:$port" DATABASE_URL="$database_url" DATABASE_MAX_CONNECTIONS="$connections" \
  SECRET_KEY_FILE="$work/secret.key" LEPTOS_SITE_ROOT="$SITE_ROOT" DEMO_DATA=true RUST_LOG=warn \
  "$SERVER_BIN" serve >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do curl -fso /dev/null "http://127.0.0.1:$port/robots.txt" && break; sleep 0.1; done
curl -fso /dev/null "http://127.0.0.1:$port/robots.txt" || { cat "$work/server.log" >&2; die "the server did not start"; }

# CPU seconds of the server process (all its threads, living and ended), and per thread name.
tick="$(getconf CLK_TCK)"
process_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$server_pid/stat"; }
thread_ticks() {
  for t in /proc/"$server_pid"/task/*; do
    printf '%s %s\n' "$(tr -c '[:alnum:]\n-' _ <"$t/comm")" "$(awk '{ sub(/.*\) /, ""); print $12 + $13 }' "$t/stat")"
  done 2>/dev/null | awk '{ s[$1] += $2 } END { for (k in s) print k, s[k] }' | sort
}
# The whole machine: idle, and stolen by other virtual machines on the host (which varies).
machine_times() { awk '/^cpu / { print $5 + $6, $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }
before_machine="$(machine_times)"
before_process="$(process_ticks)"
before_threads="$(thread_ticks)"
load_average_before="$(cut -d' ' -f1 /proc/loadavg)"

say "$shoppers shoppers checking out for ${duration} s on 127.0.0.1:$port" >&2
status=0
out="$("$bench" run "http://127.0.0.1:$port" "$shoppers" "$duration" "$database_url" "${reuse[@]}")" || status=$?
after_process="$(process_ticks)"
after_machine="$(machine_times)"
after_threads="$(thread_ticks)"
load_average_after="$(cut -d' ' -f1 /proc/loadavg)"
grep -q '^verified=' <<<"$out" || { printf '%s\n' "$out" >&2; tail -n 30 "$work/server.log" >&2; die "the benchmark did not run to its verification (status $status)"; }

value() { awk -v k="$1" 'index($0, k "=") == 1 { print substr($0, length(k) + 2); exit }' <<<"$out"; }
seconds="$(value seconds)"
rate="$(value checkouts_per_second)"
failures="$(value failures)"
verified="$(value verified)"
verdict="$(awk -v r="$rate" -v f="$failures" -v v="$verified" 'BEGIN { print (r >= 200 && f == 0 && v == "true") ? "PASS" : "FAIL" }')"
server_cores="$(awk -v a="$before_process" -v b="$after_process" -v t="$tick" -v s="$seconds" 'BEGIN { printf "%.2f", (b - a) / t / s }')"
thread_cores="$(join -a2 -e0 -o 0,1.2,2.2 <(echo "$before_threads") <(echo "$after_threads") |
  awk -v t="$tick" -v s="$seconds" '{ c = ($3 - $2) / t / s; if (c >= 0.01) printf "%s %.2f, ", $1, c }')"
machine="$(awk -v a="$before_machine" -v b="$after_machine" 'BEGIN { split(a, x); split(b, y); t = y[3] - x[3]
  printf "%.0f %% idle, %.0f %% stolen by the host", 100 * (y[1] - x[1]) / t, 100 * (y[2] - x[2]) / t }')"
client_cores="$(awk -v c="$(value client_cpu_seconds)" -v s="$seconds" 'BEGIN { printf "%.2f", c / s }')"
wal_size="$(stat -c %s "$work/bench.db-wal" 2>/dev/null || true)"
log_lines="$(grep -cE 'WARN|ERROR' "$work/server.log" || true)"
busy_lines="$(grep -ciE 'database is locked|busy' "$work/server.log" || true)"
kind="SQLite (WAL, synchronous=NORMAL), fresh database"
[[ "$database_url" == postgres* ]] && kind="PostgreSQL ($(sed -E 's#://[^@/]*@#://…@#' <<<"${database_url%%\?*}"))"

cat <<REPORT
## Checkouts (issue 4): completed checkouts per second, $(date -u '+%Y-%m-%d %H:%M UTC')

- Command: \`${command_line% }\`; commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo uncommitted)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo " (with uncommitted changes)"); nproc $(nproc); load average $load_average_before before, $load_average_after after
- Release server on 127.0.0.1:$port, $kind, pool of $connections connections; ${shoppers} guest shoppers ($(value sessions) session), ${products} bench products at £15.00; load generator (\`server/examples/checkout_bench.rs\`) on the same machine, ${seconds} s
- Each checkout: \`POST /api/basket/add\` (1 unit), \`POST /api/basket/load\`, \`POST /api/checkout/place\` (guest, Visa 4242…, standard delivery); completed = no errors and a redirect to \`/orders/…\`

| Measure | Result |
|---|---:|
| Checkouts completed (of $(value attempted) started) | $(value completed) |
| **Completed checkouts per second** | **${rate}** |
| Place order: p50 / p99 / max (ms) | $(value place_p50_ms) / $(value place_p99_ms) / $(value place_max_ms) |
| Add to basket: p50 / p99 (ms) | $(value add_p50_ms) / $(value add_p99_ms) |
| Load basket: p50 / p99 (ms) | $(value basket_p50_ms) / $(value basket_p99_ms) |
| Whole checkout (3 posts): p50 / p99 (ms) | $(value checkout_p50_ms) / $(value checkout_p99_ms) |
| Failed checkouts | ${failures} |
| Orders in the database / order lines | $(value orders_in_database) / $(value order_lines_in_database) |
| Orders = completed checkouts, same order numbers | $(value orders_match), $(value order_numbers_match) |
| Every bench product's stock = start − units bought | $(value stock_matches) |
| Server CPU during the run (cores, of $(nproc)) | ${server_cores} (${thread_cores%, }) |
| Load generator CPU (cores) | ${client_cores} |
| Machine during the run | ${machine} |
| Server log: warnings/errors, of which "locked"/"busy" | ${log_lines}, ${busy_lines} |

- Completed each second: $(value completed_each_second)
- Slowest place each second (ms): $(value place_max_ms_each_second)${wal_size:+
- SQLite write-ahead log after the run: ${wal_size} bytes}

$(awk 'index($0, "failure=") == 1 { sub(/^failure=/, ""); n = $1; sub(/^[0-9]+ /, ""); printf "- Failed: %s × %s\n", n, $0 }' <<<"$out")
$(awk '
  index($0, "product=") == 1 { sub(/^product=/, ""); line[++n] = $0; if ($NF != "ok") bad = 1
    split($3, b, "="); bought[n] = $1 " −" b[2] }
  END {
    if (!bad) { printf "- Stock: every bench product fell by exactly the units bought:"; for (i = 1; i <= n; i++) printf " %s%s", bought[i], (i < n ? "," : "\n") }
    else for (i = 1; i <= n; i++) print "- Stock: " line[i]
  }' <<<"$out")

**Target ≥ 200 completed checkouts/s, none failed, orders and stock verified: ${verdict}**
REPORT

if [[ "$log_lines" -gt 0 ]]; then
  warn "server log (warnings and errors, most frequent first):"
  grep -E 'WARN|ERROR' "$work/server.log" | sed -E 's/^[^ ]+ +//; s/[0-9]+/#/g' | sort | uniq -c | sort -rn | head -n 10 >&2
fi
[[ "$verified" == true ]] || die "verification failed: the database does not match the completed checkouts"
