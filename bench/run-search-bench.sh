#!/usr/bin/env bash
# Course-search benchmark: aiup against SQLite FTS5 (unicode61) and PostgreSQL full-text
# search on the same generated catalogue and the same faceted query mix,
#   1. in process (crates/aiup-bench, bin search-speed: build time, size, p50/p99, peak memory);
#   2. over HTTP under concurrent load: `aiup serve` against `fts-http serve --backend fts5|postgres`,
#      driven by wrk with bench/search-wrk.lua cycling through the same queries.
#
#   bench/run-search-bench.sh
#   AIUP_BENCH_COURSES=20000 AIUP_BENCH_DURATION=10s bench/run-search-bench.sh
#
# Needs wrk, curl and a PostgreSQL server (AIUP_BENCH_POSTGRES_URL, default
# postgres://postgres@127.0.0.1:5432/postgres, trust auth; a throwaway database is created
# and dropped). Writes bench/SEARCH-RESULTS.md; logs go to target/bench/search/.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
out=$root/target/bench/search
mkdir -p "$out"
courses=${AIUP_BENCH_COURSES:-100000}
duration=${AIUP_BENCH_DURATION:-20s}
threads=${AIUP_BENCH_THREADS:-2}
connections=${AIUP_BENCH_CONNECTIONS:-16}
export AIUP_BENCH_POSTGRES_URL=${AIUP_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
export AIUP_BENCH_URLS=$out/urls.txt
results=$root/bench/SEARCH-RESULTS.md
aiup_port=18080
fts_port=18081

command -v wrk >/dev/null || { echo "wrk is not installed" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is not installed" >&2; exit 1; }

data=$(mktemp -d "${TMPDIR:-/tmp}/aiup-search-bench.XXXXXX")
server_pid=
database=
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  # `fts-http serve` drops its database on exit; this catches a run stopped before that.
  if [[ -n $database ]] && command -v psql >/dev/null; then
    psql "$AIUP_BENCH_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$data"
}
trap cleanup EXIT

echo "== build (release): aiup, search-speed, fts-http"
cargo build --release -p aiup -p aiup-bench --bins 2>&1 | tail -n 2
bin=$root/target/release

echo "== generate $courses courses (seed 2026)"
"$bin/aiup" generate catalogue --courses "$courses" -o "$out/catalogue.json"

echo "== in process (each system in its own process)"
# The same generator call (seed 2026, cohorts from 2026-01-05) as `aiup generate catalogue`.
"$bin/search-speed" --courses "$courses" --urls-out "$AIUP_BENCH_URLS" --output "$results" \
  | tee "$out/inprocess.log"

wait_up() { # URL PID
  for _ in $(seq 1 1200); do
    if curl -fsS -o /dev/null "$1"; then return 0; fi
    if ! kill -0 "$2" 2>/dev/null; then echo "the server exited before answering $1" >&2; return 1; fi
    sleep 0.5
  done
  echo "no answer from $1 after 10 minutes" >&2
  return 1
}

run_wrk() { # NAME PORT
  local first
  first=$(head -n 1 "$AIUP_BENCH_URLS")
  curl -fsS "http://127.0.0.1:$2$first" -o "$out/sample-$1.json"
  echo "-- $1: warm-up 5s"
  wrk -t"$threads" -c"$connections" -d5s -s bench/search-wrk.lua "http://127.0.0.1:$2" >/dev/null
  echo "-- $1: wrk -t$threads -c$connections -d$duration --timeout 10s --latency"
  wrk -t"$threads" -c"$connections" -d"$duration" --timeout 10s --latency -s bench/search-wrk.lua "http://127.0.0.1:$2" \
    | tee "$out/wrk-$1.txt"
}

stop_server() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}

echo "== aiup over HTTP: import into a fresh data dir, then aiup serve"
export AIUP_DATA_DIR=$data/aiup
start=$(date +%s.%N)
"$bin/aiup" courses import "$out/catalogue.json" | tee "$out/import.log"
import_secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
"$bin/aiup" serve --listen "127.0.0.1:$aiup_port" >"$out/aiup-serve.log" 2>&1 &
server_pid=$!
wait_up "http://127.0.0.1:$aiup_port/healthz" "$server_pid"
run_wrk aiup "$aiup_port"
aiup_rss=$(awk '/VmHWM/ { print $2 }' "/proc/$server_pid/status")
stop_server
unset AIUP_DATA_DIR

