"""Settings: one typed place for every environment variable, one Spark configuration (the profile's)."""

from __future__ import annotations

import os
import re

from veil.settings import ENVIRONMENT, Settings
from veil.warehouse.spark import profile_output, render_profile_value, spark_conf

from conftest import ROOT


def test_the_session_conf_is_the_profiles_server_side_parameters():
    params = profile_output("spark")["server_side_parameters"]
    conf = spark_conf()
    assert "spark.veil.pseudonym_key" not in params and "spark.veil.pseudonym_key" not in conf  # not at launch
    assert conf == {k: render_profile_value(v) for k, v in params.items()}
    assert conf["spark.master"] == os.environ["VEIL_SPARK_MASTER"]


def test_profile_defaults_are_the_settings_defaults(monkeypatch):
    """With no VEIL_* variable set, the profile renders each default that Settings documents."""
    for var in ENVIRONMENT:
        monkeypatch.delenv(var.name, raising=False)
    text = (ROOT / "profiles" / "profiles.yml").read_text()
    for name, default in re.findall(r"env_var\('(VEIL_[A-Z_]+)', '([^']*)'\)", text):
        declared = next(v for v in ENVIRONMENT if v.name == name)
        if declared.default is not None and name != "VEIL_HOME":  # '.' there: dbt runs in the project
            assert default == str(declared.default), name


def test_every_environment_variable_read_in_the_package_is_a_setting():
    declared = {v.name for v in ENVIRONMENT}
    read = set()
    for path in (ROOT / "veil").rglob("*.py"):
        read |= set(re.findall(r"environ(?:\.get)?\(\s*[\"']((?:VEIL|DBT)_[A-Z_]+)", path.read_text()))
        read |= set(re.findall(r"environ\[[\"']((?:VEIL|DBT)_[A-Z_]+)", path.read_text()))
    read |= set(re.findall(r"env_var\('((?:VEIL|DBT)_[A-Z_]+)'", (ROOT / "profiles" / "profiles.yml").read_text()))
    assert read - {"DBT_PROFILES_DIR"} <= declared, read - declared


def test_the_readme_configuration_table_is_the_settings_table():
    """README.md holds `veil.settings.markdown_table()` verbatim (regenerate it with `python -m veil.settings`)."""
    from veil.settings import markdown_table

    assert markdown_table() in (ROOT / "README.md").read_text()


def test_secrets_never_print():
    os.environ["VEIL_PGPASSWORD"] = "hunter2-password"
    try:
        cfg = Settings()
        assert "hunter2" not in repr(cfg) and "hunter2" not in str(cfg.pg_password)
        assert cfg.pg_password is not None and cfg.pg_password.reveal() == "hunter2-password"
    finally:
        del os.environ["VEIL_PGPASSWORD"]
