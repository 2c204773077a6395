"""`veil serve` (the analytics API and dashboard) and `veil api-key` (keys and their budgets)."""

from __future__ import annotations

import argparse
from typing import Any


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from veil.api.app import create_app
    from veil.api.keys import ensure_api_schema
    from veil.settings import settings
    from veil.warehouse.postgres import connect

    with connect() as conn:  # the owner prepares the API's tables and grants; the server runs as veil_api
        ensure_api_schema(conn)
    s = settings()
    app = create_app(s.api_postgres_url or s.postgres_url)
    print(f"Veil dashboard on http://{args.host}:{args.port}/  (API docs: /docs)")
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    return 0


def cmd_key_create(args: argparse.Namespace) -> int:
    from veil.api.keys import create_key
    from veil.audit import record
    from veil.errors import VeilError
    from veil.warehouse.postgres import connect

    with connect() as conn:
        if not args.privacy and args.budget is None:
            raise VeilError("an analytics key needs --budget EPSILON (or pass --privacy for a privacy-operations key)")
        scope = "privacy" if args.privacy else "analytics"
        key, token = create_key(conn, args.analyst, args.budget or 0.0, args.rate, scope)
        record(conn, "api_key_created", {"key_id": key.key_id, "scope": scope, "epsilon_limit": key.epsilon_limit})
    if args.privacy:
        print(
            f"privacy-operations key {key.key_id} for {key.analyst}: /api/v1/privacy/ only, {key.rate_per_minute}/min"
        )
    else:
        print(f"key {key.key_id} for {key.analyst}: epsilon budget {key.epsilon_limit:g}, {key.rate_per_minute}/min")
    print("the key (shown once; only its hash is stored):")
    print(token)
    return 0


def cmd_key_revoke(args: argparse.Namespace) -> int:
    from veil.api.keys import revoke_key
    from veil.audit import record
    from veil.warehouse.postgres import connect

    with connect() as conn:
        if not revoke_key(conn, args.key_id):
            print(f"no live key {args.key_id}")
            return 1
        record(conn, "api_key_revoked", {"key_id": args.key_id})
    print(f"revoked key {args.key_id}")
    return 0


def register(sub: Any) -> None:
    from veil.settings import settings

    serve = sub.add_parser("serve", help="the analytics API and dashboard (reads PostgreSQL only)")
    serve.add_argument("--host", default=settings().api_host)
    serve.add_argument("--port", type=int, default=settings().api_port)
    serve.set_defaults(func=cmd_serve, timed=False)
    keys = sub.add_parser("api-key", help="create or revoke API keys").add_subparsers(dest="action", required=True)
    create = keys.add_parser("create", help="a new key with an epsilon budget (printed once)")
    create.add_argument("--analyst", required=True)
    create.add_argument("--budget", type=float, help="epsilon limit of an analytics key")
    create.add_argument(
        "--privacy", action="store_true", help="a privacy-operations key: /api/v1/privacy/ only, no analytics"
    )
    create.add_argument("--rate", type=int, default=600, help="requests per minute (default 600)")
    create.set_defaults(func=cmd_key_create)
    revoke = keys.add_parser("revoke", help="revoke a key by its id")
    revoke.add_argument("key_id")
    revoke.set_defaults(func=cmd_key_revoke)
