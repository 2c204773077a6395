"""The shape the README promises: a light CLI import, small modules, one documented public macro per file,
and each fact of the dbt project in one place."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

from veil.warehouse.project import event_types, privacy_classes, project_vars

from conftest import ROOT


def test_importing_the_cli_loads_no_spark_dbt_or_postgres_client():
    code = (
        "import sys, veil.cli; heavy = [m for m in sys.modules if m.split('.')[0] in "
        "('pyspark', 'dbt', 'psycopg', 'pyarrow', 'opendp', 'py4j')]; print(heavy); sys.exit(bool(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_module_of_the_package_is_longer_than_250_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in (ROOT / "veil").rglob("*.py")
        if (n := len(p.read_text().splitlines())) > 250
    }
    assert not long, long


def _macro_files() -> list:
    return sorted((ROOT / "macros").rglob("*.sql"))


def test_each_macro_file_holds_one_public_macro_named_as_the_file():
    for path in _macro_files():
        names = re.findall(r"\{% macro ([a-z_0-9]+)\(", path.read_text())
        public = [n for n in names if not n.startswith("_") and "__" not in n]
        expected = [] if path.stem.startswith("_") else [path.stem]
        assert public == expected, (path.name, public)


def test_every_public_macro_and_argument_is_documented():
    documented = {}
    for path in (ROOT / "macros").rglob("_*__macros.yml"):
        for macro in yaml.safe_load(path.read_text())["macros"]:
            assert macro["description"].strip(), macro["name"]
            documented[macro["name"]] = [a["name"] for a in macro.get("arguments", [])]
    for path in _macro_files():
        for name, signature in re.findall(r"\{% macro ([a-z_0-9]+)\(([^)]*)\)", path.read_text()):
            if "__" in name and name.split("__", 1)[1] == path.stem:
                continue  # an adapter's version of the file's macro: documented with it
            args = [a.split("=")[0].strip() for a in signature.split(",") if a.strip()]
            assert documented.get(name) == args, (path.name, name)


def test_the_generator_emits_the_declared_event_types():
    from generator import catalog

    assert catalog.EVENT_TYPES == event_types() == tuple(project_vars()["event_types"])


def test_detectors_use_the_declared_privacy_classes_and_the_sql_email_pattern():
    from veil.detection import detectors, text

    assert {d.privacy for d in detectors.DETECTORS} <= set(privacy_classes())
    sql_email = dict(project_vars()["redaction_patterns"])["email"]
    assert detectors.EMAIL_PATTERN == sql_email and detectors.BY_ENTITY["email"].value_matches("a.b@example.org")
    assert dict((e, p.pattern) for e, p, _ in text.SPAN_PATTERNS)["email"] == sql_email


def test_models_use_no_engine_specific_function_outside_macros():
    spark_only = re.compile(r"\b(date_sub|date_add|distribute by|rlike|substring_index|months_between)\b", re.I)
    for path in list((ROOT / "models").rglob("*.sql")) + list((ROOT / "snapshots").rglob("*.sql")):
        assert not spark_only.search(path.read_text()), path.name


def _model(name: str, parents: list[str], marked: bool) -> dict:
    return {
        "unique_id": f"model.veil.{name}",
        "name": name,
        "resource_type": "model",
        "package_name": "veil",
        "config": {"meta": {"erasure": "in_place"} if marked else {}},
        "depends_on": {"nodes": [f"model.veil.{p}" for p in parents] + ["seed.veil.fx_rates"]},
    }


def test_a_model_erased_in_place_that_reads_a_rebuilt_one_is_refused():
    import pytest

    from veil.compliance.incremental import in_place_nodes
    from veil.errors import VeilError

    models = (_model("a", [], True), _model("b", ["a"], True), _model("c", ["b"], False))
    good = {"nodes": {n["unique_id"]: n for n in models}}
    marked, rebuilt = in_place_nodes(good)
    assert ([n["name"] for n in marked], [n["name"] for n in rebuilt]) == (["a", "b"], ["c"])
    bad = {"nodes": {n["unique_id"]: n for n in (_model("a", [], False), _model("b", ["a"], True))}}
    with pytest.raises(VeilError, match="b is marked erasure: in_place but reads a"):
        in_place_nodes(bad)


def test_the_check_after_an_in_place_erasure_keeps_every_test_that_removing_rows_could_fail(tmp_path):
    """After an in-place removal, `dbt test` skips only the marked models' unique, not_null and accepted_values
    tests (a table that passed them still does once rows are gone); the reconciliation stays."""
    import json
    import os

    from veil.compliance.incremental import ErasurePlan, in_place_nodes

    env = {**os.environ, "DBT_TARGET_PATH": str(tmp_path / "target"), "DBT_LOG_PATH": str(tmp_path / "logs"),
           "DBT_PROFILES_DIR": str(ROOT / "profiles")}  # fmt: skip
    dbt = str(Path(sys.executable).parent / "dbt")  # the dbt of the environment running the tests

    def tests(*selection: str) -> set[str]:
        args = [dbt, "ls", "-q", "--resource-type", "test", "--output", "name", "--target", "postgres", *selection]
        done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        return set(done.stdout.split())

    tests()  # parses the project into tmp_path/target
    marked, _ = in_place_nodes(json.loads((tmp_path / "target" / "manifest.json").read_text()))
    plan = ErasurePlan(tuple(n["name"] for n in marked), (), ())
    every, checked = tests("--select", *plan.in_place_models), tests(*plan.check[1:])
    assert "assert_raw_reconciles_with_clean_plus_quarantined" in checked and checked < every
    skipped = every - checked
    assert len(skipped) >= 10 and all(t.startswith(("unique_", "not_null_", "accepted_values_")) for t in skipped)
