"""Validators of the detectors: what a regular expression cannot check (check digits, address ranges,
plausible dates, name dictionaries). Each takes one stripped value and says whether it is that entity."""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from functools import lru_cache

from veil.settings import settings


def luhn_ok(value: str) -> bool:
    digits = [int(c) for c in value if c.isdigit()]
    if not 13 <= len(digits) <= 19 or digits[0] not in (2, 3, 4, 5, 6):
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return total % 10 == 0


def iban_ok(value: str) -> bool:
    s = value.replace(" ", "").upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", s):
        return False
    rearranged = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def ip_ok(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def national_id_ok(value: str) -> bool:
    v = value.strip().upper()
    if m := re.fullmatch(r"(\d{3})-(\d{2})-(\d{4})", v):  # US SSN
        area, group, serial = m.groups()
        return area not in ("000", "666") and not area.startswith("9") and group != "00" and serial != "0000"
    if re.fullmatch(r"[A-CEGHJ-PR-TW-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]", v):  # UK National Insurance number
        return v[:2] not in ("BG", "GB", "NK", "KN", "TN", "NT", "ZZ")
    if m := re.fullmatch(r"(\d{8})-?([A-Z])", v):  # Spanish DNI with its checksum letter
        return DNI_LETTERS[int(m.group(1)) % 23] == m.group(2)
    return False


def birth_date_ok(value: str) -> bool:
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})|(\d{2})[/.](\d{2})[/.](\d{4})", value.strip())
    if not m:
        return False
    try:
        if m.group(1):
            d = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        else:
            a, b, y = int(m.group(4)), int(m.group(5)), int(m.group(6))
            d = dt.date(y, b, a) if a > 12 else dt.date(y, a, b)
    except ValueError:
        return False
    age = (settings().current_date() - d).days / 365.25
    return 13 <= age <= 110


def phone_ok(value: str) -> bool:
    v = value.strip()
    digits = re.sub(r"\D", "", v)
    if not 7 <= len(digits) <= 15:
        return False
    if v.isdigit():  # bare digits: only the mobile formats that are written that way (CN 1[3-9]x, 11 digits)
        return bool(re.fullmatch(r"1[3-9]\d{9}|0\d{9,10}", v))
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}.*|\d+\.\d+", v):  # dates, decimals
        return False
    return v.startswith(("+", "0", "(")) or bool(re.search(r"\d[ .-]\d", v))


def geo_ok(value: str) -> bool:
    parts = re.split(r"[,; ]+", value.strip())
    try:
        nums = [float(p) for p in parts]
    except ValueError:
        return False
    if len(nums) == 2:
        return -90 <= nums[0] <= 90 and -180 <= nums[1] <= 180 and all("." in p for p in parts)
    return False


@lru_cache(maxsize=1)
def name_dictionary() -> frozenset[str]:
    """First and last names from Faker's locale data (every locale the generator uses and more)."""
    import importlib

    names: set[str] = set()
    for loc in (
        "en_US",
        "en_GB",
        "en_IE",
        "de_DE",
        "fr_FR",
        "es_ES",
        "it_IT",
        "pt_BR",
        "nl_NL",
        "pl_PL",
        "ja_JP",
        "zh_CN",
        "ko_KR",
        "sv_SE",
    ):
        try:
            provider = importlib.import_module(f"faker.providers.person.{loc}").Provider
        except ModuleNotFoundError:
            continue
        for attr in ("first_names", "first_names_male", "first_names_female", "last_names"):
            values = getattr(provider, attr, ())
            names.update(v.lower() for v in (values.keys() if isinstance(values, dict) else values))
    return frozenset(n for n in names if len(n) > 1 or not n.isascii())


def person_name_ok(value: str) -> bool:
    tokens = [t for t in re.split(r"[\s,]+", value.strip()) if t]
    if not 1 <= len(tokens) <= 4 or any(ch.isdigit() for ch in value) or "@" in value:
        return False
    dictionary = name_dictionary()
    if len(tokens) == 1 and not tokens[0].isascii() and len(tokens[0]) <= 4:  # 李, 佐藤, 山田太郎
        return tokens[0] in dictionary or tokens[0][:1] in dictionary or tokens[0][:2] in dictionary
    return sum(t.lower() in dictionary for t in tokens) >= max(1, len(tokens) - 1) and all(
        t[:1].isupper() or not t[:1].isascii() for t in tokens
    )
