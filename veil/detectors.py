"""PII detectors as data: each is a declaration (column-name hints, a value pattern) plus a validator.

A detector scores one column from its name and a sample of its values; `veil.classify` combines them.
Validators do what regexes cannot: Luhn for cards, mod-97 for IBANs, octet ranges for IPs, checksum
letters for Spanish DNIs, plausible birth years for dates.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

DIRECT, QUASI, SENSITIVE, NON_SENSITIVE = "direct_identifier", "quasi_identifier", "sensitive", "non_sensitive"


@dataclass(frozen=True)
class Detector:
    entity: str
    privacy: str
    names: tuple[str, ...] = ()  # column-name tokens or joined names (multilingual synonyms, abbreviations)
    pattern: re.Pattern | None = None  # fullmatch on the stripped value
    validate: Callable[[str], bool] | None = None
    min_share: float = 0.6  # share of sampled values that must match for content alone to classify
    name_alone: bool = False  # a name hit suffices (e.g. gender: values like 'F' prove nothing)
    negative_names: tuple[str, ...] = field(default=())  # tokens that veto the name hint

    def value_matches(self, value: str) -> bool:
        if self.pattern is not None and not self.pattern.fullmatch(value):
            return False
        return self.validate(value) if self.validate else self.pattern is not None


# ---------------------------------------------------------------- validators


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
    age = (dt.date.today() - d).days / 365.25
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
    for loc in ("en_US", "en_GB", "en_IE", "de_DE", "fr_FR", "es_ES", "it_IT", "pt_BR", "nl_NL", "pl_PL",
                "ja_JP", "zh_CN", "ko_KR", "sv_SE"):
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
        t[:1].isupper() or not t[:1].isascii() for t in tokens)


USER_AGENT = re.compile(r"(Mozilla|Opera|Dalvik)/\d.*|.*(AppleWebKit|Gecko|Chrome|Safari|Trident)/.*")

# ---------------------------------------------------------------- registry

DETECTORS: tuple[Detector, ...] = (
    Detector("email", DIRECT, ("email", "e_mail", "mail", "correo", "courriel", "emailadresse", "mailadresse"),
             re.compile(r"[A-Za-z0-9._%+'\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}"), None, 0.5),
    Detector("phone", DIRECT, ("phone", "tel", "telephone", "mobile", "cell", "telefono", "telefon", "handy",
                               "portable", "msisdn", "fax"),
             re.compile(r"\+?[\d\s().\-]{7,22}"), phone_ok, 0.6),
    Detector("ip_address", QUASI, ("ip", "ipaddress", "ip_address", "ipaddr", "remote_addr", "client_ip"),
             re.compile(r"[0-9a-fA-F:.]{7,45}"), ip_ok, 0.6),
    Detector("credit_card", DIRECT, ("card", "cc", "pan", "creditcard", "card_number", "ccnum"),
             re.compile(r"\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{1,7}"), luhn_ok, 0.8),
    Detector("iban", DIRECT, ("iban", "bank_account", "account_number"),
             re.compile(r"[A-Za-z]{2}\d{2}[A-Za-z0-9 ]{11,40}"), iban_ok, 0.8),
    Detector("national_id", DIRECT, ("ssn", "national_id", "nin", "nino", "social_security", "passport",
                                     "tax_id", "dni", "nif", "personalausweis"),
             re.compile(r"[\dA-Za-z -]{9,13}"), national_id_ok, 0.7),
    Detector("date_of_birth", QUASI, ("dob", "birth", "birthday", "birthdate", "date_of_birth",
                                      "geburtsdatum", "fecha_nacimiento", "naissance"),
             re.compile(r"\d{4}-\d{2}-\d{2}|\d{2}[/.]\d{2}[/.]\d{4}"), birth_date_ok, 0.9),
    Detector("geo_coordinates", QUASI, ("lat", "lon", "lng", "latitude", "longitude", "coordinates", "geo",
                                        "latlng", "latlon", "gps"),
             re.compile(r"-?\d{1,3}\.\d+[,; ]+-?\d{1,3}\.\d+"), geo_ok, 0.8, name_alone=True),
    Detector("user_agent", QUASI, ("user_agent", "useragent", "ua"), USER_AGENT, None, 0.6),
    Detector("person_name", DIRECT, ("name", "first_name", "last_name", "surname", "given_name", "family_name",
                                     "full_name", "firstname", "lastname", "fname", "lname", "nombre", "apellido",
                                     "vorname", "nachname", "prenom", "nom", "customer_name", "contact_name"),
             None, person_name_ok, 0.55,
             negative_names=("product", "company", "file", "host", "event", "page", "table", "column", "brand",
                             "category", "city", "street", "app", "campaign", "browser", "device", "os")),
    Detector("street_address", DIRECT, ("address", "street", "addr", "adresse", "direccion", "calle", "strasse",
                                        "address_line", "street_address"),
             re.compile(r"(\d{1,5}[a-zA-Z]?[ ,]+\D{3,}|\D{3,}[ ,]+\d{1,5}[a-zA-Z]?)"), None, 0.7,
             negative_names=("ip", "mac", "email", "e_mail", "mail", "web", "url")),
    Detector("postcode", QUASI, ("zip", "zipcode", "postcode", "postal_code", "postalcode", "plz", "code_postal",
                                 "cp", "postal"),
             re.compile(r"\d{5}(-\d{4})?|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|\d{3}-\d{4}|\d{6}"),
             lambda v: not v.isdigit(), 0.9, name_alone=True),  # bare digits are ids until the name says zip
    Detector("city", QUASI, ("city", "town", "ciudad", "ville", "stadt", "municipality", "locality"),
             None, None, 1.1, name_alone=True),
    Detector("region", QUASI, ("region", "state", "province", "county", "prefecture", "bundesland"),
             None, None, 1.1, name_alone=True, negative_names=("status", "account", "order")),
    Detector("country", QUASI, ("country", "country_code", "nationality", "pays", "land"), None, None, 1.1,
             name_alone=True),
    Detector("gender", SENSITIVE, ("gender", "sex", "geschlecht", "sexo", "genre"), None, None, 1.1,
             name_alone=True),
)

BY_ENTITY = {d.entity: d for d in DETECTORS}

# near-miss negatives: values of these shapes are identifiers or numbers, never personal data by themselves
NON_PII_SHAPES = (
    re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"),  # UUID
    re.compile(r"[0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64}"),  # md5 / sha1 / sha256
    re.compile(r"-?\d+(\.\d+)?"),  # numbers, prices, epoch timestamps, ids
    re.compile(r"v?\d+\.\d+(\.\d+)?([-+][\w.]+)?"),  # version strings
    re.compile(r"[A-Z]{1,4}[-_]?\d{4,12}"),  # order / product / invoice ids
)


def looks_like_identifier(value: str) -> bool:
    return any(p.fullmatch(value) for p in NON_PII_SHAPES)
