#!/usr/bin/env bash
# Issue 17's scale harness. Starts the server jar on its embedded PostgreSQL (loopback, a free port), makes a
# clinic tenant with SCALE × (1,000,000 users, 10,000 locations in 4 levels, 3 assignments per user,
# 10,000,000 relationships) and 100 roles through the paths a migration would use — locations and roles through
# their APIs (PARALLEL requests at once), users with their assignments through the bulk import API
# (POST …/users/import, CSV in chunks of IMPORT_CHUNK lines, IMPORT_PARALLEL requests at once, 1 unless given;
# the import's CPU and WAL per user, and with STATEMENTS=1 its statements by time), relationships through POST …/relationships/batch
# (REL_BATCH tuples a request, REL_PARALLEL requests at once, for at most REL_SECONDS; STATEMENTS=1 prints their
# statements by time: the harness restarts the server once with pg_stat_statements preloaded) — so that every audit event in the
# trail is one a real action recorded. Then restarts the server on that data and measures: start time, RSS and heap idle, check p50/p99
# with cold and warm profiles, RSS under the check load, heap per 100 k cached profiles, who-can, user list,
# search and deep pages, sign-in, token issuance (client credentials), database size. Prints a summary.
#
#   SCALE=0.001 scripts/scale-harness.sh            # 1,000 users: minutes
#   SCALE=0.01 scripts/scale-harness.sh             # 10,000 users
#   KEEP=1 SCALE=1 scripts/scale-harness.sh         # 1 M users; keeps the data in $KEEP_DIR (default
#                                                   # /tmp/gatehouse-scale-1) and, run again, measures it again
#                                                   # without generating
#   PHASES=generate KEEP=1 scripts/scale-harness.sh   # generate only; PHASES=measure on a kept folder
#   SKIP_BUILD=1 …                                  # reuse server/target's jar
#   PG_SETTINGS="checkpoint_timeout=30s" …          # an experiment: ALTER SYSTEM on the run's database, reloaded
#   IMPORT_JFR=/tmp/import.jfr …                    # a JFR recording (settings=profile) of the user import only
#
# Bounded: every request has a timeout, every load phase a duration, the whole run MAX_MINUTES (default 150)
# after which it stops itself; the server is stopped and (without KEEP) its folder removed on exit.
# Needs a JDK ≥ 21, curl, jq, wrk, psql (to read counts and sizes from the embedded database: read only, but for the ALTER SYSTEM of STATEMENTS and PG_SETTINGS).
set -euo pipefail

NAME=scale-harness
SCALE="${SCALE:-1}"
KEEP="${KEEP:-}"
KEEP_DIR="${KEEP_DIR:-/tmp/gatehouse-scale-$SCALE}"
PHASES="${PHASES:-generate,measure}"
PARALLEL="${PARALLEL:-6}"
IMPORT_CHUNK="${IMPORT_CHUNK:-50000}"
IMPORT_PARALLEL="${IMPORT_PARALLEL:-1}"
REL_SECONDS="${REL_SECONDS:-600}"
REL_BATCH="${REL_BATCH:-10000}"
REL_PARALLEL="${REL_PARALLEL:-1}"
WRK_SECONDS="${WRK_SECONDS:-15}"
WRK_WARMUP_SECONDS="${WRK_WARMUP_SECONDS:-5}"
CONCURRENCY="${CONCURRENCY:-4}"
PROBE_SECONDS="${PROBE_SECONDS:-120}"
MAX_MINUTES="${MAX_MINUTES:-150}"
SERVER_HEAP="${SERVER_HEAP:-1g}"
SERVER_ARGS="${SERVER_ARGS:-}"

# shellcheck source=lib/server.sh
source "$(dirname "$0")/lib/server.sh"
require_tools curl jq wrk psql "$JAVA"

if [[ -n "$KEEP" ]]; then
  rmdir "$DATA"
  DATA="$KEEP_DIR"
  mkdir -p "$DATA"
fi
cleanup() {
  stop_server
  if [[ -n "${WATCHDOG:-}" ]]; then pkill -P "$WATCHDOG" 2>/dev/null; kill "$WATCHDOG" 2>/dev/null; fi
  if [[ -z "$KEEP" ]]; then rm -rf "$DATA"; fi
}
# The whole run is bounded: after MAX_MINUTES the script ends itself (its EXIT trap stops the server).
# (Its sleep killed early by cleanup, it ends without stopping anything.)
( sleep $((MAX_MINUTES * 60)) && { echo "$NAME: $MAX_MINUTES minutes passed, stopping" >&2; kill -TERM $$; } ) &
WATCHDOG=$!
trap 'exit 143' TERM

STATE="$DATA/harness.env"
if [[ -r "$STATE" ]]; then
  # shellcheck disable=SC1090
  source "$STATE"
fi
save_state() { # name...: appends the variables to the state file of a kept folder
  local var
  for var in "$@"; do printf '%s=%q\n' "$var" "${!var}" >>"$STATE"; done
}
[[ -r "$STATE" ]] || save_state OPERATOR_PASSWORD

