#!/usr/bin/env bash
# Marketing switches (issue 15's target): a hydrated switch's save, POST /api/marketing/topic,
# answers within 50 ms at p99 on this machine. One account flips one topic on and off, over
# CONNECTIONS connections (each flip is a consent-log row written in the same transaction as
# the choice, so this measures the real write path, chain included).
#   bench/marketing-toggle.sh                    10 s from 1 connection, then from 4
#   SECONDS_PER_RUN=20 bench/marketing-toggle.sh
set -euo pipefail
command_line="$(printf '%q ' "$0" "$@")"
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../scripts/lib/common.sh"
command -v wrk >/dev/null || die "wrk is missing: apt-get install wrk"

duration="${SECONDS_PER_RUN:-10}"
port=3310
base="http://127.0.0.1:$port"
email="toggle-bench@bench.test"
password="toggle bench passphrase"
work="$(mktemp -d)"
server_pid=""
cleanup() { [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

say "Building the server (release)" >&2
cargo build --release -p server --bin server >&2
[[ -n "$(ls "$SITE_ROOT/pkg" 2>/dev/null)" ]] || die "no site build: run cargo leptos build --release --split first"
export DATABASE_URL="sqlite://$work/bench.db" SECRET_KEY_FILE="$work/secret.key" DEMO_DATA=false RUST_LOG=warn
LISTEN_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT="$SITE_ROOT" "$SERVER_BIN" serve >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do curl -fso /dev/null "$base/robots.txt" && break; sleep 0.1; done

post() { curl -fsS -H "Origin: $base" -H 'Accept: application/json' "$@"; }
post -o /dev/null --data-urlencode "name=Toggle Bench" --data-urlencode "email=$email" --data-urlencode "password=$password" "$base/api/account/register"
token="$("$SERVER_BIN" mail show --to "$email" | grep -o 'confirm-email?token=[^[:space:]]*' | head -1 | cut -d= -f2-)"
post -o /dev/null --data-urlencode "token=$token" "$base/api/account/confirm-email"
cookie="$(post -D - -o /dev/null --data-urlencode "email=$email" --data-urlencode "password=$password" "$base/api/account/sign-in" \
  | awk 'tolower($1) == "set-cookie:" && $2 ~ /^sop_session=/ { sub(/;.*/, "", $2); print $2 }')"
[[ -n "$cookie" ]] || die "the bench account could not sign in"
csrf="$(post -H "Cookie: $cookie" -X POST "$base/api/account/overview" | sed -E 's/.*"csrf_token":"([^"]+)".*/\1/')"

cat >"$work/toggle.lua" <<LUA
n, ok, failed = 0, 0, 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
function request()
  n = n + 1
  local body = "csrf_token=$csrf&topic=offers&subscribe=" .. ((n % 2 == 0) and "true" or "false")
  return wrk.format("POST", "/api/marketing/topic", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept"] = "application/json",
    ["Origin"] = "$base",
    ["Cookie"] = "$cookie",
  }, body)
end
function response(status) if status == 200 then ok = ok + 1 else failed = failed + 1 end end
function done()
  local total_ok, total_failed = 0, 0
  for _, t in ipairs(threads) do total_ok = total_ok + t:get("ok"); total_failed = total_failed + t:get("failed") end
  io.write(string.format("saved=%d\nrefused=%d\n", total_ok, total_failed))
end
LUA

{
  echo "## Marketing switch saves (issue 15)"
  echo
  echo "Command: \`$command_line\` ($(date -u +%Y-%m-%d), $(nproc) cores, SQLite, release build)."
  echo
  echo "| Connections | Saves/s | p50 | p99 | Refused | Target p99 ≤ 50 ms |"
  echo "|---|---|---|---|---|---|"
  for connections in 1 4; do
    out="$(wrk -t1 -c"$connections" -d"${duration}s" --latency -s "$work/toggle.lua" "$base/")"
    rps="$(awk '/Requests\/sec/ { print $2 }' <<<"$out")"
    p50="$(awk '/ 50%/ { print $2 }' <<<"$out")"
    p99="$(awk '/ 99%/ { print $2 }' <<<"$out")"
    refused="$(awk -F= '/^refused=/ { print $2 }' <<<"$out")"
    echo "| $connections | $rps | $p50 | $p99 | $refused | $(awk -v p="$p99" 'BEGIN { v = p + 0; if (p ~ /us$/) v /= 1000; else if (p ~ /s$/ && p !~ /ms$/) v *= 1000; print (v <= 50 ? "met" : "MISSED") }') |"
  done
  echo
  rows="$("$SERVER_BIN" consent verify)"
  echo "Afterwards: $rows"
}
