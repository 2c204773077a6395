"""Published releases as the API serves them: the DP tables `veil release` writes (`analytics.dp_*`) and the
k-anonymous extracts the export marks `release: k_anonymity` — free to read, cached in memory until the table
is replaced (a release or an export creates a new table, so its oid changes)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from veil.errors import VeilError

SCHEMA = "analytics"
INTERVAL = ("value", "ci_low", "ci_high")
DP_META = ("epsilon", "delta", "mechanism", "noise_scale", "released_at")


class UnknownRelease(VeilError):
    """No published release of that name."""


@dataclass(frozen=True)
class Published:
    name: str
    table: str
    oid: int
    kind: str  # differential_privacy | k_anonymity
    epsilon: float | None
    delta: float | None
    mechanism: str
    released_at: str
    rows: int
    columns: tuple[str, ...]
    data: list[dict] = field(repr=False, default_factory=list)

    def summary(self) -> dict:
        return {k: getattr(self, k) for k in ("name", "kind", "epsilon", "delta", "mechanism", "released_at", "rows")}

    def as_json_rows(self) -> list[dict]:
        """Each numeric cell as {value, ci_low, ci_high} (exact for k-anonymous extracts: ci = value)."""
        out = []
        for row in self.data:
            if self.kind == "differential_privacy":
                cells = {c: row[c] for c in self.columns if c not in INTERVAL and c not in DP_META}
                cells["value"] = {k: row[k] for k in INTERVAL}
            else:
                cells = {
                    c: {"value": v, "ci_low": v, "ci_high": v} if isinstance(v, int | float) else v
                    for c, v in row.items()
                }
            out.append(cells)
        return out

    def as_csv(self) -> str:
        buffer = io.StringIO()
        columns = [c for c in self.columns if c not in ("noise_scale",)]
        writer = csv.DictWriter(buffer, columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.data)
        return buffer.getvalue()


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


class ReleaseCache:
    """Releases by name, reloaded only when their table's oid changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_name: dict[str, Published] = {}

    @staticmethod
    def catalog(conn: Any) -> dict[str, tuple[str, int, str]]:
        """name → (table, oid, kind) of every release the connected role may read (a release's kind and
        parameters are in its table's comment, written by `veil release` and `veil export`)."""
        rows = conn.execute(
            """select c.relname, c.oid, obj_description(c.oid, 'pg_class') from pg_class as c
               join pg_namespace as n on n.oid = c.relnamespace
               where n.nspname = %s and c.relkind = 'r' and has_table_privilege(c.oid, 'select')""",
            (SCHEMA,),
        ).fetchall()
        out = {}
        for relname, oid, comment in rows:
            if relname.startswith("dp_") and not relname.endswith("__loading"):
                out[relname.removeprefix("dp_")] = (relname, oid, "differential_privacy")
            elif comment and json.loads(comment).get("release") == "k_anonymity":
                out[relname] = (relname, oid, "k_anonymity")
        return out

    def _load(self, conn: Any, name: str, table: str, oid: int, kind: str) -> Published:
        cur = conn.execute(f'select * from {SCHEMA}."{table}"')
        columns = tuple(d.name for d in cur.description)
        data = [{c: _plain(v) for c, v in zip(columns, r, strict=True)} for r in cur.fetchall()]
        (comment,) = conn.execute("select obj_description(%s, 'pg_class')", (oid,)).fetchone()
        about = json.loads(comment) if comment else {}
        if kind == "differential_privacy":
            epsilon, delta, mechanism = about.get("epsilon"), about.get("delta"), str(about.get("mechanism", ""))
            released_at = str(about.get("released_at", ""))
        else:
            epsilon, delta, mechanism = None, None, "k-anonymity"
            released_at = about.get("exported_at", "")
        return Published(name, table, oid, kind, epsilon, delta, mechanism, released_at, len(data), columns, data)

    def all(self, conn: Any) -> list[Published]:
        catalog = self.catalog(conn)
        return [self.get(conn, name, catalog) for name in sorted(catalog)]

    def get(self, conn: Any, name: str, catalog: dict | None = None) -> Published:
        catalog = catalog if catalog is not None else self.catalog(conn)
        if name not in catalog:
            raise UnknownRelease(f"no published release {name!r}; see GET /api/v1/releases")
        table, oid, kind = catalog[name]
        with self._lock:
            cached = self._by_name.get(name)
        if cached is not None and cached.oid == oid:
            return cached
        loaded = self._load(conn, name, table, oid, kind)
        with self._lock:
            self._by_name[name] = loaded
        return loaded
