#!/usr/bin/env bash
# Starts the release server for the browser tests with a fresh SQLite database and demo data.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
data="$here/.e2e-data"
rm -rf "$data"
mkdir -p "$data"
export DATABASE_URL="sqlite://$data/store.db"
export SECRET_KEY_FILE="$data/secret.key"
export DEMO_DATA=true
export LEPTOS_SITE_ROOT="$root/target/site"
# Every optional tag on, with fake ids: the specs answer the tags' hosts with stubs
# (tests/fixtures.ts), so nothing leaves the machine, and prove each loads only with consent.
export GOOGLE_ANALYTICS_ID=G-E2ETEST01
export FACEBOOK_PIXEL_ID=1000000001
export LINKEDIN_PARTNER_ID=100001
server="${SOP_SERVER_BIN:-$target/release/server}"
# A staff account for the staff journeys. No SMTP here: mail is held, and the tests read a
# held message's one-time link with `server mail show` as an operator would (tests/accounts.ts).
echo "staff e2e passphrase" | "$server" admin create --email staff@sop-store.test --name "E2E Staff" --password-stdin
exec "$server" serve
