"""Validators of the detectors, done by the field's libraries: python-stdnum (check digits and formats of
national and tax ids, cards, IBANs, MAC addresses, IMEIs) and phonenumbers (libphonenumber's metadata of every
region). Each takes one stripped value and says whether it is that entity; none copies the value anywhere."""

from __future__ import annotations

import importlib
import ipaddress
import re
from functools import cache

import phonenumbers
from stdnum import iban, imei, luhn, mac

# (stdnum module, entity): the ids each country issues to people. A module without a check digit (US SSN,
# German Steuernummer) accepts most numbers of its length: it counts only in its written form (dashes, slashes)
ID_SCHEMES: tuple[tuple[str, str], ...] = (
    ("us.ssn", "national_id"), ("de.idnr", "national_id"), ("fr.nir", "national_id"), ("es.dni", "national_id"),
    ("es.nie", "national_id"), ("it.codicefiscale", "national_id"), ("nl.bsn", "national_id"),
    ("pl.pesel", "national_id"), ("pt.cc", "national_id"), ("br.cpf", "national_id"), ("cn.ric", "national_id"),
    ("jp.in_", "national_id"), ("be.nn", "national_id"), ("se.personnummer", "national_id"),
    ("fi.hetu", "national_id"), ("no.fodselsnummer", "national_id"), ("ch.ssn", "national_id"),
    ("at.vnr", "national_id"), ("in_.aadhaar", "national_id"), ("dk.cpr", "national_id"),
    ("us.itin", "tax_id"), ("de.stnr", "tax_id"), ("fr.nif", "tax_id"), ("es.nif", "tax_id"), ("pt.nif", "tax_id"),
    ("pl.nip", "tax_id"), ("gb.utr", "tax_id"), ("cn.uscc", "tax_id"),
)  # fmt: skip
WITHOUT_CHECK_DIGIT = frozenset({"us.ssn", "de.stnr", "dk.cpr", "us.itin"})
_ID_SHAPE = re.compile(r"[0-9A-Za-z][0-9A-Za-z ./-]{6,22}[0-9A-Za-z]")
_SSN_SHAPE = re.compile(r"\d{3}-\d{2}-\d{4}")
_NINO = re.compile(r"[A-CEGHJ-PR-TW-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]")  # UK National Insurance (no stdnum module)


@cache
def _schemes() -> tuple[tuple[str, str, object], ...]:
    return tuple((name, entity, importlib.import_module(f"stdnum.{name}")) for name, entity in ID_SCHEMES)


def government_id(value: str) -> str | None:
    """'national_id' or 'tax_id' when some country's scheme accepts the value (checksum schemes in any form,
    schemes without one only as written with separators), else None."""
    v = value.strip()
    if not _ID_SHAPE.fullmatch(v) or sum(c.isdigit() for c in v) < 6:
        return None
    if _NINO.fullmatch(v.upper()):
        return "national_id"
    if _SSN_SHAPE.fullmatch(v):  # written as a US SSN: only that scheme's rules (areas 000, 666, 9xx never issued)
        from stdnum.us import ssn

        return "national_id" if ssn.is_valid(v) else None
    separated = not v.isalnum()
    for name, entity, module in _schemes():
        if name in WITHOUT_CHECK_DIGIT and not separated:
            continue
        try:
            if module.is_valid(v):  # type: ignore[attr-defined]
                return entity
        except Exception:  # noqa: BLE001 (a validator's own error on odd input means "not this scheme")
            continue
    return None


def national_id_ok(value: str) -> bool:
    return government_id(value) is not None


_CARD = re.compile(r"\d{4}([ -]?)\d{4}\1\d{4}\1\d{1,7}|\d{4}([ -]?)\d{6}\2\d{4,5}|\d{13,19}")
_CARD_LOST = re.compile(r"[2-6]\.\d{2,14}[eE]\+?1[2-8]")


def luhn_ok(value: str) -> bool:
    """A payment card number in any grouping (4-4-4-4, Amex 4-6-5, Diners 4-6-4, none): Luhn and an issuer
    prefix (2-6)."""
    v = value.strip()
    if not _CARD.fullmatch(v):
        return False
    digits = re.sub(r"\D", "", v)
    return 13 <= len(digits) <= 19 and digits[0] in "23456" and luhn.is_valid(digits)


def card_precision_lost(value: str) -> bool:
    """A card number a spreadsheet turned into a float (`5.54563E+15`): 13-19 digits, the last ones lost."""
    return bool(_CARD_LOST.fullmatch(value.strip()))


def iban_ok(value: str) -> bool:
    return len(value) <= 42 and value[:2].isalpha() and iban.is_valid(value)


def ip_ok(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def mac_ok(value: str) -> bool:
    """A MAC address in any of its written forms (the manufacturer database is not consulted: slow, and
    locally administered addresses have none)."""
    if len(value) not in (12, 14, 17):
        return False
    try:
        mac.validate(value, validate_manufacturer=False)
    except ValueError:
        return False
    return True


def imei_ok(value: str) -> bool:
    v = value.strip()
    return len(v) in (15, 17, 18) and v[:2] not in ("34", "37") and imei.is_valid(v)


PHONE_REGIONS = ("US", "GB", "DE", "FR", "ES", "PT", "BR", "IT", "NL", "PL", "JP", "CN", "IN", "MX", "CA", "AU",
                 "CH", "AT", "BE", "SE", "KR", "RU", "TR")  # fmt: skip
_PHONE_CHARS = re.compile(r"\+?[\d\s().\-/]{7,24}")
_NOT_PHONE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}.*|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}|\d+\.\d+|\d{1,3}(\.\d{1,3}){3}")


def phone_ok(value: str) -> bool:
    """An international number (+ or 00) of a possible length for its country, or a national number valid in
    one of the common regions (libphonenumber's ranges)."""
    v = value.strip()
    if not _PHONE_CHARS.fullmatch(v) or _NOT_PHONE.fullmatch(v):
        return False
    digits = sum(c.isdigit() for c in v)
    if not 7 <= digits <= 15:
        return False
    try:
        if v.startswith(("+", "00")):
            number = phonenumbers.parse("+" + v[2:] if v.startswith("00") else v, None)
            return phonenumbers.is_possible_number(number)
        for region in PHONE_REGIONS:
            if phonenumbers.is_valid_number(phonenumbers.parse(v, region)):
                return True
    except phonenumbers.NumberParseException:
        return False
    return False


def geo_ok(value: str) -> bool:
    """A latitude,longitude pair in range, each with decimals."""
    parts = re.split(r"[,; ]+", value.strip())
    try:
        nums = [float(p) for p in parts]
    except ValueError:
        return False
    return len(nums) == 2 and -90 <= nums[0] <= 90 and -180 <= nums[1] <= 180 and all("." in p for p in parts)


def coordinate_ok(value: str) -> bool:
    """One coordinate (latitude or longitude) written with at least four decimals."""
    try:
        number = float(value)
    except ValueError:
        return False
    return -180 <= number <= 180 and len(value.rpartition(".")[2]) >= 4 and "." in value
