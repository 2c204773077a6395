"""`veil consent`: record a subject's consent decision for one purpose (grant, withdraw, CCPA opt-out).

The decision goes into the pseudonymous consent ledger (`compliance.consent_changes`), which the models
union with the application's consent history; it takes effect in every mart at the next `dbt build`
(`--apply` runs it and the export now). Consent is evaluated at each event's time, so a withdrawal stops use
of later events and keeps earlier, lawfully processed ones (GDPR Art. 7(3)).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any, Literal

from veil.audit import record_event
from veil.compliance.ledgers import CONSENT_CHANGES
from veil.compliance.subjects import Subject, resolve_subject
from veil.errors import VeilError
from veil.warehouse.project import consent_purposes

SOURCES = ("preference_center", "support", "ccpa_opt_out", "gpc")
Status = Literal["granted", "withdrawn"]


@dataclass(frozen=True)
class ConsentDecision:
    consent_id: int  # of the first account's row; one row per account, consecutive ids
    subject_refs: tuple[str, ...]  # veil.compliance.subjects.subject_ref, one per account
    purpose: str
    status: Status
    source: str
    recorded_at: dt.datetime


def record_consent(
    spark: Any,
    subject: str | Subject,
    purpose: str,
    status: Status,
    source: str = "preference_center",
    recorded_at: dt.datetime | None = None,
    consent_id: int | None = None,
) -> ConsentDecision:
    """Append one decision to the consent ledger and the audit trail; returns what was recorded. A given
    `consent_id` makes it idempotent (the ledger file is named by it: recording it again replaces it)."""
    allowed = consent_purposes()
    if purpose not in allowed:
        raise VeilError(f"unknown purpose {purpose!r}: one of {', '.join(allowed)} (vars.purposes in dbt_project.yml)")
    if status not in ("granted", "withdrawn"):
        raise VeilError(f"status must be granted or withdrawn, got {status!r}")
    if source not in SOURCES:
        raise VeilError(f"source must be one of {', '.join(SOURCES)}, got {source!r}")
    if source in ("ccpa_opt_out", "gpc") and (purpose, status) != ("sale_or_share", "withdrawn"):
        raise VeilError(f"a {source} decision withdraws sale_or_share; use --opt-out")
    subject_ = resolve_subject(subject)
    user_keys, refs = subject_.user_keys, subject_.subject_refs
    recorded_at = recorded_at or dt.datetime.now(dt.UTC)
    consent_id = consent_id or time.time_ns() // 1000
    n = len(user_keys)
    CONSENT_CHANGES.append(
        spark,
        {
            "consent_id": [consent_id + i for i in range(n)],
            "user_key": list(user_keys),
            "subject_ref": list(refs),
            "purpose": [purpose] * n,
            "status": [status] * n,
            "source": [source] * n,
            "recorded_at": [recorded_at] * n,
        },
        str(consent_id),
    )
    decision = ConsentDecision(consent_id, refs, purpose, status, source, recorded_at)
    record_event(
        "consent_change",
        {
            "consent_id": consent_id,
            "subject_refs": list(refs),
            "purpose": purpose,
            "status": status,
            "source": source,
            "recorded_at": recorded_at.isoformat(timespec="seconds"),
        },
    )
    return decision
