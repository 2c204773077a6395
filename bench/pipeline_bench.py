"""Pipeline benchmark: `veil run` at a scale, the seconds of every stage and of every heavy dbt model (from
dbt's run_results.json), peak memory of the whole process tree (Python driver + Spark JVM + generator
workers) per stage, split by process kind at the stage's peak, and in the same run a reference computation
of the same heavy steps in DuckDB over the same raw Parquet, with the Spark / DuckDB ratio per step and in
total.

    DBT_ENV_SECRET_...=... .venv/bin/python bench/pipeline_bench.py --users 100000 --events 5000000

It runs in this checkout's home (as `make run` does) and replaces its warehouse. The reference does what the
models do, step by step, each step written to a table of an on-disk DuckDB database and read by the next:
staging (keyed hash of user ids, the four regex redactions, URL and IP truncation, browser family,
quarantine reasons, the erasure-ledger anti-join), validation (unknown users, the first copy of each event
id), consent at event time (consent periods per user, the range join, currency conversion), fct_events,
sessions, daily / weekly / monthly active users, and the generalization lattice (the finest aggregate of
int_users_release_base crossed with all 160 nodes, regrouped per node, then the chosen extract). The keyed
hash is SHA-256 applied twice with two key halves (DuckDB has no HMAC): the same count of hash calls as
HMAC-SHA256 on short values. DuckDB runs with 2 threads, as Spark's local[2], and 6 GB of memory, as the
Spark driver's default heap.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

STEPS: dict[str, tuple[str, ...]] = {
    "staging": ("stg_app__events", "stg_app__users", "stg_app__consents"),
    "validation": ("int_events_validated",),
    "consent at event time": ("int_consent_decisions", "int_consent_periods", "int_events_consented"),
    "fct_events": ("fct_events",),
    "sessions": ("fct_sessions",),
    "daily active users": ("rpt_active_users",),
    "generalization lattice": ("rpt_users_k_anonymous",),
}


class PeakMemory(threading.Thread):
    """Samples the resident memory of this process and all its descendants every half second, by kind: the Spark
    JVM (`java`), this Python process (the driver: dbt, the export's Arrow batches) and the others (the
    generator's worker processes, the Python workers Spark starts)."""

    KINDS = ("JVM", "driver", "workers")

    def __init__(self) -> None:
        super().__init__(daemon=True)
        import psutil

        self.root, self.stopping = psutil.Process(), threading.Event()
        self.samples: list[tuple[float, dict[str, int]]] = []  # (perf_counter, bytes by kind)

    def run(self) -> None:
        import psutil

        while not self.stopping.wait(0.5):
            by_kind = dict.fromkeys(self.KINDS, 0)
            for p in [self.root, *self.root.children(recursive=True)]:
                try:
                    kind = "driver" if p.pid == self.root.pid else "JVM" if p.name() == "java" else "workers"
                    by_kind[kind] += p.memory_info().rss
                except psutil.Error:
                    pass
            self.samples.append((time.perf_counter(), by_kind))

    @property
    def peak(self) -> int:
        return max((sum(kinds.values()) for _, kinds in self.samples), default=0)

    def peak_between(self, start: float, end: float) -> dict[str, int]:
        """Bytes by kind at the sample of the highest total in [start, end) (zeros when none fell there)."""
        inside = [kinds for t, kinds in self.samples if start <= t < end]
        return max(inside, key=lambda kinds: sum(kinds.values()), default=dict.fromkeys(self.KINDS, 0))


def model_seconds(run_results: Path) -> dict[str, float]:
    """Seconds per model (compile + execute, as dbt reports them) from run_results.json."""
    results = json.loads(run_results.read_text())["results"]
    return {r["unique_id"].split(".")[-1]: r["execution_time"] for r in results if r["unique_id"].startswith("model.")}


def _files(spark: Any, table: str) -> list[str]:
    return [f.removeprefix("file:") for f in spark.table(table).inputFiles()]


def _read(files: list[str], columns: str) -> str:
    if not files:
        return f"(select {columns} where false)"
    return f"read_parquet({files!r}, hive_partitioning = true)"


def _generalize(hierarchy: str, name: str) -> str:
    """DuckDB twin of macros/privacy/generalize.sql."""
    if name == "any":
        return "'*'"
    if hierarchy == "age":
        if name == "exact":
            return "cast(age as varchar)"
        w = int(name.split("_")[0])
        return f"concat(cast(floor(age / {w}) * {w} as bigint), '-', cast(floor(age / {w}) * {w} + {w - 1} as bigint))"
    if hierarchy == "geography":
        return {"city": "concat(country, '/', region, '/', city)", "region": "concat(country, '/', region)"}.get(
            name, name
        )
    if hierarchy == "signup_date":
        return (
            "cast(signup_date as varchar)"
            if name == "day"
            else f"cast(cast(date_trunc('{name}', signup_date) as date) as varchar)"
        )
    return "gender"


def reference(spark: Any, project_vars: dict, workdir: Path) -> tuple[dict[str, float], dict[str, int]]:
    """The heavy steps in DuckDB over the raw Parquet Spark read; seconds per step, and the rows of its
    fct_events and fct_sessions (which must equal Spark's: the same work was done)."""
    import duckdb

    con = duckdb.connect(str(workdir / "reference.duckdb"))
    con.execute("set threads = 2")
    # DuckDB's default limit is 80% of RAM: at 1M / 50M its process grew to 16.5 GB and the kernel killed it
    # (the Spark JVM of the run holds its heap too); bounded, it spills to temp_directory instead
    con.execute("set memory_limit = '6GB'")
    con.execute("set preserve_insertion_order = false")
    con.execute(f"set temp_directory = '{workdir}'")
    keys = {use: (os.urandom(16).hex(), os.urandom(16).hex()) for use in ("pseudonym", "subject")}

    def keyed(column: str, use: str = "pseudonym") -> str:
        inner, outer = keys[use]
        return f"sha256('{outer}' || sha256('{inner}' || cast({column} as varchar)))"

    def redact(column: str) -> str:
        for label, pattern in project_vars["redaction_patterns"]:
            escaped = pattern.replace("'", "''")
            column = f"regexp_replace({column}, '{escaped}', '<{label.upper()}>', 'g')"
        return column

    today = os.environ.get("VEIL_TODAY") or time.strftime("%Y-%m-%d")
    types = ", ".join(f"'{t}'" for t in project_vars["event_types"])
    raw = {t: _files(spark, f"raw.{t}") for t in ("events", "users", "consents")}
    base = _files(spark, "intermediate.int_users_release_base")
    fx = spark.table("reference.fx_rates").select("currency", "units_per_usd").collect()
    con.execute("create or replace table fx as select * from (values " + ", ".join(
        f"('{r[0]}', {float(r[1])})" for r in fx) + ") as t(currency, units_per_usd)")  # fmt: skip
    ledger = [r[0] for r in spark.table("compliance.erasure_ledger").select("subject_ref").collect()]
    con.execute("create or replace table ledger (subject_ref varchar)")
    if ledger:
        con.executemany("insert into ledger values (?)", [(r,) for r in ledger])
    ip_prefix = """case when ip_address like '%:%'
                     then nullif(regexp_extract(ip_address, '^([0-9a-fA-F]{0,4}:[0-9a-fA-F]{0,4}:[0-9a-fA-F]{0,4})',
                                 1), '') || '::/48'
                     else nullif(regexp_extract(ip_address, '^([0-9]{1,3}[.][0-9]{1,3}[.][0-9]{1,3})[.][0-9]{1,3}$',
                                 1), '') || '.0/24' end"""
    patterns = {k: v.replace("'", "''") for k, v in project_vars["validation_patterns"].items()}
    age = f"cast(floor(datediff('month', date_of_birth, date '{today}') / 12) as int)"
    sql: dict[str, list[Any]] = {
        "staging": [
            f"""create or replace table stg_users as select {keyed("user_id")} as user_key,
                case when email like '%@%' then concat(left(email, 1), '***@', split_part(email, '@', -1))
                     end as email_masked,
                case when phone is not null then concat(coalesce(nullif(regexp_extract(phone, '^([+][0-9]+)', 1), ''),
                     ''), ' ***', right(regexp_replace(phone, '[^0-9]', '', 'g'), 2)) end as phone_masked,
                {ip_prefix} as ip_prefix, city, region, country, locale, {age} as age, gender, created_at, tier,
                case when user_id is null then 'null_user_id'
                     when not regexp_full_match(email, '{patterns["email"]}') then 'malformed_email'
                     when not regexp_full_match(phone, '{patterns["phone"]}') then 'malformed_phone'
                     when created_at is null then 'null_created_at' end as quarantine_reason
                from {_read(raw["users"], "")}
                where {keyed("user_id", "subject")} not in (select subject_ref from ledger)""",
            f"""create or replace table stg_consents as select consent_id, {keyed("user_id")} as user_key, purpose,
                status, source, recorded_at,
                case when consent_id is null then 'null_consent_id' when user_id is null then 'null_user_id'
                     when recorded_at > timestamp '{today}' then 'future_recorded_at' end as quarantine_reason
                from {_read(raw["consents"], "")}
                where {keyed("user_id", "subject")} not in (select subject_ref from ledger)""",
            f"""create or replace table stg_events as select event_id, {keyed("user_id")} as user_key, session_id,
                event_ts, event_type, regexp_replace(page_url, '[?#].*$', '') as page_url,
                {redact("search_query")} as search_query, product_id, revenue, currency, device, os, browser,
                case when user_agent is null then null when user_agent like '%Edg/%' then 'Edge'
                     when user_agent like '%SamsungBrowser/%' then 'Samsung Internet'
                     when user_agent like '%Firefox/%' then 'Firefox'
                     when user_agent like '%CriOS/%' or user_agent like '%Chrome/%' then 'Chrome'
                     when user_agent like '%Safari/%' then 'Safari' else 'Other' end as browser_family,
                referrer, {ip_prefix} as ip_prefix, country, gpc, event_date,
                case when event_id is null then 'null_event_id' when user_id is null then 'null_user_id'
                     when event_ts is null then 'null_event_ts'
                     when event_ts > timestamp '{today}' then 'future_event_ts'
                     when event_type is null or event_type not in ({types}) then 'unknown_event_type'
                end as quarantine_reason
                from {_read(raw["events"], "")}
                where {keyed("user_id", "subject")} not in (select subject_ref from ledger)""",
        ],
        "validation": [
            """create or replace table validated as select events.* exclude (quarantine_reason),
                coalesce(events.quarantine_reason,
                         case when users.user_key is null then 'unknown_user_id'
                              when row_number() over (partition by events.event_id
                                                      order by events.event_ts, events.session_id) > 1
                              then 'duplicate_event_id' end) as quarantine_reason
                from stg_events as events
                left join (select distinct user_key from stg_users) as users on events.user_key = users.user_key""",
        ],
        "consent at event time": [
            """create or replace table consent_periods as select user_key, recorded_at as valid_from,
                lead(recorded_at) over (partition by user_key order by recorded_at, consent_id) as valid_to,
                """
            + ",\n".join(
                f"coalesce(last_value(case when purpose = '{p}' then status = 'granted' end ignore nulls) over "
                "(partition by user_key order by recorded_at, consent_id "
                f"rows between unbounded preceding and current row), false) as has_{p}"
                for p in project_vars["purposes"]
                if p != "service_delivery"
            )
            + """
                from stg_consents where quarantine_reason is null""",
            """create or replace table consented as select events.*, coalesce(p.has_analytics, false) as has_analytics,
                events.gpc or not coalesce(p.has_sale_or_share, false) as is_opted_out_of_sale,
                round(cast(events.revenue / fx.units_per_usd as decimal(18, 6)), 2) as revenue_usd
                from (select * from validated where quarantine_reason is null) as events
                left join consent_periods as p on events.user_key = p.user_key and events.event_ts >= p.valid_from
                     and (p.valid_to is null or events.event_ts < p.valid_to)
                left join fx on events.currency = fx.currency""",
        ],
        "fct_events": [
            """create or replace table fct_events as select event_id, session_id, user_key, event_type, page_url,
                product_id, currency, device, os, browser_family, referrer, country,
                cast(revenue as decimal(14, 2)) as revenue, cast(revenue_usd as decimal(14, 2)) as revenue_usd,
                gpc as has_gpc_signal, event_ts, event_date from consented where has_analytics
                order by event_date""",
        ],
        "sessions": [
            """create or replace table fct_sessions as select session_id, max(user_key) as user_key,
                max(device) as device, max(browser_family) as browser_family, max(country) as country,
                count(*) as event_count, sum(case when event_type = 'page_view' then 1 else 0 end) as page_views,
                coalesce(sum(revenue_usd), 0) as revenue_usd, bool_or(event_type = 'search') as has_search,
                bool_or(event_type = 'add_to_cart') as has_add_to_cart,
                bool_or(event_type = 'purchase') as has_purchase,
                bool_or(event_type = 'signup') as is_signup_session, min(event_ts) as started_at,
                max(event_ts) as ended_at, cast(min(event_ts) as date) as session_date
                from fct_events group by session_id""",
        ],
        "daily active users": [
            "create or replace table active_users as "
            + " union all ".join(
                f"""select '{g}' as period_grain, cast(date_trunc('{g}', event_date) as date) as period_start,
                    country, count(distinct user_key) as active_users from fct_events group by 2, 3"""
                for g in ("day", "week", "month")
            ),
        ],
        "generalization lattice": _lattice_sql(project_vars, _read(base, "")),
    }
    seconds = {}
    for step, statements in sql.items():
        t = time.perf_counter()
        for statement in statements:
            con.execute(statement if isinstance(statement, str) else statement(con))
        seconds[step] = time.perf_counter() - t
    rows = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in ("fct_events", "fct_sessions")}
    con.close()
    return seconds, rows


