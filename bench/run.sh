#!/usr/bin/env bash
# Cable's benchmark harness. The method and the latest figures are in docs/benchmarks.md, which this
# script regenerates from bench/benchmarks.template.md and bench/results/*.md.
#
#   bench/run.sh [mariadb|redis|all] [--quick]    measure (default: all backends, full mode)
#   bench/run.sh --render                          only regenerate docs/benchmarks.md
#   BENCH_SCENARIOS=P bench/run.sh redis           only some scenarios (A-F, P: presence at 10,000)
#
# Needs JDK 17 (the server), Maven, wrk, curl, and MariaDB (root without password) and/or Redis
# listening on 127.0.0.1. A JDK 21+ for the load client is found in /usr/lib/jvm (or set BENCH_JAVA);
# without one the client falls back to platform threads. Every knob below can be set from the
# environment (BENCH_RUNS=5 bench/run.sh redis). All traffic goes to 127.0.0.1; every load phase,
# client and wait is bounded in time and count.
set -euo pipefail
shopt -s inherit_errexit

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH")
WORK=$BENCH/work
RESULTS=$BENCH/results
HOST=127.0.0.1

usage() {
  sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

BACKENDS=()
QUICK=0
RENDER_ONLY=0
for arg in "$@"; do
  case $arg in
    mariadb|redis) BACKENDS+=("$arg") ;;
    all) BACKENDS+=(mariadb redis) ;;
    --quick) QUICK=1 ;;
    --render) RENDER_ONLY=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench/run.sh: unknown argument '$arg'" >&2; usage >&2; exit 2 ;;
  esac
done
[ ${#BACKENDS[@]} -gt 0 ] || BACKENDS=(mariadb redis)

# ------------------------------------------------------------------------------------- settings
if [ "$QUICK" = 1 ]; then
  MODE=quick
  : "${BENCH_RUNS:=1}" "${BENCH_WRK_SECONDS:=5}" "${BENCH_WARMUP_SECONDS:=10}" "${BENCH_FILL_COUNT:=20000}"
  : "${BENCH_EMIT_COUNT:=5000}" "${BENCH_E2E_CLIENTS:=200}" "${BENCH_E2E_SECONDS:=10}" "${BENCH_IDLE_SECONDS:=10}"
  : "${BENCH_IDLE_BACKGROUND:=0}"
  : "${BENCH_PRESENCE_MEMBERS:=2000}" "${BENCH_PRESENCE_SECONDS:=5}" "${BENCH_PRESENCE_WARMUP:=5}" "${BENCH_PRESENCE_ARRIVALS:=3}"
else
  MODE=full
  : "${BENCH_RUNS:=3}" "${BENCH_WRK_SECONDS:=15}" "${BENCH_WARMUP_SECONDS:=60}" "${BENCH_FILL_COUNT:=1000000}"
  : "${BENCH_EMIT_COUNT:=20000}" "${BENCH_E2E_CLIENTS:=1000 10000}" "${BENCH_E2E_SECONDS:=30}" "${BENCH_IDLE_SECONDS:=20}"
  : "${BENCH_IDLE_BACKGROUND:=1}"
  : "${BENCH_PRESENCE_MEMBERS:=10000}" "${BENCH_PRESENCE_SECONDS:=15}" "${BENCH_PRESENCE_WARMUP:=20}" "${BENCH_PRESENCE_ARRIVALS:=5}"
fi
: "${BENCH_PORT:=18080}"                 # first port tried; the first free one of the next 20 is used
: "${BENCH_WRK_THREADS:=2}"
: "${BENCH_CONNECTIONS:=64 512}"         # wrk connections for scenarios A and B (C uses the first)
: "${BENCH_BATCH_COUNT:=$((BENCH_EMIT_COUNT * (QUICK ? 4 : 10)))}"  # batched emits are far cheaper: more events
: "${BENCH_FILL_CHUNK:=50000}"          # events per POST /bench/emit while filling
: "${BENCH_FILL_BUDGET:=1800}"           # seconds; the fill stops (and says so) after this
: "${BENCH_IDLE_CLIENTS:=1000}"
: "${BENCH_DISTINCT_CHANNELS:=$((QUICK ? 1000 : 4000))}"  # C's second row: one channel per poll body
: "${BENCH_HEAP:=1g}"
: "${BENCH_PRESENCE_SMALL:=100}"          # P: the baseline room (updates still carry the whole list up to 100)
: "${BENCH_PRESENCE_CLIENTS:=16}"         # P: concurrent HTTP clients joining and leaving
: "${BENCH_PRESENCE_RUNS:=$BENCH_RUNS}"   # P: pairs of churn phases (large room, small room, alternating)
# Server settings for measuring: no rate limits and no cap on bodies read at once per address (every
# load client is 127.0.0.1), room for more parked long polls than the largest client count, also
# from one address, and no cleanup timer (once a minute it
# walks every channel of the store, thousands of backend commands that would land at random in the
# measurements of F). For P: user ids from the request body (the load client is no signed-in user),
# no limit on info changes, sessions that outlive the run without heartbeats (30 minutes), and a
# leave that takes effect at once (no grace period: with the cleanup timer off, a leave within grace
# would only be announced by the next read of the list). BENCH_SERVER_OPTS adds more -D options.
BENCH_SERVER_DEFAULTS="-Dcable.rate-limit.per-second=0 -Dcable.request-body.reads-per-address=0 -Dcable.poll.max-waiting=20000 -Dcable.poll.max-waiting-per-address=20000 -Dcable.cleanup.enabled=false -Dcable.presence.client-user-id=true -Dcable.presence.info-changes-per-minute=0 -Dcable.presence.timeout=PT30M -Dcable.presence.grace=PT0S"
: "${BENCH_SERVER_OPTS:=}"
: "${BENCH_MARIADB_DB:=cable_bench}"     # dropped and created afresh for every run
: "${BENCH_REDIS_PREFIX:=bench:}"        # keys under it are deleted before and after every run
: "${BENCH_KEEP_DATA:=0}"
: "${BENCH_SCENARIOS:=A B C D E F P}"   # a subset re-measures only those (the results file says which)
: "${SERVER_JAVA:=java}"
PAYARA_VERSION=6.2025.10
: "${PAYARA_JAR:=$HOME/.m2/repository/fish/payara/extras/payara-micro/$PAYARA_VERSION/payara-micro-$PAYARA_VERSION.jar}"
MARIADB=(mariadb -uroot -h"$HOST" -P3306)
REDIS=(redis-cli -h "$HOST" -p 6379)

log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ------------------------------------------------------------------------------------- docs
# docs/benchmarks.md = the template with each <!-- RESULTS:backend --> line replaced by the newest
# full-mode results file of that backend (or, failing that, the newest quick or partial one; or a
# placeholder), without its scenario P section; and each <!-- RESULTS-P:backend --> line by the P
# section (between <!-- P:begin --> and <!-- P:end -->) of the newest results file that has one
# (a full or partial run's, else a quick one's), so a P-only run (BENCH_SCENARIOS=P) shows next to
# the newest full run of A-F.
latest_results() { # backend -> path or nothing
  local f full='' quick=''
  for f in $(ls "$RESULTS"/"$1"-*.md 2>/dev/null | sort); do
    case $(basename "$f") in *[!-0-9A-Za-z.]*) continue ;; esac
    if grep -q '<!-- mode: full -->' "$f"; then full=$f; else quick=$f; fi
  done
  echo "${full:-$quick}"
}

latest_p_results() { # backend -> path or nothing
  local f full='' quick=''
  for f in $(ls "$RESULTS"/"$1"-*.md 2>/dev/null | sort); do
    case $(basename "$f") in *[!-0-9A-Za-z.]*) continue ;; esac
    grep -q '^<!-- P:begin -->$' "$f" || continue
    if grep -q '<!-- mode: quick -->' "$f"; then quick=$f; else full=$f; fi
  done
  echo "${full:-$quick}"
}

