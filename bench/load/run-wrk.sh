#!/usr/bin/env bash
# Load runs: `aiup serve --demo 2000` on SQLite and on PostgreSQL, each driven by wrk
# (2 threads, 256 connections, 20 s) with
#   1. GET  /api/v1/courses?q=데이터       (Korean search, facets and per-hit support)
#   2. POST /api/v1/estimate               (examples/kdt-ai-campus-haenam.json, with trace)
# It records requests/s, latency p50/p99 and the count of non-2xx answers and socket errors
# (which must be 0), then checks for stale reads: the course count (`total` of
# /api/v1/courses?per_page=1) still equals the number imported.
#
#   bench/load/run-wrk.sh
#   AIUP_LOAD_DURATION=5s AIUP_LOAD_BACKENDS=sqlite bench/load/run-wrk.sh   # a short look
#
# Needs: wrk (installed with apt-get if missing), python3, and for PostgreSQL a server on
# 127.0.0.1:5432 with trust auth for user postgres (AIUP_LOAD_POSTGRES_URL): a fresh database
# is created for the run and dropped after. Everything listens on 127.0.0.1. Not part of CI.
# Writes target/load/results.md (or $CARGO_TARGET_DIR/load) and exits non-zero if any check
# fails.
set -euo pipefail

cd "$(dirname "$0")/../.."
root=$PWD
target_dir=${CARGO_TARGET_DIR:-$root/target}
out=${AIUP_LOAD_OUT:-$target_dir/load}
mkdir -p "$out"
duration=${AIUP_LOAD_DURATION:-20s}
threads=${AIUP_LOAD_THREADS:-2}
connections=${AIUP_LOAD_CONNECTIONS:-256}
courses=${AIUP_LOAD_COURSES:-2000}
backends=${AIUP_LOAD_BACKENDS:-sqlite postgres}
postgres_admin=${AIUP_LOAD_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
example=$root/examples/kdt-ai-campus-haenam.json

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v wrk >/dev/null; then
  echo "== installing wrk (Debian)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq wrk >/dev/null
fi

if [[ -n ${AIUP_BIN:-} ]]; then
  bin=$AIUP_BIN
else
  echo "== cargo build --release -p aiup"
  cargo build --release --locked -p aiup 2>&1 | tail -n 1
  bin=$target_dir/release/aiup
fi

data=
server_pid=
database=
cleanup() {
  if [[ -n $server_pid ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
  fi
  if [[ -n $database ]]; then
    psql "$postgres_admin" -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1 || true
    database=
  fi
  if [[ -n $data ]]; then rm -rf "$data"; data=; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# The `total` of a course search: GET URL.
course_total() {
  python3 -c 'import json, sys, urllib.request; print(json.load(urllib.request.urlopen(sys.argv[1], timeout=30))["total"])' "$1"
}

failures=0
fail() { echo "!! $*" >&2; failures=$((failures + 1)); }

results=$out/results.md
{
  echo "| backend | run | requests/s | p50 | p99 | requests | non-2xx | socket errors |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|"
} >"$results"

# run_wrk BACKEND SLUG NAME URL [BODY_FILE]
run_wrk() {
  local backend=$1 slug=$2 name=$3 url=$4 body=${5:-}
  local log=$out/$backend-$slug.log
  echo "== wrk -t$threads -c$connections -d$duration --latency $name ($backend)"
  AIUP_LOAD_BODY=$body timeout 120 wrk -t"$threads" -c"$connections" -d"$duration" --timeout 10s --latency \
    -s "$root/bench/load/wrk.lua" "$url" >"$log" 2>&1 || fail "$backend $name: wrk exited with an error"
  grep -E "Requests/sec|Latency |50%|99%|Non-2xx|Socket errors" "$log" | sed 's/^/   /' || true
  local line
  line=$(grep '^AIUP_LOAD ' "$log" || true)
  if [[ -z $line ]]; then
    fail "$backend $name: no summary from wrk.lua (see $log)"
    return
  fi
  echo "   $line"
  field() { sed -E "s/.* $1=([^ ]*).*/\1/" <<<"$line"; }
  local requests rps p50 p99 non2xx errors
  requests=$(field requests)
  rps=$(field rps)
  p50=$(field p50_ms)
  p99=$(field p99_ms)
  non2xx=$(field non2xx)
  errors=$(($(field connect) + $(field read) + $(field write) + $(field timeout)))
  printf '| %s | %s | %s | %s ms | %s ms | %s | %s | %s |\n' \
    "$backend" "$name" "$(printf '%.0f' "$rps")" "$p50" "$p99" "$requests" "$non2xx" "$errors" >>"$results"
  [[ $non2xx == 0 ]] || fail "$backend $name: $non2xx answers were not 2xx ($(field statuses))"
  [[ $errors == 0 ]] || fail "$backend $name: $errors socket errors"
  [[ $requests -gt 0 ]] || fail "$backend $name: no requests completed"
}

for backend in $backends; do
  data=$(mktemp -d "${TMPDIR:-/tmp}/aiup-load.XXXXXX")
  export AIUP_DATA_DIR=$data
  unset AIUP_DATABASE_URL
  case $backend in
    sqlite) ;;
    postgres)
      database=aiup_load_$$_$RANDOM
      psql "$postgres_admin" -qc "CREATE DATABASE $database" >/dev/null
      export AIUP_DATABASE_URL=${postgres_admin%/*}/$database
      ;;
    *) echo "unknown backend $backend (sqlite or postgres)" >&2; exit 2 ;;
  esac
  port=$(free_port)
  base=http://127.0.0.1:$port
  echo "== $backend: aiup serve --demo $courses on $base"
  "$bin" serve --listen "127.0.0.1:$port" --demo "$courses" >"$out/$backend-server.log" 2>&1 &
  server_pid=$!
  up=false
  for _ in $(seq 1 240); do
    if python3 -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=2)" "$base/healthz" 2>/dev/null; then
      up=true
      break
    fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.5
  done
  if ! $up; then
    tail -n 20 "$out/$backend-server.log" >&2
    echo "aiup serve ($backend) did not come up" >&2
    exit 1
  fi

  before=$(course_total "$base/api/v1/courses?per_page=1")
  [[ $before == "$courses" ]] || fail "$backend: $before courses before the load, $courses imported"
  query_before=$(course_total "$base/api/v1/courses?q=%EB%8D%B0%EC%9D%B4%ED%84%B0&per_page=1")

  run_wrk "$backend" search "GET /api/v1/courses?q=데이터" "$base/api/v1/courses?q=%EB%8D%B0%EC%9D%B4%ED%84%B0"
  run_wrk "$backend" estimate "POST /api/v1/estimate" "$base/api/v1/estimate" "$example"

  after=$(course_total "$base/api/v1/courses?per_page=1")
  query_after=$(course_total "$base/api/v1/courses?q=%EB%8D%B0%EC%9D%B4%ED%84%B0&per_page=1")
  echo "== $backend: courses $before before, $after after (imported $courses); 데이터 matched $query_before before, $query_after after"
  [[ $after == "$courses" ]] || fail "$backend: stale read: $after courses after the load, $courses imported"
  [[ $query_after == "$query_before" ]] || fail "$backend: the search total moved from $query_before to $query_after"
  cleanup
done

{
  echo
  echo "wrk -t$threads -c$connections -d$duration --latency --timeout 10s; $courses demo courses;" \
    "$(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1); $(date -u +%Y-%m-%d)."
} >>"$results"
echo
cat "$results"
if [[ $failures != 0 ]]; then
  echo "== $failures check(s) failed" >&2
  exit 1
fi
echo "== every answer was 2xx, no socket errors, no stale reads"
