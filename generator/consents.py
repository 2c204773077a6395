"""Consent history per user and purpose, Global Privacy Control and CCPA opt-outs."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from generator.columns import take
from generator.locales import PROFILES
from generator.users import Users

PURPOSES = ("analytics", "marketing", "personalization", "sale_or_share")
# probability of granting each purpose at signup, outside / inside the EU (opt-in regimes grant less)
GRANT_P = np.array([[0.85, 0.50, 0.65, 0.55], [0.72, 0.33, 0.52, 0.30]])
SOURCES = ("signup", "preference_center", "gpc", "ccpa_opt_out")


def generate_consents(rng: np.random.Generator, users: Users, first_consent_id: int) -> pa.Table:
    n = len(users.user_id)
    eu = np.array([p.is_eu for p in PROFILES])[users.locale_idx].astype(int)
    span = users.active_until - users.created_at
    uid, purpose, granted, source, ts = [], [], [], [], []

    def add(mask_users, p, g, src, t):
        uid.append(np.flatnonzero(mask_users))
        purpose.append(np.full(int(mask_users.sum()), p))
        granted.append(np.broadcast_to(g, (int(mask_users.sum()),)).copy())
        source.append(np.full(int(mask_users.sum()), src))
        ts.append(t)

    for p in range(len(PURPOSES)):
        g0 = rng.random(n) < GRANT_P[eu, p]
        add(np.ones(n, bool), p, g0, 0, users.created_at.copy())
        flip1 = rng.random(n) < 0.15
        t1 = users.created_at + (rng.random(n) * span * 0.6).astype(np.int64)
        add(flip1, p, ~g0[flip1], 1, t1[flip1])
        flip2 = flip1 & (rng.random(n) < 0.3)
        t2 = t1 + (rng.random(n) * (users.active_until - t1)).astype(np.int64)
        add(flip2, p, g0[flip2], 1, t2[flip2])

    sale = PURPOSES.index("sale_or_share")
    add(users.gpc, sale, False, 2, users.created_at[users.gpc])  # GPC honoured from the first session
    california = pc.equal(users.columns["region"], "California").to_numpy(zero_copy_only=False)
    opt_out = np.asarray(california, dtype=bool) & (rng.random(n) < 0.12)
    t_opt = users.created_at + (rng.random(n) * span).astype(np.int64)
    add(opt_out, sale, False, 3, t_opt[opt_out])

    ui = np.concatenate(uid)
    t = np.concatenate(ts)
    order = np.lexsort((t, ui))
    ui, t = ui[order], t[order]
    status = np.where(np.concatenate(granted)[order], 1, 0)
    return pa.table(
        {
            "consent_id": pa.array(first_consent_id + np.arange(len(ui), dtype=np.int64)),
            "user_id": pa.array(users.user_id[ui]),
            "purpose": take(pa.array(PURPOSES), np.concatenate(purpose)[order]),
            "status": take(pa.array(["withdrawn", "granted"]), status),
            "source": take(pa.array(SOURCES), np.concatenate(source)[order]),
            "recorded_at": pa.array(t * 1_000_000, pa.timestamp("us", tz="UTC")),
        }
    )
