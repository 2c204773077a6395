"""The scanner on the independent corpus (bench/pii_corpus.py): column recall, direct identifiers called
direct, precision on business near-misses, per entity and per language; free-text span F1.

    .venv/bin/python bench/pii_corpus_eval.py --half held_out     # the reported figures
    .venv/bin/python bench/pii_corpus_eval.py --half tune --errors  # what the detectors were adjusted on

The held-out half is not looked at while tuning: only `--half tune` is run then (with `--errors` to see what
failed); `--half held_out` is run once the detectors are settled, and its figures are the ones reported.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pii_corpus import DIRECT, corpus  # noqa: E402
from pii_text_corpus import span_cases  # noqa: E402

from veil.detection.classify import classify_column  # noqa: E402
from veil.detection.text import find_spans  # noqa: E402

ENTITY_EQUIVALENT = {"tax_id": {"tax_id", "national_id"}, "national_id": {"national_id", "tax_id"}}
"""A number that is both (Spain's DNI is the NIF, Italy's codice fiscale, the Dutch BSN, Japan's My Number)."""


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.3f} ({a}/{b})" if b else "-"


def report_columns(rows, errors: bool) -> dict:
    personal = [(c, f) for c, f in rows if c.entity]
    business = [(c, f) for c, f in rows if not c.entity]
    found = sum(1 for c, f in personal if f.entity)
    entity_right = sum(1 for c, f in personal if f.entity in ENTITY_EQUIVALENT.get(c.entity, {c.entity}))
    direct = [(c, f) for c, f in personal if c.gold_class == DIRECT]
    direct_ok = sum(1 for c, f in direct if f.privacy == DIRECT)
    left_alone = sum(1 for c, f in business if not f.entity)
    false_pos = len(business) - left_alone
    precision = found / (found + false_pos) if found + false_pos else 1.0
    print(f"columns: {len(rows)} ({len(personal)} personal data, {len(business)} business near-misses)")
    print(f"  recall on personal-data columns      {_ratio(found, len(personal))}")
    print(f"  entity named right                   {_ratio(entity_right, len(personal))}")
    print(f"  direct identifiers called direct     {_ratio(direct_ok, len(direct))}")
    print(f"  near-misses left alone               {_ratio(left_alone, len(business))}")
    print(f"  precision (flagged that are personal) {precision:.3f} ({found}/{found + false_pos})")
    for title, key in (("entity", lambda c: c.entity or "(business)"), ("language", lambda c: c.language)):
        groups: dict[str, list] = defaultdict(list)
        for c, f in rows:
            groups[key(c)].append((c, f))
        print(f"\n{'by ' + title:<22}{'columns':>8}{'recall':>8}{'entity':>8}{'direct':>8}{'left alone':>11}")
        for g, items in sorted(groups.items()):
            pos = [(c, f) for c, f in items if c.entity]
            neg = [(c, f) for c, f in items if not c.entity]
            dirs = [(c, f) for c, f in pos if c.gold_class == DIRECT]
            cells = [
                sum(1 for _, f in pos if f.entity) / len(pos) if pos else None,
                sum(1 for c, f in pos if f.entity in ENTITY_EQUIVALENT.get(c.entity, {c.entity})) / len(pos)
                if pos
                else None,
                sum(1 for _, f in dirs if f.privacy == DIRECT) / len(dirs) if dirs else None,
                sum(1 for _, f in neg if not f.entity) / len(neg) if neg else None,
            ]
            print(f"{g:<22}{len(items):>8}" + "".join(f"{x:>8.3f}" if x is not None else f"{'-':>8}" for x in cells[:3])
                  + (f"{cells[3]:>11.3f}" if cells[3] is not None else f"{'-':>11}"))  # fmt: skip
    if errors:
        print("\nmisclassified:")
        for c, f in rows:
            wrong_entity = c.entity and f.entity not in ENTITY_EQUIVALENT.get(c.entity, {c.entity})
            if wrong_entity or (not c.entity and f.entity) or (c.gold_class == DIRECT and f.privacy != DIRECT):
                print(f"  {c.language} {c.key:<12} {c.name!r:<40} gold {c.entity} got {f.entity} "
                      f"({f.privacy}) {c.values[:2]}")  # fmt: skip
    return {"recall": found / len(personal), "direct": direct_ok / len(direct), "precision": precision,
            "left_alone": left_alone / len(business)}  # fmt: skip


def span_counts(cases, errors: bool = False) -> dict[str, list[int]]:
    """entity -> [tp, fp, fn] over the cases, spans exact (start, end, entity)."""
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for text, gold in cases:
        got = {(s.start, s.end, s.entity) for s in find_spans(text)}
        gold_set = set(gold)
        for g in gold_set:
            per[g[2]][0 if g in got else 2] += 1
        for s in got - gold_set:
            per[s[2]][1] += 1
        if errors and got != gold_set:
            print(f"  span miss: {text!r} gold {sorted(gold_set)} got {sorted(got)}")
    return per


def _f1(per: dict[str, list[int]]) -> tuple[float, float, float]:
    tp, fp, fn = (sum(v[i] for v in per.values()) for i in range(3))
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def report_spans(cases, errors: bool) -> float:
    per = span_counts(cases, errors)
    p, r, f1 = _f1(per)
    print(f"\nfree text: {len(cases)} texts, spans exact (start, end, entity)")
    print(f"{'entity':<22}{'tp':>6}{'fp':>6}{'fn':>6}")
    for e, (a, b, c) in sorted(per.items()):
        print(f"{e:<22}{a:>6}{b:>6}{c:>6}")
    print(f"span precision {p:.3f}  recall {r:.3f}  F1 {f1:.3f}")
    return f1


def span_f1(half: str) -> float:
    return _f1(span_counts(span_cases(half)))[2]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--half", choices=("tune", "held_out"), required=True)
    parser.add_argument("--errors", action="store_true", help="list what was misclassified")
    args = parser.parse_args()
    columns = [c for c in corpus() if c.half == args.half]
    started = time.perf_counter()
    rows = [(c, classify_column(c.name, c.values)) for c in columns]
    seconds = time.perf_counter() - started
    print(f"PII scanner on the independent corpus, half {args.half!r} ({seconds:.1f} s to classify)\n")
    report_columns(rows, args.errors)
    report_spans(span_cases(args.half), args.errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
