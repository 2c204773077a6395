"""Privacy operations over HTTP: a real `veil serve` files consent decisions and access / erasure / opt-out
requests; the worker (veil.compliance.worker, in this process: it needs the session's warehouse) runs them
against the real Spark warehouse and PostgreSQL. It changes the warehouse (`mutable_warehouse`)."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
import zipfile

import pytest

from conftest import ROOT, consent_changed, veil_server

pytestmark = pytest.mark.e2e


def _key(analyst: str, privacy: bool) -> str:
    args = ["--privacy"] if privacy else ["--budget", "5"]
    out = subprocess.run(
        [sys.executable, "-m", "veil.cli", "api-key", "create", "--analyst", analyst, *args],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return out.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def api(mutable_warehouse, pg_url):
    import httpx
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:  # a queue of this test session only
        conn.execute("drop schema if exists privacy_ops cascade")
    with veil_server(pg_url) as base:
        ops = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {_key('privacy-team', True)}"})
        analytics = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {_key('ana', False)}"})
        yield {"base": base, "ops": ops, "analytics": analytics, "responses": []}


@pytest.fixture(scope="module")
def subjects(spark, mutable_warehouse):
    """Three clean users with events in the marts (analytics consent), by e-mail, whom no other module
    changed: one for consent, one for access, one for erasure."""
    from veil.compliance.subjects import pseudonym

    taken = consent_changed(spark)
    analysed = {r[0] for r in spark.sql("select user_key from marts.fct_events group by user_key having count(*) >= 4")
                .collect()}  # fmt: skip
    rows = spark.sql("""select u.user_id, u.email from raw.users as u
        where u.email rlike '^[a-z0-9._-]+@[a-z0-9.-]+$'
          and (select count(*) from raw.users as o where lower(o.email) = lower(u.email)) = 1
          and (select count(*) from raw.events as e where e.user_id = u.user_id) >= 20
        order by u.user_id limit 100""").collect()
    rows = [r for r in rows if pseudonym(r.user_id) in analysed and pseudonym(r.user_id) not in taken][:3]
    assert len(rows) == 3
    return [(r.user_id, r.email) for r in rows]


def _run_queue(spark, pg_url) -> list:
    import psycopg

    from veil.compliance.worker import run_next

    ended = []
    with psycopg.connect(pg_url, autocommit=True) as conn:
        while requests := run_next(spark, conn):
            ended += requests
    return ended


def _keep(api, response):
    api["responses"].append(response.text)
    return response


def test_privacy_routes_take_privacy_keys_only_and_analytics_routes_refuse_them(api):
    import httpx

    assert httpx.get(f"{api['base']}/api/v1/privacy/requests").status_code == 401
    refused = api["analytics"].get("/api/v1/privacy/requests")
    assert refused.status_code == 403 and "privacy-operations key" in refused.json()["message"]
    assert api["ops"].post("/api/v1/query", json={"metrics": ["active_users"]}).status_code == 403
    assert api["ops"].get("/api/v1/privacy/requests").status_code == 200
    paths = httpx.get(f"{api['base']}/openapi.json").json()["paths"]
    assert {"/api/v1/privacy/consent", "/api/v1/privacy/requests", "/api/v1/privacy/requests/{request_id}"} <= set(
        paths
    )


def test_erasures_queued_one_after_another_are_claimed_together_up_to_a_request_of_another_kind(api, pg_url):
    import psycopg

    from veil.compliance.requests import file_request
    from veil.compliance.worker import _claim

    with psycopg.connect(pg_url, autocommit=True) as conn:
        kinds = ("erasure", "erasure", "access", "erasure")
        filed = [file_request(conn, kind, "1", "claim-test")[0].request_id for kind in kinds]
        try:
            assert [c[0] for c in _claim(conn)] == filed[:2]  # the access request keeps its place in the order
            conn.execute("update privacy_ops.requests set status = 'done' where request_id = any(%s)", (filed[:2],))
            assert [c[0] for c in _claim(conn)] == filed[2:3]
        finally:
            conn.execute("delete from privacy_ops.requests where filed_by = 'claim-test'")


def test_a_consent_withdrawal_over_http_stops_the_use_of_later_events(spark, api, subjects, pg_url, pg, home):
    from veil.compliance.subjects import pseudonym, subject_ref

    user_id, email = subjects[0]
    key = pseudonym(user_id)
    times = sorted(r[0] for r in spark.sql(f"select event_ts from marts.fct_events where user_key = '{key}'").collect())
    assert len(times) >= 4
    cut = times[len(times) // 2] - dt.timedelta(microseconds=1)  # withdrawn just before the middle event
    decision = {"id": "banner-1", "subject": {"email": email.upper()}, "purpose": "analytics",
                "status": "withdrawn", "recorded_at": cut.isoformat() + "+00:00", "apply": True}  # fmt: skip
    first = _keep(api, api["ops"].post("/api/v1/privacy/consent", json=decision, headers={"Sec-GPC": "1"}))
    assert first.status_code == 202, first.text
    filed = first.json()["results"]
    assert [r["type"] for r in filed] == ["consent", "opt_out"]  # the GPC header counts as an opt-out
    again = _keep(api, api["ops"].post("/api/v1/privacy/consent", json=decision))
    assert again.json()["duplicate"] and again.json()["request_id"] == filed[0]["request_id"]  # idempotent by id
    # bulk: NDJSON, a bad line rejected with its reason while the good ones are filed
    lines = [json.dumps({"subject": {"user_id": str(subjects[1][0])}, "purpose": "marketing", "status": "granted"}),
             '{"subject": {"user_id": "12"}, "purpose": "marketing"', ""]  # fmt: skip
    bulk = _keep(api, api["ops"].post("/api/v1/privacy/consent", content="\n".join(lines),
                                      headers={"Content-Type": "application/x-ndjson"}))  # fmt: skip
    assert bulk.status_code == 202 and bulk.json()["accepted"] == 1 and bulk.json()["rejected"] == 1
    assert bulk.json()["results"][1]["line"] == 2 and bulk.json()["results"][1]["rejected"]

    ended = _run_queue(spark, pg_url)
    assert [r.status for r in ended] == ["done", "done", "done"], [r.error for r in ended]
    assert ended[0].result["subject_refs"] == [subject_ref(user_id)] and ended[0].result["applied"]
    gpc = spark.sql(f"select source, purpose, status from compliance.consent_changes where user_key = '{key}'")
    assert {tuple(r) for r in gpc.collect()} == {("preference_center", "analytics", "withdrawn"),
                                                  ("gpc", "sale_or_share", "withdrawn")}  # fmt: skip
    after = [r[0] for r in spark.sql(f"select event_ts from marts.fct_events where user_key = '{key}'").collect()]
    assert after and max(after) < cut and len(after) < len(times)  # earlier events stay, later ones are not used
    exported = pg.execute("select max(event_ts) from analytics.fct_events where user_key = %s", (key,)).fetchone()[0]
    assert exported is not None and exported < cut.replace(tzinfo=dt.UTC)
    # applying it built what the consent ledger reaches, not the staging or validation of the events
    built = {
        r["unique_id"].split(".")[-1] for r in json.loads((home / "target" / "run_results.json").read_text())["results"]
    }
    assert {"int_events_consented", "fct_events"} <= built and not built & {"stg_app__events", "int_events_validated"}
    status = _keep(api, api["ops"].get(f"/api/v1/privacy/requests/{filed[0]['request_id']}")).json()
    assert status["status"] == "done" and status["finished_at"] and status["days_left"] == 30


def test_an_access_package_downloads_once_to_the_privacy_role_and_never_after_expiry(spark, api, subjects, pg_url):
    import psycopg

    _, email = subjects[1]
    body = {"type": "access", "subject": {"email": email}, "regime": "ccpa"}
    filed = _keep(api, api["ops"].post("/api/v1/privacy/requests", json=body))
    assert filed.status_code == 202 and filed.json()["status"] == "received" and filed.json()["days_left"] == 45
    request_id = filed.json()["request_id"]
    assert _keep(api, api["ops"].get(f"/api/v1/privacy/requests/{request_id}/package")).status_code == 409
    (ended,) = _run_queue(spark, pg_url)
    assert ended.status == "done" and ended.result["rows"] > 0
    status = _keep(api, api["ops"].get(f"/api/v1/privacy/requests/{request_id}")).json()
    href = status["package"]["href"]
    assert api["analytics"].get(href).status_code == 403
    got = api["ops"].get(href)
    assert got.status_code == 200 and got.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(got.content)) as archive:
        package = json.loads(archive.read("package.json"))
    assert package["request_id"] == request_id and package["data"]
    assert api["ops"].get(href).status_code == 410  # once
    # a second request whose package has expired: refused to everyone
    again = api["ops"].post("/api/v1/privacy/requests", json={"type": "access", "subject": {"email": email}})
    _run_queue(spark, pg_url)
    with psycopg.connect(pg_url) as conn:
        past = (dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)).isoformat()
        conn.execute(
            "update privacy_ops.requests set result = jsonb_set(result, '{package_expires_at}', to_jsonb(%s::text)) "
            "where request_id = %s",
            (past, again.json()["request_id"]),
        )
    expired = api["ops"].get(f"/api/v1/privacy/requests/{again.json()['request_id']}/package")
    assert expired.status_code == 410 and expired.json()["error"] == "expired"


def _values_anywhere(home, pg, values: set[str], user_ids: set[int]) -> dict[str, int]:
    """Every string column of every Parquet file under the warehouse and every text column of every PostgreSQL
    table holding one of the values exactly, and every raw user_id column holding one of the ids — found apart
    from the code under test (no match columns, no catalog). The erasure ledger, the audit trail and the budget
    ledger are records of what was done and are skipped."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    found: dict[str, int] = {}
    wanted, ids = pa.array(sorted(values)), pa.array(sorted(user_ids), pa.int64())
    for path in sorted((home / "warehouse").rglob("*.parquet")):
        if "erasure_ledger" in str(path):
            continue
        table = pq.read_table(path)
        for name in table.column_names:
            column = table.column(name)
            if pa.types.is_dictionary(column.type):
                column = pc.cast(column, pa.string())
            if pa.types.is_string(column.type):
                hits = pc.sum(pc.is_in(column, wanted)).as_py()
            elif name == "user_id" and pa.types.is_integer(column.type):
                hits = pc.sum(pc.is_in(pc.cast(column, pa.int64()), ids)).as_py()
            else:
                continue
            if hits:
                found[f"{path.relative_to(home)}:{name}"] = hits
    for schema, table, column in pg.execute("""select table_schema, table_name, column_name
        from information_schema.columns join information_schema.tables using (table_schema, table_name)
        where data_type in ('text', 'character varying', 'bigint') and table_type = 'BASE TABLE'
          and table_schema not in ('pg_catalog', 'information_schema', 'audit', 'privacy_budget')
          and table_name <> 'erasure_ledger'""").fetchall():
        n = pg.execute(
            f'select count(*) from {schema}."{table}" where "{column}"::text = any(%s)',
            ([str(u) for u in user_ids] if column == "user_id" else sorted(values),),
        ).fetchone()[0]
        if n:
            found[f"postgresql:{schema}.{table}.{column}"] = n
    pg.commit()
    return found


