#!/usr/bin/env bash
# Gatehouse and Keycloak side by side on this machine (issue 17): both on the same PostgreSQL server
# (PG_URL, default 127.0.0.1:5432 as postgres with trust authentication, databases gh_bench and kc_bench, dropped and
# made again at the start and dropped at the end), both on the same JDK with the same heap (-Xms1g -Xmx1g), both
# on 127.0.0.1 only. Rounds are interleaved — in each round every measure runs on one side then the other, the
# order swapped from round to round — so that the machine's load (other people's builds on these 2 cores) falls
# on both; docs/benchmarks.md ("Keycloak side by side") compares them round by round.
#
# Measures, per round: restart to healthy with the database present (wall clock, the JVM's CPU until healthy, RSS
# just after); then for PHASE_SECONDS each after WARMUP_SECONDS, with CONCURRENCY client threads
# (scripts/lib/SideBySide.java, which reads the JVM's and its PostgreSQL backends' CPU from /proc):
#   sign-in           Gatehouse POST /api/v1/auth/login  | Keycloak password grant (direct access) on its token endpoint
#   create            admin API, a user without password  | POST /admin/realms/bench/users
#   create-password   admin API, with a password (Argon2id) | the same with a temporary password credential
#   me / userinfo     GET /api/v1/me                       | GET …/userinfo, and POST …/token/introspect
#   check             POST …/check (admin's session)        | UMA decision (grant uma-ticket, response_mode=decision)
#   client-credentials  POST /oauth2/{tenant}/token         | the realm's token endpoint
#   refresh           refresh_token grant on both, each thread refreshing its own sign-in (Gatehouse's made
#                     through its authorize endpoint and sign-in form, Keycloak's by a password grant)
# Both sides hash passwords with Argon2id, 16 MiB, 2 passes, parallelism 1 (Keycloak: password policy
# hashAlgorithm(argon2) and hashIterations(2), and its argon2 provider's memory set to 16384 KiB).
# Then (BULK_USERS > 0) both get BULK_USERS more users in batches of 1,000 (Gatehouse's bulk import, Keycloak's
# partial import), are restarted, and their RSS is read after the start and after every user was read once
# through the admin API's list pages.
# Then (MEMORY_USERS > 0) both get MEMORY_USERS users more the fast way each offers — Gatehouse's bulk import in
# requests of 10,000, Keycloak's offline import at boot (kc.sh import --dir, its export format, 5,000 users a
# file, into a realm "memory" of their own, the server stopped meanwhile) — and after a restart each side's RSS
# and heap in use after a full GC (jcmd GC.run, GC.heap_info) are recorded (a) idle, (b) after MEMORY_TOUCH
# distinct users were read once by id through the admin API, (c) after a check / UMA decision phase; then the
# tables' sizes (docs/benchmarks.md, "Memory at 100,000 users beside Keycloak").
#
#   scripts/keycloak-compare.sh                         # builds the jar; 2 rounds, 15 s phases after 15 s of
#                                                       # warm-up, 100,000 users
#   SKIP_BUILD=1 JAR=/tmp/any/gatehouse.jar ROUNDS=3 scripts/keycloak-compare.sh   # any other build
#   BULK_USERS=0 PHASE_SECONDS=10 ROUNDS=1 scripts/keycloak-compare.sh               # a quicker look
#   ROUNDS=0 BULK_USERS=0 MEMORY_USERS=100000 scripts/keycloak-compare.sh            # memory at 100,000 users only
#   KC_EVENTS=true MEASURES="create sign-in" ROUNDS=3 BULK_USERS=0 scripts/keycloak-compare.sh  # Keycloak auditing too
#   GH_JAVA_OPTS='-XX:StartFlightRecording=filename=/tmp/gh.jfr,settings=profile' \
#   KC_JAVA_OPTS='-XX:StartFlightRecording=filename=/tmp/kc.jfr,settings=profile' scripts/keycloak-compare.sh
#
# Keycloak is downloaded once with Maven (org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip) into KC_DIR
# (/tmp/keycloak) and built for PostgreSQL there. Every step is bounded in time; both servers are stopped and the
# databases dropped on exit. Results: one line per measure on stdout, and all of them in $RESULTS.
set -euo pipefail

NAME=keycloak-compare
ROUNDS="${ROUNDS:-2}"
PHASE_SECONDS="${PHASE_SECONDS:-15}"
WARMUP_SECONDS="${WARMUP_SECONDS:-15}"
CONCURRENCY="${CONCURRENCY:-4}"
BULK_USERS="${BULK_USERS:-100000}"
MEMORY_USERS="${MEMORY_USERS:-0}"
# KC_EVENTS=true stores Keycloak's login and admin events (with the representations) in its database, as
# Gatehouse's audit trail records every sign-in and change (it cannot be turned off); Keycloak's default is off
KC_EVENTS="${KC_EVENTS:-false}"
case "$KC_EVENTS" in true|false) ;; *) echo "KC_EVENTS must be true or false" >&2; exit 2 ;; esac
# MEASURES="create create-password": only these phases (the order of the list below)
MEMORY_TOUCH="${MEMORY_TOUCH:-10000}"
KC_VERSION="${KC_VERSION:-26.7.3}"
KC_DIR="${KC_DIR:-/tmp/keycloak}"
KC_HOME="$KC_DIR/keycloak-$KC_VERSION"
PG_HOST="${PG_HOST:-127.0.0.1}"
PG_PORT="${PG_PORT:-5432}"
GH_DB=gh_bench
KC_DB=kc_bench
SERVER_HEAP=1g
GH_JAVA_OPTS="${GH_JAVA_OPTS:-}"
KC_JAVA_OPTS="${KC_JAVA_OPTS:-}"

# shellcheck source=lib/server.sh
source "$(dirname "$0")/lib/server.sh"
require_tools curl jq psql unzip openssl "$JAVA"
RESULTS="${RESULTS:-$DATA/results.txt}"
LOADER="$ROOT/scripts/lib/SideBySide.java"
psql_admin() { timeout 120 psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -qAtX -v ON_ERROR_STOP=1 "$@"; }

