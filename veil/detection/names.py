"""Column-name understanding: tokens from any naming convention, folded, matched against the multilingual
hints of veil.detection.lexicon. Returns which entities the name points at, most specific first."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from veil.detection.lexicon import BUSINESS_CONTEXT, HINTS

_FOLD = str.maketrans({"ß": "ss", "ł": "l", "Ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "−": "-"})
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f〒]")
_BOUNDARIES = (
    (re.compile(r"([a-z\d])([A-Z])"), r"\1 \2"),  # camelCase
    (re.compile(r"([A-Z]+)([A-Z][a-z])"), r"\1 \2"),  # CCNumber, IPAddress
    (re.compile(r"([A-Za-z])(\d)|(\d)([A-Za-z])"), r"\1\3 \2\4"),  # address1, 2fa
)


def fold(text: str) -> str:
    """Lower case without accents (ß → ss): `Straße` and `strasse`, `Télé` and `tele` compare equal."""
    text = unicodedata.normalize("NFKD", text.translate(_FOLD).lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def tokens(column: str) -> list[str]:
    """Folded word tokens of a column name in any convention: `dateOfBirth`, `DATE_OF_BIRTH`, `date-of-birth`,
    `CCNumber`, `address1`. CJK runs stay whole (they are matched by substring)."""
    spaced = unicodedata.normalize("NFKC", column)
    for pattern, repl in _BOUNDARIES:
        spaced = pattern.sub(repl, spaced)
    spaced = re.sub(r"([\u3040-\u30ff\u3400-\u9fff]+)", r" \1 ", spaced)
    return [t for t in re.split(r"[^\w〒]+|_", fold(spaced)) if t]


@cache
def _compiled() -> tuple[tuple[str, str, tuple[str, ...], bool, bool], ...]:
    """(entity, hint, hint tokens, is_stem, is_cjk) for every hint."""
    out = []
    for entity, hints in HINTS.items():
        for hint in hints:
            stem = hint.endswith("*")
            text = fold(hint.rstrip("*"))
            out.append((entity, text, tuple(text.split()), stem, bool(_CJK.search(text))))
    return tuple(out)


def _matches(hint: str, parts: tuple[str, ...], stem: bool, cjk: bool, toks: list[str], raw: str) -> bool:
    if cjk:
        return raw == hint if len(hint) == 1 else hint in raw
    if stem:
        return any(t.startswith(hint) and len(t) > len(hint) for t in toks)
    if len(parts) == 1 and len(hint) >= 4 and any(_compound(t, hint) for t in toks):
        return True
    n = len(parts)
    if any(tuple(toks[i : i + n]) == parts for i in range(len(toks) - n + 1)):
        return True
    joined = "".join(parts)  # "date of birth" written `dateofbirth`, "emailadresse" written `email_adresse`
    return any("".join(toks[i:j]) == joined for i in range(len(toks)) for j in range(i + 1, min(len(toks), i + 4) + 1))


COMPOUND_TAILS = frozenset(
    "nummer nr number no num datum date adresse adres code id naam name zahl kennung daten gegevens numer".split()
)
_LINKS = ("", "s", "n", "en", "e", "es")


def _compound(token: str, hint: str) -> bool:
    """`paspoortnummer`, `kreditkartennummer`, `geburtsdatum`: a hint, a linking letter, a tail word."""
    if not token.startswith(hint) or token == hint:
        return False
    rest = token[len(hint) :]
    return any(rest.startswith(link) and rest[len(link) :] in COMPOUND_TAILS for link in _LINKS)


def business_context(column: str) -> bool:
    """The name is about a store, product, supplier or company (`store_latitude`, `produktname`, `商品名`)."""
    toks = tokens(column)
    raw = fold(unicodedata.normalize("NFKC", column))
    return any(t in BUSINESS_CONTEXT or any(_compound(t, w) for w in BUSINESS_CONTEXT) for t in toks) or any(
        w in raw for w in BUSINESS_CONTEXT if _CJK.search(w)
    )


@cache
def name_entities(column: str) -> dict[str, int]:
    """Entity -> length of its longest hint found in the column name, longest first (a more specific hint
    comes before the shorter ones it contains: `user name` is first a username, then a person's name).
    Location and name hints about a store, product or company are dropped."""
    toks = tokens(column)
    raw = fold(unicodedata.normalize("NFKC", column)).replace(" ", "").replace("_", "")
    found: dict[str, int] = {}
    for entity, hint, parts, stem, cjk in _compiled():
        if _matches(hint, parts, stem, cjk, toks, raw):
            found[entity] = max(found.get(entity, 0), len(hint.replace(" ", "")))
    if business_context(column):
        found = {e: n for e, n in found.items() if e not in CONTEXT_SENSITIVE}
    return dict(sorted(found.items(), key=lambda item: -item[1]))


CONTEXT_SENSITIVE = frozenset(
    {"person_name", "street_address", "postcode", "city", "region", "country", "geo_coordinates", "phone", "email"}
)
"""Entities a business word in the name turns into business data (`store_latitude`, `product_name`,
`supplier_phone`)."""
