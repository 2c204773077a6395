"""The audit trail: appended by the pipeline, append-only, and verify names the row that was tampered with."""

from __future__ import annotations

import psycopg
import pytest

from veil import audit
from veil.errors import VeilError


@pytest.fixture()
def conn(pg_url):
    """A trail of its own, in a database beside the test database: tampering with it here must not touch the
    trail the pipeline and the other modules write."""
    from conftest import prepare_test_database

    url = pg_url + "_audit"
    prepare_test_database(url)
    with psycopg.connect(url) as c:
        c.execute("drop schema if exists audit cascade")
        c.commit()
        yield c


def test_chain_verifies_and_updates_are_refused(conn):
    for i in range(5):
        audit.record(conn, "export", {"rows": {"dim_users": 100 + i}}, actor="ci")
    assert audit.verify(conn) == (5, [])
    with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
        conn.execute("update audit.trail set action = 'nothing' where seq = 2")
    conn.rollback()


def _bypass_trigger(conn, sql: str) -> None:
    conn.execute("set session_replication_role = replica")  # what a superuser could do
    conn.execute(sql)
    conn.execute("set session_replication_role = origin")
    conn.commit()


def test_an_edited_row_is_named(conn):
    for i in range(4):
        audit.record(conn, "dp_release", {"epsilon": 1.0, "n": i}, actor="ci")
    _bypass_trigger(conn, """update audit.trail set details = '{"epsilon": 0.1, "n": 2}' where seq = 3""")
    checked, breaks = audit.verify(conn)
    assert checked == 4
    assert [(b.seq, "edited" in b.reason) for b in breaks] == [(3, True)]


def test_a_deleted_row_is_named(conn):
    for i in range(4):
        audit.record(conn, "scan", {"columns": i}, actor="ci")
    _bypass_trigger(conn, "delete from audit.trail where seq = 2")
    _, breaks = audit.verify(conn)
    assert {b.seq for b in breaks} == {3} and any("missing" in b.reason for b in breaks)


def test_deleting_the_newest_rows_is_caught_by_a_witnessed_head(conn):
    for i in range(5):
        audit.record(conn, "consent_change", {"n": i}, actor="ci")
    witnessed = audit.head(conn)
    assert witnessed.startswith("5:")
    assert audit.verify(conn, witnessed) == (5, [])
    _bypass_trigger(conn, "delete from audit.trail where seq >= 4")
    assert audit.verify(conn) == (3, [])  # a shorter chain still verifies on its own ...
    _, breaks = audit.verify(conn, witnessed)  # ... but not against the head kept elsewhere
    assert [(b.seq, "deleted" in b.reason) for b in breaks] == [(5, True)]


def test_personal_data_is_refused_in_details(conn):
    with pytest.raises(VeilError, match="personal data") as info:
        audit.record(conn, "access", {"subject": "zoe.obrien@example.com"}, actor="ci")
    assert "zoe" not in str(info.value)


def test_the_ids_veil_makes_pass_the_trails_personal_data_check(conn, monkeypatch):
    """A 12-digit id reads as a phone number; one random hex id in 280 is all digits, which once made a queued
    request's audit record fail (HTTP 500). Drawn from a UUID source that yields such an id first."""
    import uuid

    from veil.ids import new_id

    with pytest.raises(VeilError, match="personal data"):
        audit.record(conn, "privacy_request_filed", {"request_id": "906706699417"}, actor="ci")
    draws = iter([uuid.UUID(int=0x906706699417 << 80), uuid.UUID(int=0x9067066994A7 << 80)])
    monkeypatch.setattr(uuid, "uuid4", lambda: next(draws))
    made = new_id()
    assert made == "9067066994a7"
    assert audit.record(conn, "privacy_request_filed", {"request_id": made}, actor="ci") >= 1


def test_an_api_key_id_passes_the_trails_personal_data_check(conn, monkeypatch):
    """`veil api-key create` records the key's id in the trail: a random hex id that read as a phone number
    failed the command (CI, once)."""
    import uuid

    from veil.api.keys import create_key

    draws = iter([uuid.UUID(int=0x906706699417 << 80), uuid.UUID(int=0x9067066994A7 << 80)])
    monkeypatch.setattr(uuid, "uuid4", lambda: next(draws))
    key, token = create_key(conn, "ci-audit", 1.0)
    assert key.key_id == "9067066994a7" and token.startswith("veil_9067066994a7_")
    assert audit.record(conn, "api_key_created", {"key_id": key.key_id}, actor="ci") >= 1


@pytest.mark.e2e
def test_the_pipeline_writes_its_events(warehouse, pg):
    actions = {r[0] for r in pg.execute("select action from audit.trail").fetchall()}
    assert {"scan", "dbt_invocation", "export"} <= actions
    assert audit.verify(pg)[1] == []


def test_an_erasure_whose_request_id_the_trail_would_refuse_is_refused_before_any_store_is_touched():
    """The erasure's audit entry is written last; a request id it would refuse (here one that reads as a phone
    number) must stop the batch first, not after every store was erased. (No Spark session is given: reaching
    a store would fail otherwise.)"""
    from veil.compliance.erase import erase_many
    from veil.compliance.subjects import Subject

    with pytest.raises(VeilError, match="request_id"):
        erase_many(None, [("a1b2c3d4e5f6", Subject((1,), ())), ("906706699417", Subject((2,), ()))])
