#!/usr/bin/env python3
"""BM25 over a Korean morphological analyser: the baseline Elasticsearch's nori stands for.

Reads corpus.json and queries.toml from this folder, analyses every field and query with Kiwi
(kiwipiepy) or MeCab-ko (python-mecab-ko), ranks with BM25 (k1 1.2, b 0.75) per field summed
with the column weights every other baseline uses, and writes a run file, runs/<analyser>-bm25.json,
that the Rust relevance bench (`cargo run -p aiup-bench --release --bin relevance`) reads and
scores with its own nDCG@10. It also prints its own nDCG@10, as a cross-check of the two.

Terms: the forms of nouns (NNG, NNP, NNB, NR, NP), roots (XR), verb and adjective stems (VV, VA),
Latin words (SL, lowercased), Hanja (SH) and numbers (SN); everything else (particles, endings,
punctuation, suffixes) is dropped, as nori's default stop tags drop them.

A benchmark, not a CI step: it needs the network once, to install the analyser in a venv under
target/:

    python3 -m venv target/kiwi-venv
    target/kiwi-venv/bin/pip install -r bench/relevance/morph-requirements.txt
    target/kiwi-venv/bin/python bench/relevance/morph_bm25.py kiwi
    target/kiwi-venv/bin/python bench/relevance/morph_bm25.py mecab
"""

import json
import math
import sys
import tomllib
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
K = 10
K1 = 1.2
B = 0.75
# The same fields and weights as every other baseline (aiup-bench, ZONE_WEIGHTS).
FIELDS = [("title", 3.0), ("keywords", 2.0), ("occupation", 1.5), ("summary", 1.0), ("institution", 0.5)]
KEPT = {"NNG", "NNP", "NNB", "NR", "NP", "XR", "VV", "VA", "SL", "SH", "SN"}


def kiwi_analyser():
    from kiwipiepy import Kiwi

    kiwi = Kiwi()

    def analyse(text):
        # Kiwi writes stems of irregular verbs with a suffix (VV-R, VA-I): keep the base tag.
        return [t.form.lower() for t in kiwi.tokenize(text) if t.tag.split("-")[0] in KEPT]

    import kiwipiepy

    return analyse, f"kiwipiepy {kiwipiepy.__version__}"


def mecab_analyser():
    import mecab

    tagger = mecab.MeCab()

    def analyse(text):
        out = []
        for form, tag in tagger.pos(text):
            # MeCab-ko joins the tags of a compound token with "+"; the first says what it is.
            if tag.split("+")[0] in KEPT:
                out.append(form.lower())
        return out

    return analyse, "python-mecab-ko (mecab-ko-dic)"


def ndcg(ranked, grade2, grade1):
    def grade(cid):
        return 2 if cid in grade2 else 1 if cid in grade1 else 0

    dcg = sum((2 ** grade(c) - 1) / math.log2(i + 2) for i, c in enumerate(ranked[:K]))
    ideal = [2] * len(grade2) + [1] * len(grade1)
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal[:K]))
    return dcg / idcg if idcg > 0 else 0.0


def main():
    which = sys.argv[1] if len(sys.argv) > 1 else "kiwi"
    analyse, version = {"kiwi": kiwi_analyser, "mecab": mecab_analyser}[which]()
    corpus = json.loads((HERE / "corpus.json").read_text(encoding="utf-8"))
    queries = tomllib.loads((HERE / "queries.toml").read_text(encoding="utf-8"))["query"]
    names = {i["id"]: i["name"] for i in corpus["institutions"]}

    docs = []
    for c in corpus["courses"]:
        text = {
            "title": c["title"],
            "keywords": " ".join(c["keywords"]),
            "occupation": c["occupation"],
            "summary": c["summary"],
            "institution": names[c["institution"]],
        }
        docs.append((c["id"], {f: Counter(analyse(text[f])) for f, _ in FIELDS}))

    n = len(docs)
    df = Counter()
    for _, fields in docs:
        df.update(set().union(*(set(tf) for tf in fields.values())))
    avg = {f: sum(sum(d[f].values()) for _, d in docs) / n for f, _ in FIELDS}

    def idf(term):
        return math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))

    run = {}
    by_kind = {}
    for q in queries:
        terms = sorted(set(analyse(q["text"])))
        scored = []
        for order, (cid, fields) in enumerate(docs):
            score = 0.0
            for term in terms:
                if df[term] == 0:
                    continue
                for f, weight in FIELDS:
                    tf = fields[f].get(term, 0)
                    if tf:
                        length = sum(fields[f].values())
                        norm = tf + K1 * (1 - B + B * length / avg[f]) if avg[f] else tf + K1
                        score += weight * idf(term) * tf * (K1 + 1) / norm
            if score > 0:
                scored.append((-score, order, cid))
        top = [cid for _, _, cid in sorted(scored)[:K]]
        run[q["id"]] = {"text": q["text"], "terms": terms, "top": top}
        by_kind.setdefault(q["kind"], []).append(ndcg(top, set(q["grade2"]), set(q.get("grade1", []))))

    out = HERE / "runs" / f"{which}-bm25.json"
    out.parent.mkdir(exist_ok=True)
    doc = {
        "system": {"kiwi": "BM25 over Kiwi morphemes", "mecab": "BM25 over MeCab-ko morphemes"}[which],
        "analyser": version,
        "k1": K1,
        "b": B,
        "queries": run,
    }
    out.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    every = [s for scores in by_kind.values() for s in scores]
    print(f"{doc['system']} ({version}): nDCG@10 {sum(every) / len(every):.3f} over {len(every)} queries")
    for kind, scores in by_kind.items():
        print(f"  {kind}: {sum(scores) / len(scores):.3f}")
    print(f"wrote {out.relative_to(HERE.parent.parent)}")


if __name__ == "__main__":
    main()