render_docs() {
  local template=$BENCH/benchmarks.template.md target=$ROOT/docs/benchmarks.md tmp
  tmp=$(mktemp)
  {
    echo "<!-- Generated by bench/run.sh from bench/benchmarks.template.md and bench/results/*.md: edit those, not this file. -->"
    echo
    while IFS= read -r line || [ -n "$line" ]; do
      if [[ $line =~ ^\<!--\ RESULTS:([a-z]+)\ --\>$ ]]; then
        local backend=${BASH_REMATCH[1]} file
        file=$(latest_results "$backend")
        if [ -n "$file" ]; then
          grep -v '^<!-- mode:' "$file" | awk '/^<!-- P:begin -->$/ { skip = 1 } !skip { print } /^<!-- P:end -->$/ { skip = 0 }'
          echo
          echo "_Source: \`bench/results/$(basename "$file")\`._"
        else
          placeholder "$backend"
        fi
      elif [[ $line =~ ^\<!--\ RESULTS-P:([a-z]+)\ --\>$ ]]; then
        local backend=${BASH_REMATCH[1]} file
        file=$(latest_p_results "$backend")
        if [ -n "$file" ]; then
          awk '/^<!-- P:begin -->$/ { on = 1; next } /^<!-- P:end -->$/ { on = 0 } on' "$file" | cat -s | sed '1{/^$/d}'
          echo "_Source: \`bench/results/$(basename "$file")\` ($(sed -n 's/^### //p' "$file" | head -1); machine and server options there)._"
        else
          placeholder_p "$backend"
        fi
      else
        printf '%s\n' "$line"
      fi
    done <"$template"
  } >"$tmp"
  cat "$tmp" >"$target"
  rm -f "$tmp"
  log "regenerated docs/benchmarks.md"
}

placeholder() {
  local name
  case $1 in mariadb) name=MariaDB ;; redis) name=Redis ;; *) name=$1 ;; esac
  cat <<EOF
### $name — not measured yet