count() { awk -v s="$SCALE" -v n="$1" 'BEGIN { v = int(n * s + 0.5); print (v < 1 ? 1 : v) }'; }
USERS_N="$(count 1000000)"
LOCATIONS_N="$(count 10000)"
RELATIONSHIPS_N="$(count 10000000)"
ROLES_N=100
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
SUMMARY="$DATA/summary-$(date -u +%Y%m%dT%H%M%S).md"
note() { echo "$*" | tee -a "$SUMMARY"; }

build_jar
START_ARGS=(--gatehouse.sessions.cache-ttl=PT1S)
# shellcheck disable=SC2206
START_ARGS+=($SERVER_ARGS)

pg() { # sql: runs a read-only query on the embedded database, unaligned, no headers
  psql -h 127.0.0.1 -p "$(sed -n 4p "$DATA/postgres/postmaster.pid")" -U postgres -d postgres -qAtX -c "$1"
}
jvm_ticks() { sed 's/^.*) //' "/proc/$SERVER_PID/stat" | awk '{print $12 + $13}'; }
pg_ticks() { # the postmaster and its backends
  local pid total=0 master
  master="$(head -n 1 "$DATA/postgres/postmaster.pid")"
  for pid in "$master" $(pgrep -P "$master" 2>/dev/null || true); do
    [[ -r /proc/$pid/stat ]] && total=$((total + $(sed 's/^.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}')))
  done
  echo "$total"
}
rss_mb() { awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER_PID/status"; }
heap_mb() { # after a full collection: the heap in use
  "$JAVA_HOME/bin/jcmd" "$SERVER_PID" GC.run >/dev/null
  "$JAVA_HOME/bin/jcmd" "$SERVER_PID" GC.heap_info | awk '/garbage-first heap/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?/, "", v); printf "%.1f", v / 1024 } }'
}

# --- generation -------------------------------------------------------------------------------------------

post_all() { # path bodies-file: POSTs each line with PARALLEL requests at once; prints the count of each status
  xargs -a "$2" -d '\n' -P "$PARALLEL" -I{} curl -sS -o /dev/null --max-time 120 -X POST "$BASE$1" \
    -H "Content-Type: application/json" -H "Authorization: Bearer $API_KEY" --data '{}' -w '%{http_code}\n' \
    | sort | uniq -c | tr '\n' ' '
}

list_locations() { # prints "id<TAB>name" of every location of the tenant
  local page=0 reply
  while :; do
    reply="$(curl -sS --max-time 120 -H "Authorization: Bearer $API_KEY" "$BASE/api/v1/tenants/$SLUG/locations?page=$page&size=200")"
    jq -r '.items[] | [.id, .name] | @tsv' <<<"$reply"
    [[ "$(jq '.items | length' <<<"$reply")" -lt 200 ]] && break
    page=$((page + 1))
  done
}

generate() {
  local started reply t level sizes n parent_file i statuses
  echo "== creating a clinic tenant (SCALE=$SCALE: $USERS_N users, $LOCATIONS_N locations, $ROLES_N roles," \
    "$((USERS_N * 3)) assignments, $RELATIONSHIPS_N relationships wanted)"
  create_clinic scale "Scale Clinic"
  reply="$(api POST "/api/v1/tenants/$SLUG/api-keys" "$TOKEN" \
    '{"name":"scale","scopes":["*"],"rateLimit":{"requests":1000000,"perSeconds":1}}')"
  [[ "$(status "$reply")" == 201 ]] || fail "could not make an API key: $reply"
  API_KEY="$(body "$reply" | jq -r .key)"
  save_state SLUG TENANT_ID ADMIN_ID API_KEY

  # Locations: 4 levels, 0.1 %, 0.9 %, 9 % and 90 % of them, each under a parent of the level above in turn.
  started="$(now)"
  sizes=("$(count 10)" "$(count 90)" "$(count 900)")
  sizes+=($((LOCATIONS_N - sizes[0] - sizes[1] - sizes[2])))
  : >"$DATA/locations.tsv"
  for level in 1 2 3 4; do
    n="${sizes[$((level - 1))]}"
    if [[ "$level" == 1 ]]; then
      seq 1 "$n" | awk '{ printf "{\"name\":\"L1-%d\"}\n", $1 }' >"$DATA/level.jsonl"
    else
      grep -P "\tL$((level - 1))-" "$DATA/locations.tsv" | cut -f1 >"$DATA/parents.txt"
      awk -v n="$n" -v l="$level" 'NR == FNR { p[FNR - 1] = $1; c = FNR; next } END {
        for (i = 1; i <= n; i++) printf "{\"name\":\"L%d-%d\",\"parent\":\"%s\"}\n", l, i, p[i % c] }' \
        "$DATA/parents.txt" /dev/null >"$DATA/level.jsonl"
    fi
    statuses="$(post_all "/api/v1/tenants/$SLUG/locations" "$DATA/level.jsonl")"
    echo "   level $level: $n locations: $statuses"
    list_locations >"$DATA/locations.tsv"
  done
  note "- locations: $(wc -l <"$DATA/locations.tsv") in 4 levels (${sizes[*]}) in $(elapsed "$started") s, $PARALLEL requests at once"
  grep -P "\tL4-" "$DATA/locations.tsv" | cut -f1 >"$DATA/leaves.txt"

  # Roles: copies of the clinic pack's roles, up to 100 with the built-in ones.
  started="$(now)"
  reply="$(curl -sS --max-time 60 -H "Authorization: Bearer $API_KEY" "$BASE/api/v1/tenants/$SLUG/roles?size=200")"
  mapfile -t BUILT_IN < <(jq -r '(.items // .)[] | .key' <<<"$reply")
  n=$((ROLES_N - ${#BUILT_IN[@]}))
  seq 1 "$n" | awk -v roles="${BUILT_IN[*]}" 'BEGIN { c = split(roles, r, " ") } {
    printf "{\"key\":\"scale_%03d\",\"name\":\"Scale role %d\",\"copyOf\":\"%s\"}\n", $1, $1, r[$1 % c + 1] }' \
    >"$DATA/roles.jsonl"
  statuses="$(post_all "/api/v1/tenants/$SLUG/roles" "$DATA/roles.jsonl")"
  note "- roles: ${#BUILT_IN[@]} built-in + $n copies ($statuses) in $(elapsed "$started") s"

  # Users: CSV, 3 assignments each (three of the custom roles at three leaf locations), imported in chunks.
  started="$(now)"
  mkdir -p "$DATA/import"
  awk -v n="$USERS_N" -v roles="$n" -v chunk="$IMPORT_CHUNK" -v dir="$DATA/import" 'NR == FNR { leaf[c++] = $1; next } END {
    for (i = 1; i <= n; i++) {
      if ((i - 1) % chunk == 0) { if (f) close(f); f = sprintf("%s/users-%06d.csv", dir, (i - 1) / chunk)
        print "username,firstName,lastName,email,phone,kind,roles" > f }
      # Every second user a service account: active at once, without an e-mail address.
      printf "u%07d,First%d,Last%d,%s,,%s,scale_%03d@%s;scale_%03d@%s;scale_%03d@%s\n", i, i % 5003, i,
        (i % 2 ? sprintf("u%07d@scale.example", i) : ""), (i % 2 ? "HUMAN" : "SERVICE"), i % roles + 1, leaf[i % c], (i + 1) % roles + 1, leaf[(i * 7) % c], (i + 2) % roles + 1, leaf[(i * 13) % c] > f
    } }' "$DATA/leaves.txt" /dev/null
  local imported=0 jvm0 pg0 file out files k j posts wal0
  files=("$DATA"/import/users-*.csv)
  if [[ "${STATEMENTS:-0}" == 1 ]]; then
    pg "create extension if not exists pg_stat_statements" >/dev/null
    pg "select pg_stat_statements_reset()" >/dev/null
  fi
  wal0="$(pg "select wal_records || ' ' || wal_fpi || ' ' || wal_bytes from pg_stat_wal")"
  if [[ -n "${IMPORT_JFR:-}" ]]; then # a JFR recording (settings=profile) of the import only
    "$JAVA_HOME/bin/jcmd" "$SERVER_PID" JFR.start name=import settings=profile filename="$IMPORT_JFR" >/dev/null
  fi
  jvm0="$(jvm_ticks)"; pg0="$(pg_ticks)"
  # IMPORT_PARALLEL requests at once, each of its own chunk (different users), then the next ones.
  for ((k = 0; k < ${#files[@]}; k += IMPORT_PARALLEL)); do
    posts=()
    for ((j = k; j < k + IMPORT_PARALLEL && j < ${#files[@]}; j++)); do
      curl -sS --max-time 1800 -X POST "$BASE/api/v1/tenants/$SLUG/users/import" -H "Content-Type: text/csv" \
        -H "Authorization: Bearer $API_KEY" --data-binary @"${files[j]}" -w '\n%{http_code}' >"${files[j]}.answer" &
      posts+=($!)
    done
    wait "${posts[@]}"
    for ((j = k; j < k + IMPORT_PARALLEL && j < ${#files[@]}; j++)); do
      file="${files[j]}"
      out="$(cat "$file.answer")"
      if [[ "$(status "$out")" == 404 || "$(status "$out")" == 405 ]]; then
        # A build without the bulk import API: one POST …/users a user (small scales only).
        awk -F, 'NR > 1 { n = split($7, a, ";"); r = ""
          for (j = 1; j <= n; j++) { split(a[j], ra, "@"); r = r (j > 1 ? "," : "") "{\"role\":\"" ra[1] "\",\"location\":\"" ra[2] "\"}" }
          printf "{\"username\":\"%s\",\"firstName\":\"%s\",\"lastName\":\"%s\",%s\"kind\":\"%s\",\"roles\":[%s]}\n", $1, $2, $3, ($4 == "" ? "" : "\"email\":\"" $4 "\","), $6, r }' \
          "$file" >"$DATA/users.jsonl"
        out="$(post_all "/api/v1/tenants/$SLUG/users" "$DATA/users.jsonl")"
        echo "   no import API in this build ($file): one POST a user: $out"
        imported=$((imported + $(awk '{ for (i = 1; i < NF; i += 2) if ($(i + 1) == 201) s += $i } END { print s + 0 }' <<<"$out")))
        continue
      fi
      if [[ "$(status "$out")" != 200 ]]; then
        fail "the import of $file answered $(status "$out"): $(body "$out" | head -c 2000)"
      fi
      imported=$((imported + $(body "$out" | jq .imported)))
      if [[ "$(body "$out" | jq '.failed | length')" != 0 ]]; then
        echo "   $file: $(body "$out" | jq -c '.failed[:3]')" >&2
      fi
      printf '   imported %d users, %.0f/s, load %s\n' "$imported" "$(awk -v i="$imported" -v t="$(elapsed "$started")" 'BEGIN { print i / t }')" "$(loadavg)"
    done
  done
  note "- users: $imported imported with $((imported * 3)) assignments in $(elapsed "$started") s," \
    "$(awk -v i="$imported" -v t="$(elapsed "$started")" 'BEGIN { printf "%.0f", i / t }') users/s; CPU per user:" \
    "JVM $(awk -v a="$jvm0" -v b="$(jvm_ticks)" -v n="$imported" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", (b - a) / hz * 1e6 / n }') µs," \
    "PostgreSQL $(awk -v a="$pg0" -v b="$(pg_ticks)" -v n="$imported" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", (b - a) / hz * 1e6 / n }') µs" \
    "(IMPORT_CHUNK=$IMPORT_CHUNK lines a request, IMPORT_PARALLEL=$IMPORT_PARALLEL at once; load $(loadavg))"
  if [[ -n "${IMPORT_JFR:-}" ]]; then
    "$JAVA_HOME/bin/jcmd" "$SERVER_PID" JFR.stop name=import >/dev/null
    note "  JFR recording of the import: $IMPORT_JFR"
  fi
  note "  WAL per user: $(pg "select wal_records || ' ' || wal_fpi || ' ' || wal_bytes from pg_stat_wal" | awk -v w="$wal0" -v n="$imported" '{
    split(w, a, " "); printf "%.1f records, %.2f full-page images, %.0f bytes", ($1 - a[1]) / n, ($2 - a[2]) / n, ($3 - a[3]) / n }')"
  if [[ "${STATEMENTS:-0}" == 1 ]]; then
    note "  statements by total time during the import (ms, calls, statement):"
    pg "select round(total_exec_time::numeric) || ' ms, ' || calls || ': ' || left(regexp_replace(query, '\s+', ' ', 'g'), 140)
        from pg_stat_statements where query not ilike '%pg_stat_statements%' order by total_exec_time desc limit 15" \
      | sed 's/^/    /' | tee -a "$SUMMARY"
  fi
  rm -rf "$DATA/import"
  GENERATED_USERS=1
  save_state GENERATED_USERS
  relationships
}

user_ids() { # the ids of the tenant's users, and of its active ones, from the database (read only)
  [[ -s "$DATA/user-ids.txt" ]] || pg "select id from users where tenant_id = '$TENANT_ID' order by username" >"$DATA/user-ids.txt"
  [[ -s "$DATA/active-ids.txt" ]] || pg "select id from users where tenant_id = '$TENANT_ID' and status = 'ACTIVE' order by username" >"$DATA/active-ids.txt"
}

relationships() { # POST …/relationships/batch, REL_BATCH tuples a request, REL_PARALLEL requests at once
  local have before started deadline n code jvm0 pg0 hz j posts
  user_ids
  have="$(pg "select count(*) from relationships where tenant_id = '$TENANT_ID'")"
  [[ "$have" -ge "$RELATIONSHIPS_N" ]] && return 0
  before="$have"
  started="$(now)"
  deadline=$(($(date +%s) + REL_SECONDS))
  if [[ "${STATEMENTS:-0}" == 1 ]]; then # needs pg_stat_statements preloaded (shared_preload_libraries) in the folder
    pg "create extension if not exists pg_stat_statements" >/dev/null
    pg "select pg_stat_statements_reset()" >/dev/null
  fi
  jvm0="$(jvm_ticks)"; pg0="$(pg_ticks)"; hz="$(getconf CLK_TCK)"
  echo "== writing relationships in batches of $REL_BATCH for at most $REL_SECONDS s ($have of $RELATIONSHIPS_N there)"
  # Tuple k is "user:<id k mod users> assigned_provider patient:p<k>": every k a new tuple (and its
  # RELATIONSHIP_WRITTEN event); a kept folder goes on from the count it has.
  while ((have < RELATIONSHIPS_N && $(date +%s) < deadline)); do
    posts=()
    # REL_PARALLEL requests at once, each of the next REL_BATCH tuples (different users while users ≥ REL_BATCH ×
    # REL_PARALLEL, as at SCALE=1: batches that name the same user wait for each other)
    for ((j = 0; j < REL_PARALLEL && have < RELATIONSHIPS_N; j++)); do
      n=$((RELATIONSHIPS_N - have < REL_BATCH ? RELATIONSHIPS_N - have : REL_BATCH))
      awk -v start="$have" -v n="$n" '{ ids[NR - 1] = $0 } END {
        printf "{\"items\":["
        for (i = 0; i < n; i++) {
          k = start + i
          printf "%s{\"subject\":{\"type\":\"user\",\"id\":\"%s\"},\"relation\":\"assigned_provider\"," \
            "\"object\":{\"type\":\"patient\",\"id\":\"p%d\"}}", (i ? "," : ""), ids[k % NR], k
        }
        print "]}"
      }' "$DATA/user-ids.txt" >"$DATA/relationships-batch-$j.json"
      curl -sS -o "$DATA/relationships-answer-$j.json" -w '%{http_code}' --max-time 600 -X POST \
        "$BASE/api/v1/tenants/$SLUG/relationships/batch" -H "Authorization: Bearer $API_KEY" \
        -H "Content-Type: application/json" --data-binary @"$DATA/relationships-batch-$j.json" \
        >"$DATA/relationships-code-$j.txt" &
      posts+=($!)
      have=$((have + n))
    done
    wait "${posts[@]}"
    for ((j = 0; j < REL_PARALLEL; j++)); do
      [[ -r "$DATA/relationships-code-$j.txt" ]] || continue
      code="$(cat "$DATA/relationships-code-$j.txt")"
      rm -f "$DATA/relationships-code-$j.txt"
      [[ "$code" == 200 ]] || fail "relationships batch answered $code: $(head -c 2000 "$DATA/relationships-answer-$j.json")"
    done
  done
  note "- relationships: $have in the tenant after $(elapsed "$started") s of batches of $REL_BATCH" \
    "($(awk -v n="$((have - before))" -v s="$(elapsed "$started")" 'BEGIN { printf "%.0f", n / s }')/s;" \
    "CPU per relationship: JVM $(awk -v t="$(($(jvm_ticks) - jvm0))" -v hz="$hz" -v n="$((have - before))" \
      'BEGIN { printf "%.1f", n ? t * 1e6 / hz / n : 0 }') µs, PostgreSQL $(awk -v t="$(($(pg_ticks) - pg0))" \
      -v hz="$hz" -v n="$((have - before))" 'BEGIN { printf "%.1f", n ? t * 1e6 / hz / n : 0 }') µs; load $(loadavg))"
  if [[ "${STATEMENTS:-0}" == 1 ]]; then
    note "  statements by total time during the batches (ms, calls, statement):"
    pg "select round(total_exec_time::numeric) || ' ms, ' || calls || ': ' || left(regexp_replace(query, '\s+', ' ', 'g'), 140)
        from pg_stat_statements where query not ilike '%pg_stat_statements%' order by total_exec_time desc limit 15" \
      | sed 's/^/    /' | tee -a "$SUMMARY"
  fi
  have="$(pg "select count(*) from relationships where tenant_id = '$TENANT_ID'")"
}

# --- measurement ------------------------------------------------------------------------------------------

WRK_HEADER="$(printf "| %-34s | %8s | %8s | %8s | %8s | %8s |" phase requests "per s" "p50 ms" "p99 ms" "failures")"
wrk_run() { # label connections seconds requests-file: one wrk phase with scripts/scale-get.lua; prints a table row
  local result
  result="$(timeout $(($3 + 60)) wrk -t1 -c"$2" -d"$3s" --timeout 20s -s "$ROOT/scripts/scale-get.lua" "$BASE" \
    -- "$API_KEY" "$4" | grep '^RESULT')"
  awk -v phase="$1" -v result="$result" 'BEGIN { n = split(result, f, " "); for (i = 2; i <= n; i++) { split(f[i], kv, "="); v[kv[1]] = kv[2] }
    printf "| %-34s | %8d | %8.0f | %8.2f | %8.2f | %8d |\n", phase, v["requests"], v["requests"] / v["seconds"], v["p50_ms"], v["p99_ms"], v["failures"] }' \
    | tee -a "$SUMMARY"
}

probe_then_wrk() { # label requests-file: one request first (at most PROBE_SECONDS); a wrk phase only when it took < 1 s
  local line t
  line="$(head -n 1 "$2")"
  t="$(curl -sS -o /dev/null --max-time "$PROBE_SECONDS" -H "Authorization: Bearer $API_KEY" "$BASE$(cut -f2 <<<"$line")" \
    -w '%{http_code} %{time_total}' || true)"
  if [[ "${t%% *}" == 200 ]] && awk -v s="${t#* }" 'BEGIN { exit !(s < 1) }'; then
    wrk_run "$1" 2 10 "$2"
  else
    printf "| %-34s | %8s | %8s | %8s | %8s | %8s |\n" "$1 (one request)" 1 - "${t#* }s" - "status ${t%% *}" | tee -a "$SUMMARY"
  fi
}

check_lines() { # users-file: one check request line per user, permissions and leaf locations in turn
  awk -v path="/api/v1/tenants/$SLUG/check" 'NR == FNR { leaf[c++] = $1; next } {
    split("patients.read appointments.create billing.read users.delete", p, " ")
    printf "POST\t%s\t{\"user\":\"%s\",\"permission\":\"%s\",\"resource\":{\"type\":\"patient\",\"id\":\"p-%d\",\"location\":\"%s\"}}\n",
      path, $1, p[FNR % 4 + 1], FNR, leaf[(FNR * 31) % c] }' "$DATA/leaves.txt" "$1"
}

measure() {
  local started ticks0 idle_rss idle_heap sampler max_rss heap_before heap_after cold warm populate n i
  user_ids
  grep -P "\tL4-" "$DATA/locations.tsv" | cut -f1 >"$DATA/leaves.txt"
  n="$(wc -l <"$DATA/user-ids.txt")"
  note ""
  note "### Measured $(date -u '+%Y-%m-%d %H:%M') UTC, SCALE=$SCALE: $n users ($(wc -l <"$DATA/active-ids.txt") active) (nproc $(nproc), load average $(loadavg), a shared machine)"
  note "- data: $(pg "select count(*) from locations where tenant_id = '$TENANT_ID'") locations," \
    "$(pg "select count(*) from assignments a join users u on u.id = a.user_id where u.tenant_id = '$TENANT_ID'") assignments," \
    "$(pg "select count(*) from relationships where tenant_id = '$TENANT_ID'") relationships," \
    "$(pg "select count(*) from audit_events where tenant_id = '$TENANT_ID'") audit events in the tenant," \
    "database $(pg "select pg_size_pretty(pg_database_size('postgres'))") (folder $(du -sh "$DATA/postgres" | cut -f1))"
  note "- largest relations: $(pg "select string_agg(relname || ' ' || pg_size_pretty(s), ', ') from (select relname, pg_total_relation_size(oid) s from pg_class where relkind = 'r' order by s desc limit 6) t")"

  stop_server
  started="$(now)"
  # shellcheck disable=SC2086
  start_server "${START_ARGS[@]}"
  note "- start to healthy with this data: $(elapsed "$started") s wall, JVM CPU $(awk -v t="$(jvm_ticks)" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", t / hz }') s (-Xmx$SERVER_HEAP; class-data archive $(archive_state "$SERVER_PID"); load $(loadavg))"
  sleep 5
  idle_rss="$(rss_mb)"; idle_heap="$(heap_mb)"
  note "- idle after start: RSS $idle_rss MB, heap in use after a full GC $idle_heap MB"

  # Three disjoint sets of users: cold (never asked about since the start), populate (100 k, or all left), warm (1,000).
  # Checks ask about active users (an imported person is INVITED until they set a password, and a check about them
  # stops at their status): the import makes every second user a service account, active at once.
  shuf --random-source=<(yes) "$DATA/active-ids.txt" >"$DATA/shuffled.txt"
  n="$(wc -l <"$DATA/active-ids.txt")"
  cold=$((n / 3 < 100000 ? n / 3 : 100000))
  head -n "$cold" "$DATA/shuffled.txt" >"$DATA/cold-users.txt"
  populate=$((n - cold < 100000 ? n - cold : 100000))
  # (awk, not tail | head: at a million users head's early exit kills tail with SIGPIPE, which pipefail reports)
  awk -v from="$((cold + 1))" -v to="$((cold + populate))" 'NR >= from && NR <= to' "$DATA/shuffled.txt" \
    >"$DATA/populate-users.txt"
  head -n 1000 "$DATA/populate-users.txt" >"$DATA/warm-users.txt"
  check_lines "$DATA/cold-users.txt" >"$DATA/cold.req"
  check_lines "$DATA/warm-users.txt" >"$DATA/warm.req"

  note ""
  note "$WRK_HEADER"
  note "|---|---|---|---|---|---|"
  # RSS under the check load: sampled every second while the check phases run.
  ( m=0; while kill -0 "$SERVER_PID" 2>/dev/null; do r="$(rss_mb)"; [[ "$r" -gt "$m" ]] && m="$r" && echo "$m" >"$DATA/max-rss"; sleep 1; done ) &
  sampler=$!
  # The JIT warmed first on the warm set (which the cold set never meets): a cold profile is one never loaded since
  # the start, not a check path still interpreted, which made the first run's cold p99 (480 ms) the compiler's.
  timeout $((WRK_WARMUP_SECONDS + 30)) wrk -t1 -c"$CONCURRENCY" -d"${WRK_WARMUP_SECONDS}s" -s "$ROOT/scripts/scale-get.lua" "$BASE" -- "$API_KEY" "$DATA/warm.req" >/dev/null
  wrk_run "check, cold profiles (c$CONCURRENCY)" "$CONCURRENCY" "$WRK_SECONDS" "$DATA/cold.req"
  timeout $((WRK_WARMUP_SECONDS + 30)) wrk -t1 -c"$CONCURRENCY" -d"${WRK_WARMUP_SECONDS}s" -s "$ROOT/scripts/scale-get.lua" "$BASE" -- "$API_KEY" "$DATA/warm.req" >/dev/null
  wrk_run "check, warm profiles (c$CONCURRENCY)" "$CONCURRENCY" "$WRK_SECONDS" "$DATA/warm.req"
  wrk_run "check, warm profiles (c1)" 1 "$WRK_SECONDS" "$DATA/warm.req"
  kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
  max_rss="$(cat "$DATA/max-rss" 2>/dev/null || echo '?')"

  # Cache memory: the heap after a full GC before and after $populate more users' profiles are cached (batches of 100).
  heap_before="$(heap_mb)"
  awk '{ printf "%s{\"user\":\"%s\",\"permission\":\"patients.read\"}", (NR % 100 == 1 ? "{\"checks\":[" : ","), $1; if (NR % 100 == 0) print "]}" }
    END { if (NR % 100 != 0) print "]}" }' "$DATA/populate-users.txt" >"$DATA/populate.jsonl"
  post_all "/api/v1/tenants/$SLUG/check/batch" "$DATA/populate.jsonl" >/dev/null
  heap_after="$(heap_mb)"

  # Who-can, user list, search and deep pages.
  printf 'GET\t/api/v1/tenants/%s/users?page=0&size=50\n' "$SLUG" >"$DATA/list.req"
  wrk_run "user list, first page of 50" 2 10 "$DATA/list.req"
  printf 'GET\t/api/v1/tenants/%s/users?page=%d&size=50\n' "$SLUG" "$((n / 100))" >"$DATA/deep.req"
  wrk_run "user list, page $((n / 100)) of 50" 2 10 "$DATA/deep.req"
  awk -v p="/api/v1/tenants/$SLUG/users" 'NR % 997 == 0 && ++k <= 100 { printf "GET\t%s?q=u%07d\n", p, NR }' "$DATA/user-ids.txt" >"$DATA/search.req"
  wrk_run "user search by username (q=u0012345)" 2 10 "$DATA/search.req"
  awk -v p="/api/v1/tenants/$SLUG/users" 'NR % 997 == 0 && ++k <= 100 { printf "GET\t%s?q=Last%d\n", p, NR }' "$DATA/user-ids.txt" >"$DATA/search.req"
  wrk_run "user search by last name" 2 10 "$DATA/search.req"
  leaf="$(head -n 1 "$DATA/leaves.txt")"
  printf 'GET\t/api/v1/tenants/%s/users?location=%s&size=50\n' "$SLUG" "$leaf" >"$DATA/byloc.req"
  wrk_run "user list at a leaf location" 2 10 "$DATA/byloc.req"
  # A level-2 location's subtree holds about 1 % of the assignments: probed first, as it once took seconds.
  grep -P "\tL2-" "$DATA/locations.tsv" | head -n 1 | cut -f1 \
    | awk -v p="/api/v1/tenants/$SLUG/users" '{ printf "GET\t%s?location=%s&size=50\n", p, $1 }' >"$DATA/midloc.req"
  probe_then_wrk "user list at a level-2 location" "$DATA/midloc.req"
  note ""
  note "- RSS under the check load (max of 1 s samples): $max_rss MB; idle $idle_rss MB"
  note "- cache: heap after a full GC $heap_before MB → $heap_after MB after $populate more users' profiles were cached:" \
    "$(awk -v a="$heap_before" -v b="$heap_after" -v n="$populate" 'BEGIN { printf "%.0f", (b - a) / n * 100000 }') MB per 100 k active users"

  sign_in
  tokens
  sleep 5
  note "- idle at the end: RSS $(rss_mb) MB, heap in use after a full GC $(heap_mb) MB (load $(loadavg))"
  # Who-can last: it reads every user of the tenant and decides for each (Access.holders), so at a million users one
  # request runs for minutes; probed with one request each, bounded by PROBE_SECONDS, loaded only when fast.
  note ""
  note "$WRK_HEADER"
  note "|---|---|---|---|---|---|"
  sed -n '1~97p' "$DATA/leaves.txt" | head -n 100 | awk -v p="/api/v1/tenants/$SLUG/who-can" '{ printf "GET\t%s?permission=patients.read&location=%s\n", p, $1 }' >"$DATA/whocan.req"
  probe_then_wrk "who-can at a leaf location" "$DATA/whocan.req"
  grep -P "\tL1-" "$DATA/locations.tsv" | cut -f1 | awk -v p="/api/v1/tenants/$SLUG/who-can" '{ printf "GET\t%s?permission=patients.read&location=%s\n", p, $1 }' >"$DATA/whocan-top.req"
  probe_then_wrk "who-can at a top location" "$DATA/whocan-top.req"
}

sign_in() { # 20 password sign-ins of the admin: wall time and the CPU they cost the JVM and PostgreSQL
  local jvm0 pg0 times i
  jvm0="$(jvm_ticks)"; pg0="$(pg_ticks)"
  times="$(for i in $(seq 1 20); do
    curl -sS -o /dev/null --max-time 30 -X POST "$BASE/api/v1/auth/login" -H "Content-Type: application/json" \
      --data "$(jq -nc --arg t "$SLUG" --arg p "$ADMIN_PASSWORD" '{tenant:$t,username:"admin",password:$p}')" \
      -w '%{http_code} %{time_total}\n'
  done)"
  note "- sign-in (20 in a row, the admin's password): statuses $(cut -d' ' -f1 <<<"$times" | sort | uniq -c | tr -s ' \n' ' ')," \
    "median $(cut -d' ' -f2 <<<"$times" | sort -n | sed -n 10p | awk '{ printf "%.1f", $1 * 1000 }') ms, max $(cut -d' ' -f2 <<<"$times" | sort -n | tail -1 | awk '{ printf "%.1f", $1 * 1000 }') ms;" \
    "CPU per sign-in: JVM $(awk -v a="$jvm0" -v b="$(jvm_ticks)" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", (b - a) / hz * 1000 / 20 }') ms," \
    "PostgreSQL $(awk -v a="$pg0" -v b="$(pg_ticks)" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", (b - a) / hz * 1000 / 20 }') ms"
}

