"""PII detector self-check: precision / recall / F1 per entity at column level, and span level on free text.

    .venv/bin/python bench/pii_eval.py

NOT A MEASURE OF DETECTION QUALITY. The detectors were written against this set: the name dictionary and the
generator's name pools come from the same Faker attributes, most positive columns come from the generator,
and card, IBAN and DNI values are made by re-implementing the validators. A score here says the detectors
still recognise the project's own data (a regression check); quality on data the code was never tuned on
needs an independent, held-out corpus.

The labelled set (>= 60 columns) is built here: generated columns in seven locales (from the generator,
i.e. Faker's locale data), independent hand-made columns (cards, IBANs, national ids, coordinates, names in
other scripts) with near-miss negatives (UUIDs, hashes, order/product ids, epoch timestamps, versions,
prices), and some columns with uninformative names so content must carry the decision.
"""

from __future__ import annotations

import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator import DatasetConfig, generate_chunk  # noqa: E402
from generator.catalog import search_vocabulary  # noqa: E402
from generator.locales import PROFILES  # noqa: E402
from veil.detection.classify import classify_column  # noqa: E402
from veil.detection.text import find_spans  # noqa: E402

SAMPLE = 300


def _luhn_complete(prefix: str, length: int, rng: random.Random) -> str:
    body = prefix + "".join(str(rng.randint(0, 9)) for _ in range(length - len(prefix) - 1))
    for check in range(10):
        digits = [int(c) for c in body + str(check)]
        total = sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(reversed(digits)))
        if total % 10 == 0:
            return body + str(check)
    raise AssertionError


def _iban(country: str, length: int, rng: random.Random) -> str:
    bban = "".join(str(rng.randint(0, 9)) for _ in range(length - 4))
    numeric = int("".join(str(int(c, 36)) for c in bban + country + "00"))
    return f"{country}{98 - numeric % 97:02d}{bban}"