> **Not measured yet.** Run \`bench/run.sh $1\`; this table is then replaced by its results.

| Target | Figure | Met? |
|---|---|---|
| Empty polls ≥ 80 % of baseline throughput | — | — |
| Polls with 10 messages ≥ 50 % of baseline | — | — |
| Emits from 8 threads | — | — |
| Batched emits ≥ 100,000 events/s | — | — |
| Long-poll p99 < 50 ms at 1,000 clients | — | — |
| 10,000 waiting clients < 512 MiB heap | — | — |
| Backend load at 1,000 idle clients ≤ 2 × 1 client | — | — |
| No error responses | — | — |
EOF
}

placeholder_p() {
  local name
  case $1 in mariadb) name=MariaDB ;; redis) name=Redis ;; *) name=$1 ;; esac
  cat <<EOF
#### P. Presence — $name — not measured yet

> **Not measured yet.** Run \`BENCH_SCENARIOS=P bench/run.sh $1\`; this table is then replaced by its results.

| Figure | Large room | 100 members | Large / 100 |
|---|---|---|---|
| Joins/s while filling the room | — | | |
| Churn: joins/s + leaves/s | — | — | — |
| Bytes per presence:update, median / max | — | — | |
| Newly arriving client holds the exact list: median time, exact | — | | |
| Error responses / I/O errors | — | | |
EOF
}

if [ "$RENDER_ONLY" = 1 ]; then
  render_docs
  exit 0
fi

# ------------------------------------------------------------------------------------- tools
need() { command -v "$1" >/dev/null 2>&1 || die "'$1' is not installed ($2)"; }

preflight() {
  need "$SERVER_JAVA" "JDK 17 runs Payara Micro"
  need mvn "Maven builds the WAR"
  if grep -q '[ABC]' <<<"$BENCH_SCENARIOS"; then need wrk "apt-get install wrk"; fi
  need curl "apt-get install curl"
  need awk "awk parses wrk's output"
  need timeout "coreutils"
  JCMD=$(dirname "$(readlink -f "$(command -v "$SERVER_JAVA")")")/jcmd
  [ -x "$JCMD" ] || die "no jcmd next to $SERVER_JAVA (a JDK, not a JRE, is needed to read the server's heap)"
  local b
  for b in "${BACKENDS[@]}"; do
    case $b in
      mariadb)
        need mariadb "apt-get install mariadb-client"
        timeout 10 "${MARIADB[@]}" -e 'select 1' >/dev/null 2>&1 \
          || die "MariaDB does not answer on $HOST:3306 as root without password" ;;
      redis)
        need redis-cli "apt-get install redis-tools"
        [ "$(timeout 10 "${REDIS[@]}" ping 2>/dev/null)" = PONG ] || die "Redis does not answer on $HOST:6379" ;;
    esac
  done
  # the load client: a JDK with virtual threads if there is one
  if [ -z "${BENCH_JAVA:-}" ]; then
    local j
    for j in /usr/lib/jvm/temurin-25-jdk-amd64/bin/java /usr/lib/jvm/*-2[1-9]*/bin/java /usr/lib/jvm/*2[1-9]*/bin/java \
             "$(command -v java)"; do
      if [ -x "$j" ]; then BENCH_JAVA=$j; break; fi
    done
  fi
  local version
  version=$("$BENCH_JAVA" -version 2>&1 | awk -F'"' '/version/{print $2; exit}')
  case $version in
    1.*|1[0-9]|1[0-9].*|20|20.*) log "WARNING: $BENCH_JAVA is Java $version: no virtual threads, the client uses platform threads" ;;
  esac
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  local most=0 n
  for n in $BENCH_E2E_CLIENTS $BENCH_IDLE_CLIENTS; do [ "$n" -gt "$most" ] && most=$n; done
  if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((most + 2000)) ]; then
    die "open files limit $(ulimit -n) is too low for $most clients (raise the hard limit: ulimit -Hn)"
  fi
}

build() {
  if [ -n "${BENCH_WAR:-}" ]; then
    [ -f "$BENCH_WAR" ] || die "BENCH_WAR=$BENCH_WAR does not exist"
    WAR=$BENCH_WAR
    log "using the WAR $WAR (not building)"
  else
    # built from a private copy of the poms, the library's and the bench application's main sources
    # (no tests: a test being edited cannot break the build), so a concurrent mvn in the working tree
    # cannot replace the WAR under test; BENCH_REV=<commit> builds that commit instead
    # (and the other modules' poms: Maven reads every module of the reactor, even with -pl)
    # (cable/package*.json and cable/scripts: the module builds cable.min.js with npm and node)
    local sources=(pom.xml cable/pom.xml cable/package.json cable/package-lock.json cable/scripts cable/src/main bench/app
                   demo/pom.xml examples/orders/pom.xml)
    rm -rf "$WORK/build"
    mkdir -p "$WORK/build"
    if [ -n "${BENCH_REV:-}" ]; then
      log "building the bench WAR of $BENCH_REV (git archive, mvn -q -B -Dmaven.test.skip package)"
      (cd "$ROOT" && git archive --format=tar "$BENCH_REV" "${sources[@]}") | tar -x -C "$WORK/build" \
        || die "cannot read ${sources[*]} of '$BENCH_REV' from git (commits before the library split have no bench/app)"
    else
      log "building the bench WAR (mvn -q -B -Dmaven.test.skip package in a copy of ${sources[*]})"
      (cd "$ROOT" && tar -c --exclude=target "${sources[@]}") | tar -x -C "$WORK/build"
    fi
    (cd "$WORK/build" && mvn -q -B -Dmaven.test.skip=true -DskipTests -DskipJsTests=true -pl bench/app -am package) >"$WORK/build.log" 2>&1 \
      || { tail -40 "$WORK/build.log" >&2; die "the build failed (log: $WORK/build.log)"; }
    WAR=$WORK/build/bench/app/target/cable-bench.war
  fi
  if [ ! -f "$PAYARA_JAR" ]; then
    log "fetching Payara Micro $PAYARA_VERSION into ~/.m2"
    mvn -q -B dependency:get -Dartifact="fish.payara.extras:payara-micro:$PAYARA_VERSION" >"$WORK/payara-fetch.log" 2>&1 \
      || die "could not fetch Payara Micro (log: $WORK/payara-fetch.log); set PAYARA_JAR"
  fi
  [ -f "$PAYARA_JAR" ] || die "no Payara Micro jar at $PAYARA_JAR (set PAYARA_JAR)"
  # the load client, compiled once (the source launcher would compile it on every call)
  local javac
  javac=$(dirname "$(readlink -f "$BENCH_JAVA")")/javac
  rm -rf "$WORK/classes"
  if [ -x "$javac" ] && "$javac" -nowarn -d "$WORK/classes" "$BENCH/CableBench.java" 2>"$WORK/javac.log"; then
    CLIENT=("$BENCH_JAVA" -Xss512k -cp "$WORK/classes" CableBench)
  else
    CLIENT=("$BENCH_JAVA" -Xss512k "$BENCH/CableBench.java")
  fi
}

# client <deadline-seconds> <command> [options...]: runs CableBench; its key=value lines on stdout
client() {
  local deadline=$1; shift
  local cmd=$1; shift
  timeout --foreground -k 10 $((deadline + 30)) "${CLIENT[@]}" "$cmd" --url "$URL" --deadline "$deadline" "$@"
}
kv() { awk -v k="$1" 'index($0, k "=") == 1 { print substr($0, length(k) + 2); exit }'; }

# ------------------------------------------------------------------------------------- server
port_free() { ! (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

reset_store() {
  case $1 in
    mariadb)
      timeout 120 "${MARIADB[@]}" -e "DROP DATABASE IF EXISTS \`$BENCH_MARIADB_DB\`;
        CREATE DATABASE \`$BENCH_MARIADB_DB\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin" ;;
    redis)
      timeout 300 "${REDIS[@]}" --scan --pattern "${BENCH_REDIS_PREFIX}*" \
        | timeout 300 xargs -r -n 1000 "${REDIS[@]}" unlink >/dev/null ;;
  esac
}

drop_store() {
  [ "$BENCH_KEEP_DATA" = 1 ] && return 0
  case $1 in
    mariadb) timeout 120 "${MARIADB[@]}" -e "DROP DATABASE IF EXISTS \`$BENCH_MARIADB_DB\`" || true ;;
    redis) reset_store redis || true ;;
  esac
}

backend_options() { # backend -> BACKEND_OPTIONS (an array: the URL holds a '?')
  case $1 in
    mariadb) BACKEND_OPTIONS=(-Dcable.driver=database -Dcable.datasource.class=org.mariadb.jdbc.MariaDbDataSource
                              "-Dcable.datasource.url=jdbc:mariadb://$HOST:3306/$BENCH_MARIADB_DB?user=root") ;;
    redis) BACKEND_OPTIONS=(-Dcable.driver=redis "-Dcable.redis.uri=redis://$HOST:6379"
                            "-Dcable.redis.prefix=$BENCH_REDIS_PREFIX") ;;
  esac
}

backend_counter() { # a shell command printing the backend's cumulative command count
  case $1 in
    mariadb) echo "${MARIADB[*]} -N -B -e \"SHOW GLOBAL STATUS LIKE 'Questions'\" | awk '{print \$2}'" ;;
    redis) echo "${REDIS[*]} INFO stats | tr -d '\\r' | awk -F: '\$1==\"total_commands_processed\"{print \$2}'" ;;
  esac
}

SERVER_PID=
start_server() { # backend
  local port=$BENCH_PORT last=$((BENCH_PORT + 19))
  while ! port_free "$port"; do
    port=$((port + 1))
    [ "$port" -le "$last" ] || die "no free port in $BENCH_PORT-$last"
  done
  URL=http://$HOST:$port
  SERVER_LOG=$RUN/payara.log
  rm -rf "$WORK/payara-root"
  backend_options "$1"
  local extra
  read -r -a extra <<<"$BENCH_SERVER_DEFAULTS $BENCH_SERVER_OPTS"
  SERVER_OPTIONS="-Xmx$BENCH_HEAP -Dcable.publish.token=bench ${BACKEND_OPTIONS[*]} ${extra[*]}"
  "$SERVER_JAVA" -Xmx"$BENCH_HEAP" -Dcable.publish.token=bench "${BACKEND_OPTIONS[@]}" "${extra[@]}" \
    -jar "$PAYARA_JAR" --deploy "$WAR" --contextroot / --port "$port" --nocluster --rootdir "$WORK/payara-root" \
    >"$SERVER_LOG" 2>&1 </dev/null &
  SERVER_PID=$!
  log "Payara Micro (pid $SERVER_PID) starting on port $port, log $SERVER_LOG"
  local waited=0
  until grep -q 'ready in' "$SERVER_LOG"; do
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -30 "$SERVER_LOG" >&2; die "Payara Micro exited during start-up"; }
    grep -q 'Failed to start' "$SERVER_LOG" && { tail -30 "$SERVER_LOG" >&2; stop_server; die "Payara Micro failed to start"; }
    [ "$waited" -lt 180 ] || { tail -30 "$SERVER_LOG" >&2; stop_server; die "Payara Micro not ready after 180 s"; }
    sleep 1
    waited=$((waited + 1))
  done
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$URL/bench/baseline" || true)
  if [ "$code" != 200 ]; then
    grep -m 3 -A 3 'SEVERE' "$SERVER_LOG" | cut -c1-400 >&2 || true
    stop_server
    die "GET /bench/baseline answered '$code': the bench WAR did not deploy (log: $SERVER_LOG)"
  fi
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$URL/health/ready" || true)
  [ "$code" = 200 ] || { stop_server; die "GET /health/ready answered '$code': the backend is not reachable from Cable"; }
  log "ready after ${waited} s"
}

stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    local i
    for i in $(seq 1 30); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 1
    done
    kill -0 "$SERVER_PID" 2>/dev/null && kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  wait "$SERVER_PID" 2>/dev/null || true
  log "Payara Micro (pid $SERVER_PID) stopped"
  SERVER_PID=
  rm -rf "$WORK/payara-root"
}
trap 'stop_server' EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------------------------- wrk
# wrk_run <name> <connections> <seconds> <path> <body-file> -> "rps p50 p99 non2xx socket_errors" (ms)
wrk_run() {
  local name=$1 conns=$2 seconds=$3 path=$4 body=$5 out=$RUN/wrk-$1.txt
  BENCH_BODY_FILE=$body timeout --foreground -k 5 $((seconds + 60)) wrk -t"$BENCH_WRK_THREADS" -c"$conns" -d"${seconds}s" \
    --timeout 5s --latency -s "$BENCH/poll.lua" "$URL$path" >"$out" 2>&1 || { cat "$out" >&2; return 1; }
  awk '
    function ms(v) {
      if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
      if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
      if (v ~ /m$/) return substr(v, 1, length(v) - 1) * 60000
      if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
      return v + 0
    }
    /Latency Distribution/ { dist = 1 }
    dist && $1 == "50%" { p50 = ms($2) }
    dist && $1 == "99%" { p99 = ms($2) }
    /^Requests\/sec:/ { rps = $2 }
    /Non-2xx or 3xx responses:/ { non2xx = $NF }
    /Socket errors:/ { gsub(/,/, ""); sock = $4 + $6 + $8 + $10 }
    END {
      if (rps == "") exit 1
      printf "%.0f %.2f %.2f %d %d\n", rps, p50, p99, non2xx, sock
    }' "$out"
}

median() { # numbers on stdin -> median
  sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
# verdict <value> <op> <threshold> -> met / **not met** / n/a
verdict() {
  case $1 in ''|nan|-nan|n/a|NaN) echo "n/a"; return ;; esac
  if awk -v v="$1" -v t="$3" "BEGIN { exit !(v + 0 $2 t + 0) }"; then echo "met"; else echo "**not met**"; fi
}
runs_list() { tr ' ' '\n' | awk 'NF { printf "%s%.0f", (n++ ? ", " : ""), $1 }'; } # numbers -> "1, 2, 3"
target() { printf '| %s | %s | %s |\n' "$1" "$2" "$3" >>"$RUN/targets.md"; }
errors() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$RUN/errors.tsv"; } # source, error responses, transport errors
section() { cat >>"$RUN/sections.md"; }

# pairs <label> <connections> <subject-path> <body-file>: RUNS alternating pairs baseline/subject.
# Prints a table row and leaves "ratio" in $RUN/ratio-<label>.
pairs() {
  local label=$1 conns=$2 path=$3 body=$4 i b s ratios='' bs='' ss=''
  : >"$RUN/pairs-$label"
  for i in $(seq 1 "$BENCH_RUNS"); do
    if [ $((i % 2)) = 1 ]; then
      b=$(wrk_run "$label-$i-baseline" "$conns" "$BENCH_WRK_SECONDS" /bench/baseline "$body")
      s=$(wrk_run "$label-$i-subject" "$conns" "$BENCH_WRK_SECONDS" "$path" "$body")
    else
      s=$(wrk_run "$label-$i-subject" "$conns" "$BENCH_WRK_SECONDS" "$path" "$body")
      b=$(wrk_run "$label-$i-baseline" "$conns" "$BENCH_WRK_SECONDS" /bench/baseline "$body")
    fi
    echo "$b $s" >>"$RUN/pairs-$label"
    log "  $label run $i: baseline ${b%% *} req/s, subject ${s%% *} req/s"
  done
  # columns: 1 rps 2 p50 3 p99 4 non2xx 5 sock (baseline), 6..10 the same for the subject
  med() { awk -v c="$1" '{ print $c }' "$RUN/pairs-$label" | median; }
  local ratio runs
  ratio=$(awk '{ print ($1 > 0 ? $6 / $1 : 0) }' "$RUN/pairs-$label" | median)
  runs=$(awk '{ printf "%s%.2f", (NR > 1 ? ", " : ""), ($1 > 0 ? $6 / $1 : 0) }' "$RUN/pairs-$label")
  echo "$ratio" >"$RUN/ratio-$label"
  local bn sn bsock ssock
  bn=$(awk '{ s += $4 } END { print s + 0 }' "$RUN/pairs-$label")
  sn=$(awk '{ s += $9 } END { print s + 0 }' "$RUN/pairs-$label")
  bsock=$(awk '{ s += $5 } END { print s + 0 }' "$RUN/pairs-$label")
  ssock=$(awk '{ s += $10 } END { print s + 0 }' "$RUN/pairs-$label")
  errors "wrk $label" "$((bn + sn))" "$((bsock + ssock))"
  printf '| %s | %s | %s | **%s** (%s) | %s / %s | %s / %s | %s / %s | %s / %s |\n' \
    "$conns" "$(med 1)" "$(med 6)" "$(calc %.2f "$ratio")" "$runs" "$(med 2)" "$(med 3)" "$(med 7)" "$(med 8)" \
    "$bn" "$sn" "$bsock" "$ssock"
}
PAIRS_HEADER='| Connections | Baseline req/s | Poll req/s | Poll / baseline (per pair) | Baseline p50 / p99 ms | Poll p50 / p99 ms | Non-2xx (baseline / poll) | Socket errors (baseline / poll) |
|---|---|---|---|---|---|---|---|'

# ------------------------------------------------------------------------------------- scenarios
prepare() {
  log "preparing channels: empty:0..9 (one event each), msgs:0 (20 events)"
  client 300 emit --prefix empty --threads 1 --channels 10 --count 10 >/dev/null
  client 300 emit --prefix msgs --threads 1 --channels 1 --count 20 >/dev/null
  local out
  out=$(client 60 empty-body --prefix empty --channels 10) || true
  [ -n "$(kv body <<<"$out")" ] || die "could not prepare the empty-poll body: $(kv error <<<"$out")"
  kv body <<<"$out" >"$RUN/body-empty.json"
  out=$(client 60 msgs-body --channel msgs:0 --behind 10) || true
  [ -n "$(kv body <<<"$out")" ] || die "could not prepare the 10-message body: $(kv error <<<"$out")"
  kv body <<<"$out" >"$RUN/body-msgs.json"
  kv answer_bytes <<<"$out" >"$RUN/msgs-answer-bytes"
  log "preparing channels: distinct:0..$((BENCH_DISTINCT_CHANNELS - 1)) (12 events each)"
  client 900 emit --prefix distinct --threads 8 --channels "$BENCH_DISTINCT_CHANNELS" \
    --count "$((BENCH_DISTINCT_CHANNELS * 12))" >/dev/null
  out=$(client 300 distinct-bodies --prefix distinct --channels "$BENCH_DISTINCT_CHANNELS" --behind 10 \
          --out "$RUN/body-distinct.json") || true
  [ "$(kv bodies <<<"$out")" = "$BENCH_DISTINCT_CHANNELS" ] || die "could not prepare the distinct bodies: $out"
}

warmup() {
  local quarter=$((BENCH_WARMUP_SECONDS / 4)) conns
  conns=${BENCH_CONNECTIONS%% *}
  [ "$quarter" -ge 1 ] || quarter=1
  log "warm-up: ${BENCH_WARMUP_SECONDS} s of mixed load (empty polls, baseline, 10-message polls, emits)"
  wrk_run warmup-empty "$conns" "$quarter" /cable/poll "$RUN/body-empty.json" >/dev/null
  wrk_run warmup-baseline "$conns" "$quarter" /bench/baseline "$RUN/body-empty.json" >/dev/null
  wrk_run warmup-msgs "$conns" "$quarter" /cable/poll "$RUN/body-msgs.json" >/dev/null
  local started=$SECONDS
  client 600 emit --prefix warmup --threads 8 --channels 100 --count "$((BENCH_EMIT_COUNT / 4))" >/dev/null
  client 600 emit --prefix warmup-batch --threads 8 --channels 1 --count "$((BENCH_EMIT_COUNT / 4))" --batch 100 >/dev/null
  local rest=$((quarter - (SECONDS - started)))
  [ "$rest" -lt 1 ] || wrk_run warmup-mixed "$conns" "$rest" /cable/poll "$RUN/body-empty.json" >/dev/null
}

scenario_a() {
  local conns rows=''
  for conns in $BENCH_CONNECTIONS; do
    log "A: empty polls vs baseline, $conns connections"
    rows+=$(pairs "A-c$conns" "$conns" /cable/poll "$RUN/body-empty.json")$'\n'
  done
  section <<EOF

#### A. Empty polls (10 channels, every cursor at its head) vs baseline

wrk -t$BENCH_WRK_THREADS -d${BENCH_WRK_SECONDS}s --latency, $BENCH_RUNS pair(s) of runs alternating baseline and poll; medians of the runs, and the median of the per-pair ratios.

$PAIRS_HEADER
$rows
EOF
  for conns in $BENCH_CONNECTIONS; do
    local r; r=$(cat "$RUN/ratio-A-c$conns")
    target "Empty polls ≥ 80 % of baseline (A, $conns connections)" "$(calc %.0f "$r * 100") %" "$(verdict "$r" '>=' 0.8)"
  done
  local first=${BENCH_CONNECTIONS%% *} row
  log "A: the asynchronous baseline vs baseline, $first connections (diagnostic)"
  row=$(pairs "A0-c$first" "$first" /bench/baseline-async "$RUN/body-empty.json")
  section <<EOF

*Diagnostic:* the baseline answered as every poll is answered — suspended with \`@Suspended AsyncResponse\` (which long polling needs) and resumed at once, without any of Cable's work — against the plain baseline. Its ratio is the ceiling of an empty poll's ratio on this runtime.

${PAIRS_HEADER//Poll/Async baseline}
$row
EOF
}

scenario_b() {
  log "B: filling the store with $BENCH_FILL_COUNT events on 1,000 other channels (budget ${BENCH_FILL_BUDGET} s)"
  local out
  out=$(client $((BENCH_FILL_BUDGET + 1800)) emit --prefix fill --threads 8 --channels 1000 --count "$BENCH_FILL_COUNT" \
          --chunk "$BENCH_FILL_CHUNK" --budget "$BENCH_FILL_BUDGET")
  local events wall complete
  events=$(kv events <<<"$out"); wall=$(kv wall_millis <<<"$out"); complete=$(kv complete <<<"$out")
  [ -n "$events" ] || { echo "$out" >&2; return 1; }
  log "  filled $events events in $wall ms"
  local out2
  out2=$(client 60 empty-body --prefix empty --channels 10)
  kv body <<<"$out2" >"$RUN/body-empty-filled.json"
  [ -s "$RUN/body-empty-filled.json" ] || { echo "$out2" >&2; return 1; }
  local conns rows=''
  for conns in $BENCH_CONNECTIONS; do
    log "B: empty polls vs baseline after the fill, $conns connections"
    rows+=$(pairs "B-c$conns" "$conns" /cable/poll "$RUN/body-empty-filled.json")$'\n'
  done
  section <<EOF

#### B. Empty polls after filling the store

Fill: $events events on 1,000 channels \`fill:*\` (8 server threads, POST /bench/emit in chunks of $BENCH_FILL_CHUNK) in **$(calc %.1f "$wall / 1000") s** ($(calc %.0f "$events * 1000 / ($wall > 0 ? $wall : 1)") events/s)$( [ "$complete" = true ] || echo ", **stopped by the ${BENCH_FILL_BUDGET} s budget before $BENCH_FILL_COUNT**").

$PAIRS_HEADER
$rows
EOF
  for conns in $BENCH_CONNECTIONS; do
    local r; r=$(cat "$RUN/ratio-B-c$conns")
    target "Empty polls ≥ 80 % of baseline after the fill (B, $conns connections)" "$(calc %.0f "$r * 100") %" "$(verdict "$r" '>=' 0.8)"
  done
}

scenario_c() {
  local conns=${BENCH_CONNECTIONS%% *}
  log "C: polls returning 10 messages vs baseline, $conns connections"
  local row r row2 r2
  row=$(pairs "C-c$conns" "$conns" /cable/poll "$RUN/body-msgs.json")
  r=$(cat "$RUN/ratio-C-c$conns")
  log "C: polls returning 10 messages, each of $BENCH_DISTINCT_CHANNELS channels in turn, $conns connections"
  row2=$(pairs "C2-c$conns" "$conns" /cable/poll "$RUN/body-distinct.json")
  r2=$(cat "$RUN/ratio-C2-c$conns")
  section <<EOF

#### C. Polls answering 10 messages vs baseline

Every answer carries exactly 10 messages, \`more: false\` ($(cat "$RUN/msgs-answer-bytes") bytes of JSON for one channel); the baseline gets the same request bodies. The cursor is not the head, so the node cannot answer from memory.

*Same question* (first table): one channel, every poll 10 behind its head — readers of one channel that are all one event behind, the fan-out case. Polls asking what another poll is asking at the same time share its store read and its rendered JSON (\`SharedReads\`, up to 100 ms).

$PAIRS_HEADER
$row

*Every poll its own read* (second table): $BENCH_DISTINCT_CHANNELS channels with 12 events each, one poll body per channel, sent in turn (each wrk thread from its own offset), so a question comes back only after $BENCH_DISTINCT_CHANNELS requests — too late to share: every poll reads the store.

$PAIRS_HEADER
$row2
EOF
  target "Polls with 10 messages ≥ 50 % of baseline (C, same question)" "$(calc %.0f "$r * 100") %" "$(verdict "$r" '>=' 0.5)"
  target "Polls with 10 messages ≥ 50 % of baseline (C, every poll its own read)" "$(calc %.0f "$r2 * 100") %" "$(verdict "$r2" '>=' 0.5)"
}

scenario_d() {
  local backend=$1 i out values_multi='' values_one='' values_batch=''
  for i in $(seq 1 "$BENCH_RUNS"); do
    log "D: emits run $i"
    out=$(client 1800 emit --prefix "emit$i" --threads 8 --channels 100 --count "$BENCH_EMIT_COUNT" --batch 0)
    values_multi+="$(kv per_second <<<"$out") "
    out=$(client 1800 emit --prefix "emit1-$i" --threads 8 --channels 1 --count "$BENCH_EMIT_COUNT" --batch 0)
    values_one+="$(kv per_second <<<"$out") "
    out=$(client 1800 emit --prefix "batch$i" --threads 8 --channels 1 --count "$BENCH_BATCH_COUNT" --batch 100)
    values_batch+="$(kv per_second <<<"$out") "
  done
  local multi one batch floor
  multi=$(tr ' ' '\n' <<<"$values_multi" | grep . | median)
  one=$(tr ' ' '\n' <<<"$values_one" | grep . | median)
  batch=$(tr ' ' '\n' <<<"$values_batch" | grep . | median)
  section <<EOF

#### D. Emit throughput (server-side loops, POST /bench/emit)

Median of $BENCH_RUNS run(s); each run's figure in brackets.

| Emits | Events per run | Events/s |
|---|---|---|
| 8 threads, 100 channels, one emit per event | $BENCH_EMIT_COUNT | **$(calc %.0f "$multi")** ($(runs_list <<<"$values_multi")) |
| 8 threads, 1 channel, one emit per event (all contend for one channel) | $BENCH_EMIT_COUNT | $(calc %.0f "$one") ($(runs_list <<<"$values_one")) |
| 8 threads, 1 channel, MessageBatcher of 100 (events/s; one emit per 100 events) | $BENCH_BATCH_COUNT | **$(calc %.0f "$batch")** ($(runs_list <<<"$values_batch")) |
EOF
  case $backend in mariadb) floor=5000 ;; *) floor=20000 ;; esac
  target "Emits from 8 threads ≥ $(sed 's/000$/,000/' <<<"$floor")/s (D, 100 channels)" "$(calc %.0f "$multi")/s" "$(verdict "$multi" '>=' "$floor")"
  target "Batched emits ≥ 100,000 events/s (D)" "$(calc %.0f "$batch")/s" "$(verdict "$batch" '>=' 100000)"
}

scenario_e() {
  local n mode out rows='' heaprows='' notes='' most=0
  for n in $BENCH_E2E_CLIENTS; do [ "$n" -gt "$most" ] && most=$n; done
  for n in $BENCH_E2E_CLIENTS; do
    for mode in short long; do
      log "E: $n clients, $mode polling, ${BENCH_E2E_SECONDS} s of publishing"
      local heap=(--channels 10)
      [ "$mode" = long ] && heap+=(--pid "$SERVER_PID" --jcmd "$JCMD")
      out=$(client $((BENCH_E2E_SECONDS + n / 100 + 300)) e2e --mode "$mode" --clients "$n" --duration "$BENCH_E2E_SECONDS" \
              --interval 3 --wait 25 --token bench "${heap[@]}")
      echo "$out" >"$RUN/e2e-$mode-$n.txt"
      [ -n "$(kv latency_p99_ms <<<"$out")" ] || { echo "$out" >&2; return 1; }
      local er io
      er=$(( $(kv error_responses <<<"$out") + $(kv ramp_error_responses <<<"$out") + $(kv publish_errors <<<"$out") ))
      io=$(( $(kv io_errors <<<"$out") + $(kv ramp_io_errors <<<"$out") ))
      errors "e2e $mode $n" "$er" "$io"
      rows+="| $n | $mode | $(kv clients_ready <<<"$out") | $(kv delivered <<<"$out") / $(kv expected_deliveries <<<"$out") | $(kv latency_p50_ms <<<"$out") | $(kv latency_p90_ms <<<"$out") | **$(kv latency_p99_ms <<<"$out")** | $(kv latency_max_ms <<<"$out") | $(kv polls_per_second <<<"$out") | $er$(kv error_statuses <<<"$out" | sed 's/^{}$//; s/^./ &/') | $io | $(kv gaps <<<"$out") / $(kv duplicates <<<"$out") / $(kv resets <<<"$out") / $(kv long_polls_answered_at_once <<<"$out") | $(kv publish_mean_ms <<<"$out") |"$'\n'
      local kinds
      kinds=$(kv ramp_io_error_kinds <<<"$out")
      [ -z "$kinds" ] || notes+="- $n clients, $mode polling, while connecting: $kinds"$'\n'
      kinds=$(kv io_error_kinds <<<"$out")
      [ -z "$kinds" ] || notes+="- $n clients, $mode polling, while publishing: $kinds"$'\n'
      if [ "$mode" = long ]; then
        heaprows+="| $n | $(kv clients_waiting <<<"$out") | $(kv heap_before_clients_live_mib <<<"$out") | $(kv heap_waiting_used_mib <<<"$out") | **$(kv heap_waiting_live_mib <<<"$out")** |"$'\n'
      fi
      if [ "$n" = 1000 ] && [ "$mode" = long ]; then
        local p99; p99=$(kv latency_p99_ms <<<"$out")
        target "Long-poll p99 < 50 ms at 1,000 clients (E)" "$p99 ms" "$(verdict "$p99" '<' 50)"
      fi
      if [ "$n" = 10000 ] && [ "$mode" = long ]; then
        local live; live=$(kv heap_waiting_live_mib <<<"$out")
        target "10,000 waiting clients < 512 MiB heap (E, live heap after a full GC)" "$live MiB (used before GC: $(kv heap_waiting_used_mib <<<"$out") MiB)" "$(verdict "$live" '<' 512)"
      fi
    done
  done
  if ! grep -qw 1000 <<<"$BENCH_E2E_CLIENTS"; then
    local p99; p99=$(kv latency_p99_ms <"$RUN/e2e-long-$most.txt")
    target "Long-poll p99 < 50 ms at 1,000 clients (E)" "$p99 ms at $most clients (1,000 not run)" "n/a"
  fi
  if ! grep -qw 10000 <<<"$BENCH_E2E_CLIENTS"; then
    local live; live=$(kv heap_waiting_live_mib <"$RUN/e2e-long-$most.txt")
    target "10,000 waiting clients < 512 MiB heap (E)" "$live MiB live at $most clients (10,000 not run)" "n/a"
  fi
  section <<EOF

#### E. End-to-end latency, emit → delivered

Each client follows one of 10 channels (long-poll clients connect at 500 per second); a publisher sends one event per second per channel through POST /cable/publish (token \`bench\`) with its send time in the payload, for ${BENCH_E2E_SECONDS} s; latency = receive time − send time, over every delivery to every client. Short polling: every 3 s ± 10 %; long polling: \`"wait": 25\`, polling again at once. Load client: one JVM, one virtual thread per client.

| Clients | Polling | Ready | Delivered / expected | p50 ms | p90 ms | p99 ms | max ms | Polls/s | Error responses | I/O errors | Gaps / dups / resets / not parked | Publish mean ms |
|---|---|---|---|---|---|---|---|---|---|---|---|---|
$rows
${notes:+I/O errors seen by the clients (most frequent first):
$notes
}Server heap with long polls waiting (jcmd GC.heap_info on the server; "live" after jcmd GC.run):

| Clients | Waiting polls | Heap live before the clients MiB | Heap used with them waiting MiB | Heap live with them waiting MiB |
|---|---|---|---|---|
$heaprows
EOF
}

scenario_f() {
  local backend=$1 counter out i n order
  counter=$(backend_counter "$backend")
  idle_run() { # run-label clients: appends a row to idle-rows.md, leaves the rate in idle-rate
    log "F: $2 idle clients polling every 3 s, backend commands over ${BENCH_IDLE_SECONDS} s"
    out=$(client $((BENCH_IDLE_SECONDS + 300)) idle --clients "$2" --duration "$BENCH_IDLE_SECONDS" --channels 10 \
            --interval 3 --counter "$counter")
    echo "$out" >"$RUN/idle-$1-$2.txt"
    [ -n "$(kv backend_per_second <<<"$out")" ] || { echo "$out" >&2; return 1; }
    errors "idle $2 ($1)" "$(kv error_responses <<<"$out")" "$(kv io_errors <<<"$out")"
    echo "| $1 | $2 | $(kv clients_ready <<<"$out") | $(kv polls_per_second <<<"$out") | $(kv backend_commands <<<"$out") | **$(kv backend_per_second <<<"$out")** | $(kv error_responses <<<"$out") / $(kv io_errors <<<"$out") |" >>"$RUN/idle-rows.md"
    kv backend_per_second <<<"$out" >"$RUN/idle-rate"
  }
  : >"$RUN/idle-rows.md"
  : >"$RUN/idle-pairs"
  if [ "$BENCH_IDLE_BACKGROUND" = 1 ]; then idle_run background 0; fi
  for i in $(seq 1 "$BENCH_RUNS"); do
    local one='' many=''
    if [ $((i % 2)) = 1 ]; then order="1 $BENCH_IDLE_CLIENTS"; else order="$BENCH_IDLE_CLIENTS 1"; fi
    for n in $order; do
      idle_run "$i" "$n"
      if [ "$n" = 1 ]; then one=$(cat "$RUN/idle-rate"); else many=$(cat "$RUN/idle-rate"); fi
    done
    echo "$one $many" >>"$RUN/idle-pairs"
  done
  local rate1 rateN ratio what background=''
  rate1=$(awk '{ print $1 }' "$RUN/idle-pairs" | median)
  rateN=$(awk '{ print $2 }' "$RUN/idle-pairs" | median)
  ratio=$(awk '$1 > 0 { print $2 / $1 }' "$RUN/idle-pairs" | median)
  case $backend in
    mariadb) what="\`SHOW GLOBAL STATUS LIKE 'Questions'\`" ;;
    redis) what="\`INFO stats\` total_commands_processed" ;;
  esac
  [ "$BENCH_IDLE_BACKGROUND" = 1 ] && background=", after one run without clients (the background: the head refresh of the channels polled in the last 5 minutes, and any other user of the server)"
  section <<EOF

#### F. Backend load of idle clients

Every client polls the same 10 channels (cursors at their heads, nothing emitted) every 3 s ± 10 %. Backend commands: $what, the delta over ${BENCH_IDLE_SECONDS} s once all clients poll; $BENCH_RUNS pair(s) of runs, 1 client and $BENCH_IDLE_CLIENTS clients in alternating order$background. The counter is server-wide: anything else using the same server during the run is counted too.

| Run | Clients | Polling | Polls/s | Backend commands | Backend commands/s | Errors (responses / I/O) |
|---|---|---|---|---|---|---|
$(cat "$RUN/idle-rows.md")

Medians: $(calc %.1f "$rate1") commands/s with 1 client, $(calc %.1f "$rateN") with $BENCH_IDLE_CLIENTS clients; ratio (median of the per-pair ratios) **$(calc %.2f "$ratio")**.
EOF
  target "Backend load at $BENCH_IDLE_CLIENTS idle clients ≤ 2 × 1 client (F)" "$(calc %.1f "$rateN")/s vs $(calc %.1f "$rate1")/s (× $(calc %.2f "$ratio"))" "$(verdict "$ratio" '<=' 2)"
}

scenario_p() {
  local backend=$1 out members=$BENCH_PRESENCE_MEMBERS small=$BENCH_PRESENCE_SMALL counter
  counter=$(backend_counter "$backend")
  log "P: presence, $members members (and $small) on one channel, $BENCH_PRESENCE_CLIENTS clients, ${BENCH_PRESENCE_SECONDS} s churn phases"
  out=$(client $((BENCH_PRESENCE_WARMUP + 2 * BENCH_PRESENCE_RUNS * (BENCH_PRESENCE_SECONDS + 60) + BENCH_PRESENCE_ARRIVALS * 200 + 1200)) \
          presence --members "$members" --small "$small" --clients "$BENCH_PRESENCE_CLIENTS" \
          --seconds "$BENCH_PRESENCE_SECONDS" --runs "$BENCH_PRESENCE_RUNS" --warmup "$BENCH_PRESENCE_WARMUP" \
          --arrivals "$BENCH_PRESENCE_ARRIVALS" --follow 2 --budget 900 --prefix "room-$(date +%s)" --counter "$counter")
  echo "$out" >"$RUN/presence.txt"
  [ -n "$(kv arrivals_exact <<<"$out")" ] || { echo "$out" >&2; return 1; }
  # the server's heap after P: used, then live after a full GC (what the server still holds)
  local used live
  used=$(timeout 60 "$JCMD" "$SERVER_PID" GC.heap_info 2>/dev/null | awk '/used/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K.*/, "", v); printf "%.0f", v / 1024; exit } }' || true)
  timeout 120 "$JCMD" "$SERVER_PID" GC.run >/dev/null 2>&1 || true
  live=$(timeout 60 "$JCMD" "$SERVER_PID" GC.heap_info 2>/dev/null | awk '/used/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K.*/, "", v); printf "%.0f", v / 1024; exit } }' || true)
  local er io
  er=$(kv error_responses <<<"$out"); io=$(kv io_errors <<<"$out")
  errors "presence" "$er" "$io"
  local k; k=$(kv fill_members <<<"$out")
  local exact="$(kv arrivals_exact <<<"$out") of $(kv arrivals <<<"$out")"
  local mism; mism=$(kv arrival_mismatches <<<"$out")
  local kinds; kinds=$(kv io_error_kinds <<<"$out")
  local nm; nm=$(sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$members")
  local name; case $backend in mariadb) name=MariaDB ;; redis) name=Redis ;; *) name=$backend ;; esac
  section <<EOF
<!-- P:begin -->

#### P. Presence, $name: a channel with $nm members

\`CableBench presence\`: $BENCH_PRESENCE_CLIENTS concurrent HTTP clients (user ids \`u-00001\`…, info \`{"name":"User 1"}\`, session \`s\`) fill one channel to $nm members, then leave and join back (each client its own users, a random one at a time: leave, then join) in ${BENCH_PRESENCE_SECONDS} s phases on that channel and on a channel of $small members, $BENCH_PRESENCE_RUNS pair(s) in alternating order, while one more client follows the channel's \`presence:update\` events with long polls. Then $BENCH_PRESENCE_ARRIVALS clients arrive one after the other while the churn on the large channel goes on and build its exact member list. Server: \`cable.presence.client-user-id=true\`, \`cable.presence.info-changes-per-minute=0\`, \`cable.presence.timeout=PT30M\` (no heartbeats needed during the run), \`cable.presence.grace=PT0S\` (a leave takes effect at once).

| Figure | $nm members | $small members | $nm / $small |
|---|---|---|---|
| Joins/s while filling the room (with $BENCH_PRESENCE_CLIENTS clients) | **$(kv fill_joins_per_second <<<"$out")** ($k members in $(kv fill_seconds <<<"$out") s) | | |
| Churn: joins/s + leaves/s (median; per run) | **$(kv churn_big_ops_per_second <<<"$out")** ($(kv churn_big_runs <<<"$out")) | **$(kv churn_small_ops_per_second <<<"$out")** ($(kv churn_small_runs <<<"$out")) | **$(kv churn_ratio <<<"$out")** ($(kv churn_ratio_runs <<<"$out")) |
| of which joins/s / leaves/s | $(kv churn_big_joins_per_second <<<"$out") / $(kv churn_big_leaves_per_second <<<"$out") | $(kv churn_small_joins_per_second <<<"$out") / $(kv churn_small_leaves_per_second <<<"$out") | |
| Bytes per \`presence:update\` payload, median / max (updates seen) | **$(kv bytes_big_median <<<"$out")** / $(kv bytes_big_max <<<"$out") ($(kv bytes_big_updates <<<"$out")) | **$(kv bytes_small_median <<<"$out")** / $(kv bytes_small_max <<<"$out") ($(kv bytes_small_updates <<<"$out")) | |
| Newly arriving client holds the exact list: median ms (each arrival) | **$(kv arrival_ms_median <<<"$out")** ($(kv arrival_ms_runs <<<"$out")) | | |
| ... exact after the churn stopped (equal to a fresh read: ids, info, count, version) | **$exact** | | |
| ... list read again (reset or gap) / updates replayed, all arrivals | $(kv arrival_restarts <<<"$out") / $(kv arrival_updates_replayed <<<"$out") | | |
| ... churn meanwhile, joins/s + leaves/s | $(kv arrival_churn_ops_per_second <<<"$out") | | |
| Backend commands per change during the churn (median; server-wide, the follower's polls included) | $(kv backend_commands_per_change_big <<<"$out") | $(kv backend_commands_per_change_small <<<"$out") | |
| Follower: version gaps / resets | $(kv follower_gaps <<<"$out") / $(kv follower_resets <<<"$out") | | |
| Server heap after P: used / live after a full GC, MiB (\`-Xmx$BENCH_HEAP\`) | ${used:-n/a} / ${live:-n/a} | | |
| Error responses / I/O errors (all of P) | $er$(kv error_statuses <<<"$out" | sed 's/^{}$//; s/^./ &/') / $io | | |
${mism:+
Arrivals that did not end exact: $mism
}${kinds:+
I/O errors: $kinds
}
<!-- P:end -->
EOF
}

# ------------------------------------------------------------------------------------- one backend
machine_summary() {
  echo
  echo "#### Machine"
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| Date (UTC) | $(date -u '+%Y-%m-%d %H:%M:%S') |"
  echo "| CPUs (nproc) | $(nproc) |"
  echo "| CPU model | $(lscpu 2>/dev/null | awk -F: '/Model name/ { gsub(/^ +/, "", $2); print $2; exit }') |"
  echo "| Memory | $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) |"
  echo "| Kernel | $(uname -sr) |"
  echo "| Server JVM | $("$SERVER_JAVA" -version 2>&1 | sed -n 2p), \`-Xmx$BENCH_HEAP\` |"
  echo "| Load client JVM | $("$BENCH_JAVA" -version 2>&1 | sed -n 2p) |"
  echo "| Payara Micro | $PAYARA_VERSION, \`--nocluster\`, server options \`$SERVER_OPTIONS\` |"
  if command -v wrk >/dev/null 2>&1; then
    echo "| wrk | $(wrk -v 2>&1 | head -1 | awk '{print $2}' || true) |"
  else
    echo "| wrk | not installed (not needed by the scenarios run) |"
  fi
  case $1 in
    mariadb) echo "| MariaDB | $("${MARIADB[@]}" -N -B -e 'select version()' 2>/dev/null) (database \`$BENCH_MARIADB_DB\`) |" ;;
    redis) echo "| Redis | $("${REDIS[@]}" INFO server 2>/dev/null | tr -d '\r' | awk -F: '$1=="redis_version"{print $2}') (prefix \`$BENCH_REDIS_PREFIX\`) |" ;;
  esac
  if [ -n "${BENCH_WAR:-}" ]; then
    echo "| Cable | the WAR \`$BENCH_WAR\` |"
  elif [ -n "${BENCH_REV:-}" ]; then
    echo "| Cable | $(cd "$ROOT" && git rev-parse --short "$BENCH_REV" 2>/dev/null || echo "$BENCH_REV") (BENCH_REV=$BENCH_REV) |"
  else
    echo "| Cable | $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)$(cd "$ROOT" && git diff --quiet HEAD -- pom.xml cable/pom.xml cable/src/main bench/app 2>/dev/null || echo ' + uncommitted changes in cable/src/main, bench/app or the poms') |"
  fi
  echo "| Load average at the end | $(cut -d' ' -f1-3 /proc/loadavg) |"
}

run_scenario() { # letter backend
  local letter=$1 fn
  case $letter in A|B|C|D|E|F|P) ;; *) die "BENCH_SCENARIOS: unknown scenario '$letter' (A to F, P)" ;; esac
  fn=scenario_$(tr 'A-Z' 'a-z' <<<"$1")
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    section <<<$'\n'"#### $letter. not run: the server had died (see payara.log)"
    return
  fi
  local rc=0
  set +e
  ( set -e; "$fn" "$2" )
  rc=$?
  set -e
  if [ "$rc" != 0 ]; then
    log "scenario $letter FAILED (exit $rc); going on with the next"
    section <<<$'\n'"#### $letter. **failed** (exit $rc; see \`bench/work/$(basename "$RUN")/\`)"
    errors "scenario $letter failed" 0 1
  fi
}

run_backend() {
  local backend=$1 ts
  ts=$(date -u +%Y%m%dT%H%M%SZ)
  RUN=$WORK/$backend-$ts
  mkdir -p "$RUN" "$RESULTS"
  : >"$RUN/targets.md"; : >"$RUN/errors.tsv"; : >"$RUN/sections.md"
  log "=== $backend ($MODE mode), raw output in $RUN"
  reset_store "$backend"
  start_server "$backend"
  local started=$SECONDS
  if grep -q '[A-F]' <<<"$BENCH_SCENARIOS"; then
    prepare
    warmup
  fi
  local letter
  for letter in $BENCH_SCENARIOS; do
    run_scenario "$letter" "$backend"
  done
  local minutes=$(( (SECONDS - started + 59) / 60 ))
  stop_server
  drop_store "$backend"

  local responses transport sources
  responses=$(awk -F'\t' '{ s += $2 } END { print s + 0 }' "$RUN/errors.tsv")
  transport=$(awk -F'\t' '{ s += $3 } END { print s + 0 }' "$RUN/errors.tsv")
  sources=$(awk -F'\t' '$2 + $3 > 0 { printf "%s%s: %d/%d", (n++ ? "; " : ""), $1, $2, $3 }' "$RUN/errors.tsv")
  local ok=met
  [ "$responses" = 0 ] && [ "$transport" = 0 ] || ok="**not met**"
  target "No error responses (all scenarios)" "$responses error responses, $transport transport errors${sources:+ ($sources)}" "$ok"

  local name title out
  case $backend in mariadb) name=MariaDB ;; redis) name=Redis ;; esac
  title="### $name — $(date -u '+%Y-%m-%d %H:%M') UTC"
  out=$RESULTS/$backend-$ts.md
  {
    if [ "$MODE" = full ] && ! all_of_a_to_f; then
      echo "<!-- mode: partial -->"
    else
      echo "<!-- mode: $MODE -->"
    fi
    echo "$title"
    echo
    if [ "$MODE" = quick ]; then
      echo "> **Quick smoke run (\`bench/run.sh $backend --quick\`): shortened phases (wrk ${BENCH_WRK_SECONDS} s, ${BENCH_RUNS} run(s) per figure, ${BENCH_WARMUP_SECONDS} s warm-up, $BENCH_E2E_CLIENTS clients in E), on a machine shared with other work. It proves the harness runs; these are not the final figures.**"
    else
      echo "Full run: \`bench/run.sh $backend\`, ${BENCH_WARMUP_SECONDS} s warm-up, medians of ${BENCH_RUNS} runs, about $minutes minutes of load."
    fi
    if [ "$BENCH_SCENARIOS" != "A B C D E F P" ]; then
      echo
      echo "> Only the scenarios $BENCH_SCENARIOS were run (BENCH_SCENARIOS)."
    fi
    echo
    echo "| Target | Figure | Met? |"
    echo "|---|---|---|"
    cat "$RUN/targets.md"
    cat "$RUN/sections.md"
    server_log_summary
    machine_summary "$backend"
  } >"$out"
  log "results: $out"
}

all_of_a_to_f() { # does BENCH_SCENARIOS name every one of A to F (a full run, P or not)?
  local l
  for l in A B C D E F; do grep -qw "$l" <<<"$BENCH_SCENARIOS" || return 1; done
}

server_log_summary() { # the SEVERE entries of the server log, grouped by their exception
  local severe
  severe=$(grep -c 'SEVERE' "$RUN/payara.log" || true)
  echo
  echo "#### Server log"
  echo
  if [ "${severe:-0}" = 0 ]; then
    echo "No SEVERE entries in the server log."
    return
  fi
  echo "$severe SEVERE entries in the server log; the most frequent exceptions:"
  echo
  echo '```'
  grep -A3 'SEVERE' "$RUN/payara.log" | grep -E '^[A-Za-z_$.]+(Exception|Error)' | cut -c1-200 \
    | sed -E 's/@[0-9a-f]+/@…/g' | sort | uniq -c | sort -rn | head -5
  echo '```'
}

# ------------------------------------------------------------------------------------- main
mkdir -p "$WORK" "$RESULTS"
exec 2> >(tee -a "$WORK/run-$(date -u +%Y%m%dT%H%M%SZ).log" >&2)
log "bench/run.sh ${BACKENDS[*]} ($MODE mode)"
preflight
build
for backend in "${BACKENDS[@]}"; do
  run_backend "$backend"
  render_docs
done
