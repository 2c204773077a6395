"""Identifiers Veil makes for its own records (requests, runs, erasures, rotations)."""

from __future__ import annotations

import uuid


def new_id() -> str:
    """12 hex characters of a random UUID, never all digits: an all-digit id (one in 280) reads as a phone
    number to the PII check that guards the audit trail's details, and would refuse its own record."""
    while True:
        candidate = uuid.uuid4().hex[:12]
        if not candidate.isdigit():
            return candidate
