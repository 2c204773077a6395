"""PII spans inside free text (search queries, comments): e-mail, phone, IP, card, IBAN, person names."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from veil.detection.detectors import EMAIL_PATTERN
from veil.detection.validators import iban_ok, ip_ok, luhn_ok, name_dictionary, phone_ok

SPAN_PATTERNS: tuple[tuple[str, re.Pattern, Callable[[str], bool] | None], ...] = (
    ("email", re.compile(EMAIL_PATTERN), None),
    ("iban", re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b"), iban_ok),
    ("credit_card", re.compile(r"\b\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{1,4}\b"), luhn_ok),
    ("ip_address", re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b|\b[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{0,4}){4,7}\b"), ip_ok),
    ("phone", re.compile(r"(?<![\w+])\+?\d[\d ().\-]{5,18}\d\b"), phone_ok),
)
CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]+")
WORD = re.compile(r"[^\W\d_][\w'’\-]*")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    entity: str


def find_spans(text: str) -> list[Span]:
    spans: list[Span] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s.start or a >= s.end for s in spans)

    for entity, pattern, validate in SPAN_PATTERNS:
        for m in pattern.finditer(text):
            if free(m.start(), m.end()) and (validate is None or validate(m.group())):
                spans.append(Span(m.start(), m.end(), entity))
    spans.extend(_name_spans(text, free))
    return sorted(spans, key=lambda s: s.start)


def _name_spans(text: str, free) -> list[Span]:
    """Runs of two or more capitalized dictionary names ('Zoë O'Brien'), or a CJK run starting with a surname."""
    names = name_dictionary()
    out: list[Span] = []
    words = [(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]
    i = 0
    while i < len(words):
        j = i
        while (
            j < len(words)
            and words[j][2][:1].isupper()
            and words[j][2].lower() in names
            and (j == i or text[words[j - 1][1] : words[j][0]].strip() == "")
        ):
            j += 1
        if j - i >= 2 and free(words[i][0], words[j - 1][1]):
            out.append(Span(words[i][0], words[j - 1][1], "person_name"))
            i = j
        else:
            i += 1
    for m in CJK.finditer(text):
        run = m.group()
        if 2 <= len(run) <= 4 and (run[:1] in names or run[:2] in names) and free(m.start(), m.end()):
            out.append(Span(m.start(), m.end(), "person_name"))
    return out


def redact(text: str) -> str:
    """Text with each PII span replaced by its type token, e.g. <EMAIL>, <PERSON_NAME>."""
    for span in reversed(find_spans(text)):
        text = text[: span.start] + f"<{span.entity.upper()}>" + text[span.end :]
    return text
