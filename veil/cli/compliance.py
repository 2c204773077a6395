"""Compliance commands: consent, access, erase, retention, audit."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any


def _print_checks(receipt: Any) -> None:
    for store in receipt.stores:
        removed = "n/a" if store.rows_removed is None else f"{store.rows_removed:,} removed"
        now = "n/a" if store.remaining is None else store.remaining
        print(f"  {store.store:<52}{removed:>16}   now {now}")


def cmd_erase(args: argparse.Namespace) -> int:
    from veil.compliance.erase import erase_many
    from veil.compliance.subjects import resolve_subject
    from veil.errors import VeilError
    from veil.ids import new_id
    from veil.warehouse.spark import get_spark

    if args.subjects_file:
        lines = [line.strip() for line in args.subjects_file.read_text(encoding="utf-8").splitlines()]
        named = [line for line in lines if line and not line.startswith("#")]
        if not named:
            raise VeilError(f"{args.subjects_file} names no subject (one user_id or e-mail address per line)")
    else:
        named = [args.subject]
    batch = []
    for n, text in enumerate(named, 1):
        try:
            batch.append((new_id(), resolve_subject(text, must_exist=not args.record_only)))
        except VeilError as exc:  # the subject itself is never echoed: only where it is
            where = f"line {n} of {args.subjects_file}: " if args.subjects_file else ""
            raise VeilError(f"{where}{exc}") from None
    receipts = erase_many(get_spark(), batch)
    if len(receipts) == 1:
        _print_checks(receipts[0])
    for receipt in receipts:
        print(
            f"erasure {receipt.request_id}: {'every store verified at 0' if receipt.all_zero else 'NOT CLEAN'}, "
            f"{receipt.rows_removed:,} rows removed; receipt in receipts/erasure-{receipt.request_id}.json"
        )
    print(f"{len(receipts)} erasure(s) in {receipts[0].seconds} s; derived tables {receipts[0].derived_tables}")
    return 0 if all(r.all_zero for r in receipts) else 1


def cmd_consent(args: argparse.Namespace) -> int:
    from veil.compliance.consent import Status, record_consent
    from veil.warehouse.spark import get_spark

    spark = get_spark()
    status: Status
    if args.opt_out:
        purpose, status, source = "sale_or_share", "withdrawn", "ccpa_opt_out"
    elif args.grant:
        purpose, status, source = args.grant, "granted", args.source
    else:
        purpose, status, source = args.withdraw, "withdrawn", args.source
    decision = record_consent(spark, args.subject, purpose, status, source)
    print(
        f"recorded consent {decision.consent_id}: {purpose} {status} ({source}) for subject "
        + ", ".join(f"{k[:12]}…" for k in decision.subject_refs)
    )
    if args.apply:
        from veil.compliance.ledgers import CONSENT_CHANGES
        from veil.jobs import rebuild_and_export

        rebuild_and_export(spark, changed=CONSENT_CHANGES.table)
        print("applied: the models built from the consent ledger rebuilt and their marts re-exported")
    else:
        print("takes effect in the marts at the next `veil dbt build` (or pass --apply)")
    return 0


def cmd_access(args: argparse.Namespace) -> int:
    from veil.compliance.access import access
    from veil.warehouse.spark import get_spark

    summary = access(get_spark(), args.subject)
    for store, rows in summary.rows.items():
        print(f"  {store:<52}{rows:>8} rows")
    print(
        f"access request {summary.request_id}: {summary.total_rows} rows from {len(summary.rows)} stores in "
        f"{summary.seconds} s; package in {summary.folder}"
    )
    return 0


def cmd_retention(args: argparse.Namespace) -> int:
    from veil.compliance.retention import purge, rules

    if args.action == "show":
        from veil.settings import settings

        for rule in rules():
            print(
                f"raw.{rule.table}: {rule.days} days on {rule.column} "
                f"(cutoff today: {rule.cutoff(settings().current_date())})"
            )
        return 0
    from veil.warehouse.spark import get_spark

    receipt = purge(get_spark(), as_of=args.as_of)
    _print_checks(receipt)
    cutoffs = ", ".join(f"{table} before {cutoff}" for table, cutoff in receipt.cutoffs.items())
    print(
        f"retention purge as of {receipt.as_of} ({cutoffs}): "
        f"{'every store verified at 0' if receipt.all_zero else 'NOT CLEAN'} in {receipt.seconds} s"
    )
    return 0 if receipt.all_zero else 1


def cmd_audit(args: argparse.Namespace) -> int:
    from veil.audit import head, recent, verify
    from veil.warehouse.postgres import connect

    with connect() as conn:
        if args.action == "head":
            print(head(conn))
            return 0
        if args.action == "show":
            for entry in recent(conn, args.limit):
                print(entry.seq, entry.recorded_at, entry.actor, entry.action, entry.details, sep="  ")
            return 0
        checked, breaks = verify(conn, args.head)
    for b in breaks:
        print(f"BROKEN {b}")
    print(f"audit trail: {checked} rows checked, {'intact' if not breaks else f'{len(breaks)} break(s)'}")
    return 1 if breaks else 0


def cmd_keys(args: argparse.Namespace) -> int:
    if args.action == "show":
        from veil.warehouse.keys import read_record

        record = read_record()
        if record is None:
            print("no key record yet: the warehouse has not been used")
            return 0
        print(f"pseudonymization key {record.pseudonym_key_id} (active since {record.activated_at})")
        print(f"subject key {record.subject_key_id} (erasure ledger, receipts, audit trail; never rotated)")
        for r in record.retired:
            print(f"retired key {r['key_id']} ({r['activated_at']} – {r['retired_at']})")
        if record.rotating_to:
            print(f"ROTATION UNFINISHED to {record.rotating_to}: run `veil keys rotate` to finish it")
        return 0
    from veil.compliance.rotation import rotate
    from veil.warehouse.keys import rotation_running
    from veil.warehouse.spark import get_spark

    with rotation_running():
        spark = get_spark()
    receipt = rotate(spark)
    for s in receipt.stores:
        rekeyed = "rebuilt" if s.rows_rekeyed is None else f"{s.rows_rekeyed} re-keyed"
        print(f"  {s.store:<48} {rekeyed:>14}  old pseudonyms left: {s.remaining}")
    print(
        f"key rotation {receipt.request_id}: {receipt.old_key_id} → {receipt.new_key_id} for {receipt.accounts} "
        f"accounts, {'no old pseudonym left' if receipt.all_clean else 'OLD PSEUDONYMS LEFT'} in "
        f"{receipt.seconds} s; the old key is retired, the new one is in .veil/pseudonym.key; receipt in "
        f"receipts/key-rotation-{receipt.request_id}.json"
    )
    return 0 if receipt.all_clean else 1


def cmd_privacy_worker(args: argparse.Namespace) -> int:
    from veil.compliance.worker import work
    from veil.warehouse.spark import get_spark

    def show(request: Any) -> None:
        print(f"request {request.request_id} ({request.kind}): {request.status}"
              + (f" — {request.error}" if request.error else ""), flush=True)  # fmt: skip

    ended = work(get_spark(), once=args.once, poll_seconds=args.poll, on_request=show)
    print(f"privacy worker: {ended} request(s) ended")
    return 0


def register(sub: Any) -> None:
    con = sub.add_parser("consent", help="record a consent decision for a subject (grant, withdraw, CCPA opt-out)")
    con.add_argument("--subject", required=True, help="user_id or e-mail address")
    what = con.add_mutually_exclusive_group(required=True)
    what.add_argument("--grant", metavar="PURPOSE", help="grant consent for PURPOSE")
    what.add_argument("--withdraw", metavar="PURPOSE", help="withdraw consent for PURPOSE")
    what.add_argument("--opt-out", action="store_true", help="CCPA do not sell or share (withdraws sale_or_share)")
    con.add_argument("--source", default="preference_center", help="preference_center (default), support, gpc")
    con.add_argument(
        "--apply",
        action="store_true",
        help="rebuild the models built from the consent ledger and re-export their marts now",
    )
    con.set_defaults(func=cmd_consent)

    acc = sub.add_parser("access", help="access request: everything held about a subject, as JSON and CSV")
    acc.add_argument("--subject", required=True, help="user_id or e-mail address")
    acc.set_defaults(func=cmd_access)

    era = sub.add_parser("erase", help="right to be forgotten: every store, with a verified receipt")
    named = era.add_mutually_exclusive_group(required=True)
    named.add_argument("--subject", help="user_id or e-mail address (every account holding it)")
    named.add_argument(
        "--subjects-file",
        type=Path,
        help="many erasures at once (one rebuild, one receipt each): a user_id or e-mail address per line",
    )
    era.add_argument(
        "--record-only",
        action="store_true",
        help="keep the request on file even if no account matches (a user_id still enters the erasure ledger)",
    )
    era.set_defaults(func=cmd_erase)

    ret = sub.add_parser("retention", help="show the declared retention, or purge expired data everywhere")
    ret.add_argument("action", choices=["show", "purge"])
    ret.add_argument("--as-of", type=dt.date.fromisoformat, default=None, help="reference date (default today)")
    ret.set_defaults(func=cmd_retention)

    aud = sub.add_parser("audit", help="the hash-chained audit trail: verify it, or show recent events")
    aud.add_argument("action", choices=["verify", "show", "head"])
    aud.add_argument(
        "--head",
        help="verify also that this witnessed head (SEQ:HASH from `veil audit head` or a "
        "receipt) is still in the chain, unchanged",
    )
    aud.add_argument("--limit", type=int, default=20)
    aud.set_defaults(func=cmd_audit)

    worker = sub.add_parser(
        "privacy-worker", help="run the privacy requests filed over HTTP, one at a time (resumes interrupted ones)"
    )
    worker.add_argument("--once", action="store_true", help="stop when the queue is empty")
    worker.add_argument("--poll", type=float, default=2.0, help="seconds between looks at an empty queue")
    worker.set_defaults(func=cmd_privacy_worker, timed=False)

    keys = sub.add_parser("keys", help="the pseudonymization key: show its id, or rotate it across every store")
    keys.add_argument("action", choices=["show", "rotate"])
    keys.set_defaults(func=cmd_keys)
