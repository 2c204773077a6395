"""DP accuracy: per release, median relative error against the exact values, share of groups dropped by
thresholding, and the bias from contribution bounding. Prints a table; needs a built warehouse.

    VEIL_HOME=/tmp/veil-scale .venv/bin/python bench/dp_accuracy.py --epsilon 1
"""

from __future__ import annotations

import argparse
import statistics
import sys


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epsilon", type=float, default=1.0)
    parser.add_argument("--min-users", type=int, default=1_000)
    args = parser.parse_args()

    from veil.releases.mechanisms import DEFAULT_DELTA, RELEASES, noisy_release
    from veil.warehouse.spark import get_spark

    spark = get_spark()
    print(f"\nDP accuracy at epsilon={args.epsilon:g} per release, delta={DEFAULT_DELTA:g} where thresholded")
    print(
        f"{'release':<34}{'mech':>9}{'groups':>8}{'dropped':>9}{'scale':>10}{'big grp':>9}{'med err noise':>15}"
        f"{'med err total':>15}{'med bias':>10}"
    )
    for name, spec in RELEASES.items():
        rows = [r.asDict() for r in spark.table(f"privacy.{spec.model}").collect()]
        released, scale = noisy_release(rows, spec, args.epsilon, DEFAULT_DELTA)
        by_key = {"|".join(r[c] for c in spec.group_columns): r["value"] for r in released}

        def bounded(r, spec=spec):
            return r["total"] / max(r["users"], 1) if spec.statistic == "mean" else r[spec.statistic]

        def exact(r, spec=spec):
            if spec.statistic == "mean":
                return r["exact_total"] / max(r["exact_users"], 1)
            return r["exact_users" if spec.statistic == "users" else "exact_total"]

        big = [r for r in rows if r["exact_users"] >= args.min_users and r["group_key"] in by_key]
        noise_err = [abs(by_key[r["group_key"]] - bounded(r)) / max(bounded(r), 1) for r in big]
        total_err = [abs(by_key[r["group_key"]] - exact(r)) / max(exact(r), 1) for r in big]
        bias = [(bounded(r) - exact(r)) / max(exact(r), 1) for r in big]

        def med(xs):
            return f"{statistics.median(xs):.2%}" if xs else "-"

        print(
            f"{name:<34}{spec.mechanism:>9}{len(rows):>8}{1 - len(released) / max(len(rows), 1):>9.1%}"
            f"{scale:>10.1f}{len(big):>9}"
            f"{med(noise_err):>15}{med(total_err):>15}{med(bias):>10}"
        )
    print(
        f"big grp: groups with >= {args.min_users:,} users (exact); err noise: against the bounded value; "
        "err total: against the exact unbounded value (noise + bounding bias)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