tokens() { # client credentials: 200 token requests in a row
  local reply service client secret times
  if [[ -z "${CC_CLIENT:-}" ]]; then
    reply="$(api POST "/api/v1/tenants/$SLUG/users" "$API_KEY" \
      '{"username":"scheduler","firstName":"Scheduling","lastName":"Service","kind":"SERVICE","roles":[{"role":"front_desk"}]}')"
    [[ "$(status "$reply")" == 201 ]] || { note "- token issuance: no service account ($(status "$reply"))"; return 0; }
    service="$(body "$reply" | jq -r .id)"
    reply="$(api POST "/api/v1/tenants/$SLUG/clients" "$API_KEY" "$(jq -nc --arg s "$service" \
      '{name:"Scheduler",type:"confidential",grantTypes:["client_credentials"],scopes:["gatehouse.api"],serviceAccount:$s}')")"
    [[ "$(status "$reply")" == 201 ]] || { note "- token issuance: no client ($(status "$reply"): $(body "$reply"))"; return 0; }
    CC_CLIENT="$(body "$reply" | jq -r .clientId)"; CC_SECRET="$(body "$reply" | jq -r .clientSecret)"
    save_state CC_CLIENT CC_SECRET
  fi
  times="$(for i in $(seq 1 200); do
    curl -sS -o /dev/null --max-time 30 -u "$CC_CLIENT:$CC_SECRET" -d grant_type=client_credentials -d scope=gatehouse.api \
      "$BASE/oauth2/$SLUG/token" -w '%{http_code} %{time_total}\n'
  done)"
  note "- token issuance (client credentials, 200 in a row): statuses $(cut -d' ' -f1 <<<"$times" | sort | uniq -c | tr -s ' \n' ' ')," \
    "p50 $(cut -d' ' -f2 <<<"$times" | sort -n | sed -n 100p | awk '{ printf "%.1f", $1 * 1000 }') ms," \
    "p99 $(cut -d' ' -f2 <<<"$times" | sort -n | sed -n 198p | awk '{ printf "%.1f", $1 * 1000 }') ms"
}