# --- Keycloak: download and build once -------------------------------------------------------------------------
if [[ ! -x "$KC_HOME/bin/kc.sh" ]]; then
  echo "== downloading Keycloak $KC_VERSION into $KC_DIR"
  mkdir -p "$KC_DIR"
  (cd "$ROOT" && timeout 900 ./mvnw -q dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip" \
    -DoutputDirectory="$KC_DIR")
  (cd "$KC_DIR" && unzip -q "keycloak-quarkus-dist-$KC_VERSION.zip")
fi
# kc.sh keeps the build's options inside its generated jar: a marker file says this script's build ran.
if [[ ! -f "$KC_HOME/.built-for-postgres" ]]; then
  echo "== building Keycloak for PostgreSQL (once)"
  (cd "$KC_HOME" && timeout 900 bin/kc.sh build --db=postgres --health-enabled=true >"$KC_DIR/build.log" 2>&1) \
    || { tail -n 30 "$KC_DIR/build.log" >&2; fail "kc.sh build failed"; }
  touch "$KC_HOME/.built-for-postgres"
fi
build_jar

# --- databases --------------------------------------------------------------------------------------------------
drop_databases() {
  psql_admin -c "drop database if exists $GH_DB with (force)" -c "drop database if exists $KC_DB with (force)" || true
}
drop_databases
psql_admin -c "create database $GH_DB" -c "create database $KC_DB"

# --- the two servers --------------------------------------------------------------------------------------------
GH_PID=""; KC_PID=""; KC_SH_PID=""
KC_PORT="$(free_port)"; KC_MANAGEMENT_PORT="$(free_port)"
KC="http://127.0.0.1:$KC_PORT"
GH_HEALTH="$BASE/actuator/health"
KC_HEALTH="http://127.0.0.1:$KC_MANAGEMENT_PORT/health/ready"
KC_ADMIN_PASSWORD="bench-admin-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"

stop_pid() { # pid: TERM, then KILL after 60 s
  local pid="$1"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true
}
stop_gatehouse() { stop_pid "$GH_PID"; GH_PID=""; }
stop_keycloak() { stop_pid "$KC_PID"; stop_pid "$KC_SH_PID"; KC_PID=""; KC_SH_PID=""; }
finish() {
  stop_gatehouse
  stop_keycloak
  drop_databases
  [[ -f "$RESULTS" && "$RESULTS" == "$DATA"/* ]] && cp "$RESULTS" "$KC_DIR/last-results.txt"
  rm -rf "$DATA"
}
trap finish EXIT

cpu_seconds() { # pid: user + system CPU seconds
  awk '{ sub(/.*\) /, ""); printf "%.2f", ($12 + $13) / 100 }' "/proc/$1/stat"
}
rss_mb() { awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
record() { echo "$*" | tee -a "$RESULTS"; }

wait_healthy() { # label pid url started-at(ns): waits (≤ 600 s) and records wall s, CPU s, RSS MB
  local label="$1" pid="$2" url="$3" started="$4" now
  for _ in $(seq 1 6000); do
    if curl -fsS --max-time 2 "$url" 2>/dev/null | grep -q '"UP"'; then
      now="$(date +%s%N)"
      record "$label restart $(awk -v a="$started" -v b="$now" 'BEGIN { printf "%.2f", (b - a) / 1e9 }') s" \
        "cpu $(cpu_seconds "$pid") s rss $(rss_mb "$pid") MB load $(cut -d' ' -f1 /proc/loadavg)"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || fail "$label stopped while starting; its log is in $DATA"
    sleep 0.1
  done
  fail "$label was not healthy in 600 s"
}

start_side() { # gatehouse|keycloak [label]: starts it and waits until healthy
  local started pid url
  [[ "$1" == gatehouse ]] && gatehouse_cache # a training start, if any, is not part of the time
  started="$(date +%s%N)"
  "launch_$1"
  if [[ "$1" == gatehouse ]]; then pid="$GH_PID"; url="$GH_HEALTH"; else pid="$KC_PID"; url="$KC_HEALTH"; fi
  wait_healthy "${2:-$1}" "$pid" "$url" "$started"
}
GH_ARGS=(--server.port="$PORT" --server.address=127.0.0.1 --gatehouse.data-dir="$DATA/gatehouse"
  --gatehouse.db.url="jdbc:postgresql://$PG_HOST:$PG_PORT/$GH_DB" --gatehouse.db.user=postgres
  --gatehouse.admin.username=operator --gatehouse.admin.password="$OPERATOR_PASSWORD"
  --spring.main.banner-mode=off --logging.level.root=WARN)
gatehouse_cache() { # CDS_OPTS as scripts/run.sh picks them, the cache trained first if there is none for this jar
  cache_opts "-Xms$SERVER_HEAP -Xmx$SERVER_HEAP $GH_JAVA_OPTS" "${GH_ARGS[@]}"
}
launch_gatehouse() {
  # shellcheck disable=SC2086
  "$JAVA" -Xms"$SERVER_HEAP" -Xmx"$SERVER_HEAP" $GH_JAVA_OPTS "${CDS_OPTS[@]}" -jar "$JAR" "${GH_ARGS[@]}" \
    >>"$DATA/gatehouse.log" 2>&1 &
  GH_PID=$!
}

launch_keycloak() {
  # The java process is kc.sh's child: its id is looked up below, for /proc.
  (cd "$KC_HOME" && KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD="$KC_ADMIN_PASSWORD" \
    JAVA_OPTS_KC_HEAP="-Xms$SERVER_HEAP -Xmx$SERVER_HEAP" JAVA_OPTS_APPEND="$KC_JAVA_OPTS" \
    exec bin/kc.sh start --optimized --db-url="jdbc:postgresql://$PG_HOST:$PG_PORT/$KC_DB" --db-username=postgres \
    --db-password=unused --db-pool-max-size=16 --http-enabled=true --http-host=127.0.0.1 --http-port="$KC_PORT" \
    --http-management-port="$KC_MANAGEMENT_PORT" --hostname-strict=false --cache=local \
    --spi-password-hashing--argon2--memory=16384 --spi-password-hashing--argon2--iterations=2 \
    --spi-password-hashing--argon2--parallelism=1 >>"$DATA/keycloak.log" 2>&1) &
  KC_SH_PID=$!
  for _ in $(seq 1 100); do
    KC_PID="$(pgrep -P "$KC_SH_PID" java || true)"
    [[ -n "$KC_PID" ]] && break
    sleep 0.1
  done
  [[ -n "$KC_PID" ]] || fail "kc.sh started no java process; see $DATA/keycloak.log"
}

echo "== first start of both (schemas made), machine: nproc $(nproc), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "   Gatehouse: $JAR on $BASE, database $GH_DB; Keycloak $KC_VERSION on $KC, database $KC_DB"
# Both at once: this start makes the schemas and is not one of the measures.
started="$(date +%s%N)"
gatehouse_cache
launch_gatehouse
launch_keycloak
wait_healthy gatehouse-first "$GH_PID" "$GH_HEALTH" "$started"
wait_healthy keycloak-first "$KC_PID" "$KC_HEALTH" "$started"

# --- Gatehouse: a clinic, sign-in users, a client ---------------------------------------------------------------
USER_PASSWORD="a bench user's own long passphrase"
SIGN_IN_USERS=8
echo "== Gatehouse: a clinic, $SIGN_IN_USERS providers with their own passwords, a client-credentials client"
create_clinic bench "Bench Clinic"
GH_USER_IDS=()
for i in $(seq 0 $((SIGN_IN_USERS - 1))); do
  reply="$(api POST "/api/v1/tenants/$SLUG/users" "$TOKEN" "$(jq -nc --arg u "signin$i" '{username:$u,firstName:"Sign",
    lastName:"In",email:($u + "@bench.example"),password:"an admin-set first password",roles:[{role:"provider"}]}')")"
  [[ "$(status "$reply")" == 201 ]] || fail "user creation failed: $reply"
  GH_USER_IDS+=("$(body "$reply" | jq -r .id)")
  reply="$(api POST /api/v1/me/password "$(login "$SLUG" "signin$i" "an admin-set first password")" \
    "$(jq -nc --arg n "$USER_PASSWORD" '{currentPassword:"an admin-set first password",newPassword:$n}')")"
  [[ "$(status "$reply")" == 204 ]] || fail "password change failed: $reply"
done
GH_USER_TOKEN="$(login "$SLUG" signin0 "$USER_PASSWORD")"
GH_CHECK="$(jq -nc --arg u "${GH_USER_IDS[0]}" '{user:$u,permission:"patients.read"}')"
reply="$(api POST "/api/v1/tenants/$SLUG/check" "$TOKEN" "$GH_CHECK")"
[[ "$(body "$reply" | jq -r .allowed)" == true ]] || fail "the check is not allowed: $reply"
reply="$(api POST "/api/v1/tenants/$SLUG/users" "$TOKEN" \
  '{"username":"scheduler","firstName":"Scheduling","lastName":"Service","kind":"SERVICE","roles":[{"role":"front_desk"}]}')"
[[ "$(status "$reply")" == 201 ]] || fail "service account creation failed: $reply"
reply="$(api POST "/api/v1/tenants/$SLUG/clients" "$TOKEN" "$(jq -nc --arg s "$(body "$reply" | jq -r .id)" \
  '{name:"Scheduler",type:"confidential",grantTypes:["client_credentials"],scopes:["gatehouse.api"],serviceAccount:$s}')")"
[[ "$(status "$reply")" == 201 ]] || fail "client registration failed: $reply"
GH_CC_BASIC="$(printf '%s:%s' "$(body "$reply" | jq -r .clientId)" "$(body "$reply" | jq -r .clientSecret)" | base64 -w0)"

# Gatehouse's refresh tokens come from the authorize flow (code + PKCE) through its sign-in form, with curl: one
# sign-in per load thread, each thread then refreshing its own (Gatehouse rotates the refresh token on every use).
GH_REDIRECT="http://127.0.0.1:9/callback"
reply="$(api POST "/api/v1/tenants/$SLUG/clients" "$TOKEN" "$(jq -nc --arg r "$GH_REDIRECT" '{name:"Bench app",
  type:"confidential",firstParty:true,redirectUris:[$r],grantTypes:["authorization_code","refresh_token"],
  scopes:["openid","gatehouse.api"]}')")"
[[ "$(status "$reply")" == 201 ]] || fail "code client registration failed: $reply"
GH_CODE_CLIENT="$(body "$reply" | jq -r .clientId)"
GH_CODE_BASIC="$(printf '%s:%s' "$GH_CODE_CLIENT" "$(body "$reply" | jq -r .clientSecret)" | base64 -w0)"
gatehouse_refresh_token() { # username: prints a refresh token of a sign-in through the authorize endpoint
  local jar="$DATA/cookies" verifier challenge next page csrf continue_to code
  rm -f "$jar"
  verifier="$(head -c 32 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '=')"
  challenge="$(printf %s "$verifier" | openssl dgst -sha256 -binary | base64 -w0 | tr '+/' '-_' | tr -d '=')"
  next="$BASE/oauth2/$SLUG/authorize?response_type=code&client_id=$GH_CODE_CLIENT&redirect_uri=$(jq -rn --arg r \
    "$GH_REDIRECT" '$r|@uri')&scope=openid%20gatehouse.api&state=bench&code_challenge=$challenge&code_challenge_method=S256"
  next="$(curl -sS --max-time 30 -c "$jar" -b "$jar" -o /dev/null -w '%{redirect_url}' "$next")"
  page="$(curl -sS --max-time 30 -c "$jar" -b "$jar" "$next")"
  csrf="$(grep -o 'name="_csrf" value="[^"]*"' <<<"$page" | head -n 1 | sed 's/.*value="//; s/"$//')"
  continue_to="$(grep -o 'name="continueTo" value="[^"]*"' <<<"$page" | head -n 1 | sed 's/.*value="//; s/"$//; s/&amp;/\&/g')"
  next="$(curl -sS --max-time 30 -c "$jar" -b "$jar" -o /dev/null -w '%{redirect_url}' "$BASE/console/sign-in" \
    --data-urlencode "_csrf=$csrf" --data-urlencode "continueTo=$continue_to" --data-urlencode "tenant=$SLUG" \
    --data-urlencode "username=$1" --data-urlencode "password=$USER_PASSWORD")"
  for _ in 1 2 3 4 5 6; do
    [[ "$next" == "$GH_REDIRECT"* ]] && break
    [[ -n "$next" ]] || fail "the authorize flow of $1 stopped without a redirect"
    next="$(curl -sS --max-time 30 -c "$jar" -b "$jar" -o /dev/null -w '%{redirect_url}' "$next")"
  done
  code="$(sed -n 's/.*[?&]code=\([^&]*\).*/\1/p' <<<"$next")"
  [[ -n "$code" ]] || fail "no code for $1: $next"
  curl -sS --max-time 30 "$BASE/oauth2/$SLUG/token" -H "Authorization: Basic $GH_CODE_BASIC" \
    --data-urlencode grant_type=authorization_code --data-urlencode "code=$code" \
    --data-urlencode "redirect_uri=$GH_REDIRECT" --data-urlencode "code_verifier=$verifier" | jq -er .refresh_token \
    || fail "the code exchange of $1 gave no refresh token"
}
gatehouse_sign_ins() { # fresh ones each round: a refresh token already rotated away is refused (and throttled)
  : >"$DATA/gh-refresh"
  for t in $(seq 1 "$CONCURRENCY"); do gatehouse_refresh_token "signin$((t % SIGN_IN_USERS))" >>"$DATA/gh-refresh"; done
}

# --- Keycloak: a realm at the same hash cost, clients, users, an authorization resource server --------------------
kc_api() { # method path [json]: the body, then the status on the last line (admin token $KC_ADMIN)
  curl -sS --max-time 60 -X "$1" "$KC$2" -H "Content-Type: application/json" -H "Authorization: Bearer $KC_ADMIN" \
    ${3:+--data "$3"} -w '\n%{http_code}'
}
kc_ok() { # reply expected-status what
  [[ "$(status "$1")" == "$2" ]] || fail "Keycloak: $3 answered $1"
}
kc_token() { # realm form-data...: the access token response
  local realm="$1"; shift
  curl -sS --max-time 60 "$KC/realms/$realm/protocol/openid-connect/token" "$@"
}
echo "== Keycloak: realm bench (Argon2id 16 MiB, 2 passes), $SIGN_IN_USERS users, clients, UMA resource server"
KC_ADMIN="$(kc_token master -d grant_type=password -d client_id=admin-cli -d username=admin \
  --data-urlencode "password=$KC_ADMIN_PASSWORD" | jq -r .access_token)"
kc_ok "$(kc_api PUT /admin/realms/master '{"accessTokenLifespan":7200}')" 204 "the master realm's token lifespan"
KC_ADMIN="$(kc_token master -d grant_type=password -d client_id=admin-cli -d username=admin \
  --data-urlencode "password=$KC_ADMIN_PASSWORD" | jq -r .access_token)"
kc_ok "$(kc_api POST /admin/realms '{"realm":"bench","enabled":true,"accessTokenLifespan":7200,
  "ssoSessionIdleTimeout":36000,"ssoSessionMaxLifespan":36000,
  "eventsEnabled":'"$KC_EVENTS"',"adminEventsEnabled":'"$KC_EVENTS"',"adminEventsDetailsEnabled":'"$KC_EVENTS"',
  "passwordPolicy":"hashAlgorithm(argon2) and hashIterations(2)"}')" 201 "realm creation"
KC_SERVICE_SECRET="bench-service-secret-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
KC_API_SECRET="bench-api-secret-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
kc_ok "$(kc_api POST /admin/realms/bench/clients '{"clientId":"bench-login","publicClient":true,
  "directAccessGrantsEnabled":true,"standardFlowEnabled":false}')" 201 "client bench-login"
kc_ok "$(kc_api POST /admin/realms/bench/clients "$(jq -nc --arg s "$KC_SERVICE_SECRET" '{clientId:"bench-service",
  publicClient:false,secret:$s,serviceAccountsEnabled:true,standardFlowEnabled:false}')")" 201 "client bench-service"
kc_ok "$(kc_api POST /admin/realms/bench/clients "$(jq -nc --arg s "$KC_API_SECRET" '{clientId:"bench-api",
  publicClient:false,secret:$s,serviceAccountsEnabled:true,authorizationServicesEnabled:true,standardFlowEnabled:false}')")" \
  201 "client bench-api"
kc_ok "$(kc_api POST /admin/realms/bench/roles '{"name":"provider"}')" 201 "role provider"
ROLE="$(body "$(kc_api GET /admin/realms/bench/roles/provider)")"
for i in $(seq 0 $((SIGN_IN_USERS - 1))); do
  kc_ok "$(kc_api POST /admin/realms/bench/users "$(jq -nc --arg u "signin$i" --arg p "$USER_PASSWORD" '{username:$u,
    firstName:"Sign",lastName:"In",email:($u + "@bench.example"),emailVerified:true,enabled:true,
    credentials:[{type:"password",value:$p,temporary:false}]}')")" 201 "user signin$i"
  id="$(body "$(kc_api GET "/admin/realms/bench/users?username=signin$i&exact=true")" | jq -r '.[0].id')"
  kc_ok "$(kc_api POST "/admin/realms/bench/users/$id/role-mappings/realm" "[$ROLE]")" 204 "role mapping"
done
API_ID="$(body "$(kc_api GET '/admin/realms/bench/clients?clientId=bench-api')" | jq -r '.[0].id')"
AUTHZ="/admin/realms/bench/clients/$API_ID/authz/resource-server"
reply="$(kc_api POST "$AUTHZ/scope" '{"name":"read"}')"; kc_ok "$reply" 201 "scope read"
SCOPE_ID="$(body "$reply" | jq -r .id)"
reply="$(kc_api POST "$AUTHZ/resource" "$(jq -nc --arg s "$SCOPE_ID" '{name:"patients",scopes:[{id:$s}]}')")"
kc_ok "$reply" 201 "resource patients"; RESOURCE_ID="$(body "$reply" | jq -r ._id)"
reply="$(kc_api POST "$AUTHZ/policy/role" "$(jq -nc --arg r "$(jq -r .id <<<"$ROLE")" \
  '{name:"providers",roles:[{id:$r,required:false}],logic:"POSITIVE"}')")"
kc_ok "$reply" 201 "role policy"; POLICY_ID="$(body "$reply" | jq -r .id)"
kc_ok "$(kc_api POST "$AUTHZ/permission/scope" "$(jq -nc --arg r "$RESOURCE_ID" --arg s "$SCOPE_ID" --arg p "$POLICY_ID" \
  '{name:"providers read patients",resources:[$r],scopes:[$s],policies:[$p],decisionStrategy:"UNANIMOUS"}')")" \
  201 "scope permission"
# scope=openid: Keycloak's userinfo answers 403 to a token without it.
KC_USER_TOKEN="$(kc_token bench -d grant_type=password -d client_id=bench-login -d scope=openid -d username=signin0 \
  --data-urlencode "password=$USER_PASSWORD" | jq -r .access_token)"
decision="$(kc_token bench -H "Authorization: Bearer $KC_USER_TOKEN" -d grant_type=urn:ietf:params:oauth:grant-type:uma-ticket \
  -d audience=bench-api -d 'permission=patients#read' -d response_mode=decision)"
[[ "$(jq -r .result <<<"$decision")" == true ]] || fail "the UMA decision is not granted: $decision"
keycloak_sign_ins() {
  : >"$DATA/kc-refresh"
  for t in $(seq 1 "$CONCURRENCY"); do
    kc_token bench -d grant_type=password -d client_id=bench-login -d scope=openid -d "username=signin$((t % SIGN_IN_USERS))" \
      --data-urlencode "password=$USER_PASSWORD" | jq -r .refresh_token >>"$DATA/kc-refresh"
  done
}
KC_API_BASIC="$(printf 'bench-api:%s' "$KC_API_SECRET" | base64 -w0)"
KC_SERVICE_BASIC="$(printf 'bench-service:%s' "$KC_SERVICE_SECRET" | base64 -w0)"

# --- the measures -----------------------------------------------------------------------------------------------
load() { # label op database jvm-pid SideBySide-arguments...
  local label="$1" op="$2" database="$3" pid="$4"; shift 4
  timeout $((WARMUP_SECONDS + PHASE_SECONDS + 240)) "$JAVA" -Xmx256m "$LOADER" --label "$label" --op "$op" \
    --database "$database" --jvm "$pid" --concurrency "$CONCURRENCY" --seconds "$PHASE_SECONDS" \
    --warmup "$WARMUP_SECONDS" "$@" | tee -a "$RESULTS"
}
JSON='Content-Type: application/json'
FORM='Content-Type: application/x-www-form-urlencoded'
GH_USERS="$BASE/api/v1/tenants/$SLUG/users"
KC_TOKEN_URL="$KC/realms/bench/protocol/openid-connect/token"

gatehouse_phase() { # measure round
  local start=$(( $2 * 10000000 ))
  case "$1" in
    sign-in) load gatehouse sign-in "$GH_DB" "$GH_PID" --method POST --url "$BASE/api/v1/auth/login" --header "$JSON" \
      --modulo "$SIGN_IN_USERS" --body "$(jq -nc --arg t "$SLUG" --arg p "$USER_PASSWORD" \
      '{tenant:$t,username:"signin{m}",password:$p}')" ;;
    create) load gatehouse create "$GH_DB" "$GH_PID" --method POST --url "$GH_USERS" --header "$JSON" \
      --header "Authorization: Bearer $TOKEN" --start "$start" --expect 201 \
      --body '{"username":"plain{n}","firstName":"Plain","lastName":"User","email":"plain{n}@bench.example"}' ;;
    create-password) load gatehouse create-password "$GH_DB" "$GH_PID" --method POST --url "$GH_USERS" --header "$JSON" \
      --header "Authorization: Bearer $TOKEN" --start "$start" --expect 201 \
      --body '{"username":"pw{n}","firstName":"Password","lastName":"User","email":"pw{n}@bench.example","password":"an admin-set first password {n}"}' ;;
    me) load gatehouse me "$GH_DB" "$GH_PID" --method GET --url "$BASE/api/v1/me" \
      --header "Authorization: Bearer $GH_USER_TOKEN" ;;
    check) load gatehouse check "$GH_DB" "$GH_PID" --method POST --url "$BASE/api/v1/tenants/$SLUG/check" \
      --header "$JSON" --header "Authorization: Bearer $TOKEN" --body "$GH_CHECK" ;;
    client-credentials) load gatehouse client-credentials "$GH_DB" "$GH_PID" --method POST \
      --url "$BASE/oauth2/$SLUG/token" --header "$FORM" --header "Authorization: Basic $GH_CC_BASIC" \
      --body "grant_type=client_credentials&scope=gatehouse.api" ;;
    refresh) gatehouse_sign_ins
      load gatehouse refresh "$GH_DB" "$GH_PID" --method POST --url "$BASE/oauth2/$SLUG/token" --header "$FORM" \
      --header "Authorization: Basic $GH_CODE_BASIC" --refresh-tokens "$DATA/gh-refresh" --rotate refresh_token \
      --body "grant_type=refresh_token&refresh_token={refresh}" ;;
  esac
}
keycloak_phase() { # measure round
  local start=$(( $2 * 10000000 ))
  case "$1" in
    sign-in) load keycloak sign-in "$KC_DB" "$KC_PID" --method POST --url "$KC_TOKEN_URL" --header "$FORM" \
      --modulo "$SIGN_IN_USERS" \
      --body "grant_type=password&client_id=bench-login&username=signin{m}&password=$(jq -rn --arg p "$USER_PASSWORD" '$p|@uri')" ;;
    create) load keycloak create "$KC_DB" "$KC_PID" --method POST --url "$KC/admin/realms/bench/users" --header "$JSON" \
      --header "Authorization: Bearer $KC_ADMIN" --start "$start" --expect 201 \
      --body '{"username":"plain{n}","firstName":"Plain","lastName":"User","email":"plain{n}@bench.example","enabled":true}' ;;
    create-password) load keycloak create-password "$KC_DB" "$KC_PID" --method POST --url "$KC/admin/realms/bench/users" \
      --header "$JSON" --header "Authorization: Bearer $KC_ADMIN" --start "$start" --expect 201 \
      --body '{"username":"pw{n}","firstName":"Password","lastName":"User","email":"pw{n}@bench.example","enabled":true,"credentials":[{"type":"password","value":"an admin-set first password {n}","temporary":true}]}' ;;
    me) load keycloak userinfo "$KC_DB" "$KC_PID" --method GET --url "$KC/realms/bench/protocol/openid-connect/userinfo" \
      --header "Authorization: Bearer $KC_USER_TOKEN"
      load keycloak introspection "$KC_DB" "$KC_PID" --method POST --url "$KC_TOKEN_URL/introspect" --header "$FORM" \
      --header "Authorization: Basic $KC_SERVICE_BASIC" --body "token=$KC_USER_TOKEN" ;;
    check) load keycloak check "$KC_DB" "$KC_PID" --method POST --url "$KC_TOKEN_URL" --header "$FORM" \
      --header "Authorization: Bearer $KC_USER_TOKEN" \
      --body "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Auma-ticket&audience=bench-api&permission=patients%23read&response_mode=decision" ;;
    client-credentials) load keycloak client-credentials "$KC_DB" "$KC_PID" --method POST --url "$KC_TOKEN_URL" \
      --header "$FORM" --header "Authorization: Basic $KC_SERVICE_BASIC" --body "grant_type=client_credentials" ;;
    refresh) keycloak_sign_ins
      load keycloak refresh "$KC_DB" "$KC_PID" --method POST --url "$KC_TOKEN_URL" --header "$FORM" \
      --refresh-tokens "$DATA/kc-refresh" --rotate refresh_token \
      --body "grant_type=refresh_token&client_id=bench-login&refresh_token={refresh}" ;;
  esac
}

