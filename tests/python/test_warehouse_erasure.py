"""Right to be forgotten, end to end. It changes the warehouse (`mutable_warehouse`)."""

from __future__ import annotations

import pytest

from veil.compliance.erase import erase
from veil.compliance.subjects import pseudonym

from conftest import E2E_DIRTY_RATE, E2E_EVENTS, E2E_SEED, E2E_USERS

pytestmark = pytest.mark.e2e


def _subject(spark) -> tuple[int, str, str]:
    """A clean user with events and consents and no quarantined row."""
    keys = {r[0] for r in spark.sql("select distinct user_key from marts.fct_events").collect()}
    dirty = {r[0] for r in spark.sql("select distinct user_key from privacy.quarantine").collect()}
    for user_id, email in spark.sql("select user_id, email from raw.users order by user_id limit 200").collect():
        key = pseudonym(user_id)
        if key in keys and key not in dirty:
            return user_id, email, key
    raise AssertionError("no suitable subject")


def _holdings(spark, pg, user_id: int, email: str, key: str) -> dict[str, int]:
    found = {}
    for schema in ("raw", "staging", "intermediate", "marts", "privacy", "history", "compliance"):
        for t in spark.catalog.listTables(schema):
            if t.isTemporary or t.name == "erasure_ledger":
                continue
            relation = f"{schema}.{t.name}"
            df = spark.table(relation)
            conds = [f"user_id = {user_id}"] if "user_id" in df.columns else []
            conds += [f"`{c}` = '{key}'" for c in ("user_key", "record_id") if c in df.columns]
            conds += [
                f"`{f.name}` = '{email}'"
                for f in df.schema.fields
                if f.dataType.simpleString() == "string"
                and f.name not in ("user_key", "record_id")
                and "'" not in email
            ]
            if conds:
                n = spark.sql(f"select count(*) from {relation} where {' or '.join(conds)}").collect()[0][0]
                if n:
                    found[relation] = n
    from veil.compliance.holdings import POSTGRES_KEEP
    from veil.compliance.subjects import partner_pseudonym

    for schema, table, column in pg.execute(
        "select table_schema, table_name, column_name from information_schema.columns "
        "where column_name in ('user_id', 'user_key', 'audience_id') and table_schema <> all(%s) "
        "and table_name <> 'erasure_ledger'",
        (list(POSTGRES_KEEP),),
    ).fetchall():
        value = {"user_id": user_id, "user_key": key, "audience_id": partner_pseudonym(key)}[column]
        n = pg.execute(f'select count(*) from {schema}."{table}" where "{column}" = %s', (value,)).fetchone()[0]
        if n:
            found[f"postgresql:{schema}.{table}"] = found.get(f"postgresql:{schema}.{table}", 0) + n
    pg.commit()  # end the read transaction: an open one would block the eraser's table swaps
    return found


def test_erasure_removes_the_subject_everywhere_and_a_reload_does_not_bring_them_back(spark, mutable_warehouse, pg):
    from veil.warehouse.dbt import run_dbt
    from veil.warehouse.export import export_marts
    from veil.warehouse.generate import generate

    user_id, email, key = _subject(spark)
    before = _holdings(spark, pg, user_id, email, key)
    assert {"raw.users", "raw.events", "marts.dim_users", "marts.fct_events", "postgresql:analytics.fct_events"} <= set(
        before
    )

    receipt = erase(spark, email)
    assert receipt.all_zero, [s for s in receipt.stores if s.remaining]
    removed = receipt.removed_by_store()
    assert removed["spark:raw.events"] == before["raw.events"] > 0
    assert removed["spark:history.users_history_log"] >= 1
    assert email not in str(receipt.to_dict())
    assert _holdings(spark, pg, user_id, email, key) == {}

    # reload the raw data that still contains the subject, rebuild, re-export
    generate(users=E2E_USERS, events=E2E_EVENTS, seed=E2E_SEED, workers=1, dirty_rate=E2E_DIRTY_RATE, spark=spark)
    assert spark.sql(f"select count(*) from raw.users where user_id = {user_id}").collect()[0][0] == 1
    assert run_dbt(["build"], spark=spark)  # includes raw = clean + quarantined + erased
    export_marts(spark)
    left = _holdings(spark, pg, user_id, email, key)
    assert set(left) == {"raw.users", "raw.consents", "raw.events"}, left