def labelled_columns() -> list[tuple[str, list, str | None]]:
    """(column name, values, expected entity or None for non-personal data)."""
    rng = random.Random(20261125)
    cfg = DatasetConfig(users=7_000, events=60_000, seed=77, chunk_users=7_000, dirty_rate=0.0)
    chunk = generate_chunk(cfg, 0)
    users, events = chunk.users.to_pydict(), chunk.events.to_pydict()
    cols: list[tuple[str, list, str | None]] = []
    for prof in PROFILES:
        idx = [i for i, loc in enumerate(users["locale"]) if loc == prof.locale][:SAMPLE]
        pick = {k: [users[k][i] for i in idx] for k in users}
        suffix = prof.country.lower()
        cols += [
            (f"first_name_{suffix}", pick["first_name"], "person_name"),
            (f"last_name_{suffix}", pick["last_name"], "person_name"),
            (f"email_{suffix}", pick["email"], "email"),
            (f"phone_{suffix}", pick["phone"], "phone"),
            (f"street_address_{suffix}", pick["street_address"], "street_address"),
            (f"postcode_{suffix}", pick["postcode"], "postcode"),
            (f"date_of_birth_{suffix}", [str(d) for d in pick["date_of_birth"]], "date_of_birth"),
            (f"ip_address_{suffix}", pick["ip_address"], "ip_address"),
        ]
    full = [f"{f} {last}" for f, last in zip(users["first_name"][:SAMPLE], users["last_name"][:SAMPLE], strict=True)]
    queries = [q for q in events["search_query"] if q][:3000]
    vocab = set(search_vocabulary().to_pylist())
    cols += [
        ("customer", full, "person_name"),
        ("col_a", users["email"][:SAMPLE], "email"),
        ("col_b", users["phone"][:SAMPLE], "phone"),
        ("field_17", users["ip_address"][:SAMPLE], "ip_address"),
        ("city", users["city"][:SAMPLE], "city"),
        ("region", users["region"][:SAMPLE], "region"),
        ("country", users["country"][:SAMPLE], "country"),
        ("gender", users["gender"][:SAMPLE], "gender"),
        ("user_agent", events["user_agent"][:SAMPLE], "user_agent"),
        ("search_query", queries, "free_text_with_pii"),
        # independent hand-made positives
        (
            "card_number",
            [_luhn_complete(rng.choice(["4", "51", "55", "37"]), 16, rng) for _ in range(200)],
            "credit_card",
        ),
        (
            "payment_ref",
            [
                " ".join(n[i : i + 4] for i in range(0, 16, 4))
                for n in (_luhn_complete("5", 16, rng) for _ in range(200))
            ],
            "credit_card",
        ),
        (
            "iban",
            [_iban(rng.choice(["DE", "FR", "GB", "ES"]), rng.choice([22, 27, 24]), rng) for _ in range(200)],
            "iban",
        ),
        (
            "ssn",
            [f"{rng.randint(1, 665):03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}" for _ in range(200)],
            "national_id",
        ),
        (
            "dni",
            [(n := rng.randint(10**7, 10**8 - 1), f"{n}{'TRWAGMYFPDXBNJZSQVHLCKE'[n % 23]}")[1] for _ in range(200)],
            "national_id",
        ),
        (
            "location",
            [f"{rng.uniform(-60, 70):.5f},{rng.uniform(-170, 170):.5f}" for _ in range(200)],
            "geo_coordinates",
        ),
        ("kontakt", ["anna.schmidt@web.de", "j.muller@gmx.de", "info.kunde@t-online.de"] * 50, "email"),
        ("nombre_completo", ["María José García", "José Luis Fernández", "Ana Martínez"] * 50, "person_name"),
        ("telefono", ["+34 612 345 678", "+34 699 001 122", "+34 622 987 654"] * 50, "phone"),
        ("name", ["佐藤", "鈴木", "高橋", "李", "王", "张"] * 30, "person_name"),
        # near-miss negatives
        ("event_id", [str(v) for v in events["event_id"][:SAMPLE]], None),
        ("session_id", [str(v) for v in events["session_id"][:SAMPLE]], None),
        ("product_id", [v for v in events["product_id"] if v][:SAMPLE], None),
        ("order_number", [str(rng.randint(10**15, 10**16 - 1)) for _ in range(200)], None),
        ("invoice", [f"INV-{rng.randint(10**6, 10**7)}" for _ in range(200)], None),
        (
            "request_uuid",
            [f"{rng.getrandbits(128):032x}"[:8] + "-4a1b-8c2d-" + f"{rng.getrandbits(48):012x}" for _ in range(200)],
            None,
        ),
        ("row_hash", [f"{rng.getrandbits(256):064x}" for _ in range(200)], None),
        ("checksum", [f"{rng.getrandbits(128):032x}" for _ in range(200)], None),
        ("created_epoch", [str(rng.randint(1_600_000_000, 1_800_000_000)) for _ in range(200)], None),
        ("created_epoch_ms", [str(rng.randint(1_600_000_000_000, 1_800_000_000_000)) for _ in range(200)], None),
        ("app_version", [f"{rng.randint(1, 20)}.{rng.randint(0, 30)}.{rng.randint(0, 99)}" for _ in range(200)], None),
        ("price", [f"{rng.uniform(1, 999):.2f}" for _ in range(200)], None),
        ("revenue", [str(v) for v in events["revenue"] if v is not None][:SAMPLE], None),
        ("quantity", [str(rng.randint(1, 20)) for _ in range(200)], None),
        ("event_ts", [str(v) for v in events["event_ts"][:SAMPLE]], None),
        ("event_date", [str(v.date()) for v in events["event_ts"][:SAMPLE]], None),
        ("product_name", ["Wireless Headphones", "Leather Boots", "Steel Kettle", "Garden Chair"] * 50, None),
        ("device", events["device"][:SAMPLE], None),
        ("currency", ["USD", "EUR", "GBP", "JPY"] * 50, None),
        (
            "page_url",
            [u for u, q in zip(events["page_url"], events["search_query"], strict=True) if q in vocab or q is None][
                :SAMPLE
            ],
            None,
        ),
        (
            "landing_url",
            [u for u, q in zip(events["page_url"], events["search_query"], strict=True) if q and q not in vocab][:20]
            + events["page_url"][:SAMPLE],
            "free_text_with_pii",
        ),  # PII in ?q=
        ("status", ["active", "dormant", "closed"] * 60, None),
        ("sku", [f"SKU-{rng.randint(1000, 9999)}-{rng.choice('ABC')}" for _ in range(200)], None),
        ("comment", ["great product, fast delivery", "too small for me", "would buy again", "ok"] * 50, None),
    ]
    return cols


