# shellcheck shell=bash
# What the load scripts share: the JDK, the server jar, a server started on a free port of
# 127.0.0.1 with its embedded PostgreSQL in a temporary folder (removed on exit), the API, and a
# clinic tenant whose admin has set their own password. Source it after setting NAME (the script's
# name, for messages) and, if wanted, SKIP_BUILD, JAR (default: README.md's extracted layout,
# server/target/gatehouse/gatehouse.jar, extracted here when the build is newer; an executable jar given
# here is extracted the same way into a folder of its own under $TMPDIR), CDS, SERVER_HEAP,
# SERVER_JAVA_OPTS and START_SECONDS (600: how long a start may take to healthy; more on a busy machine).

if [[ -z "${JAVA_HOME:-}" && -d /usr/lib/jvm/temurin-25-jdk-amd64 ]]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=class-cache.sh
source "$ROOT/scripts/lib/class-cache.sh"
SERVER_HEAP="${SERVER_HEAP:-1g}"
SERVER_JAVA_OPTS="${SERVER_JAVA_OPTS:-}"

fail() {
  echo "$NAME: $*" >&2
  exit 1
}

require_tools() { # tool...
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$NAME: $tool is needed" >&2; exit 2; }
  done
}

build_jar() { # sets JAR (README.md's extracted layout unless JAR is given)
  if [[ -z "${SKIP_BUILD:-}" ]]; then
    echo "== building the server jar"
    (cd "$ROOT" && timeout 900 ./mvnw -q -pl server -am package -DskipTests)
  fi
  if [[ -z "${JAR:-}" ]]; then
    extract_layout "$ROOT/server/target/gatehouse.jar" "$ROOT/server/target/gatehouse" || fail "extracting the jar failed"
    JAR="$ROOT/server/target/gatehouse/gatehouse.jar"
  elif [[ ! -f "$(dirname "$JAR")/.extracted" ]]; then
    # an executable jar given as JAR starts as README.md's layout too, in a folder of its own per jar (its path,
    # size and time), where its class cache is trained once and kept: two jars never share a folder or a cache
    local layout
    layout="${TMPDIR:-/tmp}/gatehouse-layout-$(printf '%s %s' "$(readlink -f "$JAR")" "$(stat -c '%s %Y' "$JAR")" \
      | sha256sum | cut -c1-16)"
    extract_layout "$JAR" "$layout" || fail "extracting $JAR failed"
    JAR="$layout/gatehouse.jar"
  fi
  CDS_OPTS=() # set by cache_opts right before each start
}

cache_opts() { # [jvm flags] [server arguments...]: sets CDS_OPTS for the next start with those flags: the class
  # cache as README.md's run command (scripts/run.sh) picks it for this JDK — the AOT cache beside the jar on JDK 25+,
  # else the class-data sharing archive — trained first, if missing or stale, by a start with those flags and
  # arguments that stops once the context is refreshed (its log in $DATA/server.log; docs/benchmarks.md, "Start
  # time", "Branch start17", "Branch train17"); CDS=0: neither
  CDS_OPTS=()
  CACHE_STATE="off (CDS=0)"
  [[ "${CDS:-1}" == 0 ]] && return 0
  CACHE_FLAGS=()
  # the cache's key names the jar too (class_cache_flags), so another jar copied into the same folder trains a
  # cache of its own instead of starting from this one's (docs/benchmarks.md, "Branch create17c")
  CACHE_TRAIN_LOG="$DATA/server.log" class_cache_flags "$(dirname "$JAR")" "${1:-}" "${@:2}"
  CDS_OPTS=("${CACHE_FLAGS[@]}")
}

