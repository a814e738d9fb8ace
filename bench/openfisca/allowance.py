#!/usr/bin/env python3
"""The aiup monthly trainee allowance as an OpenFisca tax-benefit system, and a
benchmark of it against the batch written by the aiup engine benchmark.

The formula is the one in crates/aiup-rules/src/engine.rs (allowance part):

    recognised = max(attended - (late + early_leave + outing) // 3 - under_half, 0)
    eligible   = scheme pays and total_hours >= 140 and delivery and status eligible
                 and recognised * 10000 >= 8000 * scheduled
    base       = min(daily * recognised, cap)      by the scheme's base table
                 (general: short-day table when hours_per_day < 5;
                  priority and kdt_ai_campus: the priority short-day table)
    special    = min(daily * recognised, cap)      by scheme and region tier
                 (live-online courses: the capital tier),
                 for priority / kdt_ai_campus / ai_assistant only,
                 when total_hours >= 350 and hours_per_day >= 5
    allowance  = base + special                    (0 unless eligible)

Parameters are YAML files under parameters/, dated like policy/allowance.toml;
`check_parameters` compares them with the TOML before any timing.

Usage: allowance.py [--csv target/bench/allowance_batch.csv] [--repeats 3] [--single 2000]
Prints `openfisca n=... best_eps=... median_eps=... calc_only_best_eps=...` and
`openfisca_single n=... eps=...` lines. Exits non-zero if any row differs from
the aiup engine's answer.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tomllib
from pathlib import Path

import numpy
from openfisca_core.entities import build_entity
from openfisca_core.periods import DateUnit
from openfisca_core.simulations import SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
PERIOD = "2026-03"
MONTH = DateUnit.MONTH

# Codes used in the CSV written by crates/aiup-rules/benches/engine.rs.
SCHEME_NONE, SCHEME_GENERAL, SCHEME_PRIORITY, SCHEME_KDT_AI_CAMPUS, SCHEME_AI_ASSISTANT = range(5)
TIERS = ("capital", "non_capital", "population_declining")
SPECIAL_SCHEMES = ("priority", "kdt_ai_campus", "ai_assistant")  # codes 2, 3, 4

Person = build_entity(
    key="person",
    plural="persons",
    label="A trainee in one unit period (훈련생)",
    is_person=True,
)


# ---- inputs -----------------------------------------------------------------


class allowance_scheme(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Allowance scheme of the programme: 0 none, 1 general, 2 priority, 3 kdt_ai_campus, 4 ai_assistant"


class region_tier(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Region tier of the training place: 0 capital, 1 non_capital, 2 population_declining"


class total_hours_tenths(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Total course hours, in tenths of an hour"


class hours_per_day_tenths(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Course hours a day, in tenths of an hour"


class delivery_eligible(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Delivery earns the allowance (classroom, blended, live_online, digital_twin)"


class live_online(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Live-online course (paid the capital-area special rate)"


class status_eligible(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Trainee status earns the allowance (job_seeker)"


class scheduled_days(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Training days scheduled in the unit period"


class attended_days(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Days attended in the unit period"


class late_count(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Times late"


class early_leave_count(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Times left early"


class outing_count(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Times out during the day"


class under_half_days(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Days attended for less than half the day's hours"


INPUTS = (
    "allowance_scheme",
    "region_tier",
    "total_hours_tenths",
    "hours_per_day_tenths",
    "delivery_eligible",
    "live_online",
    "status_eligible",
    "scheduled_days",
    "attended_days",
    "late_count",
    "early_leave_count",
    "outing_count",
    "under_half_days",
)

# CSV column for each input variable.
CSV_COLUMNS = {
    "allowance_scheme": "scheme",
    "region_tier": "tier",
    "total_hours_tenths": "total_hours_tenths",
    "hours_per_day_tenths": "hours_per_day_tenths",
    "delivery_eligible": "delivery_eligible",
    "live_online": "live_online",
    "status_eligible": "status_eligible",
    "scheduled_days": "scheduled",
    "attended_days": "attended",
    "late_count": "late",
    "early_leave_count": "early_leave",
    "outing_count": "outing",
    "under_half_days": "under_half",
}


# ---- formulas ---------------------------------------------------------------


class recognised_days(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Days recognised for the allowance"

    def formula(person, period, parameters):
        p = parameters(period).attendance
        tardies = person("late_count", period) + person("early_leave_count", period) + person("outing_count", period)
        tardy_absences = tardies // int(p.tardies_per_absence)
        under_half = person("under_half_days", period) * int(bool(p.under_half_day_is_absence))
        return numpy.maximum(person("attended_days", period) - tardy_absences - under_half, 0)


class attendance_met(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Recognised days reach the attendance threshold (integer compare in basis points)"

    def formula(person, period, parameters):
        basis_points = int(round(parameters(period).allowance.attendance_threshold * 10_000))
        recognised = person("recognised_days", period).astype(numpy.int64)
        scheduled = person("scheduled_days", period).astype(numpy.int64)
        return recognised * 10_000 >= basis_points * scheduled


class allowance_eligible(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Eligible for the monthly allowance"

    def formula(person, period, parameters):
        p = parameters(period).allowance
        return (
            (person("allowance_scheme", period) != SCHEME_NONE)
            * (person("total_hours_tenths", period) >= int(p.min_total_hours * 10))
            * person("delivery_eligible", period)
            * person("status_eligible", period)
            * person("attendance_met", period)
        )


class base_allowance_won(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Base allowance (훈련장려금), won"

    def formula(person, period, parameters):
        p = parameters(period).allowance.base
        scheme = person("allowance_scheme", period)
        short_day = person("hours_per_day_tenths", period) < int(p.general_short_day.below_hours_per_day * 10)
        # Rows: scheme code (none and general share the general tables).
        tables = (p.general, p.general, p.priority, p.kdt_ai_campus, p.ai_assistant)
        daily_by_scheme = numpy.array([int(t.daily_won) for t in tables], dtype=numpy.int64)
        cap_by_scheme = numpy.array([int(t.monthly_cap_won) for t in tables], dtype=numpy.int64)
        general_like = scheme <= SCHEME_GENERAL
        priority_like = (scheme == SCHEME_PRIORITY) | (scheme == SCHEME_KDT_AI_CAMPUS)
        use_short = general_like * short_day
        use_priority_short = priority_like * short_day
        daily = numpy.where(use_short, int(p.general_short_day.daily_won), daily_by_scheme[scheme])
        cap = numpy.where(use_short, int(p.general_short_day.monthly_cap_won), cap_by_scheme[scheme])
        daily = numpy.where(use_priority_short, int(p.priority_short_day.daily_won), daily)
        cap = numpy.where(use_priority_short, int(p.priority_short_day.monthly_cap_won), cap)
        days = person("recognised_days", period).astype(numpy.int64)
        return numpy.where(person("allowance_eligible", period), numpy.minimum(daily * days, cap), 0)


class special_allowance_won(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Special allowance or regional top-up, won"

    def formula(person, period, parameters):
        p = parameters(period).allowance.special
        scheme = person("allowance_scheme", period)
        # Live-online courses are paid the capital-area rate (tier 0).
        live_capital = person("live_online", period) * bool(p.live_online_capital_rate)
        tier = numpy.where(live_capital, 0, person("region_tier", period))
        # 5 x 3 table by (scheme code, tier); schemes none and general pay nothing.
        daily_table = numpy.zeros((5, 3), dtype=numpy.int64)
        cap_table = numpy.zeros((5, 3), dtype=numpy.int64)
        for code, name in enumerate(SPECIAL_SCHEMES, start=SCHEME_PRIORITY):
            for t, tier_name in enumerate(TIERS):
                daily_table[code, t] = int(p[name][tier_name].daily_won)
                cap_table[code, t] = int(p[name][tier_name].monthly_cap_won)
        qualifies = (
            (scheme >= SCHEME_PRIORITY)
            * (person("total_hours_tenths", period) >= int(p.min_total_hours * 10))
            * (person("hours_per_day_tenths", period) >= int(p.min_hours_per_day * 10))
            * person("allowance_eligible", period)
        )
        days = person("recognised_days", period).astype(numpy.int64)
        amount = numpy.minimum(daily_table[scheme, tier] * days, cap_table[scheme, tier])
        return numpy.where(qualifies, amount, 0)


class allowance_won(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Monthly trainee allowance, won"

    def formula(person, period, parameters):
        return person("base_allowance_won", period) + person("special_allowance_won", period)


VARIABLES = (
    allowance_scheme,
    region_tier,
    total_hours_tenths,
    hours_per_day_tenths,
    delivery_eligible,
    live_online,
    status_eligible,
    scheduled_days,
    attended_days,
    late_count,
    early_leave_count,
    outing_count,
    under_half_days,
    recognised_days,
    attendance_met,
    allowance_eligible,
    base_allowance_won,
    special_allowance_won,
    allowance_won,
)


class AllowanceSystem(TaxBenefitSystem):
    """The allowance rules as a complete OpenFisca tax-benefit system."""

    def __init__(self) -> None:
        super().__init__([Person])
        self.load_parameters(str(HERE / "parameters"))
        self.add_variables(*VARIABLES)


# ---- checks -----------------------------------------------------------------


# Rules of the unit-period payroll that the benchmark's monthly totals do not exercise: the
# batch gives counted days (no day records, carry, meals or course outcome), and the threshold's
# rounding up is the integer compare of `attendance_met`.
OUTSIDE_THE_MONTHLY_FORMULA = {
    "attendance.tardies_carry_across_periods",
    "attendance.unit_period.scheme",
    "attendance.unit_period.remote_whole_course",
    "attendance.illness_cap_rate",
    "attendance.illness_cap_rounding",
    "attendance.incomplete_day_is_absence",
    "allowance.attendance_threshold_rounding",
    "allowance.meal_deduction.daily_won",
}


def check_parameters(tbs: TaxBenefitSystem) -> int:
    """Every YAML value equals policy/*.toml at every date the TOML gives."""
    checked = 0
    mismatches = []
    for name in ("allowance", "attendance"):
        with open(REPO / "policy" / f"{name}.toml", "rb") as f:
            params = tomllib.load(f)["param"]
        for param in params:
            pid = param["id"]
            if pid in ("allowance.eligible_deliveries", "allowance.eligible_statuses"):
                continue  # carried by the delivery_eligible / status_eligible inputs
            if pid in OUTSIDE_THE_MONTHLY_FORMULA:
                continue
            for value in param["values"]:
                expected = value["value"]
                if isinstance(expected, str) and expected.endswith("%"):
                    expected = float(expected[:-1]) / 100
                node = tbs.parameters(str(value["from"]))
                for part in pid.split("."):
                    node = node[part]
                if node != expected:
                    mismatches.append(f"{pid} on {value['from']}: YAML {node!r}, TOML {expected!r}")
                checked += 1
    if mismatches:
        sys.exit("parameters differ from policy/*.toml:\n  " + "\n  ".join(mismatches))
    return checked


# ---- benchmark --------------------------------------------------------------


def load_csv(path: Path) -> tuple[dict[str, numpy.ndarray], dict[str, numpy.ndarray], list[str]]:
    with open(path) as f:
        header = f.readline().strip().split(",")
    wanted = list(CSV_COLUMNS.values()) + ["allowance_won", "base_allowance_won", "special_allowance_won"]
    cols = [header.index(c) for c in wanted]
    data = numpy.loadtxt(path, delimiter=",", skiprows=1, usecols=cols, dtype=numpy.int64, ndmin=2)
    columns = {name: data[:, i] for i, name in enumerate(wanted)}
    inputs = {}
    for variable, column in CSV_COLUMNS.items():
        values = columns[column]
        inputs[variable] = values.astype(bool) if variable in ("delivery_eligible", "live_online", "status_eligible") else values.astype(numpy.int32)
    expected = {k: columns[k] for k in ("allowance_won", "base_allowance_won", "special_allowance_won")}
    return inputs, expected, header


def build(tbs: TaxBenefitSystem, inputs: dict[str, numpy.ndarray], count: int):
    simulation = SimulationBuilder().build_default_simulation(tbs, count)
    for variable in INPUTS:
        simulation.set_input(variable, PERIOD, inputs[variable])
    return simulation


def show_row(path: Path, header: list[str], row: int) -> str:
    with open(path) as f:
        for i, line in enumerate(f):
            if i == row + 1:
                return ", ".join(f"{k}={v}" for k, v in zip(header, line.strip().split(",")))
    return "(row not found)"


def verify(name: str, got: numpy.ndarray, want: numpy.ndarray, path: Path, header: list[str]) -> None:
    bad = numpy.flatnonzero(got.astype(numpy.int64) != want)
    if bad.size:
        lines = [f"{name}: OpenFisca and aiup disagree on {bad.size} of {want.size} rows"]
        for row in bad[:10]:
            lines.append(f"  row {row}: openfisca={int(got[row])} aiup={int(want[row])} | {show_row(path, header, int(row))}")
        sys.exit("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--csv", type=Path, default=REPO / "target" / "bench" / "allowance_batch.csv")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--single", type=int, default=2000, help="cases for the one-simulation-per-request timing")
    args = parser.parse_args()

    started = time.perf_counter()
    tbs = AllowanceSystem()
    tbs_seconds = time.perf_counter() - started
    checked = check_parameters(tbs)
    print(f"tax-benefit system built in {tbs_seconds * 1000:.1f} ms; {checked} parameter values match policy/*.toml")

    started = time.perf_counter()
    inputs, expected, header = load_csv(args.csv)
    n = expected["allowance_won"].size
    print(f"csv: {args.csv} ({n} rows, loaded in {time.perf_counter() - started:.2f} s, not timed)")

    # Batch: construction + calculation, fresh simulation each time.
    total_runs, calc_runs = [], []
    for rep in range(args.repeats):
        t0 = time.perf_counter()
        simulation = build(tbs, inputs, n)
        t1 = time.perf_counter()
        result = simulation.calculate("allowance_won", PERIOD)
        t2 = time.perf_counter()
        total_runs.append(t2 - t0)
        calc_runs.append(t2 - t1)
        print(f"batch run {rep + 1}: construction {t1 - t0:.3f} s + calculate {t2 - t1:.3f} s = {n / (t2 - t0):.0f} evals/s ({n / (t2 - t1):.0f} calc only)")
        verify("allowance_won", result, expected["allowance_won"], args.csv, header)
        if rep == 0:
            verify("base_allowance_won", simulation.calculate("base_allowance_won", PERIOD), expected["base_allowance_won"], args.csv, header)
            verify("special_allowance_won", simulation.calculate("special_allowance_won", PERIOD), expected["special_allowance_won"], args.csv, header)
        del simulation, result
    print(f"verified: allowance_won (and base / special) identical to aiup on all {n} rows")

    # Calculation alone: simulation built and inputs set outside the clock.
    for _ in range(args.repeats):
        simulation = build(tbs, inputs, n)
        t1 = time.perf_counter()
        simulation.calculate("allowance_won", PERIOD)
        calc_runs.append(time.perf_counter() - t1)
        del simulation

    best = n / min(total_runs)
    median = n / statistics.median(total_runs)
    calc_best = n / min(calc_runs)
    calc_median = n / statistics.median(calc_runs)
    print(f"openfisca n={n} best_eps={best:.0f} median_eps={median:.0f} calc_only_best_eps={calc_best:.0f} calc_only_median_eps={calc_median:.0f}")

    # One request: a fresh single-person simulation per case.
    m = min(args.single, n)
    single_inputs = [{v: inputs[v][i : i + 1] for v in INPUTS} for i in range(m)]
    got = numpy.empty(m, dtype=numpy.int64)
    t0 = time.perf_counter()
    for i in range(m):
        simulation = build(tbs, single_inputs[i], 1)
        got[i] = simulation.calculate("allowance_won", PERIOD)[0]
    single_seconds = time.perf_counter() - t0
    verify("allowance_won (single)", got, expected["allowance_won"][:m], args.csv, header)

    # The same, from a situation dict as the OpenFisca Web API receives it.
    situations = []
    for i in range(m):
        person = {v: {PERIOD: (bool(inputs[v][i]) if inputs[v].dtype == bool else int(inputs[v][i]))} for v in INPUTS}
        person["allowance_won"] = {PERIOD: None}
        situations.append({"persons": {"trainee": person}})
    t0 = time.perf_counter()
    for i in range(m):
        simulation = SimulationBuilder().build_from_entities(tbs, situations[i])
        got[i] = simulation.calculate("allowance_won", PERIOD)[0]
    dict_seconds = time.perf_counter() - t0
    verify("allowance_won (single, dict)", got, expected["allowance_won"][:m], args.csv, header)
    print(f"openfisca_single n={m} eps={m / single_seconds:.0f} us_per_case={single_seconds / m * 1e6:.0f} dict_eps={m / dict_seconds:.0f} dict_us_per_case={dict_seconds / m * 1e6:.0f}")


if __name__ == "__main__":
    main()
