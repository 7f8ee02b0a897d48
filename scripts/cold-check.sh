#!/usr/bin/env bash
# The check's cold and warm tails on a folder the scale harness kept (issue 17; docs/benchmarks.md, "Branch
# cold17"): starts the jar on that data, warms the JIT on 1,000 users, then one wrk phase over users never
# asked about since the start (each at most once: cold profiles), then the warm set again, CONCURRENCY
# connections and 1. Nothing else (no sign-in, who-can or lists), so that runs of two jars can be interleaved.
#
#   KEEP_DIR=/tmp/gatehouse-scale-0.1 SKIP_BUILD=1 JAR=… scripts/cold-check.sh
#   SERVER_HEAP=256m SERVER_JAVA_OPTS="…README's flags… -XX:StartFlightRecording=…" …   # as the server is run
#   knobs: COLD_USERS (40000), COLD_SECONDS (10: fewer requests than cold users at this machine's rate, so no
#   user is asked about twice), WRK_SECONDS (15), WARMUP_SECONDS (10), CONCURRENCY (4), LABEL (the summary's name)
#
# Bounded: every wrk phase has a duration and a timeout; the server is stopped on exit; the folder is kept.
set -euo pipefail

NAME=cold-check
KEEP_DIR="${KEEP_DIR:?the folder a KEEP=1 run of scripts/scale-harness.sh left}"
COLD_USERS="${COLD_USERS:-40000}"
COLD_SECONDS="${COLD_SECONDS:-10}"
WRK_SECONDS="${WRK_SECONDS:-15}"
WARMUP_SECONDS="${WARMUP_SECONDS:-10}"
CONCURRENCY="${CONCURRENCY:-4}"
LABEL="${LABEL:-run}"

# shellcheck source=lib/server.sh
source "$(dirname "$0")/lib/server.sh"
require_tools curl jq wrk "$JAVA"
rmdir "$DATA"
DATA="$KEEP_DIR"
cleanup() { stop_server; }
trap cleanup EXIT
# shellcheck disable=SC1090,SC1091
source "$DATA/harness.env"
[[ -s "$DATA/active-ids.txt" && -s "$DATA/leaves.txt" ]] || fail "$DATA has no active-ids.txt or leaves.txt: run the harness's measure phase once"

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
build_jar
shuf --random-source=<(yes) "$DATA/active-ids.txt" >"$DATA/cold-check-shuffled.txt"
head -n 1000 "$DATA/cold-check-shuffled.txt" >"$DATA/cold-check-warm-users.txt"
awk -v to="$((1000 + COLD_USERS))" 'NR > 1000 && NR <= to' "$DATA/cold-check-shuffled.txt" >"$DATA/cold-check-cold-users.txt"
lines() { # users-file: the harness's check request lines (permissions and leaf locations in turn)
  awk -v path="/api/v1/tenants/$SLUG/check" 'NR == FNR { leaf[c++] = $1; next } {
    split("patients.read appointments.create billing.read users.delete", p, " ")
    printf "POST\t%s\t{\"user\":\"%s\",\"permission\":\"%s\",\"resource\":{\"type\":\"patient\",\"id\":\"p-%d\",\"location\":\"%s\"}}\n",
      path, $1, p[FNR % 4 + 1], FNR, leaf[(FNR * 31) % c] }' "$DATA/leaves.txt" "$1"
}
lines "$DATA/cold-check-warm-users.txt" >"$DATA/cold-check-warm.req"
lines "$DATA/cold-check-cold-users.txt" >"$DATA/cold-check-cold.req"

phase() { # label connections seconds requests-file
  local result
  echo "$LABEL | $1 starts $(date -u +%T.%N)"
  result="$(timeout $(($3 + 60)) wrk -t1 -c"$2" -d"$3s" --timeout 20s -s "$ROOT/scripts/scale-get.lua" "$BASE" \
    -- "$API_KEY" "$4" | grep '^RESULT')"
  awk -v label="$LABEL" -v phase="$1" -v result="$result" -v ld="$(loadavg)" 'BEGIN {
    n = split(result, f, " "); for (i = 2; i <= n; i++) { split(f[i], kv, "="); v[kv[1]] = kv[2] }
    printf "%s | %-18s | %7d | %6.0f/s | p50 %6.2f | p99 %7.2f | max %7.2f ms | failures %d | load %s\n", label, phase,
      v["requests"], v["requests"] / v["seconds"], v["p50_ms"], v["p99_ms"], v["max_ms"], v["failures"], ld }'
}

start_server --gatehouse.sessions.cache-ttl=PT1S
echo "$LABEL | started (pid $SERVER_PID, -Xmx$SERVER_HEAP, class cache $(archive_state "$SERVER_PID"), load $(loadavg))"
timeout $((WARMUP_SECONDS + 60)) wrk -t1 -c"$CONCURRENCY" -d"${WARMUP_SECONDS}s" -s "$ROOT/scripts/scale-get.lua" "$BASE" \
  -- "$API_KEY" "$DATA/cold-check-warm.req" >/dev/null
phase "cold c$CONCURRENCY" "$CONCURRENCY" "$COLD_SECONDS" "$DATA/cold-check-cold.req"
phase "warm c$CONCURRENCY" "$CONCURRENCY" "$WRK_SECONDS" "$DATA/cold-check-warm.req"
phase "warm c1" 1 "$WRK_SECONDS" "$DATA/cold-check-warm.req"