def test_a_hundred_queued_erasures_end_in_order_one_receipt_each_and_an_interrupted_one_resumes(
    spark, api, subjects, pg_url, pg, home
):
    import psycopg
    from test_warehouse_erasure import _holdings

    from veil.compliance import worker
    from veil.compliance.subjects import partner_pseudonym, pseudonym, subject_ref

    user_id, email = subjects[2]
    key = pseudonym(user_id)
    assert _holdings(spark, pg, user_id, email, key)
    body = {"id": "dsr-7", "type": "erasure", "subject": {"email": email}}
    filed = _keep(api, api["ops"].post("/api/v1/privacy/requests", json=body))
    request_id = filed.json()["request_id"]
    # a worker that claims the request, resolves its subject and dies before running it (as a kill would
    # leave it): the request stays `running`, and the next worker resumes it
    with psycopg.connect(pg_url, autocommit=True) as conn:
        (claimed,) = worker._claim(conn)
        assert claimed[0] == request_id
        worker._resolve(conn, request_id, claimed[2], claimed[3])
    assert _keep(api, api["ops"].get(f"/api/v1/privacy/requests/{request_id}")).json()["status"] == "running"

    # 99 more erasures queued behind it, by user_id: people with a profile in the marts
    profiled = {r[0] for r in spark.sql("select user_key from marts.dim_users").collect()}
    raw_ids = sorted(r[0] for r in spark.sql("select distinct user_id from raw.users where user_id > 0").collect())
    taken = {u for u, _ in subjects}
    others = [u for u in raw_ids if u not in taken and pseudonym(u) in profiled][:99]
    assert len(others) == 99
    ids = [request_id]
    for u in others:
        queued = api["ops"].post("/api/v1/privacy/requests", json={"type": "erasure", "subject": {"user_id": str(u)}})
        assert queued.status_code == 202, queued.text
        ids.append(queued.json()["request_id"])

    ended = _run_queue(spark, pg_url)
    assert [r.request_id for r in ended] == ids  # in the order received
    assert all(r.status == "done" for r in ended), {r.error for r in ended}
    assert [r.attempts for r in ended] == [2] + [1] * 99  # the interrupted one resumed
    finished = [r.finished_at for r in ended]
    assert finished == sorted(finished) and len(set(finished)) == 100
    for request, u in zip(ended, [user_id, *others], strict=True):  # one receipt each, about its own subject
        receipt = request.result["receipt"]
        assert receipt["request_id"] == request.request_id and receipt["subject_refs"] == [subject_ref(u)]
        assert receipt["all_zero"] and receipt["rows_removed"] > 0 and receipt["batch_size"] == 100
        assert (home / "receipts" / f"erasure-{request.request_id}.json").is_file()
    assert _holdings(spark, pg, user_id, email, key) == {}  # checked apart from the receipts
    keys = {pseudonym(u) for u in [user_id, *others]}
    assert _values_anywhere(home, pg, keys | {partner_pseudonym(k) for k in keys}, {user_id, *others}) == {}
    with psycopg.connect(pg_url) as conn:  # the raw identifier left the queue with the request
        assert conn.execute("select subject, accounts from privacy_ops.requests where request_id = %s",
                            (request_id,)).fetchone() == (None, None)  # fmt: skip

    # a request interrupted too often ends `failed`, with the reason; an unknown subject fails with its own
    lost = api["ops"].post("/api/v1/privacy/requests", json={"type": "erasure", "subject": {"user_id": "99999999"}})
    (failed,) = _run_queue(spark, pg_url)
    assert failed.status == "failed" and "no account" in failed.error
    stuck = api["ops"].post("/api/v1/privacy/requests", json={"type": "access", "subject": {"email": email}})
    with psycopg.connect(pg_url) as conn:
        conn.execute("update privacy_ops.requests set status = 'running', attempts = 3 where request_id = %s",
                     (stuck.json()["request_id"],))  # fmt: skip
    (gave_up,) = _run_queue(spark, pg_url)
    assert gave_up.status == "failed" and "interrupted 3 times" in gave_up.error
    assert lost.json()["request_id"] != stuck.json()["request_id"]

    # no identifier from a request body in a response, the server's output, the audit trail, logs or target/
    needles = [e.lower() for _, e in subjects] + [str(u) for u, _ in subjects]
    texts = [t.lower() for t in api["responses"]]
    texts += [p.read_text().lower() for p in (home / "artifacts").glob("serve-*.log")]
    texts += [r[0].lower() for r in pg.execute("select details::text from audit.trail").fetchall()]
    pg.commit()
    for folder in ("logs", "target"):
        texts += [p.read_bytes().decode("utf-8", "replace").lower() for p in (home / folder).rglob("*") if p.is_file()]
    for needle in needles[:3]:  # e-mail addresses: anywhere in the text
        assert not any(needle in t for t in texts), needle
    for needle in needles[3:]:  # user ids: as a JSON value
        assert not any(f'"{needle}"' in t for t in texts[: len(api["responses"])]), needle


def test_overdue_requests_are_listed_and_flagged_on_the_dashboards_privacy_page(api, subjects, pg_url):
    import httpx
    import psycopg

    body = {"type": "access", "subject": {"email": subjects[0][1]}}
    request_id = _keep(api, api["ops"].post("/api/v1/privacy/requests", json=body)).json()["request_id"]
    with psycopg.connect(pg_url) as conn:  # filed 40 days ago, as the queue would hold it if no worker ran
        conn.execute(
            "update privacy_ops.requests set due_by = %s where request_id = %s",
            (dt.date.fromisoformat("2026-12-01") - dt.timedelta(days=10), request_id),
        )
    overdue = _keep(api, api["ops"].get("/api/v1/privacy/requests", params={"overdue": "true"})).json()
    assert [r["request_id"] for r in overdue["requests"]] == [request_id]
    assert overdue["requests"][0]["overdue"] and overdue["requests"][0]["days_left"] == -10
    page = httpx.get(f"{api['base']}/privacy").text
    assert "1 request(s) past the legal deadline" in page and request_id in page
    assert subjects[0][1] not in page
