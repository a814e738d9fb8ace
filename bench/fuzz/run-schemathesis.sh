#!/usr/bin/env bash
# API fuzzing: schemathesis (from PyPI) against a real `aiup serve --demo 200` on a free
# loopback port, driven by the server's own /api/v1/openapi.json.
#
#   bench/fuzz/run-schemathesis.sh            # full: more examples per operation, ≤ 30 min
#   bench/fuzz/run-schemathesis.sh --quick    # short (CI): ≤ 5 min, about 2 min on 2 cores
#
# Checks: not_a_server_error, response_schema_conformance, status_code_conformance and
# content_type_conformance, on the examples, coverage and fuzzing phases (stateful off),
# positive and negative data. Exits non-zero if schemathesis reports a failure.
#
# Environment:
#   AIUP_FUZZ_PROFILE=release|dev   which build of aiup to build and fuzz (default release)
#   AIUP_BIN=PATH                   fuzz this binary instead of building one (CI: the debug
#                                   binary that `cargo test` built)
#   AIUP_FUZZ_MAX_EXAMPLES=N        override the examples per operation
#   AIUP_FUZZ_SEED=N                schemathesis seed (default: random, printed)
#   AIUP_FUZZ_OUT=DIR               reports and logs (default $CARGO_TARGET_DIR or target, /fuzz)
#   AIUP_FUZZ_ARGS="..."            more `st run` options, e.g. --include-operation-id getCourse
#
# Auth: when the binary has `aiup users` (accounts and API tokens), the script creates an
# admin account `fuzz` and an API token and sends it as `Authorization: Bearer`. Without it
# (a build from before accounts and API tokens landed) it runs without auth: the staff routes
# then answer 403 (no AIUP_STAFF_TOKEN), which the document allows, and the operations whose
# handlers came with accounts (getMe, listUsers, createUser, listInstitutionCourses) are
# left out.
set -euo pipefail

cd "$(dirname "$0")/../.."
root=$PWD

# Exact version: a new schemathesis release can change what it generates and checks.
SCHEMATHESIS_VERSION=4.32.5

quick=false
for arg in "$@"; do
  case $arg in
    --quick) quick=true ;;
    -h | --help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg (use --quick or nothing)" >&2; exit 2 ;;
  esac
done

if $quick; then
  max_examples=${AIUP_FUZZ_MAX_EXAMPLES:-100}
  hard_limit=300
else
  max_examples=${AIUP_FUZZ_MAX_EXAMPLES:-1000}
  hard_limit=1800
fi
seed=${AIUP_FUZZ_SEED:-$(( (RANDOM << 15) | RANDOM ))}
target_dir=${CARGO_TARGET_DIR:-$root/target}
out=${AIUP_FUZZ_OUT:-$target_dir/fuzz}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# ---- schemathesis in its own venv --------------------------------------------------------
venv=${XDG_CACHE_HOME:-$HOME/.cache}/aiup-fuzz-venv
if [[ ! -x $venv/bin/st ]] || [[ $("$venv/bin/st" --version 2>/dev/null) != *" $SCHEMATHESIS_VERSION" ]]; then
  echo "== installing schemathesis $SCHEMATHESIS_VERSION into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
"$venv/bin/st" --version

# ---- the server --------------------------------------------------------------------------
if [[ -n ${AIUP_BIN:-} ]]; then
  bin=$AIUP_BIN
  [[ -x $bin ]] || { echo "AIUP_BIN=$bin is not an executable" >&2; exit 2; }
else
  profile=${AIUP_FUZZ_PROFILE:-release}
  case $profile in
    release) echo "== cargo build --release -p aiup"; cargo build --release --locked -p aiup 2>&1 | tail -n 1; bin=$target_dir/release/aiup ;;
    dev) echo "== cargo build -p aiup"; cargo build --locked -p aiup 2>&1 | tail -n 1; bin=$target_dir/debug/aiup ;;
    *) echo "AIUP_FUZZ_PROFILE must be release or dev" >&2; exit 2 ;;
  esac
fi

data=$(mktemp -d "${TMPDIR:-/tmp}/aiup-fuzz.XXXXXX")
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$data"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export AIUP_DATA_DIR=$data
unset AIUP_DATABASE_URL AIUP_STAFF_TOKEN
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port

token=
if "$bin" users --help >/dev/null 2>&1; then
  echo "== admin account and API token for the fuzzer"
  "$bin" users add --role admin --login fuzz --generate-password >"$out/users-add.log" 2>&1 \
    || { cat "$out/users-add.log" >&2; exit 1; }
  "$bin" users tokens fuzz --create fuzz >"$out/token.txt" 2>"$out/token.log" \
    || { cat "$out/token.log" >&2; exit 1; }
  # The token is printed once: take a JSON "token" field if there is one, else the last
  # token-looking word of the output.
  token=$(python3 - "$out/token.txt" <<'PY'
import json, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
try:
    value = json.loads(text)
    found = value.get("token") if isinstance(value, dict) else None
except ValueError:
    found = None
if not found:
    words = re.findall(r"[A-Za-z0-9_.~+/=-]{24,}", text)
    found = words[-1] if words else ""
print(found)
PY
)
  rm -f "$out/token.txt"
  [[ -n $token ]] || { echo "could not read the API token from \`aiup users tokens\`" >&2; exit 1; }
