"""Right to be forgotten, end to end. It changes the warehouse (`mutable_warehouse`)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow.types as pa_types
import pytest

from veil.compliance.erase import erase
from veil.compliance.subjects import pseudonym, subject_ref

from conftest import consent_changed

pytestmark = pytest.mark.e2e


def _subject(spark, skip: tuple[int, ...] = ()) -> tuple[int, str, str]:
    """A clean user with events and consents and no quarantined row, whose e-mail and phone appear nowhere
    but in their own rows (not inside another address, not in an event filed under another id: that case is
    the erasure edge-case issue's), and whom no other module changed (an open request may still name them)."""
    keys = {r[0] for r in spark.sql("select distinct user_key from marts.fct_events").collect()}
    passed_over = {r[0] for r in spark.sql("select distinct user_key from privacy.quarantine").collect()}
    passed_over |= consent_changed(spark)
    for user_id, email, phone in spark.sql(
        "select user_id, email, phone from raw.users order by user_id limit 200"
    ).collect():
        key = pseudonym(user_id)
        if key in keys and key not in passed_over and "'" not in email and user_id not in skip:
            elsewhere = spark.sql(f"""select
                (select count(*) from raw.users where user_id != {user_id}
                    and (instr(email, '{email}') > 0 or instr(phone, '{phone}') > 0))
              + (select count(*) from raw.events where (user_id is null or user_id != {user_id})
                    and (instr(search_query, '{email}') > 0 or instr(search_query, '{phone}') > 0))""").collect()[0][0]
            if not elsewhere:
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


def _full_text_findings(home, pg, needles: list[str]) -> dict[str, int]:
    """Every value of every Parquet file under the warehouse and every text column of every PostgreSQL table
    that contains one of the needles (e-mail, phone, pseudonyms), written apart from the code under test: no
    match columns, no catalog, just all the data. The erasure ledger is skipped (it records the pseudonym on
    purpose), as are the audit trail and the budget ledger (records of what was done)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    found: dict[str, int] = {}
    for path in sorted((home / "warehouse").rglob("*.parquet")):
        if "erasure_ledger" in str(path):
            continue
        table = pq.read_table(path)
        for name in table.column_names:
            column = table.column(name)
            if not (pa_types.is_string(column.type) or pa_types.is_dictionary(column.type)):
                continue
            text = pc.cast(column, "string") if pa_types.is_dictionary(column.type) else column
            hits = sum(pc.sum(pc.match_substring(text, n)).as_py() or 0 for n in needles)
            if hits:
                found[f"{path.relative_to(home)}:{name}"] = hits
    columns = pg.execute("""select table_schema, table_name, column_name from information_schema.columns
        join information_schema.tables using (table_schema, table_name)
        where data_type in ('text', 'character varying') and table_type = 'BASE TABLE'
          and table_schema not in ('pg_catalog', 'information_schema', 'audit', 'privacy_budget')
          and table_name <> 'erasure_ledger'""").fetchall()
    for schema, table, column in columns:
        n = pg.execute(
            f'select count(*) from {schema}."{table}" where '
            + " or ".join(f'strpos("{column}", %s) > 0' for _ in needles),
            needles,
        ).fetchone()[0]
        if n:
            found[f"postgresql:{schema}.{table}.{column}"] = n
    pg.commit()
    assert len(columns) > 20
    return found


SECOND_ACCOUNT, UNKNOWN_ID = 90_000_001, 90_000_002


def _add_raw_rows(spark, home, table: str, rows: list[dict]) -> None:
    """Append rows to a raw table as one more Parquet file with the table's own schema."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = home / "warehouse" / "raw" / table
    schema = pq.read_schema(next(folder.rglob("*.parquet")))
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), folder / f"edge-cases-{table}.parquet")
    spark.sql(f"refresh table raw.{table}")


