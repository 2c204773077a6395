"""PII detectors as data: each is a declaration (column-name hints, a value pattern) plus a validator.

A detector scores one column from its name and a sample of its values; `veil.detection.classify` combines them.
Validators do what regexes cannot: Luhn for cards, mod-97 for IBANs, octet ranges for IPs, checksum
letters for Spanish DNIs, plausible birth years for dates.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from veil.detection.validators import (
    birth_date_ok,
    geo_ok,
    iban_ok,
    ip_ok,
    luhn_ok,
    national_id_ok,
    person_name_ok,
    phone_ok,
)
from veil.warehouse.project import privacy_classes, project_vars

DIRECT, QUASI, SENSITIVE, NON_SENSITIVE = privacy_classes()  # vars.privacy_classes, in that order
EMAIL_PATTERN = dict(project_vars()["redaction_patterns"])["email"]
"""The e-mail shape redact_free_text replaces in SQL (vars.redaction_patterns): one definition for both."""


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


USER_AGENT = re.compile(r"(Mozilla|Opera|Dalvik)/\d.*|.*(AppleWebKit|Gecko|Chrome|Safari|Trident)/.*")

# ---------------------------------------------------------------- registry

DETECTORS: tuple[Detector, ...] = (
    Detector(
        "email",
        DIRECT,
        ("email", "e_mail", "mail", "correo", "courriel", "emailadresse", "mailadresse"),
        re.compile(EMAIL_PATTERN),
        None,
        0.5,
    ),
    Detector(
        "phone",
        DIRECT,
        ("phone", "tel", "telephone", "mobile", "cell", "telefono", "telefon", "handy", "portable", "msisdn", "fax"),
        re.compile(r"\+?[\d\s().\-]{7,22}"),
        phone_ok,
        0.6,
    ),
    Detector(
        "ip_address",
        QUASI,
        ("ip", "ipaddress", "ip_address", "ipaddr", "remote_addr", "client_ip"),
        re.compile(r"[0-9a-fA-F:.]{7,45}"),
        ip_ok,
        0.6,
    ),
    Detector(
        "credit_card",
        DIRECT,
        ("card", "cc", "pan", "creditcard", "card_number", "ccnum"),
        re.compile(r"\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{1,7}"),
        luhn_ok,
        0.8,
    ),
    Detector(
        "iban",
        DIRECT,
        ("iban", "bank_account", "account_number"),
        re.compile(r"[A-Za-z]{2}\d{2}[A-Za-z0-9 ]{11,40}"),
        iban_ok,
        0.8,
    ),
    Detector(
        "national_id",
        DIRECT,
        ("ssn", "national_id", "nin", "nino", "social_security", "passport", "tax_id", "dni", "nif", "personalausweis"),
        re.compile(r"[\dA-Za-z -]{9,13}"),
        national_id_ok,
        0.7,
    ),
    Detector(
        "date_of_birth",
        QUASI,
        ("dob", "birth", "birthday", "birthdate", "date_of_birth", "geburtsdatum", "fecha_nacimiento", "naissance"),
        re.compile(r"\d{4}-\d{2}-\d{2}|\d{2}[/.]\d{2}[/.]\d{4}"),
        birth_date_ok,
        0.9,
    ),
    Detector(
        "geo_coordinates",
        QUASI,
        ("lat", "lon", "lng", "latitude", "longitude", "coordinates", "geo", "latlng", "latlon", "gps"),
        re.compile(r"-?\d{1,3}\.\d+[,; ]+-?\d{1,3}\.\d+"),
        geo_ok,
        0.8,
        name_alone=True,
    ),
    Detector("user_agent", QUASI, ("user_agent", "useragent", "ua"), USER_AGENT, None, 0.6),
    Detector(
        "person_name",
        DIRECT,
        (
            "name",
            "first_name",
            "last_name",
            "surname",
            "given_name",
            "family_name",
            "full_name",
            "firstname",
            "lastname",
            "fname",
            "lname",
            "nombre",
            "apellido",
            "vorname",
            "nachname",
            "prenom",
            "nom",
            "customer_name",
            "contact_name",
        ),
        None,
        person_name_ok,
        0.55,
        negative_names=(
            "product",
            "company",
            "file",
            "host",
            "event",
            "page",
            "table",
            "column",
            "brand",
            "category",
            "city",
            "street",
            "app",
            "campaign",
            "browser",
            "device",
            "os",
        ),
    ),
    Detector(
        "street_address",
        DIRECT,
        ("address", "street", "addr", "adresse", "direccion", "calle", "strasse", "address_line", "street_address"),
        re.compile(r"(\d{1,5}[a-zA-Z]?[ ,]+\D{3,}|\D{3,}[ ,]+\d{1,5}[a-zA-Z]?)"),
        None,
        0.7,
        negative_names=("ip", "mac", "email", "e_mail", "mail", "web", "url"),
    ),
    Detector(
        "postcode",
        QUASI,
        ("zip", "zipcode", "postcode", "postal_code", "postalcode", "plz", "code_postal", "cp", "postal"),
        re.compile(r"\d{5}(-\d{4})?|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|\d{3}-\d{4}|\d{6}"),
        lambda v: not v.isdigit(),
        0.9,
        name_alone=True,
    ),  # bare digits are ids until the name says zip
    Detector(
        "city",
        QUASI,
        ("city", "town", "ciudad", "ville", "stadt", "municipality", "locality"),
        None,
        None,
        1.1,
        name_alone=True,
    ),
    Detector(
        "region",
        QUASI,
        ("region", "state", "province", "county", "prefecture", "bundesland"),
        None,
        None,
        1.1,
        name_alone=True,
        negative_names=("status", "account", "order"),
    ),
    Detector(
        "country", QUASI, ("country", "country_code", "nationality", "pays", "land"), None, None, 1.1, name_alone=True
    ),
    Detector("gender", SENSITIVE, ("gender", "sex", "geschlecht", "sexo", "genre"), None, None, 1.1, name_alone=True),
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
