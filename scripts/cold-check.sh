#!/usr/bin/env bash
# The check's cold and warm tails on a folder the scale harness kept (issue 17; docs/benchmarks.md, "Branch
# cold17"): starts the jar on that data, warms the JIT on 1,000 users, then one wrk phase over users never
# asked about since the start (each at most once: cold profiles), then the warm set again, CONCURRENCY
# connections and 1. Nothing else (no sign-in, who-can or lists), so that runs of two jars can be interleaved.
#
#   KEEP_DIR=/tmp/gatehouse-scale-0.1 SKIP_BUILD=1 JAR=… scripts/cold-check.sh
#   SERVER_HEAP=256m SERVER_JAVA_OPTS="…README's flags… -XX:StartFlightRecording=…" …   # as the server is run
#   knobs: COLD_USERS (40000), COLD_SECONDS (10: fewer requests than cold users at this machine's rate, so no
#   user is asked about twice), WRK_SECONDS (15), WARMUP_SECONDS (10), CONCURRENCY (4), LABEL (the summary's name),
#   IDLE_SECONDS (0: the server's RSS 5 s after the start only; more: also its RSS after that long idle)
#
# Each phase's line also says what the JVM's memory did in it (docs/benchmarks.md, "Branch heap17"): collections
# from jstat (young; full; G1's remark and cleanup pauses, "conc"), each per 100,000 checks, their pause time, the
# CPU of the collector's threads and the VM thread (GC Thread#…, G1 …, VM Thread; Serial collects in the VM
# thread), the JVM's CPU per check, the heap committed at the phase's end, and the most RSS of 1-s samples.
# A folder only generated (PHASES=generate) gets its active users' ids from the database at the first run (psql).
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
IDLE_SECONDS="${IDLE_SECONDS:-0}"