read -r -a MEASURES <<< "${MEASURES:-sign-in create create-password me check client-credentials refresh}"
for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round of $ROUNDS ($CONCURRENCY threads, ${PHASE_SECONDS} s after ${WARMUP_SECONDS} s of warm-up;" \
    "load average $(cut -d' ' -f1-3 /proc/loadavg)); columns: side measure requests failures seconds per-second" \
    "p50-ms p99-ms jvm-cpu-ms pg-cpu-ms (per request) load1"
  if (( round % 2 )); then order=(gatehouse keycloak); else order=(keycloak gatehouse); fi
  for side in "${order[@]}"; do
    "stop_$side"
    start_side "$side"
  done
  for measure in "${MEASURES[@]}"; do
    for side in "${order[@]}"; do "${side}_phase" "$measure" "$round"; done
  done
done

# --- memory with many users -------------------------------------------------------------------------------------
if (( BULK_USERS > 0 )); then
  echo "== $BULK_USERS more users on each side, in batches of 1,000 (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  # Without a bulk import (main before issue 17's), Gatehouse's users are copies of one made through the API,
  # inserted with SQL: only the memory and start with that many users are then comparable, not the import's rate.
  gatehouse_users_by_sql() {
    echo "   (no bulk import in this build: Gatehouse's $BULK_USERS users are inserted with SQL, copies of one user)"
    reply="$(api POST "$GH_USERS" "$TOKEN" '{"username":"bulktemplate","firstName":"Bulk","lastName":"User","email":"bulktemplate@bench.example"}')"
    [[ "$(status "$reply")" == 201 ]] || fail "template user: $reply"
    timeout 600 psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d "$GH_DB" -qAtX -v ON_ERROR_STOP=1 \
      -v template="$(body "$reply" | jq -r .id)" -v last="$((BULK_USERS - 1))" <<'SQL' || fail "SQL insert of users failed"
select string_agg(quote_ident(column_name), ', ' order by ordinal_position) as cols,
       string_agg(case column_name
         when 'id' then 'gen_random_uuid()'
         when 'username' then '''bulk'' || g' when 'username_normalized' then '''bulk'' || g'
         when 'email' then '''bulk'' || g || ''@bench.example''' when 'email_normalized' then '''bulk'' || g || ''@bench.example'''
         else 'u.' || quote_ident(column_name) end, ', ' order by ordinal_position) as exprs
  from information_schema.columns
 where table_schema = current_schema() and table_name = 'users' and is_generated = 'NEVER' \gset
insert into users (:cols) select :exprs from users u, generate_series(0, :last) g where u.id = :'template';
SQL
  }
  bulk() { # side: imports BULK_USERS users, prints the seconds it took and the JVM's CPU seconds
    local side="$1" started cpu0 batch from
    started="$(date +%s%N)"
    if [[ "$side" == gatehouse ]]; then cpu0="$(cpu_seconds "$GH_PID")"; else cpu0="$(cpu_seconds "$KC_PID")"; fi
    for batch in $(seq 0 $(( (BULK_USERS + 999) / 1000 - 1 ))); do
      from=$((batch * 1000))
      if [[ "$side" == gatehouse ]]; then
        reply="$(seq "$from" $((from + 999)) | awk '{ printf "{\"username\":\"bulk%d\",\"firstName\":\"Bulk\",\"lastName\":\"User\",\"email\":\"bulk%d@bench.example\"}\n", $1, $1 }' \
          | curl -sS --max-time 300 -X POST "$GH_USERS/import" -H "Content-Type: application/x-ndjson" \
            -H "Authorization: Bearer $TOKEN" --data-binary @- -w '\n%{http_code}')"
        if [[ "$batch" == 0 && "$(status "$reply")" =~ ^40[45]$ ]]; then
          gatehouse_users_by_sql
          break
        fi
        [[ "$(status "$reply")" == 200 && "$(body "$reply" | jq -r '.failed | length')" == 0 ]] \
          || fail "Gatehouse's import of batch $batch: $(head -c 400 <<<"$reply")"
      else
        reply="$(seq "$from" $((from + 999)) | jq -Rsc '{ifResourceExists:"FAIL",users:
            [split("\n")[] | select(length > 0) | {username:("bulk" + .),firstName:"Bulk",lastName:"User",
            email:("bulk" + . + "@bench.example"),enabled:true}]}' \
          | curl -sS --max-time 300 -X POST "$KC/admin/realms/bench/partialImport" -H "$JSON" \
            -H "Authorization: Bearer $KC_ADMIN" --data-binary @- -w '\n%{http_code}')"
        [[ "$(status "$reply")" == 200 ]] || fail "Keycloak's partial import of batch $batch: $(head -c 400 <<<"$reply")"
      fi
    done
    local pid; if [[ "$side" == gatehouse ]]; then pid="$GH_PID"; else pid="$KC_PID"; fi
    record "$side bulk $BULK_USERS users $(awk -v a="$started" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }') s" \
      "jvm-cpu $(awk -v a="$cpu0" -v b="$(cpu_seconds "$pid")" 'BEGIN { printf "%.1f", b - a }') s" \
      "rss $(rss_mb "$pid") MB load $(cut -d' ' -f1 /proc/loadavg)"
  }
  read_all() { # side: every user once through the admin API's list pages; records RSS after
    local side="$1" first=0 count pid page reply
    if [[ "$side" == gatehouse ]]; then pid="$GH_PID"; else pid="$KC_PID"; fi
    local started; started="$(date +%s%N)"
    if [[ "$side" == gatehouse ]]; then
      for page in $(seq 0 $(( (BULK_USERS + 1000) / 200 + 1 ))); do
        reply="$(api GET "/api/v1/tenants/$SLUG/users?page=$page&size=200" "$TOKEN")"
        [[ "$(status "$reply")" == 200 ]] || fail "Gatehouse's user list: $(head -c 300 <<<"$reply")"
        (( $(body "$reply" | jq '.items | length') > 0 )) || break
      done
    else
      for _ in $(seq 1 $(( (BULK_USERS + 1000) / 100 + 1 ))); do
        count="$(body "$(kc_api GET "/admin/realms/bench/users?first=$first&max=200&briefRepresentation=false")" | jq length)"
        (( count > 0 )) || break
        first=$((first + count))
      done
    fi
    record "$side read-all $(awk -v a="$started" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }') s" \
      "rss $(rss_mb "$pid") MB load $(cut -d' ' -f1 /proc/loadavg)"
  }
  for side in gatehouse keycloak; do bulk "$side"; done
  for side in keycloak gatehouse; do
    "stop_$side"
    start_side "$side" "$side-bulk"
    read_all "$side"
  done
  record "database sizes: $GH_DB $(psql_admin -c "select pg_size_pretty(pg_database_size('$GH_DB'))")," \
    "$KC_DB $(psql_admin -c "select pg_size_pretty(pg_database_size('$KC_DB'))")"
