#!/usr/bin/env bash
# Rules-engine benchmark: the aiup engine (Rust, one thread) and the same
# monthly-allowance formula in OpenFisca, on the same deterministic batch.
#
#   bench/run-engine-bench.sh                 # 1,000,000 trainee-months
#   AIUP_BENCH_N=100000 bench/run-engine-bench.sh
#   AIUP_BENCH_TRACE_ALL=1 bench/run-engine-bench.sh   # trace timing over all N
#   PYTHON=/path/to/python bench/run-engine-bench.sh
#
# Logs and the batch CSV go to target/bench/. Fails if OpenFisca and aiup
# disagree on any row.
set -euo pipefail

cd "$(dirname "$0")/.."
out=target/bench
mkdir -p "$out"
export AIUP_BENCH_CSV="$PWD/$out/allowance_batch.csv"
python=${PYTHON:-python3}

echo "== aiup engine (cargo bench -p aiup-rules --bench engine)"
cargo bench -p aiup-rules --bench engine | tee "$out/aiup-engine.log"

echo
echo "== OpenFisca ($("$python" -c 'import importlib.metadata as m; print("openfisca-core", m.version("openfisca-core"), "numpy", m.version("numpy"))'))"
"$python" bench/openfisca/allowance.py --csv "$AIUP_BENCH_CSV" | tee "$out/openfisca.log"

# `field LINE KEY` prints the value of KEY=value in a summary line.
field() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

aiup=$(grep '^aiup-engine ' "$out/aiup-engine.log" | tail -n 1)
of=$(grep '^openfisca ' "$out/openfisca.log" | tail -n 1)
single=$(grep '^openfisca_single ' "$out/openfisca.log" | tail -n 1)

aiup_best=$(field "$aiup" no_trace_best_eps)
aiup_median=$(field "$aiup" no_trace_median_eps)
aiup_trace=$(field "$aiup" trace_eps)
of_best=$(field "$of" best_eps)
of_median=$(field "$of" median_eps)
of_calc=$(field "$of" calc_only_best_eps)
payroll=$(field "$aiup" payroll_best_eps)
payroll_all=$(field "$aiup" payroll_parallel_best_eps)
allowance_all=$(field "$aiup" allowance_parallel_best_eps)
of_single=$(field "$single" eps)
of_single_dict=$(field "$single" dict_eps)

echo
echo "== ratios (aiup / OpenFisca, evaluations per second)"
echo "batch, aiup no trace best / OpenFisca construction+calc best:     $(ratio "$aiup_best" "$of_best")"
echo "batch, aiup no trace median / OpenFisca construction+calc median: $(ratio "$aiup_median" "$of_median")"
echo "batch, aiup no trace best / OpenFisca calc-only best:             $(ratio "$aiup_best" "$of_calc")"
echo "payroll month, 1 thread / OpenFisca construction+calc best:     $(ratio "$payroll" "$of_best")"
echo "payroll month, 1 thread / OpenFisca calc-only best:             $(ratio "$payroll" "$of_calc")"
echo "payroll month, all threads / OpenFisca construction+calc best:  $(ratio "$payroll_all" "$of_best")"
echo "payroll month, all threads / OpenFisca calc-only best:          $(ratio "$payroll_all" "$of_calc")"
echo "allowance per case, all threads / OpenFisca construction+calc:  $(ratio "$allowance_all" "$of_best")"
echo "single request, aiup with trace / OpenFisca one-person simulation: $(ratio "$aiup_trace" "$of_single")"
echo "single request, aiup with trace / OpenFisca situation dict:        $(ratio "$aiup_trace" "$of_single_dict")"
echo "single request, aiup no trace / OpenFisca one-person simulation:   $(ratio "$aiup_best" "$of_single")"
echo "ratios batch_best=$(ratio "$aiup_best" "$of_best") batch_median=$(ratio "$aiup_median" "$of_median") batch_calc_only=$(ratio "$aiup_best" "$of_calc") single_trace=$(ratio "$aiup_trace" "$of_single") single_trace_dict=$(ratio "$aiup_trace" "$of_single_dict") single_no_trace=$(ratio "$aiup_best" "$of_single") payroll_1=$(ratio "$payroll" "$of_best") payroll_1_calc=$(ratio "$payroll" "$of_calc") payroll_all=$(ratio "$payroll_all" "$of_best") payroll_all_calc=$(ratio "$payroll_all" "$of_calc")"
