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
# month 2026-06, seed 2026. A generated population with its attendance (seen on 2026-07-01) is
# copied twice; one copy is paid by a clean run, the other by runs killed after a delay drawn
# uniformly within the clean run's duration (each must leave the whole month or nothing), then
# by one run left to finish. Needs a release
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

# The URL of database $1 ("template", "clean" or "crash").
url_of() {
  if [ "$backend" = sqlite ]; then
    echo "sqlite://$work/$1/aiup.sqlite3"
  else
    echo "${admin%/*}/aiup_crash_$1_$$"
  fi
}

# Makes database $1 a fresh copy of the template (unpaid).
copy_template() {
  if [ "$backend" = sqlite ]; then
    mkdir -p "$work/$1"
    rm -f "$work/$1"/aiup.sqlite3*
    for f in "$work/template"/aiup.sqlite3*; do cp "$f" "$work/$1/"; done
  else
    psql "$admin" -qc "DROP DATABASE IF EXISTS aiup_crash_$1_$$ WITH (FORCE)" >/dev/null
    psql "$admin" -qc "CREATE DATABASE aiup_crash_$1_$$ TEMPLATE aiup_crash_template_$$" >/dev/null
  fi
}

aiup_on() { # url, args…
  local url="$1"; shift
  AIUP_DATABASE_URL="$url" AIUP_DATA_DIR="$work" AIUP_LOG=warn "$aiup" "$@"
}

ledger_of() { aiup_on "$(url_of "$1")" payroll ledger --month "$month" --actor crash-test; }

if [ "$backend" = postgres ]; then
  names=("aiup_crash_template_$$" "aiup_crash_clean_$$" "aiup_crash_crash_$$")
  psql "$admin" -qc "CREATE DATABASE aiup_crash_template_$$" >/dev/null
else
  mkdir -p "$work/template"
fi
echo "== generating $trainees trainees with attendance ($backend)"
aiup_on "$(url_of template)" generate population --trainees "$trainees" --seed "$seed" --today 2026-07-01 >/dev/null
aiup_on "$(url_of template)" users add --login crash-test --role programme_admin --generate-password >/dev/null
copy_template clean
copy_template crash
ledger_of crash >"$work/unpaid.ledger"

echo "== clean run of $month"
start=$(date +%s%N)
aiup_on "$(url_of clean)" payroll run --month "$month" --actor crash-test >/dev/null
clean_ms=$(( ($(date +%s%N) - start) / 1000000 ))
ledger_of clean >"$work/clean.ledger"
echo "   $clean_ms ms, $(wc -l <"$work/clean.ledger") ledger lines"

# Each run starts unpaid: after a kill the ledger must be whole or empty; a run that got to
# commit is undone by copying the template again, so every kill lands on a run with work to do.
echo "== $kills runs killed with SIGKILL at random points within ${clean_ms} ms"
RANDOM=$seed
killed=0
attempts=0
while [ "$killed" -lt "$kills" ]; do
  attempts=$((attempts + 1))
  [ "$attempts" -le $((kills * 3)) ] || { echo "FAIL: only $killed of $attempts runs were still running" >&2; exit 1; }
  delay_ms=$(( (RANDOM * 32768 + RANDOM) % (clean_ms + 1) ))
  AIUP_DATABASE_URL="$(url_of crash)" AIUP_DATA_DIR="$work" AIUP_LOG=warn \
    "$aiup" payroll run --month "$month" --actor crash-test >/dev/null 2>&1 &
  pid=$!
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null || true
    killed=$((killed + 1))
    what="kill $killed after $delay_ms ms"
  else
    wait "$pid" || { echo "FAIL: a run failed on its own" >&2; exit 1; }
    what="(run finished before $delay_ms ms)"
  fi
  ledger_of crash >"$work/now.ledger"
  if cmp -s "$work/now.ledger" "$work/clean.ledger"; then
    echo "   $what: whole month written; starting again from unpaid"
    copy_template crash
  elif cmp -s "$work/now.ledger" "$work/unpaid.ledger"; then
    echo "   $what: nothing written"
  else
    echo "FAIL: $what left a ledger that is neither whole nor empty" >&2
    exit 1
  fi
done

echo "== the run after the kills"
aiup_on "$(url_of crash)" payroll run --month "$month" --actor crash-test >/dev/null
ledger_of crash >"$work/crash.ledger"
if cmp -s "$work/clean.ledger" "$work/crash.ledger"; then
  echo "OK: after $killed kills the ledger is byte-identical to the clean run's ($(wc -c <"$work/clean.ledger") bytes)"
else
  echo "FAIL: the ledgers differ" >&2
  diff "$work/clean.ledger" "$work/crash.ledger" | head -20 >&2
  exit 1
fi
