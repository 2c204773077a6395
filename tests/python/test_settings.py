"""One Spark configuration: profiles/profiles.yml mirrors veil.spark.spark_conf()."""

from __future__ import annotations

import os
import re

import yaml

from conftest import ROOT
from veil.spark import spark_conf


def _render_env(text: str) -> str:
    def sub(m):
        return os.environ.get(m.group(1), m.group(3) or "")

    return re.sub(r"\{\{\s*env_var\('([A-Z_]+)'(,\s*'([^']*)')?\)\s*\}\}", sub, text)


def test_profile_server_side_parameters_equal_the_python_session_conf():
    profile = yaml.safe_load(_render_env((ROOT / "profiles" / "profiles.yml").read_text()))
    params = profile["veil"]["outputs"]["spark"]["server_side_parameters"]
    conf = spark_conf()
    assert {k: str(v) for k, v in params.items()} == conf
