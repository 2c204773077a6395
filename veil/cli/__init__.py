"""The `veil` command: one entry point, subcommands grouped as the package is (warehouse, detection,
releases, compliance, api). This package is the only place that prints or formats for people; heavy imports
(Spark, dbt, PostgreSQL clients) happen inside the commands, so `import veil.cli` stays light."""

from __future__ import annotations

import argparse
import os
import sys
import time

from veil.cli import api, compliance, detection, releases, stream, warehouse
from veil.errors import VeilError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="veil", description="Privacy-first user analytics warehouse.")
    parser.add_argument("--verbose", action="store_true", help="show the full trace of an unexpected error")
    sub = parser.add_subparsers(dest="command", required=True)
    for group in (warehouse, detection, releases, compliance, stream, api):
        group.register(sub)
    return parser


def describe(exc: Exception) -> str:
    """One line for an error that is not veil's own: what failed and what to do."""
    import psycopg

    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    if isinstance(exc, psycopg.OperationalError):
        from veil.settings import settings
        from veil.warehouse.postgres import redact_url

        return (
            f"PostgreSQL at {redact_url(settings().postgres_url)} is not usable ({first}): start it "
            "(pg_ctlcluster 15 main start) or point VEIL_POSTGRES_URL at a server"
        )
    return f"{type(exc).__name__}: {first}"


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    os.umask(0o077)  # what veil writes (warehouse, logs, receipts, packages) is its owner's only
    from veil.warehouse.lock import set_command

    set_command(args.command)
    started = time.perf_counter()
    try:
        code = int(args.func(args))
    except VeilError as exc:
        print(f"veil: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        if args.verbose:
            raise
        print(f"veil: error: {describe(exc)} (run with --verbose for the trace)", file=sys.stderr)
        return 2
    if code == 0 and getattr(args, "timed", True):
        print(f"done in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
