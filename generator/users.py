"""Synthetic user profiles with PII, one chunk at a time, vectorized."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from generator.columns import fill_template, ipv4, ipv6, join, take, where
from generator.locales import FREE_EMAIL_DOMAINS, GENDERS, PROFILES, TIERS, locale_pools

DAY = 86_400


@dataclass
class Users:
    """Per-user arrays for one chunk: what events and consents need, plus the output columns."""

    user_id: np.ndarray
    locale_idx: np.ndarray
    created_at: np.ndarray  # epoch seconds
    active_until: np.ndarray  # epoch seconds: churn or the window's end
    age: np.ndarray
    tier_idx: np.ndarray
    gpc: np.ndarray  # browser sends Global Privacy Control
    utc_offset: np.ndarray  # seconds
    columns: dict[str, pa.Array]


def _signup_times(rng: np.random.Generator, n: int, start: int, end: int) -> np.ndarray:
    """Growing signups: density rises linearly to 3x over the window (inverse-CDF sampling)."""
    u = rng.random(n)
    growth = 2.0  # density(t) ∝ 1 + growth * t
    t = (-1 + np.sqrt(1 + growth * (2 + growth) * u)) / growth
    return (start + t * (end - start)).astype(np.int64)


def generate_users(rng: np.random.Generator, first_user_id: int, n: int, start: int, end: int, seed: int) -> Users:
    pools = locale_pools(seed)
    weights = np.array([p.weight for p in PROFILES])
    loc = rng.choice(len(PROFILES), size=n, p=weights / weights.sum())
    user_id = np.arange(first_user_id, first_user_id + n, dtype=np.int64)

    age = np.empty(n)
    gender = np.empty(n, dtype=np.int8)
    tier = np.empty(n, dtype=np.int8)
    utc = np.empty(n, dtype=np.int64)
    first = pa.nulls(n, pa.string())
    last = pa.nulls(n, pa.string())
    email_local = pa.nulls(n, pa.string())
    street = pa.nulls(n, pa.string())
    city = pa.nulls(n, pa.string())
    postcode = pa.nulls(n, pa.string())
    region = pa.nulls(n, pa.string())
    phone = pa.nulls(n, pa.string())
    octet = np.empty(n, dtype=np.int64)
    for i, (prof, pool) in enumerate(zip(PROFILES, pools, strict=True)):
        m = loc == i
        k = int(m.sum())
        if not k:
            continue
        age[m] = np.clip(rng.normal(prof.age_mean, prof.age_sd, k), 16, 92)
        gender[m] = rng.choice(4, size=k, p=prof.gender_p)
        tier[m] = rng.choice(3, size=k, p=prof.tier_p)
        utc[m] = prof.utc_offset_hours * 3600
        octet[m] = rng.choice(prof.ip_first_octets, size=k)
        female = gender[m] == 0
        fi = rng.choice(len(pool.first_female), size=k, p=pool.first_female_p)
        mi = rng.choice(len(pool.first_male), size=k, p=pool.first_male_p)
        li = rng.choice(len(pool.last), size=k, p=pool.last_p)
        f_name = where(female, take(pool.first_female, fi), take(pool.first_male, mi))
        f_ascii = where(female, take(pool.first_female_ascii, fi), take(pool.first_male_ascii, mi))
        l_ascii = take(pool.last_ascii, li)
        roman = take(pool.romanized, rng.integers(0, len(pool.romanized), k))
        latin = pc.and_(pc.greater(pc.utf8_length(f_ascii), 0), pc.greater(pc.utf8_length(l_ascii), 0))
        local = pc.if_else(latin, join(f_ascii, ".", l_ascii), join(roman, "."))
        ci = rng.integers(0, len(pool.cities), k)
        house = pc.cast(pa.array(rng.integers(1, 240, k)), pa.string())
        idx = np.flatnonzero(m)
        first = _scatter(first, idx, f_name)
        last = _scatter(last, idx, take(pool.last, li))
        email_local = _scatter(email_local, idx, local)
        street = _scatter(street, idx, join(house, " ", take(pool.streets, rng.integers(0, len(pool.streets), k))))
        city = _scatter(city, idx, take(pool.cities, ci))
        region = _scatter(region, idx, take(pool.regions, pool.city_region[ci]))
        postcode = _scatter(postcode, idx, take(pool.postcodes, rng.integers(0, len(pool.postcodes), k)))
        phone = _scatter(phone, idx, fill_template(prof.phone_template, rng, k))

    number = pc.cast(pa.array(rng.integers(1, 9999, n)), pa.string())
    domain = take(pa.array(FREE_EMAIL_DOMAINS), rng.integers(0, len(FREE_EMAIL_DOMAINS), n))
    email = join(email_local, number, "@", domain)
    v6 = rng.random(n) < 0.12
    ip = where(v6, ipv6(rng, n), ipv4(rng, octet))

    created = _signup_times(rng, n, start, end)
    # churn: Weibull with shape < 1 = high early hazard; premium users stay longer
    lifetime_days = rng.weibull(0.6, n) * np.array([90.0, 160.0, 260.0])[tier]
    churn = created + (lifetime_days * DAY).astype(np.int64)
    active_until = np.minimum(churn, end)
    status = np.where(churn < end - 30 * DAY, 2, 0)  # dormant after 30 days silent
    status = np.where(rng.random(n) < 0.01, 3, status)  # suspended
    status = np.where(rng.random(n) < 0.005, 4, status)  # closed
    birth_day = end - (age * 365.25 * DAY).astype(np.int64) - rng.integers(0, 365 * DAY, n)
    gpc_rate = np.where(np.array([p.country for p in PROFILES])[loc] == "US", 0.12, 0.06)

    columns = {
        "user_id": pa.array(user_id),
        "first_name": first,
        "last_name": last,
        "email": email,
        "phone": phone,
        "ip_address": ip,
        "street_address": street,
        "city": city,
        "postcode": postcode,
        "region": region,
        "country": take(pa.array([p.country for p in PROFILES]), loc),
        "locale": take(pa.array([p.locale for p in PROFILES]), loc),
        "date_of_birth": pa.array((birth_day // DAY).astype(np.int32), pa.date32()),
        "gender": take(pa.array(GENDERS), gender),
        "created_at": pa.array(created * 1_000_000, pa.timestamp("us", tz="UTC")),
        "account_status": take(pa.array(["active", "", "dormant", "suspended", "closed"]), status),
        "tier": take(pa.array(TIERS), tier),
    }
    return Users(
        user_id,
        loc,
        created,
        np.maximum(active_until, created + 3600),
        age,
        tier,
        rng.random(n) < gpc_rate,
        utc,
        columns,
    )


def _scatter(target: pa.Array, idx: np.ndarray, values: pa.Array) -> pa.Array:
    """target with target[idx] = values (idx ascending)."""
    mask = np.zeros(len(target), dtype=bool)
    mask[idx] = True
    return pc.replace_with_mask(target, pa.array(mask), values.cast(target.type))
