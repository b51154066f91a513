#!/usr/bin/env bash
# Storefront benchmark: SSR throughput and p99 latency of the main pages against the same
# server serving static files, plus the compressed size of the hydrate bundle (wasm + JS).
# Writes a Markdown section to stdout and to bench/out/; progress and build logs go to stderr.
#   bench/storefront.sh                  10 s per URL
#   BENCH_SECONDS=30 bench/storefront.sh
set -euo pipefail

# Recorded before common.sh changes directory, so the report shows what was typed.
command_line="$(printf '%q ' "$0" "$@")"
[[ -n "${BENCH_SECONDS:-}" ]] && command_line="BENCH_SECONDS=$BENCH_SECONDS $command_line"
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../scripts/lib/common.sh"

seconds="${BENCH_SECONDS:-10}"
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || die "BENCH_SECONDS must be a whole number of seconds (got '$seconds')"
addr=127.0.0.1:3200
base="http://$addr"
target_ratio=50                  # category SSR req/s as a percentage of the static copy's
target_bundle=$((250 * 1024))    # wasm + JS, brotli -q 11, bytes

say "Preparing tools and the release build" >&2
"$ROOT/scripts/setup" >&2
cargo leptos build --release --precompress --split >&2

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v brotli >/dev/null || missing+=(brotli)
if ((${#missing[@]})); then
  say "Installing ${missing[*]}" >&2
  # The package lists are only refreshed when the cached ones are too old to install from.
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq "${missing[@]}" >&2 \
    || { apt-get update -qq >&2 && apt-get install -y -qq "${missing[@]}" >&2; } \
    || warn "apt-get could not install ${missing[*]}"
fi
command -v wrk >/dev/null || die "wrk is missing and could not be installed"
command -v brotli >/dev/null || die "brotli is missing and could not be installed"

work="$(mktemp -d)"
static_dir="$SITE_ROOT/bench-static"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null; then
    # The server drains connections on SIGTERM; do not let a stuck shutdown hang the script.
    for _ in {1..50}; do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work" "$static_dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Another process on the port would be measured instead of this build.
if curl -s -o /dev/null --max-time 2 "$base/"; then die "something already answers on $addr; stop it first"; fi

say "Starting $SERVER_BIN on $addr with a fresh database and demo data" >&2
[[ -x "$SERVER_BIN" ]] || die "no server binary at $SERVER_BIN"
LISTEN_ADDR="$addr" DATABASE_URL="sqlite://$work/store.db" SECRET_KEY_FILE="$work/secret.key" \
  DEMO_DATA=true LEPTOS_SITE_ROOT="$SITE_ROOT" "$SERVER_BIN" serve >"$work/server.log" 2>&1 &
server_pid=$!
for ((i = 0; i < 120; i++)); do
  curl -fs -o /dev/null --max-time 2 "$base/robots.txt" && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; die "the server exited during start-up"; }
  sleep 0.5
done
((i < 120)) || { cat "$work/server.log" >&2; die "the server did not answer $base/robots.txt within 60 s"; }

# The static copy must be byte-identical to one SSR answer, so both runs move the same payload.
mkdir -p "$static_dir"
curl -fsS --max-time 30 "$base/category/kitchen-dining" -o "$static_dir/category.html" \
  || die "could not fetch /category/kitchen-dining"
curl -fsS --max-time 10 "$base/bench-static/category.html" | cmp -s - "$static_dir/category.html" \
  || die "the server does not serve $static_dir/category.html back unchanged"

# The files every page loads: the main wasm and JS and, in a split build, the chunk loader the
# JS imports. The lazy pages' chunks (split_*.wasm, chunk_*.wasm) load only on those pages, so
# they are reported beside the bundle, not in it.
newest() { local f; f="$(ls -t "$SITE_ROOT"/pkg/$1 2>/dev/null | head -n 1)"; echo "$f"; }
for pattern in 'sop-store*.wasm' 'sop-store*.js' '*.css'; do
  # Hashed names from earlier builds can linger; the newest is the one the pages link.
  (($(ls "$SITE_ROOT"/pkg/$pattern 2>/dev/null | wc -l) > 1)) && warn "several $pattern in $SITE_ROOT/pkg; using the newest"
done
wasm="$(newest 'sop-store*.wasm')"; js="$(newest 'sop-store*.js')"; css="$(newest '*.css')"; loader="$(newest '__wasm_split*.js')"
[[ -n "$wasm" && -n "$js" && -n "$css" ]] || die "no sop-store wasm, JS or CSS in $SITE_ROOT/pkg"

names=(home category search static asset)
declare -A url=([home]=/ [category]=/category/kitchen-dining [search]="/search?q=tea"
  [static]=/bench-static/category.html [asset]="/pkg/$(basename "$css")")
declare -A label=([home]="Home (SSR)" [category]="Category (SSR)" [search]="Search (SSR)"
  [static]="Category, static copy" [asset]="Hashed CSS asset")
declare -A rps p99 bytes errors

# wrk sends no Accept-Encoding, so every answer is uncompressed: the SSR pages and the static
# copy (which has no precompressed variant) are compared on equal terms.
# wrk and the server share two cores, so one run of a URL can be off by a third; the URLs are
# measured in turn for several rounds and each figure is the median of its rounds.
rounds="${BENCH_ROUNDS:-3}"
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROUNDS must be a whole number (got '$rounds')"
declare -A rps_runs p99_runs
for name in "${names[@]}"; do
  # One request first: it warms caches and fails fast on a broken URL instead of benchmarking a 404.
  bytes[$name]="$(curl -fsS --max-time 30 -o /dev/null -w '%{size_download}' "$base${url[$name]}")" \
    || die "${url[$name]} does not answer 200"
  errors[$name]=0
done
for ((round = 1; round <= rounds; round++)); do
  for name in "${names[@]}"; do
    say "round $round/$rounds: wrk ${url[$name]} (${seconds} s)" >&2
    out="$(timeout $((seconds + 30)) wrk -t2 -c32 -d"${seconds}s" --latency "$base${url[$name]}")" \
      || die "wrk failed on ${url[$name]}"
    one_rps="$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")"
    # wrk prints latencies as 512.00us, 3.21ms, 1.02s or 1.50m; normalise to milliseconds.
    one_p99="$(awk '$1 == "99%" { v = $2
        if (v ~ /us$/) v = v / 1000; else if (v ~ /ms$/) v = v + 0
        else if (v ~ /[0-9]s$/) v = v * 1000; else if (v ~ /m$/) v = v * 60000
        printf "%.2f", v }' <<<"$out")"
    [[ -n "$one_rps" && -n "$one_p99" ]] || { echo "$out" >&2; die "could not parse wrk output for ${url[$name]}"; }
    rps_runs[$name]+="$one_rps "
    p99_runs[$name]+="$one_p99 "
    failed="$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { for (i = 4; i <= NF; i += 2) n += $i }
        END { print n + 0 }' <<<"$out")"
    errors[$name]=$((errors[$name] + failed))
  done