def _raw_rows_of(home, user_id: int) -> dict:
    """The subject's rows in every raw table, as Arrow tables (with the event_date partition column)."""
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    return {
        table: ds.dataset(home / "warehouse" / "raw" / table, format="parquet", partitioning="hive").to_table(
            filter=pc.field("user_id") == user_id
        )
        for table in ("users", "consents", "events")
    }


def _reload_raw_rows(spark, home, rows: dict) -> None:
    """Put rows back into the raw tables as new Parquet files, events into their date partitions: an old
    export of the source system loaded again."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    for table, data in rows.items():
        folder = home / "warehouse" / "raw" / table
        if "event_date" not in data.column_names:
            pq.write_table(data, folder / f"reloaded-{table}.parquet")
        else:
            for day in data.column("event_date").unique().to_pylist():
                one_day = data.filter(pc.equal(data.column("event_date"), day)).drop_columns(["event_date"])
                pq.write_table(one_day, folder / f"event_date={day}" / "reloaded-events.parquet")
        spark.sql(f"refresh table raw.{table}")


@pytest.mark.parametrize("subject", ["99999999999", "nobody-here@example.org"])
def test_an_unknown_subject_is_refused_with_nothing_written(spark, mutable_warehouse, home, subject):
    from veil.compliance.subjects import UnknownSubject

    def written() -> list[str]:
        return sorted(str(p) for folder in ("warehouse/compliance", "receipts") for p in (home / folder).rglob("*"))

    before = written()
    with pytest.raises(UnknownSubject, match="nothing was written"):
        erase(spark, subject)
    assert written() == before


@pytest.mark.parametrize("subject", ["²", "٤٢", "42 OR 1=1", ""])
def test_a_subject_that_is_neither_an_ascii_id_nor_an_e_mail_is_refused(subject):
    from veil.compliance.subjects import resolve_subject
    from veil.errors import VeilError

    with pytest.raises(VeilError, match="ASCII digits"):
        resolve_subject(subject)


def test_erasure_removes_the_subject_everywhere_and_a_reload_does_not_bring_them_back(
    spark, mutable_warehouse, pg, home
):
    from veil.compliance.subjects import partner_pseudonym, resolve_subject
    from veil.warehouse.dbt import REBUILD, run_dbt
    from veil.warehouse.export import export_marts

    user_id, email, key = _subject(spark)
    phone = spark.sql(f"select phone from raw.users where user_id = {user_id}").collect()[0][0]
    # the edge cases: a second account with the same address in other case, and the address in the free text
    # of an event filed under an id that has no account (quarantined)
    user_row = spark.sql(f"select * from raw.users where user_id = {user_id}").collect()[0].asDict()
    _add_raw_rows(spark, home, "users", [{**user_row, "user_id": SECOND_ACCOUNT, "email": f" {email.upper()} "}])
    event_row = spark.sql("select * from raw.events where search_query is not null limit 1").collect()[0].asDict()
    _add_raw_rows(spark, home, "events", [{**event_row, "user_id": UNKNOWN_ID, "event_id": 9_000_000_001,
                                           "search_query": f"where is my order {email}"}])  # fmt: skip
    assert resolve_subject(email.title()).user_ids == (user_id, SECOND_ACCOUNT)
    assert run_dbt(REBUILD, spark=spark)
    export_marts(spark)
    second_key = pseudonym(SECOND_ACCOUNT)

    needles = [email, phone, key, partner_pseudonym(key), second_key]
    assert _full_text_findings(home, pg, needles)  # the scan finds the subject before
    before = _holdings(spark, pg, user_id, email, key)
    assert {"raw.users", "raw.events", "marts.dim_users", "marts.fct_events", "postgresql:analytics.fct_events"} <= set(
        before
    )
    assert _holdings(spark, pg, SECOND_ACCOUNT, email, second_key)

    # an access request and a consent change by e-mail first: none of the three may write the address anywhere
    from veil.compliance.access import access
    from veil.compliance.consent import record_consent

    refs = (subject_ref(user_id), subject_ref(SECOND_ACCOUNT))
    assert access(spark, f" {email.title()}").subject_refs == refs
    assert record_consent(spark, email, "marketing", "withdrawn").subject_refs == refs

    original_rows = _raw_rows_of(home, user_id)
    receipt = erase(spark, email.upper())
    assert receipt.all_zero, [s for s in receipt.stores if s.remaining]
    # the address sat in an event filed under another id: the in-place path cannot be trusted with that
    assert receipt.derived_tables == "rebuilt: 1 rows under other ids held a subject's contact in free text"
    assert receipt.subject_refs == list(refs)
    assert key not in json.dumps(receipt.to_dict(), default=str)  # compliance records name subjects by reference
    removed = receipt.removed_by_store()
    assert removed["spark:raw.events"] == before["raw.events"] > 0
    assert removed["spark:raw.users"] == 2
    assert removed["spark:raw.events (free text)"] == 1
    assert removed["spark:history.users_history_log"] >= 1
    assert email not in str(receipt.to_dict()).lower()
    assert _holdings(spark, pg, user_id, email, key) == {}
    assert _holdings(spark, pg, SECOND_ACCOUNT, email, second_key) == {}
    assert _full_text_findings(home, pg, needles + [email.upper()]) == {}
    # the requests' argument reached no log, dbt artifact, metastore file or PostgreSQL server log
    import glob

    paths = [p for folder in ("logs", "target", "warehouse/metastore_db") for p in (home / folder).rglob("*")]
    paths += [Path(p) for p in glob.glob("/var/log/postgresql/*.log") if os.access(p, os.R_OK)]
    assert len(paths) > 10
    for path in paths:
        if path.is_file():
            data = path.read_bytes().lower()
            assert email.lower().encode() not in data, path

    # reload the subject's raw rows as they were before the erasure and rebuild staging, where every model's
    # data enters (the erasure ledger's anti-join): they stay in the raw files only. (The tests after this one
    # rebuild everything from these raw files and check the derived tables again, PostgreSQL included.)
    _reload_raw_rows(spark, home, original_rows)
    back = spark.sql(f"select count(*) from raw.events where user_id = {user_id}").collect()[0][0]
    assert back == original_rows["events"].num_rows == before["raw.events"] > 0
    assert run_dbt(["build", "--select", "staging.app"], spark=spark)
    left = _holdings(spark, pg, user_id, email, key)
    assert set(left) == {"raw.users", "raw.consents", "raw.events"}, left


def _checksums(spark, pg, salted: bool = False, without: tuple[str, ...] = ()) -> dict[str, tuple[int, int]]:
    """(rows, order-free checksum) of every derived Spark table and every exported PostgreSQL table but the DP
    models, or (`salted`) of the DP models only: their selections (groups, a user's days) are salted per build,
    so two builds of the same data differ by design. `without`: leave out these pseudonyms' rows."""
    from veil.compliance.holdings import DERIVED_SCHEMAS, spark_tables

    keys = ", ".join(f"'{k}'" for k in without)
    out = {}
    for relation, columns in spark_tables(spark, DERIVED_SCHEMAS):
        if relation.split(".")[1].startswith("dp_") == salted:
            where = f"where coalesce(user_key, '') not in ({keys})" if without and "user_key" in columns else ""
            row = spark.sql(f"select count(*), sum(xxhash64(*)) from {relation} {where}").collect()[0]
            out[relation] = (row[0], row[1])
    for relation, has_key in pg.execute(
        "select table_schema || '.' || table_name, bool_or(column_name = 'user_key') from information_schema.columns "
        "where table_schema in ('analytics', 'dp_query') group by 1 order by 1"
    ).fetchall():
        if relation.split(".")[1].startswith("dp_") == salted:
            where, params = (
                ("where coalesce(user_key, '') <> all(%s)", [list(without)]) if without and has_key else ("", [])
            )
            out[f"postgresql:{relation}"] = tuple(
                pg.execute(
                    f"select count(*), sum(hashtext(t::text)::bigint) from {relation} as t {where}", params
                ).fetchone()
            )
    pg.commit()
    return out


def test_an_erasure_in_place_leaves_what_a_full_rebuild_would(spark, mutable_warehouse, pg):
    """Two subjects erased in a batch take the in-place path (their rows deleted from the tables marked
    `erasure: in_place`, only the other models rebuilt, only those re-exported); a full `dbt build` and export
    afterwards change no table: the in-place result is the full rebuild's. The DP models' selections are salted
    per build, so they are compared differently: the DP query inputs, erased in place, hold exactly everybody
    else's rows of before."""
    from veil.compliance.erase import erase_many
    from veil.compliance.subjects import resolve_subject
    from veil.warehouse.dbt import REBUILD, run_dbt
    from veil.warehouse.export import export_marts

    first = _subject(spark)
    second = _subject(spark, skip=(first[0],))
    keys = (first[2], second[2])
    others_before = _checksums(spark, pg, salted=True, without=keys)
    batch = [(f"in-place-{n}", resolve_subject(str(s[0]))) for n, s in enumerate((first, second))]
    receipts = erase_many(spark, batch)
    assert [r.derived_tables for r in receipts] == ["erased in place"] * 2
    assert all(r.all_zero for r in receipts), [s for r in receipts for s in r.stores if s.remaining]
    for receipt in receipts:
        removed = receipt.removed_by_store()
        assert removed["spark:marts.fct_events"] > 0 and removed["spark:staging.stg_app__events"] > 0
        assert removed["postgresql:analytics.fct_events"] > 0
    others_after = _checksums(spark, pg, salted=True, without=keys)
    inputs = {r for r in others_after if "dp_query" in r}
    assert len(inputs) == 4 and all(others_after[r][0] > 0 for r in inputs)
    assert {r: others_before[r] for r in inputs} == {r: others_after[r] for r in inputs}

    in_place = _checksums(spark, pg)
    assert {"marts.fct_events", "privacy.quarantine", "postgresql:analytics.fct_sessions"} <= set(in_place)
    assert run_dbt(REBUILD, spark=spark)
    export_marts(spark)
    rebuilt = _checksums(spark, pg)
    assert set(in_place) == set(rebuilt)
    assert {r: (in_place[r], rebuilt[r]) for r in in_place if in_place[r] != rebuilt[r]} == {}


def _old_pseudonyms_anywhere(home, pg, old: set[str]) -> dict[str, int]:
    """Every exact value equal to one of `old` in every Parquet file under the warehouse and every text column
    of every PostgreSQL table (the audit trail and budget ledger included), and every 64-hex-digit token in
    the files next to the warehouse: written apart from the rotation code, with no list of stores."""
    import re

    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    wanted = pa.array(sorted(old), pa.string())
    found: dict[str, int] = {}
    for path in sorted((home / "warehouse").rglob("*.parquet")):
        table = pq.read_table(path)
        for name in table.column_names:
            column = table.column(name)
            if pa_types.is_dictionary(column.type):
                column = pc.cast(column, "string")
            if pa_types.is_string(column.type):
                hits = pc.sum(pc.is_in(column, wanted)).as_py() or 0
                if hits:
                    found[f"{path.relative_to(home)}:{name}"] = hits
    columns = pg.execute("""select table_schema, table_name, column_name, data_type from information_schema.columns
        join information_schema.tables using (table_schema, table_name)
        where data_type in ('text', 'character varying', 'jsonb') and table_type = 'BASE TABLE'
          and table_schema not in ('pg_catalog', 'information_schema')""").fetchall()
    for schema, table, column, data_type in columns:
        if data_type == "jsonb":  # the audit trail's details: every hex token in them
            texts = pg.execute(f'select "{column}"::text from {schema}."{table}"').fetchall()
            hits = sum(1 for (t,) in texts for token in re.findall(r"[0-9a-f]{64}", t or "") if token in old)
        else:
            hits = pg.execute(
                f'select count(*) from {schema}."{table}" where "{column}" = any(%s)', (sorted(old),)
            ).fetchone()[0]
        if hits:
            found[f"postgresql:{schema}.{table}.{column}"] = hits
    pg.commit()
    assert len(columns) > 20
    for folder in ("receipts", "access_requests", "logs", "target"):
        for path in (p for p in (home / folder).rglob("*") if p.is_file()):
            hits = sum(1 for t in re.findall(rb"[0-9a-f]{64}", path.read_bytes()) if t.decode() in old)
            if hits:
                found[str(path.relative_to(home))] = hits
    return found


def test_key_rotation_rekeys_every_store_and_retires_the_old_key_and_erasures_still_apply(
    spark, mutable_warehouse, pg, home
):
    """After the erasure above (whose subject is back in the raw files, by the reload): rotate the key."""
    import stat

    from veil.compliance.access import access
    from veil.compliance.consent import record_consent
    from veil.compliance.holdings import identifiers, postgres_counts, spark_counts, union
    from veil.compliance.rotation import rotate
    from veil.compliance.subjects import resolve_subject
    from veil.errors import ConfigError
    from veil.settings import Settings
    from veil.warehouse.keys import check_key, key_id, read_record
    from veil.warehouse.postgres import connect

    old_key = os.environ["DBT_ENV_SECRET_PSEUDONYM_KEY"]
    erased_refs = {r[0] for r in spark.sql("select subject_ref from compliance.erasure_ledger").collect()}
    raw_ids = [r[0] for r in spark.sql("select distinct user_id from raw.users").collect()]
    erased = [u for u in raw_ids if subject_ref(u) in erased_refs]
    assert erased, "runs after the erasure test of this module (its subject is in the raw files again)"
    user_id = next(u for u in sorted(raw_ids) if u not in erased and pseudonym(u) in {
        r[0] for r in spark.sql("select user_key from marts.fct_events").collect()})  # fmt: skip
    # records made before the rotation that hold old pseudonyms: an access package, a consent change
    access(spark, str(user_id))
    record_consent(spark, str(user_id), "marketing", "withdrawn")
    old = {pseudonym(u) for u in raw_ids}
    from veil.compliance.subjects import partner_pseudonym

    old |= {partner_pseudonym(k) for k in old}
    assert _old_pseudonyms_anywhere(home, pg, old)  # the check finds them before
    history_before = spark.sql("select count(*) from history.users_history_log").collect()[0][0]
    old_ids = {pseudonym(u): u for u in raw_ids}
    people_joined_before = {old_ids.get(k) for k in _joined(spark)}
    assert len(people_joined_before) > 100

    receipt = rotate(spark)

    new_key = os.environ["DBT_ENV_SECRET_PSEUDONYM_KEY"]
    assert new_key != old_key and receipt.old_key_id == key_id(old_key) and receipt.new_key_id == key_id(new_key)
    assert receipt.all_clean, [s for s in receipt.stores if s.remaining]
    rekeyed = {s.store: s.rows_rekeyed for s in receipt.stores}
    assert rekeyed["spark:compliance.consent_changes"] >= 1 and rekeyed["spark:history.users_history_log"] > 1000
    assert rekeyed["files:access_requests/"] >= 2  # the package's index and its tables' CSV files
    packages = [p.read_text() for p in (home / "access_requests").glob("*/package.json")]
    assert any(pseudonym(user_id) in package for package in packages)
    assert _old_pseudonyms_anywhere(home, pg, old) == {}  # no store holds a pseudonym of the old key
    # the history log was re-keyed, not appended to as if every user had changed
    assert spark.sql("select count(*) from history.users_history_log").collect()[0][0] == history_before

    # the old key is retired: recorded, replaced in its file, refused in one line
    record = read_record()
    assert record.pseudonym_key_id == receipt.new_key_id and record.rotating_to is None
    assert [r["key_id"] for r in record.retired] == [receipt.old_key_id]
    key_file = home / "keys" / "pseudonym.key"
    assert key_file.read_text().strip() == new_key and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert not (home / "keys" / "pseudonym.key.next").exists()
    with pytest.MonkeyPatch.context() as mp:  # in this process: a second one would stop at the warehouse lock
        mp.setenv("DBT_ENV_SECRET_PSEUDONYM_KEY", old_key)
        with pytest.raises(ConfigError, match="was retired at") as refused:
            check_key(Settings())
    assert old_key not in str(refused.value) and receipt.old_key_id in str(refused.value)

    # every table records the key it was made with
    stamped = {}
    for schema in ("staging", "intermediate", "marts", "privacy", "history"):
        for t in spark.catalog.listTables(schema):
            if t.isTemporary or t.tableType == "VIEW":  # dbt's incremental temp views, the SCD2 view
                continue
            if "user_key" in spark.table(f"{schema}.{t.name}").columns:
                props = {r[0]: r[1] for r in spark.sql(f"show tblproperties {schema}.{t.name}").collect()}
                stamped[f"{schema}.{t.name}"] = props.get("veil.key_id")
    assert {"marts.fct_events", "history.users_history_log", "staging.stg_app__events"} <= set(stamped)
    assert set(stamped.values()) == {receipt.new_key_id}, stamped
    comment = pg.execute("select obj_description('analytics.fct_events'::regclass)").fetchone()[0]
    assert json.loads(comment)["key_id"] == receipt.new_key_id

    # joins still work, and the new pseudonyms are the same on Python, Spark and PostgreSQL
    dim = {r[0] for r in spark.sql("select user_key from marts.dim_users").collect()}
    new_ids = {pseudonym(u): u for u in raw_ids}
    assert {new_ids.get(k) for k in _joined(spark)} == people_joined_before  # the same people join as before
    assert pseudonym(user_id) in {r[0] for r in spark.sql("select user_key from marts.fct_events").collect()}
    assert pseudonym(user_id) == hmac_hex(new_key, str(user_id))
    in_pg = pg.execute("select encode(hmac(%s::text, %s, 'sha256'), 'hex')", (str(user_id), new_key)).fetchone()[0]
    assert in_pg == pseudonym(user_id)
    assert {r[0] for r in pg.execute("select user_key from analytics.dim_users").fetchall()} == dim
    if pg.execute("select to_regclass('marts.dim_users')").fetchone()[0]:  # the postgres target's own build
        assert {r[0] for r in pg.execute("select user_key from marts.dim_users").fetchall()} <= dim
    pg.commit()

    # the erasure made before the rotation still applies: its subject is in raw, and in nothing derived
    found = spark_counts(spark, union([identifiers(resolve_subject(str(u))) for u in erased]))  # one pass for all
    assert {r for r, n in found.items() if n} <= {"raw.users", "raw.consents", "raw.events"}, found
    # and an erasure afterwards finds its subject under the new key, in Spark and in PostgreSQL
    ids = identifiers(resolve_subject(str(user_id)))
    assert spark_counts(spark, ids)["marts.fct_events"] > 0
    with connect() as conn:
        assert postgres_counts(conn, ids)["analytics.fct_events"] > 0


def _joined(spark) -> set[str]:
    """Pseudonyms that join fct_events to dim_users."""
    return {r[0] for r in spark.sql(
        "select distinct e.user_key from marts.fct_events as e join marts.dim_users as d on e.user_key = d.user_key"
    ).collect()}  # fmt: skip


def hmac_hex(key: str, value: str) -> str:
    import hashlib
    import hmac

    return hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()
