#!/usr/bin/env bash
# Captures GET /api/v1/me from a real server for every row of the README's navigation table, into
# client-js/test/fixtures/booking-me.json, which test/navigation.test.js runs the README's example
# over. Builds the server jar (SKIP_BUILD=1 JAR=… to use another), starts it on the embedded
# PostgreSQL in a temporary folder on a free port of 127.0.0.1, creates a tenant from the booking
# role pack with Downtown, Downtown East (below it) and Uptown, one user per row (each sets their
# own password, so no required action empties their snapshot), signs each in, reads /me, and stops
# the server. Ids the server made up are replaced by the tests' fixed ones (the README's Downtown
# id among them); nothing else is touched.
#
# Needs a JDK ≥ 21, curl and jq.
set -euo pipefail

NAME=capture-me
# shellcheck source=../../scripts/lib/server.sh
source "$(dirname "$0")/../../scripts/lib/server.sh"
require_tools curl jq "$JAVA"
build_jar
OUT="$ROOT/client-js/test/fixtures/booking-me.json"

# The fixed ids of test/snapshots.js.
MAYA=5f1c7a52-8d2e-4b7a-9a41-0c6f2d9e3b10
FIXED_DOWNTOWN=2d4f6a8c-0e1b-4c3d-9e5f-7a9b1c3d5e7f
FIXED_DOWNTOWN_EAST=3e5a7b9d-1f2c-4d4e-8f6a-8b0c2d4e6f8a
FIXED_UPTOWN=4f6b8c0e-2a3d-4e5f-9a7b-9c1d3e5f7a9b

echo "== starting $JAR on $BASE (data in $DATA)"
start_server

echo "== a booking tenant, its locations and one user per role"
OPERATOR="$(login platform operator "$OPERATOR_PASSWORD")"
SLUG="booking-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
first="capture owner first password"
reply="$(api POST /api/v1/tenants "$OPERATOR" "$(jq -nc --arg s "$SLUG" --arg p "$first" \
  '{slug:$s,name:"Booking Platform",pack:"booking",admin:{username:"owner",firstName:"Olive",lastName:"Owner",password:$p}}')")"
[[ "$(status "$reply")" == 201 ]] || fail "tenant creation failed: $reply"
own_password() { # username first-password: the user sets their own password; prints their session token
  local reply
  reply="$(api POST /api/v1/me/password "$(login "$SLUG" "$1" "$2")" \
    "$(jq -nc --arg c "$2" --arg n "$1 own long passphrase" '{currentPassword:$c,newPassword:$n}')")"
  [[ "$(status "$reply")" == 204 ]] || fail "password change of $1 failed: $reply"
  login "$SLUG" "$1" "$1 own long passphrase"
}
TOKEN="$(own_password owner "$first")"

location() { # name [parent id]: prints the new location's id
  local reply
  reply="$(api POST "/api/v1/tenants/$SLUG/locations" "$TOKEN" "$(jq -nc --arg n "$1" --arg p "${2:-}" \
    '{name:$n} + (if $p == "" then {} else {parent:$p} end)')")"
  [[ "$(status "$reply")" == 201 ]] || fail "location $1 failed: $reply"
  body "$reply" | jq -r .id
}
DOWNTOWN="$(location Downtown)"
DOWNTOWN_EAST="$(location "Downtown East" "$DOWNTOWN")"
UPTOWN="$(location Uptown)"

# row of the README's table | username | roles
ROWS=(
  "GUEST|guest|[{\"role\":\"GUEST\"}]"
  "USER|user|[{\"role\":\"USER\"}]"
  "PROVIDER|provider|[{\"role\":\"PROVIDER\"}]"
  "STAFF at Downtown|staff|[{\"role\":\"STAFF\",\"location\":\"$DOWNTOWN\"}]"
  "MANAGER at Downtown|manager.downtown|[{\"role\":\"MANAGER\",\"location\":\"$DOWNTOWN\"}]"
  "MANAGER at Uptown|manager.uptown|[{\"role\":\"MANAGER\",\"location\":\"$UPTOWN\"}]"
  "ADMIN|admin|[{\"role\":\"ADMIN\"}]"
  "USER and PROVIDER (seed 002 §6.1: both at once)|user.provider|[{\"role\":\"USER\"},{\"role\":\"PROVIDER\"}]"
)
snapshots='{}'
capture() { # row token
  local reply
  reply="$(api GET /api/v1/me "$2")"
  [[ "$(status "$reply")" == 200 ]] || fail "/me for $1 failed: $reply"
  body "$reply" | jq -e '.grants | type == "array"' >/dev/null \
    || fail "this server's /me has no grants (it predates issue 14): $(body "$reply")"
  snapshots="$(jq -c --arg row "$1" --argjson me "$(body "$reply")" '. + {($row): $me}' <<<"$snapshots")"
}
for row in "${ROWS[@]}"; do
  IFS='|' read -r name username roles <<<"$row"
  reply="$(api POST "/api/v1/tenants/$SLUG/users" "$TOKEN" "$(jq -nc --arg u "$username" --argjson r "$roles" \
    '{username:$u,firstName:"Capture",lastName:"User",password:"capture first password",roles:$r}')")"
  [[ "$(status "$reply")" == 201 ]] || fail "user $username failed: $reply"
  capture "$name" "$(own_password "$username" "capture first password")"
done
capture OWNER "$TOKEN"

echo "== writing $OUT"
mkdir -p "$(dirname "$OUT")"
jq --arg d "$DOWNTOWN" --arg e "$DOWNTOWN_EAST" --arg u "$UPTOWN" --arg D "$FIXED_DOWNTOWN" --arg E "$FIXED_DOWNTOWN_EAST" \
  --arg U "$FIXED_UPTOWN" --arg maya "$MAYA" '
  def fixed: if . == $d then $D elif . == $e then $E elif . == $u then $U else . end;
  map_values(.user.id = $maya
    | .grants |= map(.locations |= map(fixed))
    | .locations |= map(.id |= fixed))' <<<"$snapshots" >"$OUT"
echo "   $(jq 'length' "$OUT") snapshots"
