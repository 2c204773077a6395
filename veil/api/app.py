"""`veil serve`: the analytics API and dashboard (FastAPI). It connects to PostgreSQL as role `veil_api` and
never reads Spark. Published releases are free and cached; on-demand queries are charged to the caller's key.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from psycopg_pool import ConnectionPool

from veil.api.answer import answer, ledger, remaining
from veil.api.keys import ApiKey, authenticate
from veil.api.published import ReleaseCache, UnknownRelease
from veil.api.query import QueryError, QueryRequest
from veil.api.ratelimit import RateLimiter
from veil.audit import record
from veil.releases.budget import BudgetExceeded
from veil.warehouse.roles import API

COOKIE = "veil_key"


class ApiError(Exception):
    def __init__(self, status: int, error: str, message: str, headers: dict | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.error, self.message, self.headers, self.extra = status, error, message, headers, extra


def _configure(conn: Any) -> None:
    conn.autocommit = True
    conn.execute(f"set role {API}")


class State:
    def __init__(self, url: str, pool_size: int = 8) -> None:
        self.pool = ConnectionPool(url, min_size=2, max_size=pool_size, configure=_configure, open=False)
        self.releases = ReleaseCache()
        self.limiter = RateLimiter()

    @contextmanager
    def connection(self) -> Iterator[Any]:
        with self.pool.connection() as conn:
            yield conn


def caller(request: Request, authorization: Annotated[str | None, Header()] = None) -> ApiKey:
    """The key a request is signed with (Authorization: Bearer, or the dashboard's cookie), rate-limited."""
    state: State = request.app.state.veil
    token = None
    if authorization and authorization.lower().startswith("bearer "):
        token = authorization[7:].strip()
    token = token or request.cookies.get(COOKIE)
    if not token:
        raise ApiError(401, "unauthorized", "send Authorization: Bearer <key> (veil api-key create)")
    with state.connection() as conn:
        key = authenticate(conn, token)
    if key is None:
        raise ApiError(401, "unauthorized", "unknown or revoked API key")
    wait = state.limiter.take(key.key_id, key.rate_per_minute)
    if wait:
        raise ApiError(
            429,
            "rate_limited",
            f"over {key.rate_per_minute} requests a minute",
            headers={"Retry-After": str(int(wait))},
            retry_after_seconds=int(wait),
        )
    return key


def analytics_caller(key: Annotated[ApiKey, Depends(caller)]) -> ApiKey:
    if key.scope != "analytics":
        raise ApiError(403, "forbidden", "a privacy-operations key cannot query analytics")
    return key


def privacy_caller(key: Annotated[ApiKey, Depends(caller)]) -> ApiKey:
    if key.scope != "privacy":
        raise ApiError(403, "forbidden", "this route needs a privacy-operations key (veil api-key create --privacy)")
    return key


Caller = Annotated[ApiKey, Depends(analytics_caller)]
PrivacyCaller = Annotated[ApiKey, Depends(privacy_caller)]


def create_app(url: str) -> FastAPI:
    state = State(url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state.pool.open(wait=True, timeout=30)
        yield
        state.pool.close()

    app = FastAPI(
        title="Veil analytics API",
        version="1",
        description="Differentially private and k-anonymous product analytics: every number carries its noise "
        "interval; on-demand queries are charged to the caller's epsilon budget.",
        lifespan=lifespan,
        docs_url=None,  # /docs is served from the installed package's assets (veil.api.docs), not a CDN
        redoc_url=None,
    )
    app.state.veil = state

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(
            {"error": exc.error, "message": exc.message, **exc.extra}, status_code=exc.status, headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": ".".join(str(p) for p in e["loc"] if p != "body"), "message": e["msg"]} for e in exc.errors()
        ]
        fields = ", ".join(e["field"] for e in errors)
        return JSONResponse({"error": "invalid_query", "message": f"invalid {fields}", "errors": errors}, 422)

    @app.get("/api/v1/health")
    def health() -> dict:
        with state.connection() as conn:
            conn.execute("select 1")
        return {"status": "ok"}

    @app.get("/api/v1/releases")
    def releases() -> list[dict]:
        with state.connection() as conn:
            return [r.summary() for r in state.releases.all(conn)]

    @app.get("/api/v1/releases/{name}", response_model=None)
    def release(
        name: str,
        format: Annotated[str, Query(pattern="^(json|csv)$")] = "json",
        limit: Annotated[int, Query(ge=1, le=100_000)] = 10_000,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> Response | dict:
        with state.connection() as conn:
            try:
                r = state.releases.get(conn, name)
            except UnknownRelease as e:
                raise ApiError(404, "not_found", str(e)) from None
        if format == "csv":
            return PlainTextResponse(r.as_csv(), media_type="text/csv")
        return {**r.summary(), "offset": offset, "rows_data": r.as_json_rows()[offset : offset + limit]}

    @app.post("/api/v1/query")
    def query(body: QueryRequest, key: Caller) -> dict:
        return run_query(state, key, body)

    @app.get("/api/v1/budget")
    def budget(key: Caller) -> dict:
        with state.connection() as conn:
            left = remaining(conn, key)
            entries = ledger(conn, key)
        return {
            "key_id": key.key_id,
            "analyst": key.analyst,
            "limit": key.epsilon_limit,
            "spent": key.epsilon_limit - left,
            "remaining": left,
            "ledger": entries,
        }

    from veil.api.dashboard import register as register_dashboard
    from veil.api.docs import register as register_docs
    from veil.api.privacy import register as register_privacy

    register_privacy(app, state)
    register_docs(app)
    register_dashboard(app, state)
    return app


def run_query(state: State, key: ApiKey, body: QueryRequest) -> dict:
    """Answer (or refuse) one query and record its shape — never a value — in the audit trail."""
    with state.connection() as conn:
        try:
            result = answer(conn, key, body)
        except QueryError as e:
            raise ApiError(422, "invalid_query", str(e), field=e.field) from None
        except BudgetExceeded as e:
            raise ApiError(403, "budget_exceeded", str(e), epsilon_remaining=remaining(conn, key)) from None
        shape = {
            "key_id": key.key_id,
            "query_hash": result.privacy["query_hash"],
            "metrics": sorted(body.metrics),
            "dimensions": list(body.dimensions),
            "filters": [f"{f.dimension} {f.operator}" for f in body.filters],
            "days": (body.date_range[1] - body.date_range[0]).days + 1,
            "epsilon": result.privacy["epsilon_spent"],
            "cached": result.privacy.get("cached", False),
            "dry_run": body.dry_run,
        }
        record(conn, "api_query", shape, actor=f"api:{key.analyst}", ensure=False)
    return json.loads(json.dumps({"results": result.results, "privacy": result.privacy}, default=str))
