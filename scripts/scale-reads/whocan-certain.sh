#!/usr/bin/env bash
# Issue 17 (branch whocan17): who-can when a large share of the tenant holds a role reaching everything.
# Starts the server jar on its embedded PostgreSQL (scripts/lib/server.sh: loopback, a free port, removed on
# exit), makes a clinic tenant of USERS users through the bulk import API, HOLDERS of them service accounts
# (active at once) holding one of 13 copies of `owner` tenant-wide, the others `front_desk` and `provider` at
# leaf locations (every second one an invited person), and asks who-can over HTTP: the first request
# (profiles cold) and then REQUESTS more of each question, one at a time, printing p50/p99 and the load.
# Page 100 is asked by number and, where the build answers cursors (branch whocan17b), by page 99's `next`.
#
#   scripts/scale-reads/whocan-certain.sh                      # builds the jar, 50,000 users, 20,000 holders
#   SKIP_BUILD=1 JAR=/path/to/gatehouse.jar scripts/scale-reads/whocan-certain.sh   # another build (before/after)
#
# Bounded: every request has a timeout, the whole run MAX_MINUTES (default 30).
set -euo pipefail

NAME=whocan-certain
USERS="${USERS:-50000}"
HOLDERS="${HOLDERS:-20000}"
REQUESTS="${REQUESTS:-40}"
MAX_MINUTES="${MAX_MINUTES:-30}"
IMPORT_CHUNK="${IMPORT_CHUNK:-10000}"

# shellcheck source=../lib/server.sh
source "$(dirname "$0")/../lib/server.sh"
require_tools curl jq "$JAVA"

( sleep $((MAX_MINUTES * 60)) && { echo "$NAME: $MAX_MINUTES minutes passed, stopping" >&2; kill -TERM $$; } ) &
WATCHDOG=$!
trap 'kill "$WATCHDOG" 2>/dev/null; cleanup' EXIT
trap 'exit 143' TERM

build_jar
start_server
create_clinic whocan "Who-can at scale"
reply="$(api POST "/api/v1/tenants/$SLUG/api-keys" "$TOKEN" \
  '{"name":"whocan","scopes":["*"],"rateLimit":{"requests":1000000,"perSeconds":1}}')"
[[ "$(status "$reply")" == 201 ]] || fail "could not make an API key: $reply"
KEY="$(body "$reply" | jq -r .key)"

reply="$(api POST "/api/v1/tenants/$SLUG/locations" "$KEY" '{"name":"Region"}')"
[[ "$(status "$reply")" == 201 ]] || fail "location: $reply"
REGION="$(body "$reply" | jq -r .id)"
LEAVES=()
for i in 1 2 3 4; do
  reply="$(api POST "/api/v1/tenants/$SLUG/locations" "$KEY" "{\"name\":\"Leaf $i\",\"parent\":\"$REGION\"}")"
  [[ "$(status "$reply")" == 201 ]] || fail "location: $reply"
  LEAVES+=("$(body "$reply" | jq -r .id)")
done
for i in $(seq 1 13); do
  reply="$(api POST "/api/v1/tenants/$SLUG/roles" "$KEY" \
    "$(printf '{"key":"owner_copy_%02d","name":"Owner copy %d","copyOf":"owner"}' "$i" "$i")")"
  [[ "$(status "$reply")" == 201 ]] || fail "role: $reply"
done

mkdir -p "$DATA/import"
awk -v n="$USERS" -v holders="$HOLDERS" -v chunk="$IMPORT_CHUNK" -v dir="$DATA/import" -v leaves="${LEAVES[*]}" 'BEGIN {
  c = split(leaves, leaf, " ")
  for (i = 1; i <= n; i++) {
    if ((i - 1) % chunk == 0) { if (f) close(f); f = sprintf("%s/users-%06d.csv", dir, (i - 1) / chunk)
      print "username,firstName,lastName,email,phone,kind,roles" > f }
    # Holders spread over the alphabet (every n/holders-th user), so pages mix them with the others.
    if (int(i * holders / n) != int((i - 1) * holders / n)) {
      printf "u%07d,First%d,Last%d,,,SERVICE,owner_copy_%02d\n", i, i % 5003, i, i % 13 + 1 > f
    } else {
      printf "u%07d,First%d,Last%d,%s,,%s,front_desk@%s;provider@%s\n", i, i % 5003, i,
        (i % 2 ? sprintf("u%07d@scale.example", i) : ""), (i % 2 ? "HUMAN" : "SERVICE"), leaf[i % c + 1],
        leaf[(i * 7) % c + 1] > f
    }
  } }'
imported=0
started="$(date +%s)"
for file in "$DATA"/import/users-*.csv; do
  out="$(curl -sS --max-time 1800 -X POST "$BASE/api/v1/tenants/$SLUG/users/import" -H "Content-Type: text/csv" \
    -H "Authorization: Bearer $KEY" --data-binary "@$file" -w '\n%{http_code}')"
  [[ "$(status "$out")" == 200 ]] || fail "import of $file: $(body "$out" | head -c 2000)"
  imported=$((imported + $(body "$out" | jq .imported)))
done
echo "imported $imported users in $(( $(date +%s) - started )) s; load $(cut -d' ' -f1-3 /proc/loadavg)"

measure() { # label query: the first request's time, then p50/p99 of REQUESTS more, and the answer's total
  local label="$1" query="$2" first times total
  first="$(curl -sS --max-time 300 -o "$DATA/answer.json" -w '%{time_total}' -H "Authorization: Bearer $KEY" \
    "$BASE/api/v1/tenants/$SLUG/who-can?$query")"
  total="$(jq -c '[.total, .totalIsLowerBound, (.items | length)]' "$DATA/answer.json")"
  times="$(for _ in $(seq 1 "$REQUESTS"); do
    curl -sS --max-time 300 -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $KEY" \
      "$BASE/api/v1/tenants/$SLUG/who-can?$query"
  done | sort -n)"
  awk -v label="$label" -v first="$first" -v total="$total" -v loadavg="$(cut -d' ' -f1-3 /proc/loadavg)" \
    '{ t[NR] = $1 } END { p50 = t[int((NR + 1) / 2)]; p99 = t[int(NR * 0.99 + 0.999)];
      printf "%-40s first %7.0f ms  p50 %7.0f ms  p99 %7.0f ms  [total, lowerBound, items] %s  load %s\n",
        label, first * 1000, p50 * 1000, p99 * 1000, total, loadavg }' <<<"$times"
}

measure "patients.read anywhere, page 0" "permission=patients.read"
measure "patients.read at a leaf, page 0" "permission=patients.read&location=${LEAVES[0]}"
measure "patients.read anywhere, page 100" "permission=patients.read&page=100"
# Branch whocan17b: page 100 again, placed by the cursor page 99 answers (`next`); a build before it has none.
next="$(curl -sS --max-time 300 -H "Authorization: Bearer $KEY" \
  "$BASE/api/v1/tenants/$SLUG/who-can?permission=patients.read&page=99" | jq -r '.next // empty')"
if [[ -n "$next" ]]; then
  measure "patients.read anywhere, page 100 by cursor" "permission=patients.read&cursor=$(jq -rn --arg c "$next" '$c | @uri')"
else
  echo "patients.read anywhere, page 100 by cursor: no cursor in this build's answer"
fi
measure "appointments.check_in at a leaf, page 0" "permission=appointments.check_in&location=${LEAVES[0]}"
