"""The released tables measured against the population, not against their own filters.

A linkage attack from the raw users table: an attacker who knows a person's date of birth, city, signup date
and gender generalizes the whole population the way the release says it did (its `generalization` column)
and counts, for every released row, how many real users share its quasi-identifiers. That count — computed
here in Python from the raw Parquet, independently of the dbt macros — is the k the release really gives.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import Counter

import pyarrow.dataset as ds
import pytest
import yaml

from veil.compliance.subjects import pseudonym
from veil.settings import settings
from veil.warehouse.project import project_vars

from conftest import ROOT

pytestmark = pytest.mark.e2e

ATTACKER_KNOWS = {
    "age_group": "date_of_birth",
    "geography": "city",
    "signup_period": "created_at",
    "gender": "gender",
    "tier": "tier",
    "age_band": "date_of_birth",
    "country": "country",
}
"""Released columns an outsider can link from public or leaked profile data (reviewed: a subscription tier
shows on a public profile; activity and spend bands come from our own logs and are not assumed known)."""


def _continents() -> dict[str, str]:
    import csv

    with open(ROOT / "seeds" / "country_continents.csv") as f:
        return {r["country"]: r["continent"] for r in csv.DictReader(f)}


def _age(dob: dt.date, today: dt.date) -> int:
    return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))


def _generalize(user: dict, levels: dict[str, str], continents: dict[str, str], today: dt.date) -> tuple:
    age = _age(user["date_of_birth"], today)
    a = levels["age"]
    if a == "exact":
        age_group = str(age)
    elif a == "any":
        age_group = "*"
    else:
        w = int(a.split("_")[0])
        age_group = f"{age // w * w}-{age // w * w + w - 1}"
    g = levels["geography"]
    geography = {
        "city": f"{user['country']}/{user['region']}/{user['city']}",
        "region": f"{user['country']}/{user['region']}",
        "country": user["country"],
        "continent": continents.get(user["country"], "Other"),
        "any": "*",
    }[g]
    day = user["created_at"].date()
    s = levels["signup_date"]
    signup = {
        "day": day.isoformat(),
        "week": (day - dt.timedelta(days=day.weekday())).isoformat(),
        "month": day.replace(day=1).isoformat(),
        "any": "*",
    }[s]
    gender = user["gender"] if levels["gender"] == "exact" else "*"
    return age_group, geography, signup, gender


def _released_users(spark, home) -> list[dict]:
    """Valid, not erased users of the raw files (the release's population), with their attributes."""
    table = ds.dataset(home / "warehouse" / "raw" / "users", format="parquet").to_table(
        columns=["user_id", "date_of_birth", "city", "region", "country", "gender", "created_at"]
    )
    valid = {r[0] for r in spark.sql("select user_key from intermediate.int_users_release_base").collect()}
    return [u for u in table.to_pylist() if u["user_id"] is not None and pseudonym(u["user_id"]) in valid]


def test_every_released_row_shares_its_quasi_identifiers_with_at_least_k_real_users(spark, warehouse, home):
    released = spark.sql(
        "select age_group, geography, signup_period, gender, generalization from marts.rpt_users_k_anonymous"
    ).collect()
    assert released
    levels = dict(part.split("=") for part in released[0]["generalization"].split(";"))
    today = settings().current_date()  # the build's reference date (VEIL_TODAY in the tests)
    continents = _continents()
    population = Counter(_generalize(u, levels, continents, today) for u in _released_users(spark, home))
    k = project_vars()["k_anonymity"]
    classes = Counter((r.age_group, r.geography, r.signup_period, r.gender) for r in released)
    too_small = {c: population[c] for c in classes if population[c] < k}
    assert not too_small, f"{len(too_small)} released classes match fewer than k={k} real users"
    # and the release holds exactly the population's users of each released class (none invented or doubled)
    assert all(population[c] == n for c, n in classes.items())
    suppressed = sum(n for c, n in population.items() if c not in classes)
    assert suppressed / sum(population.values()) <= project_vars()["max_suppression"]


def test_the_release_uses_the_least_generalized_node_a_brute_force_search_finds(spark, warehouse, home):
    """Every node of the lattice evaluated here in Python over the population (k, entropy l-diversity in
    spend_band, the suppression cap): the release's levels and information loss are those of the allowed node
    with the least loss (then the fewest suppressed, then the first in the lattice's order)."""
    hierarchies = project_vars()["generalization_hierarchies"]
    k, l_value = project_vars()["k_anonymity"], project_vars()["l_diversity"]
    cap = project_vars()["max_suppression"]
    bands = dict(spark.sql("select user_key, spend_band from intermediate.int_users_release_base").collect())
    users = [(u, bands[pseudonym(u["user_id"])]) for u in _released_users(spark, home)]
    today, continents = settings().current_date(), _continents()
    best = None
    for node in itertools.product(*(range(len(levels)) for levels in hierarchies.values())):
        levels = {name: hierarchies[name][i] for name, i in zip(hierarchies, node, strict=True)}
        classes: dict[tuple, Counter] = {}
        for user, band in users:
            classes.setdefault(_generalize(user, levels, continents, today), Counter())[band] += 1
        suppressed = sum(
            n
            for values in classes.values()
            if (n := sum(values.values())) < k
            or -sum(v / n * math.log(v / n) for v in values.values()) < math.log(l_value) - 1e-9
        )
        loss = sum(i / (len(hierarchies[name]) - 1) for name, i in zip(hierarchies, node, strict=True)) / len(node)
        if suppressed / len(users) <= cap and (best is None or (loss, suppressed) < best[:2]):
            best = (loss, suppressed, levels)
    assert best is not None
    released = spark.sql("select generalization, information_loss from marts.rpt_users_k_anonymous limit 1").collect()
    assert dict(part.split("=") for part in released[0]["generalization"].split(";")) == best[2]
    assert released[0]["information_loss"] == pytest.approx(round(best[0], 4))


def test_released_classes_are_entropy_l_diverse_in_the_sensitive_column(spark, warehouse):
    rows = spark.sql(
        "select age_group, geography, signup_period, gender, spend_band from marts.rpt_users_k_anonymous"
    ).collect()
    by_class: dict[tuple, Counter] = {}
    for r in rows:
        by_class.setdefault(tuple(r[:4]), Counter())[r.spend_band] += 1
    l_value = project_vars()["l_diversity"]
    for cls, values in by_class.items():
        n = sum(values.values())
        entropy = -sum(v / n * math.log(v / n) for v in values.values())
        assert entropy >= math.log(l_value) - 1e-9, (cls, dict(values))


def _release_models() -> list[tuple[str, dict]]:
    out = []
    for path in (ROOT / "models" / "marts" / "releases").glob("_*__models.yml"):
        for model in yaml.safe_load(path.read_text())["models"]:
            out.append((model["name"], model))
    return out


def test_every_column_of_a_released_table_has_a_reviewed_release_role():
    roles = {"quasi_identifier", "sensitive", "pseudonym", "descriptor"}
    for name, model in _release_models():
        for column in model["columns"]:
            role = column["config"]["meta"].get("release_role")
            assert role in roles, (name, column["name"])
            if column["name"] in ATTACKER_KNOWS:
                assert role == "quasi_identifier", (name, column["name"])
        declared_qi = [c["name"] for c in model["columns"] if c["config"]["meta"]["release_role"] == "quasi_identifier"]
        tested = [
            t["veil.k_anonymity"]["arguments"]["quasi_identifiers"]
            for t in model.get("data_tests", [])
            if isinstance(t, dict) and "veil.k_anonymity" in t
        ]
        assert tested == [declared_qi], (name, tested, declared_qi)