# shellcheck source=lib/server.sh
source "$(dirname "$0")/lib/server.sh"
JSTAT="${JAVA_HOME:+$JAVA_HOME/bin/}jstat"
require_tools curl jq wrk "$JAVA" "$JSTAT"
rmdir "$DATA"
DATA="$KEEP_DIR"
cleanup() {
  [[ -n "${SAMPLER:-}" ]] && kill "$SAMPLER" 2>/dev/null
  stop_server
}
trap cleanup EXIT
# shellcheck disable=SC1090,SC1091
source "$DATA/harness.env"
[[ -s "$DATA/leaves.txt" ]] || fail "$DATA has no leaves.txt: generate it with the harness (KEEP=1 PHASES=generate)"
[[ -s "$DATA/active-ids.txt" ]] || require_tools psql

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
rss_mb() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER_PID/status"; }
jvm_uptime() { # seconds since the JVM's process started: the -Xlog decoration "uptime" to within milliseconds
  awk -v start="$(sed 's/^.*) //' "/proc/$SERVER_PID/stat" | awk '{ print $20 }')" -v hz="$(getconf CLK_TCK)" \
    '{ printf "%.1f", $1 - start / hz }' /proc/uptime
}
jvm_ticks() { sed 's/^.*) //' "/proc/$SERVER_PID/stat" | awk '{ print $12 + $13 }'; }
gc_ticks() { # CPU ticks so far of the collector's threads and the VM thread (a thread that ends meanwhile is skipped)
  local task total=0 ticks
  for task in /proc/"$SERVER_PID"/task/*; do
    case "$(cat "$task/comm" 2>/dev/null)" in
      "GC Thread"* | G1* | "VM Thread")
        ticks="$(sed 's/^.*) //' "$task/stat" 2>/dev/null | awk '{ print $12 + $13 }')"
        total=$((total + ${ticks:-0})) ;;
    esac
  done
  echo "$total"
}
gc_state() { # "young full conc pause-seconds committed-MB gc-ticks jvm-ticks": jstat -gc's columns by name
  "$JSTAT" -gc "$SERVER_PID" | awk -v gc="$(gc_ticks)" -v jvm="$(jvm_ticks)" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } {
    conc = (c["CGC"] && $c["CGC"] != "-") ? $c["CGC"] : 0
    printf "%d %d %d %.3f %.0f %d %d\n", $c["YGC"], $c["FGC"], conc, $c["GCT"], ($c["S0C"] + $c["S1C"] + $c["EC"] + $c["OC"]) / 1024, gc, jvm }'
}
build_jar
start_server --gatehouse.sessions.cache-ttl=PT1S
echo "$LABEL | started (pid $SERVER_PID, -Xmx$SERVER_HEAP, class cache $(archive_state "$SERVER_PID"), load $(loadavg))"
sleep 5
echo "$LABEL | idle 5 s after the start: RSS $(rss_mb) MB, heap committed $(gc_state | cut -d' ' -f5) MB"
if [[ "$IDLE_SECONDS" -gt 0 ]]; then
  sleep "$IDLE_SECONDS"
  echo "$LABEL | idle $((IDLE_SECONDS + 5)) s after the start: RSS $(rss_mb) MB, heap committed $(gc_state | cut -d' ' -f5) MB, collections so far (young full conc) $(gc_state | cut -d' ' -f1-3), load $(loadavg)"
fi
# The most RSS of 1-s samples since the phase began (each phase writes 0 into the file first).
echo 0 >"$DATA/cold-check-max-rss"
( while kill -0 "$SERVER_PID" 2>/dev/null; do
    r="$(rss_mb 2>/dev/null || echo 0)"
    [[ "$r" -gt "$(cat "$DATA/cold-check-max-rss" 2>/dev/null || echo 0)" ]] && echo "$r" >"$DATA/cold-check-max-rss"
    sleep 1
  done ) &
SAMPLER=$!
if [[ ! -s "$DATA/active-ids.txt" ]]; then
  psql -h 127.0.0.1 -p "$(sed -n 4p "$DATA/postgres/postmaster.pid")" -U postgres -d postgres -qAtX \
    -c "select id from users where tenant_id = '$TENANT_ID' and status = 'ACTIVE' order by username" >"$DATA/active-ids.txt"
fi
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
  local result before up
  echo 0 >"$DATA/cold-check-max-rss"
  before="$(gc_state)"
  up="$(jvm_uptime)"
  echo "$LABEL | $1 starts $(date -u +%T.%N) (JVM uptime $up s)"
  result="$(timeout $(($3 + 60)) wrk -t1 -c"$2" -d"$3s" --timeout 20s -s "$ROOT/scripts/scale-get.lua" "$BASE" \
    -- "$API_KEY" "$4" | grep '^RESULT')"
  awk -v label="$LABEL" -v phase="$1" -v result="$result" -v ld="$(loadavg)" -v before="$before" -v after="$(gc_state)" \
    -v rss="$(cat "$DATA/cold-check-max-rss")" -v hz="$(getconf CLK_TCK)" -v up="$up-$(jvm_uptime) s" 'BEGIN {
    n = split(result, f, " "); for (i = 2; i <= n; i++) { split(f[i], kv, "="); v[kv[1]] = kv[2] }
    split(before, b, " "); split(after, a, " "); per = v["requests"] > 0 ? 100000 / v["requests"] : 0
    printf "%s | %-18s | %7d | %6.0f/s | p50 %6.2f | p99 %7.2f | max %7.2f ms | failures %d | load %s\n", label, phase,
      v["requests"], v["requests"] / v["seconds"], v["p50_ms"], v["p99_ms"], v["max_ms"], v["failures"], ld
    printf "%s | %-18s | young %d, full %d, conc %d (per 100,000 checks %.0f, %.1f, %.1f) | pauses %.0f ms | GC CPU %.0f ms | JVM %.0f µs/check | heap committed %d MB | RSS max %d MB | JVM uptime %s\n",
      label, phase, a[1] - b[1], a[2] - b[2], a[3] - b[3], (a[1] - b[1]) * per, (a[2] - b[2]) * per, (a[3] - b[3]) * per,
      (a[4] - b[4]) * 1000, (a[6] - b[6]) / hz * 1000, (v["requests"] > 0 ? (a[7] - b[7]) / hz * 1e6 / v["requests"] : 0), a[5], rss, up }'
}

timeout $((WARMUP_SECONDS + 60)) wrk -t1 -c"$CONCURRENCY" -d"${WARMUP_SECONDS}s" -s "$ROOT/scripts/scale-get.lua" "$BASE" \
  -- "$API_KEY" "$DATA/cold-check-warm.req" >/dev/null
phase "cold c$CONCURRENCY" "$CONCURRENCY" "$COLD_SECONDS" "$DATA/cold-check-cold.req"
phase "warm c$CONCURRENCY" "$CONCURRENCY" "$WRK_SECONDS" "$DATA/cold-check-warm.req"
phase "warm c1" 1 "$WRK_SECONDS" "$DATA/cold-check-warm.req"
