"""PII detectors as data: each declares its entity, its GDPR class, the value validator (a library does the
checking: python-stdnum, phonenumbers, ipaddress, the name dictionaries) and when the validator may decide on
its own. Column-name hints live in veil.detection.lexicon; veil.detection.classify combines the two.

The rules a detector's fields express:
- content decides alone only for shapes that are not ambiguous (`alone`): a share `min_share` of the values
  must validate, and values of bare digits count only for validators with a check digit (`digits_alone`);
- a name hint decides only if the values fit (`fits`, by default the validator): a column named `phone` full
  of e-mail addresses is e-mail, and a column named `age` full of words is nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from veil.detection.validators import (
    card_precision_lost,
    coordinate_ok,
    geo_ok,
    iban_ok,
    imei_ok,
    ip_ok,
    luhn_ok,
    mac_ok,
    national_id_ok,
    phone_ok,
)
from veil.detection.vocab import (
    age_ok,
    birth_date_ok,
    blood_group_ok,
    gender_ok,
    gender_word_ok,
    id_shaped,
    not_empty,
    parse_date,
    person_name_ok,
    secret_ok,
    textual,
)
from veil.warehouse.project import privacy_classes, project_vars

DIRECT, QUASI, SENSITIVE, NON_SENSITIVE = privacy_classes()  # vars.privacy_classes, in that order
EMAIL_PATTERN = dict(project_vars()["redaction_patterns"])["email"]
"""The e-mail shape redact_free_text replaces in SQL (vars.redaction_patterns): one definition for both."""
_EMAIL = re.compile(EMAIL_PATTERN)
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
USER_AGENT = re.compile(r"(Mozilla|Opera|Dalvik)/\d.*|.*(AppleWebKit|Gecko|Chrome|Safari|Trident)/.*")
_STREET = re.compile(r"\d{1,5}[a-zA-Z]?[ ,]+\D{3,}|\D{3,}[ ,]+\d{1,5}[a-zA-Z]?(\s*[/-]\s*\d{1,4})?")
_POSTCODE = re.compile(
    r"\d{5}(-\d{4})?|\d{5}-\d{3}|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|\d{3}-\d{4}|\d{2}-\d{3}|\d{4} ?[A-Z]{2}|\d{4,6}"
)
_USERNAME = re.compile(r"[\w.@+-]{2,64}")

Check = Callable[[str], bool]


@dataclass(frozen=True)
class Detector:
    entity: str
    privacy: str
    match: Check | None = None  # the value validator: content evidence
    alone: bool = False  # may content decide without a name hint
    min_share: float = 0.6  # share of values that must validate for content to decide alone
    fits: Check | None = None  # values a name hint needs to stand (default: `match`, else any value)
    digits_alone: bool = False  # values of bare digits count for content alone (a check digit makes them specific)
    varied: bool = False  # content alone needs varied values (a few words repeated are a category: colours)

    def value_matches(self, value: str) -> bool:
        return bool(self.match and self.match(value))

    def value_fits(self, value: str) -> bool:
        check = self.fits or self.match or not_empty
        return check(value)


def _email(v: str) -> bool:
    return bool(_EMAIL.fullmatch(v))


def _card_or_lost(v: str) -> bool:
    return luhn_ok(v) or card_precision_lost(v)


def _device(v: str) -> bool:
    return imei_ok(v) or bool(_UUID.fullmatch(v)) or id_shaped(v)


def _coordinate(v: str) -> bool:
    return coordinate_ok(v) or geo_ok(v)


def _postcode(v: str) -> bool:
    return bool(_POSTCODE.fullmatch(v)) and not v.isdigit()


def _postcode_fits(v: str) -> bool:
    return bool(_POSTCODE.fullmatch(v) or re.fullmatch(r"[A-Z0-9]{2,5}[ -]?[A-Z0-9]{2,4}", v))


def _street(v: str) -> bool:
    return bool(_STREET.fullmatch(v)) and "@" not in v and not v.startswith("http")


def _user_agent(v: str) -> bool:
    return bool(USER_AGENT.fullmatch(v))


def _date_fits(v: str) -> bool:
    return bool(parse_date(v[:10] if "T" in v else v))


def _username(v: str) -> bool:
    return bool(_USERNAME.fullmatch(v)) and not looks_like_identifier(v)


def _address(v: str) -> bool:
    return any(c.isalpha() for c in v) and 4 <= len(v) <= 160 and "@" not in v


def _name_fits(v: str) -> bool:
    """Words a person could be called: not `raw.users` or `user_key` (identifiers of tables and columns)."""
    return textual(v) and not re.search(r"[^\W\d]_|\w\.\w|^[a-z]+(_[a-z]+)+$", v)


def _gender_fits(v: str) -> bool:
    return gender_ok(v) or (textual(v) and len(v) <= 16)


def _short_text(v: str) -> bool:
    return textual(v) or v.strip().lower() in ("yes", "no", "true", "false", "0", "1")


def _base64ish(v: str) -> bool:
    return len(v) >= 16 or textual(v)


# ---------------------------------------------------------------- registry (order breaks ties)

DETECTORS: tuple[Detector, ...] = (
    Detector("email", DIRECT, _email, alone=True, min_share=0.5),
    Detector("credit_card", DIRECT, luhn_ok, alone=True, min_share=0.8, fits=_card_or_lost, digits_alone=True),
    Detector("iban", DIRECT, iban_ok, alone=True, min_share=0.8),
    Detector("secret_token", SENSITIVE, secret_ok, alone=True, min_share=0.6, fits=not_empty),
    Detector("mac_address", QUASI, mac_ok, alone=True, min_share=0.8),
    Detector("ip_address", QUASI, ip_ok, alone=True, min_share=0.6),
    Detector("device_id", QUASI, imei_ok, alone=True, min_share=0.8, fits=_device, digits_alone=True),
    Detector("national_id", DIRECT, national_id_ok, alone=True, min_share=0.7, fits=id_shaped, digits_alone=True),
    Detector("tax_id", DIRECT, national_id_ok, fits=id_shaped),
    Detector("passport_number", DIRECT, fits=id_shaped),
    Detector("driving_licence", DIRECT, fits=id_shaped),
    Detector("phone", DIRECT, phone_ok, alone=True, min_share=0.6, fits=phone_ok),
    Detector("date_of_birth", QUASI, birth_date_ok, alone=True, min_share=0.9, fits=_date_fits),
    Detector("geo_coordinates", QUASI, geo_ok, alone=True, min_share=0.8, fits=_coordinate),
    Detector("user_agent", QUASI, _user_agent, alone=True, min_share=0.6),
    Detector("health", SENSITIVE, blood_group_ok, alone=True, min_share=0.9, fits=not_empty),
    Detector("gender", SENSITIVE, gender_word_ok, alone=True, min_share=0.9, fits=_gender_fits),
    Detector("person_name", DIRECT, person_name_ok, alone=True, min_share=0.55, fits=_name_fits, varied=True),
    Detector("street_address", DIRECT, _street, alone=True, min_share=0.7, fits=_address),
    Detector("postcode", QUASI, _postcode, alone=True, min_share=0.9, fits=_postcode_fits),
    Detector("username", DIRECT, fits=_username),
    Detector("password", SENSITIVE, fits=not_empty),
    Detector("age", QUASI, fits=age_ok),
    Detector("city", QUASI, fits=textual),
    Detector("region", QUASI, fits=textual),
    Detector("country", QUASI, fits=textual),
    Detector("occupation", QUASI, fits=textual),
    Detector("employer", QUASI, fits=textual),
    Detector("religion", SENSITIVE, fits=textual),
    Detector("ethnicity", SENSITIVE, fits=textual),
    Detector("sexual_orientation", SENSITIVE, fits=textual),
    Detector("political_opinion", SENSITIVE, fits=_short_text),
    Detector("trade_union", SENSITIVE, fits=_short_text),
    Detector("biometric", SENSITIVE, fits=_base64ish),
)

BY_ENTITY = {d.entity: d for d in DETECTORS}

# near-miss negatives: values of these shapes are identifiers or numbers, never personal data by themselves
NON_PII_SHAPES = (
    _UUID,
    re.compile(r"[0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{56}|[0-9a-fA-F]{64}|[0-9a-fA-F]{128}"),  # digests
    re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?"),  # numbers, prices, epoch timestamps, ids
    re.compile(r"v?\d+\.\d+(\.\d+)?([-+][\w.]+)?"),  # version strings
    re.compile(r"[A-Z]{1,4}[-_]?\d{4,12}"),  # order / product / invoice ids
)


def looks_like_identifier(value: str) -> bool:
    return any(p.fullmatch(value) for p in NON_PII_SHAPES)
