#!/usr/bin/env bash
# Builds the server and the example app (examples/clinic-app), starts the server on the embedded PostgreSQL in a
# temporary folder on a free port of 127.0.0.1, creates a clinic tenant, a service account and a provider,
# registers two clients through the clients API (one for client credentials acting as the service account, one
# for the code flow with refresh tokens, which is also the example app's client), starts the example app against
# the tenant's issuer, and loads the token endpoint (client credentials, refresh), the introspection endpoint and
# the example app's JWKS-validated API with TokenLoad.java. Every phase and step is bounded in time; both
# processes are stopped and the temporary folder removed on exit. Besides rates and latencies it prints each phase's
# CPU per request of the server JVM and of its embedded PostgreSQL (from /proc; other processes do not count),
# and the SQL statements per request with the most frequent ones (pg_stat_statements, loaded by restarting the
# server once; STATEMENTS=0 skips it and psql is then not needed).
#
#   scripts/load-tokens.sh                             # 8 threads, 15 s per phase after 5 s of warm-up
#   CONCURRENCY=16 PHASE_SECONDS=30 scripts/load-tokens.sh
#   SKIP_BUILD=1 scripts/load-tokens.sh                 # reuse server/target's and examples/clinic-app/target's jars
#   SKIP_BUILD=1 JAR=/tmp/other.jar scripts/load-tokens.sh   # another build of the server
#
# Needs a JDK ≥ 21 (JAVA_HOME, or Temurin 25 where this project's machines have it), curl, jq and psql.
set -euo pipefail

NAME=load-tokens
CONCURRENCY="${CONCURRENCY:-8}"
SECONDS_PER_PHASE="${PHASE_SECONDS:-15}"
WARMUP_SECONDS="${WARMUP_SECONDS:-5}"
STATEMENTS="${STATEMENTS:-1}"
SERVER_HEAP="${SERVER_HEAP:-512m}"

# shellcheck source=lib/server.sh
source "$(dirname "$0")/lib/server.sh"
require_tools curl jq "$JAVA"
build_jar
if [[ -z "${SKIP_BUILD:-}" ]]; then
  echo "== building the example app"
  (cd "$ROOT" && timeout 900 ./mvnw -q -pl examples/clinic-app package -DskipTests)
fi
APP_JAR="$ROOT/examples/clinic-app/target/clinic-app-exec.jar"
APP_PORT="$(free_port)"
APP="http://127.0.0.1:$APP_PORT"
APP_PID=""
stop_app() {
  [[ -n "$APP_PID" ]] && kill "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null || true
}
trap 'stop_app; cleanup' EXIT

echo "== starting $JAR on $BASE (data in $DATA)"
start_server
PG_PORT=0
if [[ "$STATEMENTS" == 1 ]]; then
  require_tools psql
  PG_PORT="$(sed -n 4p "$DATA/postgres/postmaster.pid")"
  sql() { timeout 60 psql -X -q -t -A -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c "$1"; }
  echo "== restarting with pg_stat_statements loaded"
  sql "alter system set shared_preload_libraries = 'pg_stat_statements'" >/dev/null
  sql "alter system set pg_stat_statements.track = 'top'" >/dev/null
  stop_server
  start_server
  PG_PORT="$(sed -n 4p "$DATA/postgres/postmaster.pid")"
  sql "create extension if not exists pg_stat_statements" >/dev/null
fi

echo "== creating a clinic tenant, a service account and a provider"
create_clinic tokens "Token Clinic"
# A service account has no password and is active at once.
SERVICE='{"username":"scheduler","firstName":"Scheduling","lastName":"Service","kind":"SERVICE","roles":[{"role":"front_desk"}]}'
reply="$(api POST "/api/v1/tenants/$SLUG/users" "$TOKEN" "$SERVICE")"
[[ "$(status "$reply")" == 201 ]] || fail "service account creation failed: $reply"
SERVICE_ID="$(body "$reply" | jq -r .id)"
PROVIDER_PASSWORD="a provider's own long passphrase"
reply="$(api POST "/api/v1/tenants/$SLUG/users" "$TOKEN" "$(jq -nc --arg p "$PROVIDER_PASSWORD" \
  '{username:"provider",firstName:"Load",lastName:"Provider",password:$p,roles:[{role:"provider"}]}')")"
[[ "$(status "$reply")" == 201 ]] || fail "provider creation failed: $reply"
# A password set by an admin is changed at the first sign-in; then the provider signs in with their own.
FIRST="$(login "$SLUG" provider "$PROVIDER_PASSWORD")"
PROVIDER_OWN="the provider's chosen long passphrase"
reply="$(api POST /api/v1/me/password "$FIRST" "$(jq -nc --arg c "$PROVIDER_PASSWORD" --arg n "$PROVIDER_OWN" \
  '{currentPassword:$c,newPassword:$n}')")"
