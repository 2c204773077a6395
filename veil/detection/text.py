"""PII spans inside free text (search queries, comments, tickets): e-mail, phone, IP, card, IBAN, person
names. Boundaries are script-aware (a number right after a CJK character is still a number), values are
validated by the same library validators as columns, and names are found from given- and family-name dictionaries,
honorifics and the capitalization of Latin scripts, or honorific suffixes in Chinese and Japanese."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from veil.detection.detectors import EMAIL_PATTERN
from veil.detection.validators import iban_ok, ip_ok, luhn_ok, phone_ok
from veil.detection.vocab import family_names, given_names, name_dictionary

_L, _R = r"(?<![A-Za-z0-9])", r"(?![A-Za-z0-9])"  # word edges in Latin text, not against CJK characters
SPAN_PATTERNS: tuple[tuple[str, re.Pattern, Callable[[str], bool] | None], ...] = (
    ("email", re.compile(EMAIL_PATTERN), None),
    ("iban", re.compile(_L + r"[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?" + _R), iban_ok),
    (
        "credit_card",
        re.compile(_L + r"(?:\d{4}([ -]?)\d{4}\1\d{4}\1\d{1,7}|\d{4}([ -]?)\d{6}\2\d{4,5})" + _R),
        luhn_ok,
    ),
    (
        "ip_address",
        re.compile(_L + r"(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{0,4}){4,7})" + _R),
        ip_ok,
    ),
    ("phone", re.compile(r"(?<![A-Za-z0-9+(])(?:\+|\()?\d[\d ().\-]{5,18}\d" + _R), lambda v: _phone_in_text(v)),
)
CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]+")
WORD = re.compile(r"[^\W\d_][\w'’\-]*")
HONORIFICS = frozenset(
    "mr mrs ms miss mx dr prof sir madam dear herr frau hr fr monsieur madame mme mlle m sr sra srta don dona "
    "senor senora senhor senhora sig signor signora sig.ra dott dhr mevr mevrouw meneer pan pani panie".split()
)
PARTICLES = frozenset("van der den de del della di da dos das du la le von zu ter te ten y e bin al".split())
CJK_HONORIFIC = re.compile(r"(さん|様|さま|氏|先生|女士|小姐|君|殿)")
CJK_CUT = re.compile(r".*(の|は|が|を|に|と|で|へ|から|联系|致|给|请|由|把|、|，|：|:)")


def _phone_in_text(value: str) -> bool:
    """A phone number in running text: bare digits (an order number?) only from ten digits on."""
    return phone_ok(value) and (not value.isdigit() or len(value) >= 10)


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
    spans.extend(_latin_names(text, free))
    spans.extend(_cjk_names(text, free))
    return sorted(spans, key=lambda s: s.start)


def _is_cap(word: str) -> bool:
    return word[:1].isupper() and len(word) >= 2 and not word.isupper()


def _latin_names(text: str, free) -> list[Span]:
    """Runs of capitalized words (with lowercase particles inside: `Jan van der Berg`) that start with a
    known given name, or any such run right after an honorific (`Frau Müller`, `Sra. García`)."""
    given, family = given_names(), family_names()
    words = [(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]
    out: list[Span] = []
    i = 0
    while i < len(words):
        cue = i > 0 and words[i - 1][2].lower().rstrip(".") in HONORIFICS
        first = words[i][2]
        mid_sentence = i > 0 and words[i - 1][2][:1].islower() and text[words[i - 1][1] : words[i][0]].strip() == ""
        pair = i + 1 < len(words) and _is_cap(words[i + 1][2]) and words[i + 1][2].lower() in family
        starts = _is_cap(first) and (cue or first.lower() in given or (mid_sentence and pair))
        starts = starts and first.lower() not in HONORIFICS
        if not starts:
            i += 1
            continue
        j, last = i + 1, i
        while j < len(words) and text[words[j - 1][1] : words[j][0]].strip() in ("", "-"):
            w = words[j][2]
            if _is_cap(w) and w.lower() not in HONORIFICS:
                last, j = j, j + 1
            elif w.lower() in PARTICLES:
                k = j
                while k < len(words) and words[k][2].lower() in PARTICLES:
                    k += 1
                if k < len(words) and _is_cap(words[k][2]):
                    j = k
                else:
                    break
            else:
                break
        enough = last > i or cue  # one capitalized word is a name only after an honorific
        if enough and last - i <= 3 and free(words[i][0], words[last][1]):
            out.append(Span(words[i][0], words[last][1], "person_name"))
        i = last + 1
    return out


def _cjk_names(text: str, free) -> list[Span]:
    """A Chinese or Japanese name before an honorific suffix (王伟先生, 佐藤さん), cut at the particle or verb
    before it; or a short run standing alone between spaces and starting with a family name (李, 佐藤)."""
    out: list[Span] = []
    for m in CJK_HONORIFIC.finditer(text):
        run = CJK.match(text[::-1], len(text) - m.start())  # the CJK run ending at the suffix
        if not run:
            continue
        start = len(text) - run.end()
        name = text[start : m.start()]
        cut = CJK_CUT.match(name)
        if cut:
            start, name = start + cut.end(), name[cut.end() :]
        if 2 <= len(name) <= 6 and free(start, m.start()):
            out.append(Span(start, m.start(), "person_name"))
    names = name_dictionary()
    for m in CJK.finditer(text):  # a short CJK run standing alone between spaces: 坂本涼平 in "gift for 坂本涼平"
        word, a, b = m.group(), m.start(), m.end()
        alone = (a == 0 or text[a - 1].isspace()) and (b == len(text) or text[b].isspace())
        if alone and 1 <= len(word) <= 4 and (word in names or word[:1] in names or word[:2] in names) and free(a, b):
            if all(b <= s.start or a >= s.end for s in out):
                out.append(Span(a, b, "person_name"))
    return out


def redact(text: str) -> str:
    """Text with each PII span replaced by its type token, e.g. <EMAIL>, <PERSON_NAME>."""
    for span in reversed(find_spans(text)):
        text = text[: span.start] + f"<{span.entity.upper()}>" + text[span.end :]
    return text
