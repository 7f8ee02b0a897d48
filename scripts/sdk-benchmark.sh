#!/usr/bin/env bash
# Issue 14's JMH run, SdkCheckBenchmark: the Java SDK's local check, jCasbin's CachedEnforcer and the
# HTTP check API in one run. Builds the server and benchmark jars, starts the server on the embedded
# PostgreSQL in a temporary folder on a free port of 127.0.0.1, creates a clinic tenant, a provider
# and an API key (access.check, a rate limit the run never reaches) through the API, runs the
# benchmark bounded in time with the server named by -Dgatehouse.* properties, and stops the server.
# Prints the load average before and after: the cores may be shared.
#
#   scripts/sdk-benchmark.sh                                  # 1 fork, 3 × 1 s warm-up, 5 × 1 s, -prof gc,
#                                                             # with the engine's own allowed check as the control
#   JMH_ARGS='-f 1 -wi 5 -w 1s -i 10 -r 1s -prof gc' scripts/sdk-benchmark.sh
#   BENCHMARKS='SdkCheckBenchmark.httpCheck' scripts/sdk-benchmark.sh     # one method
#   USERS=1000 scripts/sdk-benchmark.sh                      # one population for the local ways
#   SKIP_BUILD=1 scripts/sdk-benchmark.sh                    # reuse server/target and benchmarks/target
#
# Needs a JDK ≥ 21 (JAVA_HOME, or Temurin 25 where this project's machines have it), curl and jq.
set -euo pipefail

NAME=sdk-benchmark
# GatehouseCheckBenchmark.gatehouseAllowed (the engine alone, distinctRequests=1024: the same requests) is the
# control: on a shared machine the SDK's cost is read against the engine's in the same run.
BENCHMARKS="${BENCHMARKS:-SdkCheckBenchmark|GatehouseCheckBenchmark.gatehouseAllowed}"
JMH_ARGS="${JMH_ARGS:--f 1 -wi 3 -w 1s -i 5 -r 1s -prof gc}"
USERS="${USERS:-1000,100000}"
MAX_SECONDS="${MAX_SECONDS:-900}"

# shellcheck source=lib/server.sh
source "$(dirname "$0")/lib/server.sh"
require_tools curl jq "$JAVA"

BENCHMARK_JAR="$ROOT/benchmarks/target/benchmarks.jar"
if [[ -z "${SKIP_BUILD:-}" ]]; then
  echo "== building the server and benchmark jars"
  (cd "$ROOT" && timeout 900 ./mvnw -q -Pbenchmarks -pl server,benchmarks -am package -DskipTests)
fi
SKIP_BUILD=1 build_jar
[[ -f "$BENCHMARK_JAR" ]] || fail "$BENCHMARK_JAR is missing: build without SKIP_BUILD"

echo "== starting $JAR on $BASE (data in $DATA)"
start_server

echo "== creating a clinic tenant, a provider and an API key"
create_clinic sdk "SDK Benchmark Clinic"
reply="$(api POST "/api/v1/tenants/$SLUG/users" "$TOKEN" \
  '{"username":"dr.bench","firstName":"Bench","lastName":"Provider","password":"a long benchmark provider password","roles":[{"role":"provider"}]}')"
[[ "$(status "$reply")" == 201 ]] || fail "user creation failed: $reply"
USER_ID="$(body "$reply" | jq -r .id)"
reply="$(api POST "/api/v1/tenants/$SLUG/api-keys" "$TOKEN" \
  '{"name":"sdk-benchmark","scopes":["access.check"],"rateLimit":{"requests":1000000,"perSeconds":1}}')"
[[ "$(status "$reply")" == 201 ]] || fail "API key creation failed: $reply"
KEY="$(body "$reply" | jq -r .key)"
echo "   tenant $SLUG, user dr.bench ($USER_ID, provider tenant-wide), key ${KEY:0:12}…; the HTTP check asks patients.read"

echo "== load before: $(uptime)"
echo "   command: $JAVA -Dgatehouse.url=$BASE -Dgatehouse.tenant=$SLUG -Dgatehouse.user=$USER_ID -Dgatehouse.key=… \\"
echo "     -jar $BENCHMARK_JAR '$BENCHMARKS' -p users=$USERS -p distinctRequests=1024 $JMH_ARGS -rf json -rff $ROOT/benchmarks/target/sdk-benchmark.json"
# JMH forks inherit the -D properties of this JVM, so the forked benchmark finds the server.
# shellcheck disable=SC2086
timeout "$MAX_SECONDS" "$JAVA" -Dgatehouse.url="$BASE" -Dgatehouse.tenant="$SLUG" -Dgatehouse.user="$USER_ID" \
  -Dgatehouse.key="$KEY" -jar "$BENCHMARK_JAR" "$BENCHMARKS" -p users="$USERS" -p distinctRequests=1024 $JMH_ARGS \
  -rf json -rff "$ROOT/benchmarks/target/sdk-benchmark.json"
echo "== load after: $(uptime)"