[[ "$(status "$reply")" == 204 ]] || fail "the provider's password change failed: $reply"

echo "== registering the clients"
reply="$(api POST "/api/v1/tenants/$SLUG/clients" "$TOKEN" "$(jq -nc --arg s "$SERVICE_ID" \
  '{name:"Scheduler",type:"confidential",grantTypes:["client_credentials"],scopes:["gatehouse.api"],serviceAccount:$s}')")"
[[ "$(status "$reply")" == 201 ]] || fail "client registration failed: $reply"
CC_CLIENT="$(body "$reply" | jq -r .clientId)"; CC_SECRET="$(body "$reply" | jq -r .clientSecret)"
# The app's client also has client credentials (as the service account): the introspection and JWKS phases present
# a token issued to the app without needing a person's sign-in.
reply="$(api POST "/api/v1/tenants/$SLUG/clients" "$TOKEN" "$(jq -nc --arg a "$APP" --arg s "$SERVICE_ID" \
  '{name:"Clinic app",type:"confidential",firstParty:true,redirectUris:[($a + "/login/oauth2/code/gatehouse")],
    postLogoutRedirectUris:[($a + "/signed-out")],grantTypes:["authorization_code","refresh_token","client_credentials"],
    serviceAccount:$s,scopes:["openid","profile","email","roles","gatehouse.api"]}')")"
[[ "$(status "$reply")" == 201 ]] || fail "client registration failed: $reply"
CODE_CLIENT="$(body "$reply" | jq -r .clientId)"; CODE_SECRET="$(body "$reply" | jq -r .clientSecret)"
ISSUER="$BASE/oauth2/$SLUG"
# The example app's own API key for Gatehouse's Spring Boot starter (it asks access.check and reads the change stream).
reply="$(api POST "/api/v1/tenants/$SLUG/api-keys" "$TOKEN" '{"name":"Clinic app","scopes":["access.check"]}')"
[[ "$(status "$reply")" == 201 ]] || fail "the example app's API key failed: $reply"
APP_KEY="$(body "$reply" | jq -r .key)"

echo "== starting the example app on $APP"
CLINIC_ISSUER="$ISSUER" CLINIC_CLIENT_ID="$CODE_CLIENT" CLINIC_CLIENT_SECRET="$CODE_SECRET" CLINIC_GATEHOUSE="$BASE" \
  CLINIC_GATEHOUSE_API_KEY="$APP_KEY" \
  "$JAVA" -Xmx256m -jar "$APP_JAR" --server.port="$APP_PORT" --spring.main.banner-mode=off --logging.level.root=WARN \
  >>"$DATA/app.log" 2>&1 &
APP_PID=$!
for _ in $(seq 1 300); do
  [[ "$(curl -s -o /dev/null -w '%{http_code}' "$APP/")" == 200 ]] && break
  kill -0 "$APP_PID" 2>/dev/null || { tail -n 50 "$DATA/app.log" >&2; fail "the example app stopped; its log is above"; }
  sleep 1
done

echo "== load: $CONCURRENCY threads, ${SECONDS_PER_PHASE} s per phase after ${WARMUP_SECONDS} s of warm-up" \
  "(nproc: $(nproc), load average: $(cut -d' ' -f1-3 /proc/loadavg))"
echo "   command: $JAVA $ROOT/server/src/test/java/dev/gatehouse/server/oidc/TokenLoad.java --issuer $ISSUER …" \
  "--concurrency $CONCURRENCY --seconds $SECONDS_PER_PHASE --warmup-seconds $WARMUP_SECONDS"
timeout $((4 * (SECONDS_PER_PHASE + WARMUP_SECONDS) + 300)) "$JAVA" \
  "$ROOT/server/src/test/java/dev/gatehouse/server/oidc/TokenLoad.java" --issuer "$ISSUER" --tenant "$SLUG" \
  --username provider --password "$PROVIDER_OWN" --cc-client "$CC_CLIENT" --cc-secret "$CC_SECRET" \
  --code-client "$CODE_CLIENT" --code-secret "$CODE_SECRET" --redirect-uri "$APP/login/oauth2/code/gatehouse" \
  --app "$APP" --concurrency "$CONCURRENCY" --seconds "$SECONDS_PER_PHASE" --warmup-seconds "$WARMUP_SECONDS" \
  --server-pid "$SERVER_PID" --postmaster-pid "$(sed -n 1p "$DATA/postgres/postmaster.pid")" \
  --postgres-port "$PG_PORT"
echo "   load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
