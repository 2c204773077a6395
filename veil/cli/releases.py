"""`veil release`: differentially private releases to PostgreSQL, within the budget ledger."""

from __future__ import annotations

import argparse
import getpass
from typing import Any


def cmd_release(args: argparse.Namespace) -> int:
    from veil.releases.mechanisms import RELEASES
    from veil.releases.publish import release
    from veil.warehouse.postgres import connect
    from veil.warehouse.spark import get_spark

    spark = get_spark()
    with connect() as conn:
        for name in args.names or list(RELEASES):
            r = release(spark, conn, name, args.epsilon, args.dataset, args.analyst)
            print(
                f"released analytics.dp_{name}: {r.groups_released} of {r.groups_in} groups, "
                f"epsilon={r.epsilon:g}, delta={r.delta:g}, {r.mechanism} noise scale {r.noise_scale:g}"
            )
    return 0


def register(sub: Any) -> None:
    rel = sub.add_parser("release", help="differentially private releases to PostgreSQL (budget ledger enforced)")
    rel.add_argument("names", nargs="*", help="releases (default: all)")
    rel.add_argument("--epsilon", type=float, default=1.0, help="epsilon per release")
    rel.add_argument("--dataset", default="demo")
    rel.add_argument("--analyst", default=getpass.getuser())
    rel.set_defaults(func=cmd_release)
