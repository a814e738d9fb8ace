#!/usr/bin/env python3
"""Checks the course-search relevance collection (corpus.json, queries.toml).

Run from anywhere: python3 bench/relevance/check.py
Exits non-zero and lists every problem found; prints counts when all is well.
`check.py --show q05 [q06 ...]` also prints each named query's judged course titles, for review.
Uses only the Python standard library (3.11+ for tomllib).
"""

import csv
import json
import re
import sys
import tomllib
from collections import Counter
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

KINDS = ["inflection", "compound", "synonym", "typo", "english", "mixed", "disambiguation", "plain", "title", "audience"]
MIN_PER_KIND = 9
MIN_QUERIES = 72

INSTITUTION_KINDS = {"private", "polytech", "university", "joint_training_centre", "public_online"}
GRADES = {"five_year", "three_year", "one_year", "new"}
AI_STEPS = {"basic_understanding", "job_application", "solution_development"}
AI_LEVELS = {"literacy", "work_practice", "system_integration", "model_development"}
MODULES = ["ethics_security", "prompt_engineering", "verification_refinement", "data_bias", "productivity_tools"]
DELIVERIES = {"classroom", "remote", "blended", "live_online", "vr_metaverse", "digital_twin"}
AUDIENCES = ["job_seeker", "youth", "employee", "sme", "middle_aged", "career_break_women",
             "instructor", "resident", "senior", "student"]
ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
NCS_RE = re.compile(r"^(0[1-9]|1[0-9]|2[0-4])[0-9]{6}$")
HOURS_RE = re.compile(r"^[0-9]{1,6}(\.[0-9])?$")

problems = []


def fail(where, message):
    problems.append(f"{where}: {message}")


def load_regions():
    with open(ROOT / "data/regions/sigungu.csv", newline="", encoding="utf-8") as f:
        return {row["code"] for row in csv.DictReader(f)}


def load_programmes():
    with open(ROOT / "policy/programmes.toml", "rb") as f:
        return {p["id"] for p in tomllib.load(f)["programme"]}


def parse_date(where, text):
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(where, f"`{text}` is not a YYYY-MM-DD date")
        return None


def hours(where, text):
    if not HOURS_RE.match(text):
        fail(where, f"`{text}` is not a number of hours")
        return None
    return float(text)


def check_corpus(regions, programmes):
    corpus = json.loads((HERE / "corpus.json").read_text(encoding="utf-8"))
    institutions = corpus["institutions"]
    courses = corpus["courses"]

    inst_ids = Counter(i["id"] for i in institutions)
    for i in institutions:
        w = f"institution {i['id']}"
        if inst_ids[i["id"]] > 1:
            fail(w, "id is not unique")
        if not ID_RE.match(i["id"]):
            fail(w, "id is not 1-64 ASCII letters, digits, . _ - :")
        if not i["name"].strip():
            fail(w, "name is empty")
        if i["kind"] not in INSTITUTION_KINDS:
            fail(w, f"kind `{i['kind']}`")
        if i["grade"] not in GRADES:
            fail(w, f"grade `{i['grade']}`")
        if i["region"] not in regions:
            fail(w, f"region `{i['region']}` is not a code in sigungu.csv")

    course_ids = Counter(c["id"] for c in courses)
    for c in courses:
        w = f"course {c['id']}"
        if course_ids[c["id"]] > 1:
            fail(w, "id is not unique")
        if not ID_RE.match(c["id"]):
            fail(w, "id is not 1-64 ASCII letters, digits, . _ - :")
        if c["institution"] not in inst_ids:
            fail(w, f"institution `{c['institution']}` is not in the file")
        if not c["title"].strip() or len(c["title"]) > 200:
            fail(w, "title is empty or longer than 200 characters")
        if not c["summary"].strip() or len(c["summary"]) > 4000:
            fail(w, "summary is empty or longer than 4,000 characters")
        if not 3 <= len(c["keywords"]) <= 8:
            fail(w, f"has {len(c['keywords'])} keywords; the collection uses 3-8")
        if len(set(c["keywords"])) != len(c["keywords"]) or any(not k.strip() or len(k) > 50 for k in c["keywords"]):
            fail(w, "keywords repeat, are empty or are longer than 50 characters")
        if not c["programmes"] or len(set(c["programmes"])) != len(c["programmes"]):
            fail(w, "programmes are empty or repeat")
        for p in c["programmes"]:
            if p not in programmes:
                fail(w, f"programme `{p}` is not in policy/programmes.toml")
        ncs = c["ncs"]
        if not NCS_RE.match(ncs) or any(ncs[i:i + 2] == "00" for i in range(0, 8, 2)):
            fail(w, f"NCS code `{ncs}` is not 8 digits with major 01-24 and no `00` pair")
        if not c["occupation"].strip():
            fail(w, "occupation is empty")
        step, level = c["ai_step"], c["ai_level"]
        if step and step not in AI_STEPS:
            fail(w, f"ai_step `{step}`")
        if level and level not in AI_LEVELS:
            fail(w, f"ai_level `{level}`")
        if level and not step:
            fail(w, "ai_level without ai_step")
        if not step and c["modules"]:
            fail(w, "a course that teaches no AI lists AI basic modules")
        if c["modules"] != [m for m in MODULES if m in c["modules"]]:
            fail(w, "modules are unknown, repeated or out of order")
        if c["delivery"] not in DELIVERIES:
            fail(w, f"delivery `{c['delivery']}`")
        total = hours(w + " total_hours", c["total_hours"])
        daily = hours(w + " hours_per_day", c["hours_per_day"])
        if total is not None and daily is not None:
            if not 1 <= total <= 4000:
                fail(w, f"total_hours {total} is outside 1-4000")
            if not 0.5 <= daily <= 12:
                fail(w, f"hours_per_day {daily} is outside 0.5-12")
            if daily > total:
                fail(w, "hours_per_day is more than total_hours")
        if not re.fullmatch(r"[0-9]+", c["fee_won"]) or int(c["fee_won"]) > 50_000_000:
            fail(w, f"fee_won `{c['fee_won']}`")
        if c["region"] not in regions:
            fail(w, f"region `{c['region']}` is not a code in sigungu.csv")
        if not c["audiences"] or c["audiences"] != [a for a in AUDIENCES if a in c["audiences"]]:
            fail(w, "audiences are empty, unknown, repeated or out of order")
        for field, low, high in (("self_payment_rate_percent", 0, 100), ("base_unit_price_won_per_hour", 1, 1_000_000)):
            v = c[field]
            if v and (not v.isdigit() or not low <= int(v) <= high):
                fail(w, f"{field} `{v}`")
        if not c["cohorts"]:
            fail(w, "has no cohort")
        spans = set()
        for n, k in enumerate(c["cohorts"], 1):
            kw = f"{w} cohorts[{n}]"
            start, end = parse_date(kw, k["start_date"]), parse_date(kw, k["end_date"])
            if start and end and end < start:
                fail(kw, "end_date is before start_date")
            if (k["start_date"], k["end_date"]) in spans:
                fail(kw, "two cohorts have the same dates")
            spans.add((k["start_date"], k["end_date"]))
            if not (k["capacity"].isdigit() and k["seats_left"].isdigit()):
                fail(kw, "capacity and seats_left must be whole numbers")
            elif not 1 <= int(k["capacity"]) <= 1000 or int(k["seats_left"]) > int(k["capacity"]):
                fail(kw, "capacity is outside 1-1000 or seats_left is more than capacity")
    return corpus


