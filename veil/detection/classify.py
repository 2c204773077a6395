"""Column classification: name hints + validated content patterns + dictionaries + column statistics."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from urllib.parse import unquote_plus

from veil.detection.detectors import DETECTORS, NON_SENSITIVE, SENSITIVE, Detector, looks_like_identifier
from veil.detection.text import find_spans

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


def name_tokens(column: str) -> tuple[str, list[str]]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", column).lower()
    tokens = [t for t in re.split(r"[^0-9a-zà-ÿ]+", spaced) if t]
    return "_".join(tokens), tokens


def name_hit(detector: Detector, column: str) -> bool:
    joined, tokens = name_tokens(column)
    if any(t in detector.negative_names for t in tokens):
        return False
    for hint in detector.names:
        if joined == hint or hint in tokens or ("_" in hint and hint in joined):
            return True
    return False


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


def classify_column(column: str, values: list) -> Finding:
    """Classify one column from its name and a sample of its (stringified, non-null) values."""
    sample = [str(v).strip() for v in values if v is not None and str(v).strip() != ""]
    stats = column_stats(sample)
    scored: list[tuple[float, Detector, dict]] = []
    for d in DETECTORS:
        hit = name_hit(d, column)
        has_content_signal = d.pattern is not None or d.validate is not None
        share = (sum(d.value_matches(v) for v in sample) / len(sample)) if sample and has_content_signal else 0.0
        conf = 0.0
        if share >= d.min_share:
            conf = 0.6 + 0.35 * share + (0.05 if hit else 0.0)
        elif hit and (d.name_alone or not has_content_signal or share >= 0.3 or not sample):
            conf = 0.55 + 0.3 * share
        if conf:
            scored.append((conf, d, {"name_hint": hit, "value_match_share": round(share, 3)}))
    if scored:
        conf, d, signals = max(scored, key=lambda s: s[0])
        return Finding(column, d.privacy, d.entity, round(min(conf, 0.99), 2), {**signals, **stats})

    urls = sum(v.startswith(("http://", "https://")) for v in sample)
    if sample and (stats["free_text_share"] >= 0.3 or urls >= 0.5 * len(sample)):
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