done
median() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for name in "${names[@]}"; do
  rps[$name]="$(median "${rps_runs[$name]}")"
  p99[$name]="$(median "${p99_runs[$name]}")"
  ((errors[$name] == 0)) || warn "${url[$name]}: ${errors[$name]} failed requests (see the Errors column)"
done

ratio="$(awk -v a="${rps[category]}" -v b="${rps[static]}" 'BEGIN { printf "%.1f", (b > 0) ? 100 * a / b : 0 }')"
ratio_verdict="$(awk -v r="$ratio" -v t="$target_ratio" 'BEGIN { print (r >= t) ? "PASS" : "FAIL" }')"

say "Compressing the bundle (brotli -q 11 takes a few seconds)" >&2
declare -A file=([wasm]="$wasm" [js]="$js") raw gz br
parts=(wasm js)
[[ -n "$loader" ]] && { file[loader]="$loader"; parts+=(loader); }
bundle_raw=0; bundle_gz=0; bundle_br=0
for k in "${parts[@]}"; do
  raw[$k]="$(wc -c <"${file[$k]}")"
  gz[$k]="$(gzip -9 -c "${file[$k]}" | wc -c)"
  br[$k]="$(brotli -q 11 -c "${file[$k]}" | wc -c)"
  bundle_raw=$((bundle_raw + raw[$k])); bundle_gz=$((bundle_gz + gz[$k])); bundle_br=$((bundle_br + br[$k]))