echo "== starting $JAR on $BASE (data in $DATA, load average $(loadavg))"
start_server "${START_ARGS[@]}"
if [[ "${STATEMENTS:-0}" == 1 && "$(pg "show shared_preload_libraries")" != *pg_stat_statements* ]]; then
  echo "== restarting with pg_stat_statements loaded (track = all: statements run by triggers count apart)"
  pg "alter system set shared_preload_libraries = 'pg_stat_statements'" >/dev/null
  pg "alter system set pg_stat_statements.track = 'all'" >/dev/null
  stop_server
  start_server "${START_ARGS[@]}"
fi
if [[ -n "${PG_SETTINGS:-}" ]]; then # an experiment: "name=value name=value", set with ALTER SYSTEM and reloaded
  for setting in $PG_SETTINGS; do pg "alter system set ${setting%%=*} = '${setting#*=}'" >/dev/null; done
  pg "select pg_reload_conf()" >/dev/null
  echo "== PostgreSQL settings for this run: $PG_SETTINGS"
fi
if [[ ",$PHASES," == *,generate,* ]]; then
  if [[ -z "${GENERATED_USERS:-}" ]]; then
    generate
  else
    relationships   # a kept folder: only tops up the relationships, within REL_SECONDS
  fi
fi
if [[ ",$PHASES," == *,measure,* ]]; then
  measure
fi
echo "== summary ($SUMMARY)"
cat "$SUMMARY"
