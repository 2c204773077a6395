"""Privacy operations over HTTP (`/api/v1/privacy/`, privacy keys only): consent decisions, access, erasure and
opt-out requests as tracked jobs. The API only files and reads requests (veil.compliance.requests); a
`veil privacy-worker` process runs them against the warehouse. No response, log line or audit row carries the
subject: a request is named by its id, and the result by subject reference.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Header, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field, ValidationError

from veil.api.app import ApiError, PrivacyCaller
from veil.audit import record
from veil.compliance import requests as queue
from veil.errors import VeilError
from veil.settings import settings

PREFIX = "/api/v1/privacy"


class Subject(BaseModel):
    """Who the request is about: a user_id or an e-mail address (every account holding it)."""

    user_id: str | None = Field(None, pattern=r"^[0-9]{1,19}$")
    email: str | None = Field(None, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")

    def text(self) -> str:
        value = self.user_id or self.email
        if not value or (self.user_id and self.email):
            raise VeilError("subject needs exactly one of user_id, email")
        return value


class ConsentDecision(BaseModel):
    id: str | None = Field(None, max_length=200, description="client-supplied id: the same id is recorded once")
    subject: Subject
    purpose: str = Field(max_length=64)
    status: Literal["granted", "withdrawn"]
    source: Literal["preference_center", "support", "ccpa_opt_out", "gpc"] = "preference_center"
    recorded_at: dt.datetime | None = Field(None, description="when the person decided (default: when received)")
    apply: bool = Field(False, description="rebuild the models and re-export as soon as it is recorded")


class RequestBody(BaseModel):
    id: str | None = Field(None, max_length=200, description="client-supplied id: the same id is filed once")
    type: Literal["access", "erasure", "opt_out"]
    subject: Subject
    regime: Literal["gdpr", "ccpa"] = "gdpr"
    due_by: dt.date | None = Field(None, description="an earlier deadline than the legal one")


def _today() -> dt.date:
    return settings().current_date()


def _accepted(request: queue.PrivacyRequest, new: bool) -> dict:
    return {**request.to_dict(_today()), "duplicate": not new}


def register(app: FastAPI, state: Any) -> None:
    def file(conn: Any, key: Any, kind: queue.Kind, subject: Subject, client_id: str | None, **kw: Any) -> dict:
        try:
            request, new = queue.file_request(
                conn, kind, subject.text(), key.key_id, client_id=client_id, today=_today(), **kw
            )
        except VeilError as exc:
            raise ApiError(422, "invalid_request", str(exc)) from None
        if new:
            record(conn, "privacy_request_filed", {"request_id": request.request_id, "type": kind},
                   actor=f"api:{key.analyst}", ensure=False)  # fmt: skip
        return _accepted(request, new)

    def consent_one(conn: Any, key: Any, decision: ConsentDecision, gpc: bool) -> list[dict]:
        details = decision.model_dump(mode="json", include={"purpose", "status", "source", "recorded_at", "apply"})
        if decision.purpose not in _purposes():
            raise ApiError(422, "invalid_request", f"unknown purpose: one of {', '.join(_purposes())}")
        out = [file(conn, key, "consent", decision.subject, decision.id, details=details)]
        if gpc:  # the forwarded request carried Sec-GPC: 1, an opt-out of sale or sharing (CCPA regulations § 7025)
            gpc_id = f"{decision.id}:gpc" if decision.id else None
            out.append(file(conn, key, "opt_out", decision.subject, gpc_id, regime="ccpa", details={"source": "gpc"}))
        return out

    @app.post(f"{PREFIX}/consent", status_code=202, tags=["privacy"], response_model=None)
    async def consent(
        request: Request, key: PrivacyCaller, sec_gpc: Annotated[str | None, Header(alias="Sec-GPC")] = None
    ) -> JSONResponse:
        """Record a consent decision (JSON), or many (NDJSON, one decision per line: each line gets its own
        result, and a bad line loses none of the others). `Sec-GPC: 1` also files an opt-out of sale/share."""
        body = await request.body()
        gpc = (sec_gpc or "").strip() == "1"
        ndjson = "ndjson" in request.headers.get("content-type", "")
        lines = body.decode("utf-8", errors="replace").splitlines() if ndjson else [body.decode("utf-8", "replace")]
        results: list[dict] = []
        with state.connection() as conn:
            for number, line in enumerate(lines, 1):
                if ndjson and not line.strip():
                    continue
                try:
                    decision = ConsentDecision.model_validate_json(line)
                    results.extend({"line": number, **r} for r in consent_one(conn, key, decision, gpc))
                except ValidationError as exc:
                    fields = sorted({".".join(str(p) for p in e["loc"]) or "body" for e in exc.errors()})
                    message = f"invalid {', '.join(fields)}"
                    results.append({"line": number, "rejected": True, "error": "invalid_request", "message": message})
                except ApiError as exc:
                    results.append({"line": number, "rejected": True, "error": exc.error, "message": exc.message})
        if not ndjson:
            if results[0].get("rejected"):
                return JSONResponse(results[0], status_code=422)
            return JSONResponse(results[0] if len(results) == 1 else {"results": results}, status_code=202)
        accepted = sum(1 for r in results if not r.get("rejected"))
        return JSONResponse({"accepted": accepted, "rejected": len(results) - accepted, "results": results}, 202)

    @app.post(f"{PREFIX}/requests", status_code=202, tags=["privacy"])
    def file_request(body: RequestBody, key: PrivacyCaller) -> dict:
        """File an access, erasure or opt-out request: `202` with its id; the worker runs it."""
        with state.connection() as conn:
            details = {"source": "ccpa_opt_out"} if body.type == "opt_out" else {}
            return file(conn, key, body.type, body.subject, body.id, regime=body.regime, due_by=body.due_by,
                        details=details)  # fmt: skip

    @app.get(f"{PREFIX}/requests", tags=["privacy"])
    def list_requests(
        key: PrivacyCaller,
        status: Annotated[str | None, Query(pattern="^(received|verifying|running|done|failed)$")] = None,
        overdue: bool = False,
    ) -> dict:
        """The queue, oldest first, with the days left to each legal deadline."""
        with state.connection() as conn:
            found = queue.list_requests(conn, status, overdue, _today())
        return {"requests": [r.to_dict(_today()) for r in found], "count": len(found)}

    @app.get(f"{PREFIX}/requests/{{request_id}}", tags=["privacy"])
    def get_request(request_id: str, key: PrivacyCaller) -> dict:
        """A request's status, timestamps and result: a done erasure's receipt, a done access request's link."""
        with state.connection() as conn:
            try:
                found = queue.get_request(conn, request_id)
            except queue.UnknownRequest as exc:
                raise ApiError(404, "not_found", str(exc)) from None
        out = found.to_dict(_today())
        if found.kind == "access" and found.status == "done":
            out["package"] = {
                "href": f"{PREFIX}/requests/{request_id}/package",
                "expires_at": (found.result or {}).get("package_expires_at"),
                "downloaded": found.downloaded_at is not None,
            }
        return out

    @app.get(f"{PREFIX}/requests/{{request_id}}/package", tags=["privacy"], response_model=None)
    def package(request_id: str, key: PrivacyCaller) -> Response:
        """The access package as a zip: once, before it expires (410 after)."""
        with state.connection() as conn:
            try:
                found = queue.get_request(conn, request_id)
            except queue.UnknownRequest as exc:
                raise ApiError(404, "not_found", str(exc)) from None
            if found.kind != "access" or found.status != "done":
                raise ApiError(409, "not_ready", f"request {request_id} has no package (status {found.status})")
            expires = dt.datetime.fromisoformat((found.result or {})["package_expires_at"])
            if dt.datetime.now(dt.UTC) >= expires:
                raise ApiError(410, "expired", f"the package of {request_id} expired at {expires.isoformat()}")
            folder = settings().home / "access_requests" / request_id
            if not folder.exists() or not queue.mark_downloaded(conn, request_id):
                raise ApiError(410, "gone", f"the package of {request_id} was downloaded already")
            record(conn, "access_package_downloaded", {"request_id": request_id}, actor=f"api:{key.analyst}",
                   ensure=False)  # fmt: skip
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.iterdir()):
                archive.write(path, path.name)
        return Response(
            buffer.getvalue(),
            media_type="application/zip",
            headers={
                "Content-Disposition": f'attachment; filename="access-{request_id}.zip"',
                "Cache-Control": "no-store",
            },  # fmt: skip
        )


def _purposes() -> list[str]:
    from veil.warehouse.project import consent_purposes

    return list(consent_purposes())