for backend in fts5 postgres; do
  echo "== $backend over HTTP: fts-http build, then fts-http serve"
  if [[ $backend == fts5 ]]; then
    "$bin/fts-http" build --backend fts5 --catalogue "$out/catalogue.json" --db "$data/fts5.sqlite3"
    where=(--db "$data/fts5.sqlite3")
  else
    database=$("$bin/fts-http" build --backend postgres --catalogue "$out/catalogue.json")
    where=(--database "$database")
  fi
  "$bin/fts-http" serve --backend "$backend" "${where[@]}" --listen "127.0.0.1:$fts_port" \
    >"$out/fts-http-$backend.log" 2>&1 &
  server_pid=$!
  wait_up "http://127.0.0.1:$fts_port/healthz" "$server_pid"
  run_wrk "$backend" "$fts_port"
  declare "${backend}_rss=$(awk '/VmHWM/ { print $2 }' "/proc/$server_pid/status")"
  stop_server
done

# Requests/s and latency percentiles from a wrk --latency report.
rps() { awk '/^Requests\/sec:/ { print $2 }' "$out/wrk-$1.txt"; }
pct() { awk -v p="$2" '$1 == p { print $2 }' "$out/wrk-$1.txt"; }
errors() { awk '/Non-2xx|Socket errors/ { $1 = $1; printf "%s; ", $0 }' "$out/wrk-$1.txt"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "-" }'; }
ms() { # wrk latency (e.g. 1.23ms, 850.00us, 1.02s) in milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}

{
  echo
  echo "## Over HTTP, under load"
  echo
  echo "\`wrk -t$threads -c$connections -d$duration --timeout 10s --latency\` (after a 5 s warm-up) on the same machine as the"
  echo "servers, cycling through the same $(wc -l <"$AIUP_BENCH_URLS") faceted query URLs"
  echo "(\`/api/v1/courses?q=…&<filters>&per_page=20\`, bench/search-wrk.lua). wrk and the server share the"
  echo "$(nproc) cores."
  echo
  echo "- **aiup**: \`aiup serve\` (SQLite store, index on disk) after \`aiup courses import\` into a fresh data"
  echo "  dir (import + index: $import_secs s). Each hit also carries the support estimate for a job seeker,"
  echo "  which the baselines do not compute."
  echo "- **SQLite FTS5 / PostgreSQL**: \`fts-http serve --backend fts5|postgres\` (axum, 4 pooled connections)"
  echo "  over a database \`fts-http build\` filled from the same file; the same JSON shape: hits with the stored"
  echo "  course and institution, total, 12 facets (plain counts)."
  echo "- Peak memory is each server process's VmHWM at the end of the run (the build ran in another process)."
  echo "  For PostgreSQL it is only the HTTP process; the database server's backends are not counted."
  echo
  echo "| server | requests/s | p50 | p90 | p99 | errors | peak memory (server) |"
  echo "|---|---:|---:|---:|---:|---|---:|"
  for s in aiup fts5 postgres; do
    case $s in aiup) name="aiup serve"; kb=$aiup_rss;; fts5) name="fts-http, SQLite FTS5"; kb=$fts5_rss;; postgres) name="fts-http, PostgreSQL (client process only)"; kb=$postgres_rss;; esac
    echo "| $name | $(rps $s) | $(pct $s 50%) | $(pct $s 90%) | $(pct $s 99%) | $(errors $s) | $((kb / 1024)) MiB |"
  done
  echo
  echo "Ratios, aiup ÷ other for requests/s, other ÷ aiup for p99 latency:"
  echo
  echo "| against | requests/s | p99 |"
  echo "|---|---:|---:|"
  for s in fts5 postgres; do
    echo "| $s | $(ratio "$(rps aiup)" "$(rps $s)") | $(ratio "$(ms "$(pct $s 99%)")" "$(ms "$(pct aiup 99%)")") |"
  done
} >>"$results"

echo
echo "== results ($results)"
cat "$results"
