"""Column classification: multilingual name hints + library-validated content + column statistics. A name
hint needs values that fit it; content alone decides only for shapes that are not ambiguous."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from urllib.parse import unquote_plus

from veil.detection.detectors import DETECTORS, NON_SENSITIVE, SENSITIVE, Detector, looks_like_identifier
from veil.detection.names import business_context, name_entities
from veil.detection.text import find_spans
from veil.detection.validators import card_precision_lost

FREE_TEXT_MIN_PII_SHARE = 0.003


@dataclass
class Finding:
    column: str
    privacy: str
    entity: str | None
    confidence: float
    evidence: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def column_stats(values: list[str]) -> dict:
    if not values:
        return {"sampled": 0}
    lengths = [len(v) for v in values]
    return {
        "sampled": len(values),
        "distinct_ratio": round(len(set(values)) / len(values), 3),
        "mean_length": round(sum(lengths) / len(values), 1),
        "free_text_share": round(sum(len(v.split()) >= 2 for v in values) / len(values), 3),
        "identifier_shaped_share": round(sum(looks_like_identifier(v) for v in values) / len(values), 3),
    }


CHECKED = 300
"""Values a validator sees per column (the first of the sample): library validators cost microseconds each."""


def _share(check, values: list[str], digits_count: bool = True) -> float:
    """Share of `values` passing `check`; gives up early (returns the share so far) once it is clearly low."""
    seen = hits = 0
    for v in values:
        if not digits_count and v.isdigit():
            continue
        seen += 1
        hits += bool(check(v))
        if seen == 40 and hits <= 4:
            break
    return hits / seen if seen else 0.0


def _varied(sample: list[str]) -> bool:
    """Values varied enough to be people's (a handful of words repeated is a category: colours, sizes)."""
    distinct = len(set(sample))
    return distinct >= 20 or distinct >= 0.5 * len(sample)


@dataclass
class _Signal:
    detector: Detector
    named: int  # length of the name hint that points at the entity (0: none)
    share: float  # values the validator accepts
    fit: float  # values that fit the entity (a name hint needs them)


def _signals(column: str, sample: list[str]) -> list[_Signal]:
    named = name_entities(column)
    checked = sample[:CHECKED]
    out = []
    for d in DETECTORS:
        share = _share(d.match, checked) if d.match and checked else 0.0
        fit = _share(d.value_fits, checked) if d.entity in named and checked else 0.0
        out.append(_Signal(d, named.get(d.entity, 0), share, fit))
    return out


def classify_column(column: str, values: list) -> Finding:
    """Classify one column from its name and a sample of its (stringified, non-null) values. Findings hold
    signals and statistics, never a value."""
    sample = [str(v).strip() for v in values if v is not None and str(v).strip() != ""]
    stats = column_stats(sample)
    signals = _signals(column, sample)
    by_content = []
    for s in signals:
        d = s.detector
        if d.alone and s.share >= d.min_share and (not d.varied or _varied(sample)):
            alone_share = s.share if d.digits_alone else _share(d.match, sample[:CHECKED], digits_count=False)
            if alone_share >= d.min_share:
                by_content.append(s)
    by_name = [s for s in signals if s.named and (not sample or s.fit >= 0.5)]
    chosen, conf = None, 0.0
    if by_name:  # the most specific hint whose values fit; among equals, the one the values confirm most
        chosen = max(by_name, key=lambda s: (s.named, s.share, s.fit))
        conf = 0.7 + 0.25 * (chosen.share if chosen.detector.match else chosen.fit)
        strong = [s for s in by_content if s.share >= 0.9 and s.detector is not chosen.detector]
        if strong and chosen.detector.match is not None and chosen.share < 0.3:
            chosen = None  # the name says one thing, the values clearly another: the values win
    if chosen is None and by_content:
        chosen = max(by_content, key=lambda s: s.share)
        conf = 0.6 + 0.35 * chosen.share
    if chosen is not None:
        d = chosen.detector
        evidence = {"name_hint": bool(chosen.named), "value_match_share": round(chosen.share, 3), **stats}
        if d.entity == "credit_card" and chosen.share < 0.5:
            lost = _share(card_precision_lost, sample[:CHECKED])
            if lost >= 0.5:
                evidence["precision_lost_share"] = round(lost, 3)  # likely cards, written as floats
        return Finding(column, d.privacy, d.entity, round(min(conf, 0.99), 2), evidence)

    urls = sum(v.startswith(("http://", "https://")) for v in sample)
    if sample and not business_context(column) and (stats["free_text_share"] >= 0.3 or urls >= 0.5 * len(sample)):
        texts = [unquote_plus(v) if "?" in v else v for v in sample]  # PII travels URL-encoded in query strings
        with_pii = [v for v in texts if find_spans(v)]
        share = len(with_pii) / len(sample)
        if share >= FREE_TEXT_MIN_PII_SHARE:
            kinds = sorted({s.entity for v in with_pii for s in find_spans(v)})
            return Finding(
                column,
                SENSITIVE,
                "free_text_with_pii",
                round(min(0.7 + share * 3, 0.95), 2),
                {"values_with_pii_share": round(share, 4), "span_entities": kinds, **stats},
            )
    return Finding(column, NON_SENSITIVE, None, 0.9 if sample else 0.5, stats)
