"""What the dbt project declares, read from its manifest and `dbt_project.yml`: the one place Python code
learns about sources, models, classifications, purposes, event types and retention (the YAML stays the
source of truth; the Jinja macros read the same vars and graph).
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import yaml

from veil.errors import VeilError
from veil.settings import PROJECT_ROOT, settings


def load_manifest() -> dict:
    """dbt's manifest (written by any dbt command that parses the project: `veil dbt parse` at least)."""
    path = settings().manifest_path
    if not path.exists():
        raise VeilError(f"{path} not found: run `veil dbt parse` (or `veil dbt build`, or `make run`) first")
    return json.loads(path.read_text())


def column_meta(column: dict) -> dict:
    """A column's classification: `config.meta` (dbt >= 1.10) merged over the legacy top-level `meta`
    (macros/utils/column_meta.sql is its Jinja twin)."""
    return {**(column.get("meta") or {}), **((column.get("config") or {}).get("meta") or {})}


def node_meta(node: dict) -> dict:
    """A model's or source table's meta (its own and inherited from the folder / source)."""
    return {
        **(node.get("source_meta") or {}),
        **(node.get("meta") or {}),
        **((node.get("config") or {}).get("meta") or {}),
    }


def relation_name(node: dict) -> str:
    """schema.table of a model or source node."""
    return f"{node['schema']}.{node.get('alias') or node.get('identifier') or node['name']}"


def project_models(manifest: dict | None = None) -> list[dict]:
    manifest = manifest or load_manifest()
    return sorted(
        (n for n in manifest["nodes"].values() if n["resource_type"] == "model" and n["package_name"] == "veil"),
        key=lambda n: n["name"],
    )


def project_sources(manifest: dict | None = None) -> list[dict]:
    manifest = manifest or load_manifest()
    return sorted(manifest["sources"].values(), key=lambda s: (s["source_name"], s["name"]))


def built_from(unique_id: str, manifest: dict | None = None) -> set[str]:
    """Names of the project's models built from a node (a source table's or a model's unique id), directly or
    through other models: what a change to it can reach."""
    manifest = manifest or load_manifest()
    children, reached, todo = manifest["child_map"], set(), [unique_id]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in reached:
                reached.add(child)
                todo.append(child)
    return {n["name"] for n in project_models(manifest) if n["unique_id"] in reached}


def exported_models(manifest: dict | None = None) -> list[dict]:
    """Models whose config.meta.export is true: the marts copied to PostgreSQL."""
    return [n for n in project_models(manifest) if node_meta(n).get("export")]


@lru_cache(maxsize=1)
def project_vars() -> dict[str, Any]:
    """`vars:` of dbt_project.yml, as the macros see them (`var(...)`)."""
    return yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text()).get("vars") or {}


def purposes() -> dict[str, dict]:
    """Processing purposes declared in dbt_project.yml (`vars.purposes`): legal basis and description."""
    return dict(project_vars()["purposes"])


def consent_purposes() -> list[str]:
    """Purposes whose legal basis is consent: the ones users grant and withdraw."""
    return [name for name, p in purposes().items() if p["legal_basis"] == "consent"]


def event_types() -> tuple[str, ...]:
    """The event types the product emits (`vars.event_types`); staging quarantines any other."""
    return tuple(project_vars()["event_types"])


def privacy_classes() -> tuple[str, ...]:
    """The column classes a YAML `privacy:` may name (`vars.privacy_classes`)."""
    return tuple(project_vars()["privacy_classes"])
