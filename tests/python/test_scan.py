"""`veil scan` on real Spark tables and files, and the classification drift check."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from veil.detection import scan as scanner

pytestmark = pytest.mark.e2e


def test_scan_classifies_raw_users_in_spark(spark, warehouse):
    found = {f.column: f for f in scanner.scan("raw.users", spark)}
    expected = {
        "first_name": "person_name",
        "last_name": "person_name",
        "email": "email",
        "phone": "phone",
        "ip_address": "ip_address",
        "street_address": "street_address",
        "postcode": "postcode",
        "date_of_birth": "date_of_birth",
        "city": "city",
        "gender": "gender",
    }
    assert {c: found[c].entity for c in expected} == expected
    for column in ("user_id", "created_at", "tier", "lifetime_value", "account_status"):
        assert found[column].entity is None, found[column]


def test_scan_reads_parquet_and_csv_files(tmp_path):
    table = pa.table({"contact": ["zoe@example.com", "li@example.cn"] * 10, "amount": ["12.50", "3.10"] * 10})
    pq.write_table(table, tmp_path / "t.parquet")
    pacsv.write_csv(table, tmp_path / "t.csv")
    for path in (tmp_path / "t.parquet", tmp_path / "t.csv"):
        found = {f.column: f.entity for f in scanner.scan(str(path))}
        assert found == {"contact": "email", "amount": None}


def test_project_classification_has_no_drift(spark, warehouse):
    assert scanner.check(spark) == []


def test_an_unclassified_contact_email_column_fails_the_check(spark, warehouse):
    spark.sql("drop table if exists raw.users_with_contact")
    spark.sql("""create table raw.users_with_contact using parquet as
                 select *, email as contact_email from raw.users""")
    try:
        problems = scanner.check(spark, relations={"app.users": "raw.users_with_contact"})
    finally:
        spark.sql("drop table if exists raw.users_with_contact")
    assert [(p.column, "email" in p.message) for p in problems] == [("contact_email", True)]
    assert "_app__sources.yml" in problems[0].message


def test_propose_shows_the_yaml_for_an_undeclared_column_and_nothing_for_declared_ones(spark, warehouse):
    base = scanner.propose(spark, "app.users").splitlines()
    spark.sql("drop table if exists raw.users_with_contact")
    spark.sql("create table raw.users_with_contact using parquet as select *, email as contact_email from raw.users")
    try:
        diff = scanner.propose(spark, "app.users", relation="raw.users_with_contact")
    finally:
        spark.sql("drop table if exists raw.users_with_contact")
    new = [line for line in diff.splitlines() if line not in base]
    assert "-    config: {meta: {}}" in new and "+    config: {meta: {privacy: direct_identifier, pii: email}}" in new
    assert "   - name: contact_email" in diff.splitlines()  # unchanged context line: the column is named


def test_pii_inventory_shows_declared_and_detected_side_by_side(spark, warehouse):
    rows = {
        (r.resource_name, r.column_name): r
        for r in spark.sql(
            "select * from privacy.pii_inventory where resource_type = 'source' and schema_name = 'raw'"
        ).collect()
    }
    email = rows[("users", "email")]
    assert (email.privacy_class, email.detected_entity) == ("direct_identifier", "email")
    assert email.detection_confidence > 0.9
    assert rows[("events", "event_id")].detected_entity is None
    assert rows[("events", "event_id")].detected_privacy == "non_sensitive"
