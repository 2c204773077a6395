"""Validators that need vocabularies or calendars: person names (Faker's locale data and gender-guesser's
multilingual first names), dates of birth in every common locale format, gender words, blood groups, secrets,
and the shape checks that let a column-name hint stand (text for a city, small integers for an age)."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache, lru_cache

from veil.settings import settings


@cache
def _faker_names() -> tuple[frozenset[str], frozenset[str]]:
    """(given names, family names) of every Faker locale's person provider."""
    import importlib
    import pkgutil

    import faker.providers.person as person

    given: set[str] = set()
    family: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        try:
            provider = importlib.import_module(f"faker.providers.person.{module.name}").Provider
        except (ImportError, AttributeError):
            continue
        for attr in ("first_names", "first_names_male", "first_names_female", "last_names"):
            values = getattr(provider, attr, ())
            if isinstance(values, dict):
                values = values.keys()
            if isinstance(values, (tuple, list, set, frozenset, type({}.keys()))):
                (family if attr == "last_names" else given).update(str(v).lower() for v in values)
    return frozenset(given), frozenset(family)


@cache
def given_names() -> frozenset[str]:
    """First names: Faker's locales and gender-guesser's dictionary of first names from some 50 countries."""
    return frozenset(n for n in _faker_names()[0] | _gender_guesser_names() if len(n) > 2 or not n.isascii())


@cache
def family_names() -> frozenset[str]:
    return frozenset(n for n in _faker_names()[1] if len(n) > 2 or not n.isascii())


@cache
def name_dictionary() -> frozenset[str]:
    """Given and family names (Faker's locales, gender-guesser's first names)."""
    return frozenset(n for n in given_names() | _faker_names()[1] if len(n) > 1 or not n.isascii())


def _gender_guesser_names() -> set[str]:
    from importlib.resources import files

    try:
        text = files("gender_guesser").joinpath("data/nam_dict.txt").read_text(encoding="iso-8859-1")
    except (ModuleNotFoundError, FileNotFoundError):
        return set()
    names = set()
    for line in text.splitlines():
        if line[:1] in ("#", "=") or len(line) < 30:
            continue
        name = line[3:29].strip()
        if name and "+" not in name:
            names.add(name.lower())
    return names


CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def person_name_ok(value: str) -> bool:
    """One to four words, capitalized (or not in a cased script), most of them known names."""
    tokens = [t for t in re.split(r"[\s,]+", value.strip()) if t]
    if not 1 <= len(tokens) <= 4 or any(ch.isdigit() for ch in value) or "@" in value:
        return False
    dictionary = name_dictionary()
    if len(tokens) == 1 and CJK.match(tokens[0]) and len(tokens[0]) <= 4:
        word = tokens[0]  # 李, 佐藤, 山田太郎: no case and no spaces, look the characters up
        return word in dictionary or word[:1] in dictionary or word[:2] in dictionary
    known = sum(t.lower() in dictionary for t in tokens)
    return known >= max(1, len(tokens) - 1) and all(t[:1].isupper() or not t[:1].isascii() for t in tokens)


MONTHS = {m: i for i, m in enumerate(("january february march april may june july august september october "
                                      "november december").split(), 1)}  # fmt: skip
_DATE_FORMS = (
    (re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"), "ymd"),
    (re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})"), "dmy|mdy"),
    (re.compile(r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]?"), "ymd"),
    (re.compile(r"([A-Za-z]+)\.? (\d{1,2}),? (\d{4})"), "Mdy"),
    (re.compile(r"(\d{1,2})\.? ([A-Za-z]+)\.? (\d{4})"), "dMy"),
)


def parse_date(value: str) -> list[dt.date]:
    """Every calendar date the value can be read as (a day-first and a month-first reading of 03/04/1980)."""
    v = value.strip()
    for pattern, order in _DATE_FORMS:
        m = pattern.fullmatch(v)
        if not m:
            continue
        a, b, c = m.groups()
        readings: list[tuple[int, int, int]] = []
        if order == "ymd":
            readings = [(int(a), int(b), int(c))]
        elif order == "dmy|mdy":
            readings = [(int(c), int(b), int(a)), (int(c), int(a), int(b))]
        elif order == "Mdy" and a.lower() in MONTHS:
            readings = [(int(c), MONTHS[a.lower()], int(b))]
        elif order == "dMy" and b.lower() in MONTHS:
            readings = [(int(c), MONTHS[b.lower()], int(a))]
        out = []
        for y, mo, d in readings:
            try:
                out.append(dt.date(y, mo, d))
            except ValueError:
                pass
        return out
    return []


@lru_cache(maxsize=1)
def _today() -> dt.date:
    return settings().current_date()


def birth_date_ok(value: str) -> bool:
    """A date that puts its person between 13 and 110 years old today."""
    today = _today()
    return any(13 <= (today - d).days / 365.25 <= 110 for d in parse_date(value[:10] if "T" in value else value))


GENDER_WORDS = frozenset(
    "male female man woman men women m f w d x u other divers diverse unknown nonbinary non-binary männlich "
    "weiblich mann frau homme femme h masculin féminin autre masculino femenino femenina hombre mujer otro "
    "masculina feminino outro maschio femmina maschile femminile altro vrouw anders mężczyzna kobieta "
    "inna inny mezczyzna nijaki andere".split()
) | {"男", "女", "男性", "女性", "其他", "その他", "不明", "♂", "♀"}
_SINGLE_LETTERS = frozenset("mfwdxuh")


def gender_ok(value: str) -> bool:
    return value.strip().lower() in GENDER_WORDS


def gender_word_ok(value: str) -> bool:
    """A gender written as a word (single letters, M/F, prove nothing without the column's name)."""
    v = value.strip().lower()
    return v in GENDER_WORDS and v not in _SINGLE_LETTERS


BLOOD_GROUP = re.compile(r"(A|B|AB|O|0)\s?(Rh)?\s?[+\-−]|(A|B|AB|O)\s?(pos|neg|positive|negative)|(A|B|AB|O)型")


def blood_group_ok(value: str) -> bool:
    return bool(BLOOD_GROUP.fullmatch(value.strip()))


SECRET_PATTERNS = re.compile(
    r"(sk|pk|rk)_(live|test)_\w{10,}|gh[pousr]_\w{20,}|AKIA[0-9A-Z]{16}|xox[abposr]-[\w-]{10,}"
    r"|eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}|\$(2[aby]|argon2i?d?|scrypt|pbkdf2[\w-]*)\$\S{20,}"
)


def secret_ok(value: str) -> bool:
    """An API key or token of a known issuer, a JWT, or a password hash (bcrypt, argon2, scrypt, PBKDF2)."""
    return bool(SECRET_PATTERNS.fullmatch(value.strip()))


def age_ok(value: str) -> bool:
    v = value.strip()
    return v.isdigit() and 0 <= int(v) <= 120


def textual(value: str) -> bool:
    """Words rather than numbers or codes: what a city, occupation or religion column holds."""
    v = value.strip()
    return any(c.isalpha() for c in v) and sum(c.isdigit() for c in v) <= len(v) // 4 and len(v) <= 80


def id_shaped(value: str) -> bool:
    """A document number: 5-20 letters and digits (and separators), with at least one digit."""
    v = value.strip()
    if not 5 <= len(v) <= 24 or not re.fullmatch(r"[\w ./-]+", v):
        return False
    return any(c.isdigit() for c in v) or (v.isalpha() and v.isupper() and len(v) >= 6)


def not_empty(value: str) -> bool:
    return bool(value.strip())