archive_state() { # pid: whether that JVM maps the class cache CDS_OPTS names (the AOT cache or the archive)
  # A start without it (its training failed, or the JVM refused it) costs about 5 s more CPU.
  [[ ${#CDS_OPTS[@]} -gt 0 ]] || { echo "off (CDS=0)"; return 0; }
  [[ "$CACHE_STATE" == *-none ]] && { echo "NOT mapped (its training failed)"; return 0; }
  if grep -qE "$(dirname "$JAR")/gatehouse\.(jsa|aot)\$" "/proc/$1/maps" 2>/dev/null; then echo "mapped"; else echo "NOT mapped"; fi
}

free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  fail "no free port found"
}

DATA="$(mktemp -d -t "gatehouse-$NAME-XXXXXX")"
PORT="$(free_port)"
BASE="http://127.0.0.1:$PORT"
OPERATOR_PASSWORD="load-operator-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
SERVER_PID=""

stop_server() {
  [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null || { SERVER_PID=""; return 0; }
  kill "$SERVER_PID"
  for _ in $(seq 1 120); do
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.5
  done
  kill -0 "$SERVER_PID" 2>/dev/null && kill -9 "$SERVER_PID"
  SERVER_PID=""
}

cleanup() {
  stop_server
  rm -rf "$DATA"
}
trap cleanup EXIT

start_server() { # [--property=value...]: starts the jar on $PORT with its data in $DATA; waits until it is up
  local args=(--server.port="$PORT" --server.address=127.0.0.1 --gatehouse.data-dir="$DATA"
    --gatehouse.admin.username=operator --gatehouse.admin.password="$OPERATOR_PASSWORD"
    --spring.main.banner-mode=off --logging.level.root=WARN "$@")
  cache_opts "-Xms$SERVER_HEAP -Xmx$SERVER_HEAP $SERVER_JAVA_OPTS" "${args[@]}"
  # shellcheck disable=SC2086
  "$JAVA" -Xms"$SERVER_HEAP" -Xmx"$SERVER_HEAP" $SERVER_JAVA_OPTS "${CDS_OPTS[@]}" -jar "$JAR" "${args[@]}" \
    >>"$DATA/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 "${START_SECONDS:-600}"); do
    curl -fsS "$BASE/actuator/health" 2>/dev/null | grep -q UP && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 50 "$DATA/server.log" >&2; fail "the server stopped; its log is above"; }
    sleep 1
  done
  tail -n 50 "$DATA/server.log" >&2
  fail "the server did not start in ${START_SECONDS:-600} s (START_SECONDS)"
}

api() { # method path token [json]: the body, then the status on the last line
  curl -sS --max-time 60 -X "$1" "$BASE$2" -H "Content-Type: application/json" \
    ${3:+-H "Authorization: Bearer $3"} ${4:+--data "$4"} -w '\n%{http_code}'
}
body() { sed '$d' <<<"$1"; }
status() { tail -n 1 <<<"$1"; }

login() { # tenant username password: prints the session token
  local reply
  reply="$(api POST /api/v1/auth/login "" "$(jq -nc --arg t "$1" --arg u "$2" --arg p "$3" '{tenant:$t,username:$u,password:$p}')")"
  [[ "$(status "$reply")" == 200 ]] || fail "sign-in of $2@$1 failed: $reply"
  body "$reply" | jq -r .token
}

ADMIN_PASSWORD="load admin own passphrase"

create_clinic() { # slug-prefix name: sets OPERATOR, SLUG, TENANT_ID, ADMIN_ID and TOKEN (the admin's)
  local first="load admin first password" reply
  OPERATOR="$(login platform operator "$OPERATOR_PASSWORD")"
  SLUG="$1-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
  reply="$(api POST /api/v1/tenants "$OPERATOR" "$(jq -nc --arg s "$SLUG" --arg n "$2" --arg p "$first" \
    '{slug:$s,name:$n,pack:"clinic",admin:{username:"admin",firstName:"Load",lastName:"Admin",password:$p}}')")"
  [[ "$(status "$reply")" == 201 ]] || fail "tenant creation failed: $reply"
  TENANT_ID="$(body "$reply" | jq -r .id)"
  ADMIN_ID="$(body "$reply" | jq -r .admin.id)"
  reply="$(api POST /api/v1/me/password "$(login "$SLUG" admin "$first")" \
    "$(jq -nc --arg c "$first" --arg n "$ADMIN_PASSWORD" '{currentPassword:$c,newPassword:$n}')")"
  [[ "$(status "$reply")" == 204 ]] || fail "password change failed: $reply"
  TOKEN="$(login "$SLUG" admin "$ADMIN_PASSWORD")"
}
