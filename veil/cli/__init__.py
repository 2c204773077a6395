"""The `veil` command: one entry point, subcommands grouped as the package is (warehouse, detection,
releases, compliance, api). This package is the only place that prints or formats for people; heavy imports
(Spark, dbt, PostgreSQL clients) happen inside the commands, so `import veil.cli` stays light."""

from __future__ import annotations

import argparse
import os
import sys
import time

from veil.cli import api, compliance, detection, releases, warehouse
from veil.errors import VeilError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="veil", description="Privacy-first user analytics warehouse.")
    sub = parser.add_subparsers(dest="command", required=True)
    for group in (warehouse, detection, releases, compliance, api):
        group.register(sub)
    return parser


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
    if code == 0 and getattr(args, "timed", True):
        print(f"done in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