def _lattice_sql(project_vars: dict, base: str) -> list[Any]:
    hierarchies: dict[str, list[str]] = project_vars["generalization_hierarchies"]
    names = list(hierarchies)
    finest = ", ".join(
        f"{_generalize(n, level)} as qi_{i}_{j}" for i, n in enumerate(names) for j, level in enumerate(hierarchies[n])
    )
    nodes = list(itertools.product(*(range(len(hierarchies[n])) for n in names)))
    rows = ", ".join(f"({k}, {', '.join(map(str, node))})" for k, node in enumerate(nodes))
    picks = ", ".join(
        f"case nodes.l_{i} "
        + " ".join(f"when {j} then qi_{i}_{j}" for j in range(len(hierarchies[n])))
        + f" end as q{i}"
        for i, n in enumerate(names)
    )
    qs = ", ".join(f"q{i}" for i in range(len(names)))
    k, ell = project_vars["k_anonymity"], project_vars["l_diversity"]
    return [
        f"create or replace table finest as select {finest}, spend_band, count(*) as n from {base} group by all",
        f"""create or replace table lattice as
            with nodes as (select * from (values {rows}) as t(node, {", ".join(f"l_{i}" for i in range(len(names)))})),
            exploded as (select node, {picks}, spend_band, n from finest cross join nodes),
            per_value as (select node, {qs}, spend_band, sum(n) as n from exploded group by all),
            classes as (select node, sum(n) as size, ln(sum(n)) - sum(n * ln(n)) / sum(n) as entropy
                        from per_value group by node, {qs})
            select node, sum(case when size < {k} or entropy < ln({ell}) - 1e-9 then size else 0 end) as suppressed,
                   sum(size) as total from classes group by node""",
        lambda con: _extract_sql(con, project_vars, base, nodes),
    ]