def check_queries(course_ids):
    with open(HERE / "queries.toml", "rb") as f:
        queries = tomllib.load(f)["query"]
    qids = Counter(q["id"] for q in queries)
    texts = Counter(q["text"] for q in queries)
    for q in queries:
        w = f"query {q['id']} ({q['text']})"
        if qids[q["id"]] > 1:
            fail(w, "id is not unique")
        if texts[q["text"]] > 1:
            fail(w, "the same text appears in another query")
        if q["kind"] not in KINDS:
            fail(w, f"kind `{q['kind']}`")
        if not q.get("intent", "").strip():
            fail(w, "intent is empty")
        g2, g1 = q["grade2"], q["grade1"]
        if len(g2) < 2:
            fail(w, f"has {len(g2)} grade-2 courses; at least 2 are needed")
        if len(set(g2)) != len(g2) or len(set(g1)) != len(g1):
            fail(w, "a course is listed twice in one grade")
        if set(g2) & set(g1):
            fail(w, f"courses in both grades: {sorted(set(g2) & set(g1))}")
        for cid in g2 + g1:
            if cid not in course_ids:
                fail(w, f"judged course `{cid}` is not in corpus.json")
    kinds = Counter(q["kind"] for q in queries)
    if len(queries) < MIN_QUERIES:
        fail("queries.toml", f"has {len(queries)} queries; at least {MIN_QUERIES} are needed")
    for k in KINDS:
        if kinds[k] < MIN_PER_KIND:
            fail("queries.toml", f"kind `{k}` has {kinds[k]} queries; at least {MIN_PER_KIND} are needed")
    return queries, kinds


def main():
    regions = load_regions()
    programmes = load_programmes()
    corpus = check_corpus(regions, programmes)
    courses = corpus["courses"]
    course_ids = {c["id"] for c in courses}
    queries, kinds = check_queries(course_ids)

    if problems:
        print(f"{len(problems)} problem(s):")
        for p in problems:
            print("  " + p)
        return 1

    ai = sum(1 for c in courses if c["ai_step"])
    majors = Counter(c["ncs"][:2] for c in courses)
    judged = {cid for q in queries for cid in q["grade2"] + q["grade1"]}
    g2 = [len(q["grade2"]) for q in queries]
    g1 = [len(q["grade1"]) for q in queries]
    print(f"corpus.json: {len(corpus['institutions'])} institutions, {len(courses)} courses "
          f"({ai} teach AI, {len(courses) - ai} do not)")
    print("  NCS majors: " + ", ".join(f"{m}:{n}" for m, n in sorted(majors.items())))
    print("  delivery: " + ", ".join(f"{d}:{n}" for d, n in sorted(Counter(c['delivery'] for c in courses).items())))
    print(f"queries.toml: {len(queries)} queries; " + ", ".join(f"{k} {kinds[k]}" for k in KINDS))
    print(f"  grade-2 per query: min {min(g2)}, median {sorted(g2)[len(g2) // 2]}, max {max(g2)}; "
          f"grade-1 per query: min {min(g1)}, median {sorted(g1)[len(g1) // 2]}, max {max(g1)}")
    print(f"  {len(judged)} of {len(courses)} courses are judged relevant to at least one query; "
          f"{len(course_ids - judged)} are relevant to none")
    print("OK")
    titles = {c["id"]: c["title"] for c in courses}
    by_id = {q["id"]: q for q in queries}
    for qid in sys.argv[2:] if sys.argv[1:2] == ["--show"] else []:
        q = by_id.get(qid)
        if q is None:
            print(f"\nno query {qid}")
            continue
        print(f"\n{qid} [{q['kind']}] {q['text']} — {q['intent']}")
        for grade in ("grade2", "grade1"):
            for cid in q[grade]:
                print(f"  {grade[-1]}  {cid}  {titles[cid]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
