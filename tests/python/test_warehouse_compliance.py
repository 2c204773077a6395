"""Consent changes, CCPA opt-out, access requests, retention and the Art. 30 records, end to end.

It changes the warehouse (`mutable_warehouse`): one module fixture records a consent withdrawal and a CCPA
opt-out, then purges expired events, which rebuilds the models and re-exports PostgreSQL once for everything
checked here.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from veil.compliance.subjects import partner_pseudonym, pseudonym

from conftest import consent_changed

pytestmark = pytest.mark.e2e
RETENTION_DAYS = 400
EXPIRED_DAYS = 10


def _one(spark, sql: str):
    return spark.sql(sql).collect()[0][0]


@pytest.fixture(scope="module")
def changed(spark, mutable_warehouse, pg_url):
    from veil.compliance.consent import record_consent
    from veil.compliance.retention import purge

    # subject A withdraws analytics consent in the middle of their activity (A and B: people no other module
    # changed; an erased one has no events and no audience id)
    taken = consent_changed(spark)
    a_id, a_key = None, None
    for (user_id,) in spark.sql("select user_id from raw.users where user_id is not null order by user_id").collect():
        key = pseudonym(user_id)
        if key in taken:
            continue
        n = _one(spark, f"select count(*) from marts.fct_events where user_key = '{key}'")
        if n >= 40:
            a_id, a_key = user_id, key
            break
    assert a_id, "no user with 40 analytics events"
    times = sorted(
        r[0] for r in spark.sql(f"select event_ts from marts.fct_events where user_key = '{a_key}'").collect()
    )
    withdrawn_at = times[len(times) // 2]
    record_consent(spark, str(a_id), "analytics", "withdrawn", recorded_at=withdrawn_at)

    # subject B, in the partner audience today, opts out of sale/sharing under CCPA
    audience = {r[0] for r in spark.sql("select audience_id from marts.rpt_partner_audience").collect()}
    b_id = next(
        uid
        for (uid,) in spark.sql(
            "select user_id from raw.users where user_id is not null order by user_id desc"
        ).collect()
        if partner_pseudonym(pseudonym(uid)) in audience and pseudonym(uid) not in taken and uid != a_id
    )
    record_consent(spark, str(b_id), "sale_or_share", "withdrawn", source="ccpa_opt_out")

    start = _one(spark, "select min(event_date) from raw.events")
    raw_before = _one(spark, "select count(*) from raw.events")
    expired = _one(spark, f"select count(*) from raw.events where event_date < date'{start}' + {EXPIRED_DAYS}")
    as_of = start + dt.timedelta(days=RETENTION_DAYS + EXPIRED_DAYS)
    report = purge(spark, as_of=as_of)  # rebuilds the models and re-exports PostgreSQL
    return {
        "a": (a_id, a_key, withdrawn_at),
        "b": (b_id, pseudonym(b_id)),
        "report": report,
        "raw_before": raw_before,
        "expired": expired,
        "cutoff": start + dt.timedelta(days=EXPIRED_DAYS),
    }


def test_withdrawn_consent_stops_use_of_later_events_only(spark, changed, pg):
    _, key, withdrawn_at = changed["a"]
    after = _one(
        spark,
        f"select count(*) from marts.fct_events where user_key = '{key}' "
        f"and event_ts >= timestamp'{withdrawn_at.isoformat()}'",
    )
    before = _one(
        spark,
        f"select count(*) from marts.fct_events where user_key = '{key}' "
        f"and event_ts < timestamp'{withdrawn_at.isoformat()}'",
    )
    assert after == 0
    assert before > 0  # earlier, lawfully processed events stay
    pg_after = pg.execute(
        "select count(*) from analytics.fct_events where user_key = %s and event_ts >= %s", (key, withdrawn_at)
    ).fetchone()[0]
    assert pg_after == 0


def test_ccpa_opt_out_removes_the_subject_from_the_partner_audience(spark, changed, pg):
    _, key = changed["b"]
    audience_id = partner_pseudonym(key)
    assert _one(spark, f"select count(*) from marts.rpt_partner_audience where audience_id = '{audience_id}'") == 0
    assert (
        pg.execute(
            "select count(*) from analytics.rpt_partner_audience where audience_id = %s", (audience_id,)
        ).fetchone()[0]
        == 0
    )
    assert _one(spark, f"select count(*) from marts.dim_users where user_key = '{key}'") == 1  # still a user


def test_retention_purge_leaves_no_expired_row_in_any_store(spark, changed, pg):
    report, cutoff = changed["report"], changed["cutoff"]
    assert report.all_zero, [s for s in report.stores if s.remaining]
    removed = report.removed_by_store()
    assert removed["spark:raw.events"] == changed["expired"] > 0
    assert changed["raw_before"] - changed["expired"] == _one(spark, "select count(*) from raw.events")
    assert "spark:marts.fct_events" in removed and "postgresql:analytics.fct_events" in removed
    assert _one(spark, "select min(event_date) from marts.fct_events") >= cutoff
    assert pg.execute("select min(event_date) from analytics.fct_events").fetchone()[0] >= cutoff


def test_access_package_holds_the_subjects_events_and_consents_and_nobody_elses(spark, changed, tmp_path):
    from veil.compliance.access import access

    user_id, key, _ = changed["a"]
    summary = access(spark, str(user_id), out_dir=tmp_path)
    folder = summary.folder
    package = json.loads((folder / "package.json").read_text())
    data = package["data"]
    assert len(data["spark:raw.events"]) == _one(spark, f"select count(*) from raw.events where user_id = {user_id}")
    assert len(data["spark:raw.consents"]) == _one(
        spark, f"select count(*) from raw.consents where user_id = {user_id}"
    )
    assert len(data["spark:compliance.consent_changes"]) == 1  # the withdrawal recorded above
    assert data["spark:raw.users"][0]["email"] and len(data["spark:raw.users"]) == 1
    assert {
        "spark:marts.fct_events",
        "spark:marts.dim_users",
        "postgresql:analytics.fct_events",
        "postgresql:analytics.dim_users",
        "postgresql:audit.trail",
    } <= set(data)
    for store, rows in data.items():
        if store.endswith("(free text)"):  # other people's rows holding the subject's e-mail: reported, not theirs
            continue
        for row in rows:
            if "user_id" in row:
                assert row["user_id"] == user_id, store
            if "user_key" in row:
                assert row["user_key"] == key, store
    assert (folder / "spark__raw.events.csv").read_text().count("\n") == len(data["spark:raw.events"]) + 1
    context = package["about_the_processing"]
    assert {p["purpose"] for p in context["purposes"]} >= {"analytics", "sale_or_share", "service_delivery"}
    assert "email" in context["categories_of_personal_data"]
    assert "advertising partner" in context["recipients"]
    assert context["retention"]["raw.events"] == "400 days"
    assert summary.rows["spark:raw.events"] > 0 and "@" not in json.dumps(summary.rows) + "".join(summary.subject_refs)


def test_compliance_actions_are_in_the_audit_trail_without_personal_data(changed, pg):
    actions = [r[0] for r in pg.execute("select action from audit.trail order by seq").fetchall()]
    assert {"consent_change", "retention_purge", "access_request"} <= set(actions)
    details = " ".join(r[0] for r in pg.execute("select details::text from audit.trail").fetchall())
    assert "@" not in details


def test_records_of_processing_come_from_the_yaml(spark, changed):
    rows = {r.relation_name: r for r in spark.sql("select * from privacy.records_of_processing").collect()}
    partner = rows["marts.rpt_partner_audience"]
    assert (partner.purpose, partner.legal_basis, partner.is_shared_with_third_parties) == (
        "sale_or_share",
        "consent",
        True,
    )
    assert "advertising partner" in partner.recipients
    assert rows["raw.events"].retention == "400 days" and rows["raw.users"].legal_basis == "contract"
    assert "email" in rows["raw.users"].personal_data_categories
    from veil.warehouse.project import exported_models

    assert {f"marts.{n['name']}" for n in exported_models() if n["schema"] == "marts"} <= set(rows)