def labelled_text() -> list[tuple[str, list[tuple[int, int, str]]]]:
    """Free-text cases with gold spans (start, end, entity)."""
    rng = random.Random(7)
    cfg = DatasetConfig(users=3_000, events=10_000, seed=78, chunk_users=3_000, dirty_rate=0.0)
    users = generate_chunk(cfg, 0).users.to_pydict()
    cases = []
    templates = [
        ("contact {} please", "email"),
        ("call me {}", "phone"),
        ("gift for {}", "person_name"),
        ("order status {} urgent", "email"),
        ("{} password reset", "person_name"),
        ("my ip is {}", "ip_address"),
        ("card {} declined", "credit_card"),
    ]
    for i in range(600):
        tmpl, entity = templates[i % len(templates)]
        u = rng.randrange(3_000)
        value = {
            "email": users["email"][u],
            "phone": users["phone"][u],
            "ip_address": users["ip_address"][u],
            "person_name": f"{users['first_name'][u]} {users['last_name'][u]}",
            "credit_card": _luhn_complete("4", 16, rng),
        }[entity]
        if (
            entity == "person_name"
            and not users["first_name"][u].isascii()
            and not users["first_name"][u][:1].isalpha()
        ):
            value = f"{users['last_name'][u]}{users['first_name'][u]}"
        if entity == "person_name" and users["locale"][u] in ("ja_JP", "zh_CN"):
            value = f"{users['last_name'][u]}{users['first_name'][u]}"
        start = tmpl.index("{}")
        cases.append((tmpl.format(value), [(start, start + len(value), entity)]))
    negatives = [
        "red shoes size 42",
        "iphone 15 pro max 256gb",
        "order 1234567890",
        "delivery 2026-01-05",
        "wireless headphones under 50",
        "New Balance running shoes",
        "version 10.2.3 release notes",
        "best kettle 2026",
        "black friday deals",
        "Paris hotel",
        "garden chair set of 4",
    ]
    cases += [(t, []) for t in negatives * 20]
    return cases


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def evaluate_columns(cols) -> tuple[dict, list]:
    tp, fp, fn = Counter(), Counter(), Counter()
    errors = []
    for name, values, expected in cols:
        got = classify_column(name, values).entity
        if got == expected:
            if expected:
                tp[expected] += 1
            continue
        errors.append((name, expected, got))
        if got:
            fp[got] += 1
        if expected:
            fn[expected] += 1
    entities = sorted(set(tp) | set(fp) | set(fn))
    return {e: (tp[e], fp[e], fn[e]) for e in entities}, errors


def evaluate_spans(cases) -> dict:
    tp, fp, fn = Counter(), Counter(), Counter()
    for text, gold in cases:
        got = {(s.start, s.end, s.entity) for s in find_spans(text)}
        gold = set(gold)
        for g in gold:
            (tp if g in got else fn)[g[2]] += 1
        for s in got - gold:
            fp[s[2]] += 1
    return {e: (tp[e], fp[e], fn[e]) for e in sorted(set(tp) | set(fp) | set(fn))}


def print_table(title: str, counts: dict) -> float:
    print(f"\n{title}")
    print(f"{'entity':<22}{'tp':>5}{'fp':>5}{'fn':>5}{'precision':>11}{'recall':>9}{'f1':>8}")
    for e, (t, f, n) in counts.items():
        p, r, f1 = prf(t, f, n)
        print(f"{e:<22}{t:>5}{f:>5}{n:>5}{p:>11.3f}{r:>9.3f}{f1:>8.3f}")
    t, f, n = (sum(v[i] for v in counts.values()) for i in range(3))
    p, r, f1 = prf(t, f, n)
    print(f"{'overall (micro)':<22}{t:>5}{f:>5}{n:>5}{p:>11.3f}{r:>9.3f}{f1:>8.3f}")
    return f1


def main() -> int:
    cols = labelled_columns()
    counts, errors = evaluate_columns(cols)
    negatives = sum(1 for c in cols if c[2] is None)
    print("self-check on the project's own data (the detectors were tuned on it): not a quality figure")
    print(f"labelled columns: {len(cols)} ({len(cols) - negatives} personal data, {negatives} near-miss negatives)")
    print_table("column level", counts)
    if errors:
        print("\nmisclassified columns: " + ", ".join(f"{n} (expected {e}, got {g})" for n, e, g in errors))
    cases = labelled_text()
    print(f"\nfree-text cases: {len(cases)}")
    print_table("free-text spans (exact boundaries and entity)", evaluate_spans(cases))
    return 0


if __name__ == "__main__":
    sys.exit(main())
