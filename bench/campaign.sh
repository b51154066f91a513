#!/usr/bin/env bash
# Campaign preparation (issue 15's target): a campaign to SUBSCRIBERS (100,000) consenting
# addresses has its recipients chosen (one delivery row each, from current consent) at
# ≥ 5,000 recipients/s, with resident memory growing by < 50 MB (batches stay in the
# database), on SQLite and on PostgreSQL. The store's own `campaigns::start_sending` is timed
# in-process (server/examples/campaign_bench.rs); seeding is not counted.
#   bench/campaign.sh                                   SQLite, and PostgreSQL if reachable
#   SUBSCRIBERS=200000 bench/campaign.sh
#   SEND=1 bench/campaign.sh        also time queueing every message (held outbox, no SMTP)
#   POSTGRES_ADMIN_URL=postgres://postgres@127.0.0.1:5432/postgres bench/campaign.sh
#     (a server where a throw-away database may be made; the default is the one shown, and
#      PostgreSQL is skipped when psql cannot reach it)
set -euo pipefail
command_line="$(printf '%q ' "$0" "$@")"
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../scripts/lib/common.sh"

subscribers="${SUBSCRIBERS:-100000}"
admin_url="${POSTGRES_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
profile="${PROFILE:-release}"
work="$(mktemp -d)"
pg_db="sop_bench_campaign_$$"
pg_made=""
cleanup() {
  [[ -n "$pg_made" ]] && psql -q "$admin_url" -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

say "Building the campaign benchmark ($profile)" >&2
if [[ "$profile" == release ]]; then
  cargo build --release -p server --example campaign_bench >&2
else
  cargo build -p server --example campaign_bench >&2
fi
bench="$CARGO_TARGET_DIR/$([[ "$profile" == release ]] && echo release || echo debug)/examples/campaign_bench"

declare -a rows=()
verdict=PASS
run() { # NAME URL
  say "Preparing a campaign to $subscribers subscribers on $1" >&2
  local out
  out="$("$bench" "$2" "$subscribers" ${SEND:+send})"
  value() { awk -F= -v k="$1" '$1 == k { print $2 }' <<<"$out"; }
  local rate growth
  rate="$(value recipients_per_second)"
  growth="$(value rss_peak_growth_mb)"
  awk -v r="$rate" -v g="$growth" 'BEGIN { exit !(r >= 5000 && g < 50) }' || verdict=FAIL
  rows+=("| $1 | $(value recipients_prepared) | $(value seconds) | $rate | $(value rss_before_mb) | $(value rss_after_mb) | $growth | $(value messages_queued_per_second) |")
}

run SQLite "sqlite://$work/bench.db"
base="${admin_url%/*}"
if psql -q "$admin_url" -c "CREATE DATABASE $pg_db" >/dev/null 2>&1; then
  pg_made=1
  run PostgreSQL "$base/$pg_db"
else
  warn "PostgreSQL at $(sed -E 's#://[^@/]*@#://…@#' <<<"$admin_url") is not reachable: skipped"
fi

cat <<REPORT
## Campaign preparation, $(date -u '+%Y-%m-%d %H:%M UTC')

- Command: \`${command_line% }\`; commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo uncommitted); nproc $(nproc); $profile build
- ${subscribers} confirmed subscribers consenting to the newsletter (+ $((subscribers / 10)) to offers only), seeded directly; \`start_sending\` timed in-process

| Database | Recipients | Seconds | Recipients/s | RSS before (MB) | RSS after (MB) | Peak RSS growth (MB) | Queued msgs/s (SEND=1) |
|---|---:|---:|---:|---:|---:|---:|---:|
$(printf '%s\n' "${rows[@]}")

**Target ≥ 5,000 recipients/s with < 50 MB resident growth: ${verdict}**
REPORT
