"""Behaviour events: heavy-tailed activity, daily/weekly cycles, sessions as a funnel stage machine.

A session moves through stages land → browse → (search) → (watch) → (cart) → (buy) and drops out after each
with a probability that depends on its segment (device, age band, tier). Everything is drawn per session
with numpy, then expanded to events with `np.repeat`, so there is no Python loop per row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from generator import catalog
from generator.columns import ipv4, join, take, where
from generator.locales import PROFILES
from generator.users import DAY, Users

# weekday (Mon..Sun) and local hour-of-day activity profiles
WEEKDAY_WEIGHT = np.array([1.0, 1.0, 0.98, 0.97, 0.93, 0.70, 0.66])
HOUR_WEIGHT = np.array(
    [
        0.3,
        0.2,
        0.12,
        0.1,
        0.1,
        0.15,
        0.35,
        0.6,
        0.8,
        0.9,
        0.95,
        1.0,
        1.05,
        1.0,
        0.95,
        0.95,
        1.0,
        1.1,
        1.3,
        1.5,
        1.6,
        1.4,
        1.0,
        0.6,
    ]
)
HOUR_P = HOUR_WEIGHT / HOUR_WEIGHT.sum()
MEAN_EVENTS_PER_SESSION = 6.8
FX_PER_USD = {"USD": 1.0, "GBP": 0.79, "EUR": 0.92, "JPY": 150.0, "CNY": 7.2}
EPOCH_MONDAY_OFFSET = 3  # 1970-01-01 was a Thursday


@dataclass
class Events:
    table: pa.Table
    last_login_at: np.ndarray  # per user, epoch seconds
    lifetime_value_usd: np.ndarray  # per user


def _session_starts(rng, users: Users, u: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Session start times in each user's active span, with weekly and daily cycles in local time."""
    span = users.active_until[u] - users.created_at[u]
    t = users.created_at[u] + (rng.random(len(u)) * span).astype(np.int64)
    for _ in range(4):  # weekly cycle by rejection
        local_day = (t + users.utc_offset[u]) // DAY
        weekday = (local_day + EPOCH_MONDAY_OFFSET) % 7
        reject = rng.random(len(u)) > WEEKDAY_WEIGHT[weekday]
        if not reject.any():
            break
        t[reject] = users.created_at[u[reject]] + (rng.random(int(reject.sum())) * span[reject]).astype(np.int64)
    local = t + users.utc_offset[u]
    hour = rng.choice(24, size=len(u), p=HOUR_P)
    local = (local // DAY) * DAY + hour * 3600 + rng.integers(0, 3600, len(u))
    t = local - users.utc_offset[u]
    t = np.clip(t, users.created_at[u], users.active_until[u])
    t[first] = users.created_at[u[first]]
    return t


def _funnel_counts(rng, s: int, first: np.ndarray, conv: np.ndarray) -> np.ndarray:
    """Events of each type per session (columns in catalog.EVENT_TYPES order, which the project declares)."""
    n = {
        "signup": first.astype(np.int64),
        "login": (~first & (rng.random(s) < 0.35)).astype(np.int64),
        "page_view": rng.geometric(0.3, s),
        "search": (rng.random(s) < 0.35) * rng.geometric(0.55, s),
        "click": rng.poisson(1.5, s),
        "video_play": (rng.random(s) < 0.15) * rng.geometric(0.5, s),
    }
    n["video_complete"] = rng.binomial(n["video_play"], 0.55)
    carted = rng.random(s) < np.clip(0.22 * conv, 0, 0.9)
    n["add_to_cart"] = carted * rng.geometric(0.6, s)
    n["remove_from_cart"] = rng.binomial(n["add_to_cart"], 0.2)
    n["purchase"] = (carted & (rng.random(s) < np.clip(0.42 * conv, 0, 0.95))).astype(np.int64)
    missing = set(catalog.EVENT_TYPES) ^ set(n)
    if missing:
        raise ValueError(f"vars.event_types and the generator's session model differ in {sorted(missing)}")
    return np.stack([n[t] for t in catalog.EVENT_TYPES], axis=1).astype(np.int64)


def _fit_to_total(rng, counts: np.ndarray, first: np.ndarray, target: int) -> np.ndarray:
    """Drop whole non-first sessions, then add page views, so the chunk has exactly `target` events."""
    keep = np.ones(len(counts), dtype=bool)
    total = int(counts.sum())
    if total > target:
        order = np.concatenate([rng.permutation(np.flatnonzero(~first)), rng.permutation(np.flatnonzero(first))])
        running = total - np.cumsum(counts[order].sum(axis=1))
        n_drop = int(np.searchsorted(-running, -target, side="left")) + 1
        n_drop = min(n_drop, len(order) - 1)
        keep[order[:n_drop]] = False
        total = int(counts[keep].sum())
        if total > target:  # only possible when target < one session per user; trim page views
            raise ValueError(f"--events {target} is too few for this many users; ask for more events")
    deficit = target - total
    if deficit:
        extra = rng.multinomial(deficit, np.full(int(keep.sum()), 1 / keep.sum()))
        counts[np.flatnonzero(keep), catalog.EVENT_TYPES.index("page_view")] += extra
    return keep


def generate_events(
    rng, users: Users, n_events: int, first_event_id: int, first_session_id: int, window_end: int
) -> Events:
    n_users = len(users.user_id)
    # heavy-tailed activity: lognormal propensity times tier, scaled by how long the user was active
    span_days = (users.active_until - users.created_at) / DAY
    weight = rng.lognormal(0.0, 1.4, n_users) * np.array([1.0, 1.3, 1.6])[users.tier_idx] * np.sqrt(span_days + 1)
    n_sessions = max(n_users, int(round(n_events / MEAN_EVENTS_PER_SESSION)))
    per_user = 1 + rng.multinomial(n_sessions - n_users, weight / weight.sum())
    u = np.repeat(np.arange(n_users), per_user)
    first = np.zeros(len(u), dtype=bool)
    first[np.concatenate([[0], np.cumsum(per_user)[:-1]])] = True

    # segment: primary device by age, session device mostly the primary one
    old = users.age[u] >= 50
    primary = np.where(old, rng.choice(3, len(u), p=[0.55, 0.30, 0.15]), rng.choice(3, len(u), p=[0.30, 0.62, 0.08]))
    device = np.where(rng.random(len(u)) < 0.8, primary, rng.integers(0, 3, len(u)))
    age_band_f = np.select([users.age[u] < 25, users.age[u] < 45, users.age[u] < 65], [0.7, 1.1, 1.0], 0.8)
    conv = np.array([1.3, 0.75, 1.0])[device] * age_band_f * np.array([1.0, 1.25, 1.5])[users.tier_idx[u]]

    counts = _funnel_counts(rng, len(u), first, conv)
    keep = _fit_to_total(rng, counts, first, n_events)
    u, first, device, counts = u[keep], first[keep], device[keep], counts[keep]
    s = len(u)
    start = _session_starts(rng, users, u, first)

    length = counts.sum(axis=1)
    sess = np.repeat(np.arange(s), length)
    etype = np.repeat(np.tile(np.arange(len(catalog.EVENT_TYPES)), s), counts.ravel())
    n = len(sess)
    gaps = rng.exponential(45.0, n)
    gaps[np.concatenate([[0], np.cumsum(length)[:-1]])] = 0.0
    cum = np.cumsum(gaps)
    session_first_pos = np.concatenate([[0], np.cumsum(length)[:-1]])
    ts = start[sess] + (cum - cum[session_first_pos][sess]).astype(np.int64)
    ts = np.minimum(ts, window_end - 1)
    eu = u[sess]

    # per-session attributes
    ua_device = np.array([x[1] for x in catalog.USER_AGENTS])
    ua_by_device = [np.flatnonzero(ua_device == d) for d in range(3)]
    ua = np.empty(s, dtype=np.int64)
    for d in range(3):
        m = device == d
        ua[m] = rng.choice(ua_by_device[d], int(m.sum()))
    ref = rng.integers(0, len(catalog.REFERRERS), s)
    gpc_session = users.gpc[u] & ((rng.random(s) < 0.9) | first)
    same_ip = rng.random(s) < 0.75
    octet = np.array([PROFILES[i].ip_first_octets[0] for i in range(len(PROFILES))])[users.locale_idx[u]]
    session_ip = where(same_ip, take(users.columns["ip_address"], u), ipv4(rng, octet))

    # per-event content, as dictionary-encoded columns indexed with numpy (no string copies)
    code = {t: i for i, t in enumerate(catalog.EVENT_TYPES)}
    is_purchase = etype == code["purchase"]
    is_search = etype == code["search"]
    is_cart_or_purchase = np.isin(etype, [code["add_to_cart"], code["remove_from_cart"], code["purchase"]])
    is_product_event = is_cart_or_purchase | ((etype == code["page_view"]) & (rng.random(n) < 0.45))
    product = np.full(n, -1)
    product[is_product_event] = catalog.zipf_index(rng, int(is_product_event.sum()), catalog.N_PRODUCTS)
    vocab = catalog.search_vocabulary()
    query = np.full(n, -1)
    query[is_search] = catalog.zipf_index(rng, int(is_search.sum()), len(vocab), 1.3)
    pii_rows, pii_text = _queries_with_pii(rng, is_search, eu, users)
    query[pii_rows] = len(vocab) + np.arange(len(pii_rows))
    queries = pa.concat_arrays([vocab, pii_text])

    pages = catalog.page_urls()
    url = np.where(is_product_event, product, catalog.N_PRODUCTS + rng.integers(0, 20, n))
    url[is_purchase] = len(pages)
    url[is_search] = len(pages) + 1 + query[is_search]
    search_urls = join(catalog.SITE + "/search?q=", pc.replace_substring(queries, " ", "+"))
    urls = pa.concat_arrays([pages, pa.array([catalog.SITE + "/checkout/complete"]), search_urls])

    currencies = np.array([p.currency for p in PROFILES])
    fx = np.array([FX_PER_USD[c] for c in currencies])[users.locale_idx[eu]]
    usd = rng.lognormal(3.6, 0.8, n) * np.array([1.0, 1.3, 1.8])[users.tier_idx[eu]]
    revenue = np.where(is_purchase, np.round(usd * fx, 2), np.nan)
    ltv = np.bincount(eu[is_purchase], weights=usd[is_purchase], minlength=n_users)
    last_login = np.zeros(n_users, dtype=np.int64)
    np.maximum.at(last_login, u, start)
    referrers = np.array(catalog.REFERRERS, dtype=object)

    table = pa.table(
        {
            "event_id": pa.array(first_event_id + np.arange(n, dtype=np.int64)),
            "user_id": pa.array(users.user_id[eu]),
            "session_id": pa.array(first_session_id + sess.astype(np.int64)),
            "event_ts": pa.array(ts * 1_000_000, pa.timestamp("us", tz="UTC")),
            "event_type": _dict(catalog.EVENT_TYPES, etype),
            "page_url": _dict(urls, url),
            "search_query": _dict(queries, query),
            "product_id": _dict(catalog.product_ids(), product),
            "revenue": pa.array(revenue, from_pandas=True),
            "currency": _dict(currencies, np.where(is_purchase, users.locale_idx[eu], -1)),
            "device": _dict(catalog.DEVICES, device[sess]),
            "os": _dict([x[2] for x in catalog.USER_AGENTS], ua[sess]),
            "browser": _dict([x[3] for x in catalog.USER_AGENTS], ua[sess]),
            "user_agent": _dict([x[0] for x in catalog.USER_AGENTS], ua[sess]),
            "referrer": _dict(referrers, ref[sess]),
            "ip_address": _dict(session_ip, sess),
            "country": _dict([p.country for p in PROFILES], users.locale_idx[eu]),
            "gpc": pa.array(gpc_session[sess]),
        }
    )
    return Events(table, last_login, ltv)


def _dict(values, idx: np.ndarray) -> pa.Array:
    """Dictionary-encoded strings from indices into `values`; index -1 or a None value gives null."""
    if isinstance(values, pa.Array):
        return pa.DictionaryArray.from_arrays(pa.array(idx, pa.int32(), mask=idx < 0), values)
    values = list(values)
    present = list(dict.fromkeys(v for v in values if v is not None))
    position = {v: i for i, v in enumerate(present)}
    lookup = np.array([position[v] if v is not None else -1 for v in values], dtype=np.int64)
    codes = np.where(idx < 0, -1, lookup[np.maximum(idx, 0)])
    return pa.DictionaryArray.from_arrays(pa.array(codes, pa.int32(), mask=codes < 0), pa.array(present, pa.string()))


PII_QUERY_TEMPLATES = ("contact {}", "order status {}", "{} password reset", "gift for {}")


def _queries_with_pii(rng, is_search: np.ndarray, eu: np.ndarray, users: Users) -> tuple[np.ndarray, pa.Array]:
    """About 2% of searches contain what a user typed about themselves: e-mail, phone or full name.

    Returns the event rows and their query texts.
    """
    idx = np.flatnonzero(is_search & (rng.random(len(is_search)) < 0.02))
    who = eu[idx]
    kind = rng.integers(0, 3, len(idx))
    name = join(take(users.columns["first_name"], who), " ", take(users.columns["last_name"], who))
    value = pc.if_else(
        pa.array(kind == 0),
        take(users.columns["email"], who),
        pc.if_else(pa.array(kind == 1), take(users.columns["phone"], who), name),
    )
    tmpl = rng.integers(0, len(PII_QUERY_TEMPLATES), len(idx))
    prefix = take(pa.array([t.split("{}")[0] for t in PII_QUERY_TEMPLATES]), tmpl)
    suffix = take(pa.array([t.split("{}")[1] for t in PII_QUERY_TEMPLATES]), tmpl)
    return idx, join(prefix, value, suffix)