else
  echo "== this aiup has no \`users\` command: fuzzing without auth (bearer routes answer 401/403)"
fi

echo "== aiup serve --demo 200 on $base (data in $data)"
"$bin" serve --listen "127.0.0.1:$port" --demo 200 >"$out/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 240); do
  if python3 -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=2)" "$base/healthz" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "aiup serve exited early:" >&2; tail -n 20 "$out/server.log" >&2; exit 1
  fi
  sleep 0.5
done

# ---- test data: real ids, mixed into the generated path parameters -------------------------
config=$out/schemathesis.toml
python3 - "$base" "$config" <<'PY'
import json, sys, urllib.request
base, path = sys.argv[1], sys.argv[2]
page = json.load(urllib.request.urlopen(base + "/api/v1/courses?per_page=5", timeout=30))
courses = [hit["id"] for hit in page["hits"]]
institutions = sorted({hit["institution"]["id"] for hit in page["hits"]})
programmes = [p["id"] for p in json.load(urllib.request.urlopen(base + "/api/v1/programmes", timeout=30))["programmes"] if p["trainee_facing"]]
# A current code, an old code and an old name (aliases), a full name, an ambiguous name.
regions = ["51760", "42760", "강원도 평창군", "전라남도 해남군", "중구"]
places = ["전라남도 해남군", "서울특별시 강남구", "46820", "강원도 평창군", "대전광역시 유성구"]
dates = ["2026-01-05", "2026-03-02", "2026-06-30", "2026-08-31", "2026-12-31", "2027-02-26"]
toml = lambda values: "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in values) + "]"
with open(path, "w", encoding="utf-8") as f:
    f.write(f"""# Written by bench/fuzz/run-schemathesis.sh from the demo catalogue it serves.
[dictionaries.courses]
values = {toml(courses)}

[dictionaries.institutions]
values = {toml(institutions)}

[dictionaries.regions]
values = {toml(regions)}

[dictionaries.programmes]
values = {toml(programmes)}

[dictionaries.places]
values = {toml(places)}

[dictionaries.dates]
values = {toml(dates)}

[[operations]]
include-operation-id = "getCourse"
parameters = {{ "path.id" = {{ dictionary = "courses", probability = 0.5 }} }}

[[operations]]
include-operation-id = "listInstitutionCourses"
parameters = {{ "path.id" = {{ dictionary = "institutions", probability = 0.5 }} }}

# Mostly real programmes, places and dates, so that more estimates get past validation.
[[operations]]
include-operation-id = "estimateSupport"
parameters = {{ "body.programme" = {{ dictionary = "programmes", probability = 0.8 }}, "body.course.region" = {{ dictionary = "places", probability = 0.8 }}, "body.course.start_date" = {{ dictionary = "dates", probability = 0.8 }}, "body.course.end_date" = {{ dictionary = "dates", probability = 0.8 }} }}

[[operations]]
include-operation-id = "getRegion"
parameters = {{ "path.query" = {{ dictionary = "regions", probability = 0.5 }} }}
""")
PY

# ---- the run -----------------------------------------------------------------------------
echo "== schemathesis: max $max_examples examples per operation, seed $seed, at most ${hard_limit}s"
args=(
  --config-file "$config"
  run "$base/api/v1/openapi.json"
  --url "$base"
  --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance
  --phases examples,coverage,fuzzing
  --mode all
  --max-examples "$max_examples"
  --seed "$seed"
  # One worker: with two threads, CPython 3.11's ast.parse (which hypothesis calls to describe
  # its filters) can fail with "AST constructor recursion depth mismatch" (a CPython race,
  # gh-106905), a crash of the tool, not a finding about the API.
  --workers 1
  --request-timeout 20
  --generation-database none
  --suppress-health-check too_slow,filter_too_much
  --report junit --report-junit-path "$out/junit.xml"
  --no-color
)
if [[ -n $token ]]; then
  args+=(--header "Authorization: Bearer $token")
else
  # Before accounts landed these routes are documented but not served (404).
  for id in getMe listUsers createUser listInstitutionCourses; do
    args+=(--exclude-operation-id "$id")
  done
fi
# shellcheck disable=SC2206 # split on purpose: several options
[[ -z ${AIUP_FUZZ_ARGS:-} ]] || args+=(${AIUP_FUZZ_ARGS})
status=0
# From $out, where schemathesis keeps its .schemathesis/ folder (replays of failures).
(cd "$out" && timeout --kill-after=15 "$hard_limit" "$venv/bin/st" "${args[@]}") 2>&1 | tee "$out/schemathesis.log" \
  || status=${PIPESTATUS[0]}
if [[ $status == 124 || $status == 137 ]]; then
  echo "== schemathesis did not finish within ${hard_limit}s" >&2
fi
if [[ $status != 0 ]]; then
  echo "== FAILED (exit $status); log: $out/schemathesis.log, server log: $out/server.log; rerun with AIUP_FUZZ_SEED=$seed" >&2
  exit 1
fi
echo "== schemathesis passed (seed $seed)"