done
lazy_files=0; lazy_br=0
for chunk in "$SITE_ROOT"/pkg/split_*.wasm "$SITE_ROOT"/pkg/chunk_*.wasm; do
  [[ -f "$chunk" ]] || continue
  lazy_files=$((lazy_files + 1)); lazy_br=$((lazy_br + $(brotli -q 11 -c "$chunk" | wc -c)))
done
bundle_verdict="$( ((bundle_br <= target_bundle)) && echo PASS || echo FAIL)"
kb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1024 }'; }

commit="$(git -C "$ROOT" rev-parse --short --verify -q HEAD 2>/dev/null || echo uncommitted)"
[[ "$commit" != uncommitted && -n "$(git -C "$ROOT" status --porcelain 2>/dev/null)" ]] && commit="$commit (with uncommitted changes)"
stamp="$(date -u +%Y-%m-%d-%H%M%S)"
mkdir -p "$ROOT/bench/out"
report="$ROOT/bench/out/storefront-$stamp.md"

{
  echo "## Storefront benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- Command: \`${command_line% }\` (in \`$ROOT\`)"
  echo "- Commit: $commit"
  echo "- Machine: nproc $(nproc); $(rustc --version)"
  echo "- Load: \`wrk -t2 -c32 -d${seconds}s --latency\` per URL against $addr, URLs in turn for $rounds rounds, median of the rounds (wrk shares the machine with the server); no Accept-Encoding, so answers are uncompressed"
  echo "- Every round's requests/s: $(for n in "${names[@]}"; do printf '%s [%s] ' "$n" "${rps_runs[$n]% }"; done)"
  echo "- Server: release build, fresh SQLite database with demo data"
  echo
  echo "| Page | URL | Bytes | Requests/s | p99 (ms) | Errors |"
  echo "|---|---|---:|---:|---:|---:|"
  for name in "${names[@]}"; do
    echo "| ${label[$name]} | \`${url[$name]}\` | ${bytes[$name]} | ${rps[$name]} | ${p99[$name]} | ${errors[$name]} |"
  done
  echo
  echo "**Category SSR ÷ static copy: ${ratio}% (target ≥ ${target_ratio}%): ${ratio_verdict}**"
  echo
  echo "| Bundle file | Raw | gzip -9 | brotli -q 11 |"
  echo "|---|---:|---:|---:|"
  for k in "${parts[@]}"; do
    echo "| \`$(basename "${file[$k]}")\` | ${raw[$k]} | ${gz[$k]} | ${br[$k]} |"
  done
  echo "| wasm + JS (what every page loads) | $bundle_raw | $bundle_gz | $bundle_br |"
  echo
  echo "Lazy pages (account, orders, checkout, staff): $lazy_files chunk files, $lazy_br bytes brotli in all, each fetched only by the pages that need it."
  echo
  echo "**wasm + JS, brotli: $(kb "$bundle_br") KB (target ≤ 250 KB): ${bundle_verdict}**"
} | tee "$report"

# Missing a target is a result, not an error: say it loudly but exit 0.
[[ "$ratio_verdict" == PASS ]] || warn "FAIL: category SSR is ${ratio}% of the static copy's requests/s (target ≥ ${target_ratio}%)"
[[ "$bundle_verdict" == PASS ]] || warn "FAIL: wasm + JS brotli is $(kb "$bundle_br") KB (target ≤ 250 KB)"
say "Report written to ${report#"$ROOT"/}" >&2