fi
# --- memory at MEMORY_USERS users ------------------------------------------------------------------------------
if (( MEMORY_USERS > 0 )); then
  echo "== memory at $MEMORY_USERS more users on each side (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  JCMD="${JAVA_HOME:+$JAVA_HOME/bin/}jcmd"
  require_tools "$JCMD"
  psql_db() { # database: a query on stdin or in -c
    local database="$1"; shift
    timeout 300 psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d "$database" -qAtX -v ON_ERROR_STOP=1 "$@"
  }
  memory() { # side label: RSS (and its peak) now, then the heap in use after a full GC, as jcmd reports it
    local pid heap
    if [[ "$1" == gatehouse ]]; then pid="$GH_PID"; else pid="$KC_PID"; fi
    local rss peak; rss="$(rss_mb "$pid")"; peak="$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")"
    timeout 120 "$JCMD" "$pid" GC.run >/dev/null || fail "jcmd GC.run on $1"
    # G1: " garbage-first heap   total reserved 1048576K, committed 1048576K, used 123456K [...]"
    heap="$(timeout 120 "$JCMD" "$pid" GC.heap_info | sed -n 's/.* used \([0-9]*\)K.*/\1/p' | head -n 1)"
    [[ -n "$heap" ]] || fail "no heap use in jcmd GC.heap_info of $1"
    record "$1 memory $2 rss $rss MB (peak $peak MB) heap-after-full-gc $((heap / 1024)) MB" \
      "load $(cut -d' ' -f1 /proc/loadavg)"
  }
  timed() { # started-at(ns): seconds since
    awk -v a="$1" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'
  }

  touch_users() { # side database pid url-with-{id} ids-file bearer-token
    timeout 1200 "$JAVA" -Xmx256m "$LOADER" --label "$1" --op touch-users --database "$2" --jvm "$3" \
      --concurrency "$CONCURRENCY" --seconds 1200 --warmup 0 --max-requests "$MEMORY_TOUCH" --method GET \
      --url "$4" --ids "$5" --header "Authorization: Bearer $6" | tee -a "$RESULTS"
  }
  measure_memory() { # side: restart, (a) idle, (b) after touching MEMORY_TOUCH distinct users by id, (c) after checks
    local side="$1"
    "stop_$side"
    start_side "$side" "$side-memory"
    sleep 5 # what the start leaves to do in the background
    memory "$side" "(a)-idle-after-restart"
    if [[ "$side" == gatehouse ]]; then
      psql_db "$GH_DB" -c "select id from users where tenant_id = '$TENANT_ID' and username like 'mem%'
        order by random() limit $MEMORY_TOUCH" >"$DATA/gh-ids"
      touch_users gatehouse "$GH_DB" "$GH_PID" "$GH_USERS/{id}" "$DATA/gh-ids" "$TOKEN"
    else
      psql_db "$KC_DB" -c "select u.id from user_entity u join realm r on r.id = u.realm_id where r.name = 'memory'
        order by random() limit $MEMORY_TOUCH" >"$DATA/kc-ids"
      touch_users keycloak "$KC_DB" "$KC_PID" "$KC/admin/realms/memory/users/{id}" "$DATA/kc-ids" "$KC_ADMIN"
    fi
    memory "$side" "(b)-after-touching-$MEMORY_TOUCH-users"
    "${side}_phase" check 0
    memory "$side" "(c)-after-a-check-phase"
  }

  # Gatehouse: its bulk import, a request of 1,000 lines (one batch, all or nothing, so a request the loaded
  # database timed out — 503 — is sent again); larger requests timed out whole on this loaded machine.
  started="$(date +%s%N)"; cpu0="$(cpu_seconds "$GH_PID")"
  for from in $(seq 0 1000 $((MEMORY_USERS - 1))); do
    to=$(( from + 999 < MEMORY_USERS - 1 ? from + 999 : MEMORY_USERS - 1 ))
    for attempt in 1 2 3 4 5; do
      reply="$(seq "$from" "$to" | awk '{ printf "{\"username\":\"mem%d\",\"firstName\":\"Mem\",\"lastName\":\"User\",\"email\":\"mem%d@bench.example\"}\n", $1, $1 }' \
        | curl -sS --max-time 600 -X POST "$GH_USERS/import" -H "Content-Type: application/x-ndjson" \
          -H "Authorization: Bearer $TOKEN" --data-binary @- -w '\n%{http_code}')"
      [[ "$(status "$reply")" == 503 ]] || break
      echo "   users $from-$to: 503 (attempt $attempt), again"
    done
    [[ "$(status "$reply")" == 200 && "$(body "$reply" | jq -r '.failed | length')" == 0 ]] \
      || fail "Gatehouse's import of users $from-$to: $(head -c 400 <<<"$reply")"
  done
  record "gatehouse memory-import $MEMORY_USERS users $(timed "$started") s" \
    "jvm-cpu $(awk -v a="$cpu0" -v b="$(cpu_seconds "$GH_PID")" 'BEGIN { printf "%.1f", b - a }') s" \
    "load $(cut -d' ' -f1 /proc/loadavg)"
  # Keycloak stopped while Gatehouse is measured, and the other way round below.
  stop_keycloak
  measure_memory gatehouse
  stop_gatehouse

  # Keycloak: its admin partial import makes about 100 users/s here (docs/benchmarks.md), so its offline import
  # at boot instead, from files in its own export format, into a realm of their own (an import into an existing
  # realm would replace it with what the files say, or with --override false leave it as it was).
  import_dir="$DATA/kc-import"; mkdir -p "$import_dir"
  echo '{"realm":"memory","enabled":true}' >"$import_dir/memory-realm.json"
  for from in $(seq 0 5000 $((MEMORY_USERS - 1))); do
    to=$(( from + 4999 < MEMORY_USERS - 1 ? from + 4999 : MEMORY_USERS - 1 ))
    seq "$from" "$to" | awk 'BEGIN { printf "{\"realm\":\"memory\",\"users\":[" }
      { printf "%s{\"username\":\"mem%d\",\"firstName\":\"Mem\",\"lastName\":\"User\",\"email\":\"mem%d@bench.example\",\"enabled\":true}", (NR > 1 ? "," : ""), $1, $1 }
      END { print "]}" }' >"$import_dir/memory-users-$((from / 5000)).json"
  done
  started="$(date +%s%N)"
  (cd "$KC_HOME" && JAVA_OPTS_KC_HEAP="-Xms$SERVER_HEAP -Xmx$SERVER_HEAP" timeout 1800 bin/kc.sh import --optimized \
    --dir "$import_dir" --db-url="jdbc:postgresql://$PG_HOST:$PG_PORT/$KC_DB" --db-username=postgres \
    --db-password=unused >>"$DATA/keycloak-import.log" 2>&1) \
    || { tail -n 30 "$DATA/keycloak-import.log" >&2; fail "kc.sh import failed or took over 30 minutes"; }
  imported="$(psql_db "$KC_DB" -c "select count(*) from user_entity u join realm r on r.id = u.realm_id
    where r.name = 'memory'")"
  [[ "$imported" == "$MEMORY_USERS" ]] || fail "Keycloak's import made $imported users, not $MEMORY_USERS"
  record "keycloak memory-import $MEMORY_USERS users $(timed "$started") s (kc.sh import --dir, a JVM start and" \
    "stop included) load $(cut -d' ' -f1 /proc/loadavg)"
  measure_memory keycloak

  sizes() { # database: the tables over 1 MB with their indexes and TOAST
    psql_db "$1" -c "select string_agg(relname || ' ' || pg_size_pretty(s), ', ' order by s desc) from
      (select c.relname, pg_total_relation_size(c.oid) s from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind = 'r' and n.nspname = current_schema() and pg_total_relation_size(c.oid) > 1048576) t"
  }
  record "gatehouse memory tables over 1 MB: $(sizes "$GH_DB")"
  record "keycloak memory tables over 1 MB: $(sizes "$KC_DB")"
fi
echo "== done; load average $(cut -d' ' -f1-3 /proc/loadavg); results in $RESULTS (copied to $KC_DIR/last-results.txt)"
