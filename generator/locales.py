"""Locale profiles (demographics, formats) and value pools drawn from Faker's locale data.

Faker is called a few thousand times per locale to fill pools (streets, cities, regions, postcodes); the
per-row work then samples those pools column-wise with numpy, which is ~100x faster than row-by-row Faker.
"""

from __future__ import annotations

import importlib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyarrow as pa
from faker import Faker

GENDERS = ("female", "male", "non_binary", "undisclosed")
TIERS = ("free", "plus", "premium")


@dataclass(frozen=True)
class LocaleProfile:
    locale: str
    country: str
    currency: str
    weight: float  # share of users
    utc_offset_hours: int
    age_mean: float
    age_sd: float
    gender_p: tuple[float, float, float, float]
    tier_p: tuple[float, float, float]
    phone_template: str  # '#' = a random digit
    ip_first_octets: tuple[int, ...]
    region_method: str
    is_eu: bool


PROFILES: tuple[LocaleProfile, ...] = (
    LocaleProfile(
        "en_US",
        "US",
        "USD",
        0.34,
        -5,
        36,
        13,
        (0.50, 0.47, 0.015, 0.015),
        (0.62, 0.25, 0.13),
        "+1 ###-###-####",
        (23, 24, 50, 63, 64, 66, 67, 68, 70, 71, 72, 73, 74, 75, 76),
        "state",
        False,
    ),
    LocaleProfile(
        "en_GB",
        "GB",
        "GBP",
        0.14,
        0,
        39,
        14,
        (0.51, 0.47, 0.01, 0.01),
        (0.68, 0.22, 0.10),
        "+44 7### ######",
        (2, 5, 31, 51, 62, 78, 80, 81, 86),
        "county",
        True,
    ),
    LocaleProfile(
        "de_DE",
        "DE",
        "EUR",
        0.13,
        1,
        43,
        15,
        (0.50, 0.49, 0.005, 0.005),
        (0.66, 0.23, 0.11),
        "+49 15# #######",
        (46, 77, 79, 84, 85, 87, 88, 91, 93),
        "state",
        True,
    ),
    LocaleProfile(
        "fr_FR",
        "FR",
        "EUR",
        0.11,
        1,
        41,
        15,
        (0.52, 0.46, 0.01, 0.01),
        (0.70, 0.20, 0.10),
        "+33 6 ## ## ## ##",
        (37, 78, 82, 86, 88, 90, 92),
        "region",
        True,
    ),
    LocaleProfile(
        "es_ES",
        "ES",
        "EUR",
        0.09,
        1,
        42,
        14,
        (0.51, 0.48, 0.005, 0.005),
        (0.72, 0.19, 0.09),
        "+34 6## ### ###",
        (37, 79, 80, 83, 88, 95),
        "state",
        True,
    ),
    LocaleProfile(
        "ja_JP",
        "JP",
        "JPY",
        0.10,
        9,
        46,
        16,
        (0.49, 0.50, 0.005, 0.005),
        (0.55, 0.27, 0.18),
        "+81 90-####-####",
        (27, 49, 60, 61, 106, 110, 113, 114, 118),
        "prefecture",
        False,
    ),
    LocaleProfile(
        "zh_CN",
        "CN",
        "CNY",
        0.09,
        8,
        31,
        10,
        (0.48, 0.51, 0.005, 0.005),
        (0.58, 0.30, 0.12),
        "+86 13# #### ####",
        (36, 39, 42, 58, 59, 60, 61, 101, 106, 110, 111, 112, 113, 114, 115, 116),
        "province",
        False,
    ),
)

POOL_SIZE = 2000
FREE_EMAIL_DOMAINS = (
    "gmail.com",
    "outlook.com",
    "yahoo.com",
    "icloud.com",
    "proton.me",
    "gmx.de",
    "orange.fr",
    "yahoo.co.jp",
    "qq.com",
    "163.com",
    "hotmail.co.uk",
    "web.de",
)


def _names(provider, attr: str) -> tuple[list[str], np.ndarray]:
    values = getattr(provider, attr)
    if isinstance(values, dict):
        names, weights = list(values.keys()), np.array(list(values.values()), dtype=float)
    else:
        names, weights = list(values), np.ones(len(values))
    return names, weights / weights.sum()


def ascii_fold(text: str) -> str:
    """'Zoë O'Brien' -> 'zoeobrien'; '' when the name has no Latin letters (e.g. 李)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


@dataclass(frozen=True)
class LocalePools:
    first_female: pa.Array
    first_female_p: np.ndarray
    first_male: pa.Array
    first_male_p: np.ndarray
    last: pa.Array
    last_p: np.ndarray
    last_ascii: pa.Array  # folded last names for e-mail local parts
    first_female_ascii: pa.Array
    first_male_ascii: pa.Array
    romanized: pa.Array  # latin tokens for e-mail local parts when the name has no Latin letters
    streets: pa.Array
    cities: pa.Array
    postcodes: pa.Array
    regions: pa.Array
    city_region: np.ndarray  # index into regions for each city (a city sits in one region)


def _build_pools(profile: LocaleProfile, seed: int) -> LocalePools:
    person = importlib.import_module(f"faker.providers.person.{profile.locale}").Provider
    ff, ffp = _names(person, "first_names_female")
    fm, fmp = _names(person, "first_names_male")
    ln, lnp = _names(person, "last_names")
    fake = Faker(profile.locale)
    fake.seed_instance(seed)
    region_fn = getattr(fake, profile.region_method)
    regions = sorted({region_fn() for _ in range(400)})
    streets = [fake.street_name() for _ in range(POOL_SIZE)]
    cities = [fake.city() for _ in range(POOL_SIZE // 4)]
    postcodes = [fake.postcode() for _ in range(POOL_SIZE)]
    roman = [ascii_fold(x) for x in getattr(person, "last_romanized_names", ())] or ["user"]
    roman = [x for x in roman if x] or ["user"]
    rng = np.random.default_rng(seed)
    return LocalePools(
        first_female=pa.array(ff),
        first_female_p=ffp,
        first_male=pa.array(fm),
        first_male_p=fmp,
        last=pa.array(ln),
        last_p=lnp,
        last_ascii=pa.array([ascii_fold(x) for x in ln]),
        first_female_ascii=pa.array([ascii_fold(x) for x in ff]),
        first_male_ascii=pa.array([ascii_fold(x) for x in fm]),
        romanized=pa.array(roman),
        streets=pa.array(streets),
        cities=pa.array(cities),
        postcodes=pa.array(postcodes),
        regions=pa.array(regions),
        city_region=rng.integers(0, len(regions), len(cities)),
    )


@lru_cache(maxsize=4)
def locale_pools(seed: int) -> tuple[LocalePools, ...]:
    """Pools for every profile, deterministic for a seed (Faker is pinned, so its output is stable)."""
    return tuple(_build_pools(p, seed * 100 + i) for i, p in enumerate(PROFILES))
