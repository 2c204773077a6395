"""The `spark_thrift` target: the same project built through a Spark Thrift Server (how to run on a cluster).

Starts HiveThriftServer2 from the PySpark wheel on 127.0.0.1 with its own metastore, generates a small dataset
registered through it, runs `dbt build --target spark_thrift` and checks the results through the server.
The build selects what the connection changes: every model that takes a key over it (the staging models, the
consent changes' subject references, the partner extract's recipient pseudonyms), the marts on them and the
quarantine, with their tests (the reconciliation's among them). The aggregates and releases downstream are the
same SQL on the same engine as the session target's.
"""

from __future__ import annotations

import hashlib
import hmac
import re

import pytest

from veil.warehouse.dbt import run_dbt

from conftest import free_port

pytestmark = pytest.mark.e2e
USERS, EVENTS = 400, 12_000
SELECTED = ("+dim_users", "+fct_events", "+rpt_partner_audience", "+quarantine")


@pytest.fixture(scope="module")
def thrift(tmp_path_factory, pg_url, yield_cpu_to_the_shared_warehouse):
    from veil.warehouse.thrift import ThriftSQL, start_local_server

    home = tmp_path_factory.mktemp("thrift-home")
    port = free_port()
    server = start_local_server(home, port)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VEIL_HOME", str(home))
        mp.setenv("VEIL_TARGET", "spark_thrift")
        mp.setenv("VEIL_THRIFT_HOST", "127.0.0.1")
        mp.setenv("VEIL_THRIFT_PORT", str(port))
        try:
            from veil.warehouse.generate import generate

            summary = generate(users=USERS, events=EVENTS, seed=5, workers=1)
            built = run_dbt(["build", "--target", "spark_thrift", "--select", *SELECTED])
            yield {"sql": ThriftSQL(port=port), "built": built, "summary": summary, "home": home}
        finally:
            server.terminate()
            server.wait(timeout=60)


def test_dbt_build_succeeds_through_the_thrift_server(thrift):
    assert thrift["built"], f"dbt build --target spark_thrift failed: see {thrift['home']}/thrift-server.log"
    sql = thrift["sql"].sql
    assert sql("select count(*) from raw.events")[0][0] == EVENTS
    users = sql("select count(*) from marts.dim_users")[0][0]
    assert 0 < users <= USERS
    assert sql("select count(*) from marts.fct_events")[0][0] > 0


def test_pseudonyms_over_thrift_equal_python_hmac(thrift, pseudonym_key):
    sql = thrift["sql"].sql
    user_id = sql("select min(user_id) from raw.users")[0][0]
    expected = hmac.new(pseudonym_key.encode(), str(user_id).encode(), hashlib.sha256).hexdigest()
    assert sql(f"select count(*) from staging.stg_app__users where user_key = '{expected}'")[0][0] == 1


def test_the_partner_extract_over_thrift_carries_the_recipient_pseudonyms(thrift):
    from veil.compliance.subjects import partner_pseudonym

    sql = thrift["sql"].sql
    audience = {r[0] for r in sql("select audience_id from marts.rpt_partner_audience")}
    users = {partner_pseudonym(r[0]) for r in sql("select user_key from marts.dim_users")}
    assert audience and audience <= users


def test_no_email_reaches_the_marts_over_thrift(thrift):
    sql = thrift["sql"].sql
    email = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
    for (table,) in [(r[1],) for r in sql("show tables in marts")]:
        rows = sql(f"select * from marts.{table} limit 2000")
        assert not any(email.search(str(v)) for row in rows for v in row), table


def test_the_key_is_not_in_the_thrift_servers_log_or_metastore(thrift, pseudonym_key):
    needle = pseudonym_key.encode()
    scanned = [p for p in thrift["home"].rglob("*") if p.is_file()]
    assert any(p.name == "thrift-server.log" for p in scanned)
    assert not [p for p in scanned if needle in p.read_bytes()]
