#!/usr/bin/env bash
# Crash safety of the payroll at scale or on PostgreSQL: `aiup payroll run` killed with SIGKILL
# at random points, then run to the end, must leave the ledger of one clean run, byte for byte
# (`aiup payroll ledger --month`). The fast SQLite version runs with the tests
# (crates/aiup/tests/it/payroll_crash.rs); this one is slow and is NOT run by .ci/run.
#
#   scripts/payroll-crash-test.sh [--postgres ADMIN_URL | --sqlite] [--trainees N] [--kills K]
#                                 [--month YYYY-MM] [--seed S]
#
# Defaults: PostgreSQL at postgres://postgres@127.0.0.1:5432/postgres, 20,000 trainees, 20 kills,
# month 2026-06, seed 2026. Two databases get the same generated population and attendance
# (seen on 2026-07-01); one is paid by a clean run, the other by runs killed after a delay drawn
# uniformly within the clean run's duration, then by one run left to finish. Needs a release
# build of aiup (`cargo build --release -p aiup`; set AIUP to use another binary).
set -euo pipefail
cd "$(dirname "$0")/.."

backend=postgres
admin=postgres://postgres@127.0.0.1:5432/postgres
trainees=20000
kills=20
month=2026-06
seed=2026
while [ $# -gt 0 ]; do
  case "$1" in
    --postgres) backend=postgres; admin="$2"; shift 2 ;;
    --sqlite) backend=sqlite; shift ;;
    --trainees) trainees="$2"; shift 2 ;;
    --kills) kills="$2"; shift 2 ;;
    --month) month="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

target="${CARGO_TARGET_DIR:-target}"
aiup="${AIUP:-$target/release/aiup}"
[ -x "$aiup" ] || { echo "build it first: cargo build --release -p aiup (or set AIUP)" >&2; exit 2; }

work=$(mktemp -d)
names=()
cleanup() {
  for name in "${names[@]}"; do
    psql "$admin" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

# A database URL for one of the two runs ("clean" or "crash").
url_for() {
  if [ "$backend" = sqlite ]; then
    mkdir -p "$work/$1"
    echo "sqlite://$work/$1/aiup.sqlite3"
  else
    local name="aiup_crash_$1_$$"
    psql "$admin" -qc "CREATE DATABASE $name" >/dev/null
    echo "${admin%/*}/$name"
  fi
}

aiup_on() { # url, args…
  local url="$1"; shift
  AIUP_DATABASE_URL="$url" AIUP_DATA_DIR="$work" AIUP_LOG=warn "$aiup" "$@"
}

populate() {
  aiup_on "$1" generate population --trainees "$trainees" --seed "$seed" --today 2026-07-01 >/dev/null
  aiup_on "$1" users add --login crash-test --role programme_admin --generate-password >/dev/null
}

if [ "$backend" = postgres ]; then names=("aiup_crash_clean_$$" "aiup_crash_crash_$$"); fi
clean_url=$(url_for clean)
crash_url=$(url_for crash)
echo "== generating $trainees trainees with attendance, twice ($backend)"
populate "$clean_url"
populate "$crash_url"

echo "== clean run of $month"
start=$(date +%s%N)
aiup_on "$clean_url" payroll run --month "$month" --actor crash-test >/dev/null
clean_ms=$(( ($(date +%s%N) - start) / 1000000 ))
aiup_on "$clean_url" payroll ledger --month "$month" --actor crash-test >"$work/clean.ledger"
echo "   $clean_ms ms, $(wc -l <"$work/clean.ledger") ledger lines"

echo "== $kills runs killed with SIGKILL at random points within ${clean_ms} ms"
RANDOM=$seed
killed=0
attempts=0
while [ "$killed" -lt "$kills" ]; do
  attempts=$((attempts + 1))
  [ "$attempts" -le $((kills * 3)) ] || { echo "FAIL: only $killed of $attempts runs were still running" >&2; exit 1; }
  delay_ms=$(( (RANDOM * 32768 + RANDOM) % (clean_ms + 1) ))
  AIUP_DATABASE_URL="$crash_url" AIUP_DATA_DIR="$work" AIUP_LOG=warn \
    "$aiup" payroll run --month "$month" --actor crash-test >/dev/null 2>&1 &
  pid=$!
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null || true
    killed=$((killed + 1))
    echo "   kill $killed after $delay_ms ms"
  else
    wait "$pid" || { echo "FAIL: a run failed on its own" >&2; exit 1; }
    echo "   (run finished before $delay_ms ms)"
  fi
done

echo "== the run after the kills"
aiup_on "$crash_url" payroll run --month "$month" --actor crash-test >/dev/null
aiup_on "$crash_url" payroll ledger --month "$month" --actor crash-test >"$work/crash.ledger"
if cmp -s "$work/clean.ledger" "$work/crash.ledger"; then
  echo "OK: after $killed kills the ledger is byte-identical to the clean run's ($(wc -c <"$work/clean.ledger") bytes)"
else
  echo "FAIL: the ledgers differ" >&2
  diff "$work/clean.ledger" "$work/crash.ledger" | head -20 >&2
  exit 1
fi