def _extract_sql(con: Any, project_vars: dict, base: str, nodes: list[tuple[int, ...]]) -> str:
    """The user-level extract at the node the lattice chose (least loss within the suppression bound)."""
    hierarchies: dict[str, list[str]] = project_vars["generalization_hierarchies"]
    names = list(hierarchies)
    bound = project_vars["max_suppression"]
    ranked = con.execute(f"select node, suppressed from lattice where suppressed <= {bound} * total").fetchall()
    loss = {n: sum(nodes[n][i] / (len(hierarchies[h]) - 1) for i, h in enumerate(names)) for n, _ in ranked}
    node = nodes[min(loss, key=lambda n: (loss[n], n))] if loss else nodes[-1]
    columns = ", ".join(f"{_generalize(h, hierarchies[h][node[i]])} as q{i}" for i, h in enumerate(names))
    qs = ", ".join(f"q{i}" for i in range(len(names)))
    return f"""create or replace table users_k_anonymous as
        with generalized as (select {columns}, spend_band from {base}),
        classes as (select {qs}, count(*) as size from generalized group by all)
        select generalized.* from generalized join classes using ({qs}) where size >= {project_vars["k_anonymity"]}"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=5_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-run", action="store_true", help="reuse the last build (its run_results.json)")
    args = parser.parse_args()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    # stopped with SIGTERM (after the stage table, say), unwind as on Ctrl-C: the reference's work folder in the
    # home (several GB at full scale) is removed on the way out
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    import yaml

    from veil.jobs import RunSummary, run_pipeline
    from veil.settings import settings
    from veil.warehouse.spark import get_spark

    memory = PeakMemory()
    memory.start()
    started = time.perf_counter()
    summary = RunSummary(True, {}) if args.skip_run else run_pipeline(args.users, args.events, args.seed, args.workers)
    wall = time.perf_counter() - started
    memory.stopping.set()
    memory.join()
    if not summary.ok:
        print("dbt build failed: no benchmark", file=sys.stderr)
        return 1
    root = Path(__file__).resolve().parents[1]
    target = Path(os.environ.get("DBT_TARGET_PATH") or root / "target")
    models = model_seconds(target / "run_results.json")
    # the run's own figures first: a reference that fails or is stopped at full scale leaves them printed
    print(f"\npipeline benchmark: {args.users:,} users, {args.events:,} events")
    # the stages ran one after the other from `started` (the untimed steps between them take well under a second)
    print(f"{'stage':<24}{'seconds':>10}{'peak GiB':>10}" + "".join(f"{k:>9}" for k in PeakMemory.KINDS))
    t = started
    for stage, s in summary.seconds.items():
        at_peak = memory.peak_between(t, t + s)
        t += s
        kinds = "".join(f"{at_peak[k] / 2**30:>9.1f}" for k in PeakMemory.KINDS)
        print(f"{stage:<24}{s:>10.1f}{sum(at_peak.values()) / 2**30:>10.1f}{kinds}")
    print(f"{'total':<24}{wall:>10.1f}")
    print(f"peak memory (driver + JVM + workers): {memory.peak / 2**30:.1f} GiB")
    top = sorted(models.items(), key=lambda kv: -kv[1])[:10]
    print("slowest models: " + ", ".join(f"{n} {s:.1f}s" for n, s in top) + "\n", flush=True)
    project_vars = yaml.safe_load((root / "dbt_project.yml").read_text())["vars"]
    spark = get_spark()
    with tempfile.TemporaryDirectory(dir=settings().home) as workdir:
        ref, ref_rows = reference(spark, project_vars, Path(workdir))

    rows = {t: spark.table(f"marts.{t}").count() for t in ref_rows}
    print("rows, Spark / DuckDB: " + ", ".join(f"{t} {rows[t]:,} / {ref_rows[t]:,}" for t in rows))
    if rows != ref_rows:
        print("the reference did other work than the models (row counts differ): no comparison", file=sys.stderr)
        return 1
    print(f"{'heavy step':<24}{'Spark s':>9}{'DuckDB s':>10}{'ratio':>8}  Spark models")
    spark_total = ref_total = 0.0
    for step, names in STEPS.items():
        s = sum(models.get(n, 0.0) for n in names)
        spark_total, ref_total = spark_total + s, ref_total + ref[step]
        print(f"{step:<24}{s:>9.1f}{ref[step]:>10.1f}{s / ref[step]:>7.1f}x  {', '.join(names)}")
    print(f"{'heavy steps together':<24}{spark_total:>9.1f}{ref_total:>10.1f}{spark_total / ref_total:>7.1f}x")
    rest = summary.seconds.get("dbt build", sum(models.values())) - spark_total
    others = len(models) - sum(len(names) for names in STEPS.values())
    print(f"{'rest of dbt build':<24}{rest:>9.1f}{'':>10}{'':>8}  {others} other models, the tests, dbt's start")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
