"""Data subjects: who a request is about, and their pseudonym. Never logs or prints the identifier."""

from __future__ import annotations

import hashlib
import hmac

import pyarrow.dataset as ds

from veil.errors import VeilError
from veil.settings import settings


def pseudonym(user_id: int) -> str:
    """The subject's user_key: hex HMAC-SHA256 of the user_id, as staging computes it on every engine."""
    return hmac.new(settings().key().encode(), str(user_id).encode(), hashlib.sha256).hexdigest()


def partner_pseudonym(user_key: str) -> str:
    """The subject's audience_id in rpt_partner_audience: hex HMAC-SHA256 of the user_key under the partner's
    own key, as veil.recipient_pseudonym computes it on every engine."""
    return hmac.new(settings().recipient_key().encode(), user_key.encode(), hashlib.sha256).hexdigest()


def resolve_subject(subject: str) -> int:
    """A user_id, or the user_id of the account with this e-mail address (looked up in raw.users' files)."""
    subject = subject.strip()
    if subject.isdigit():
        return int(subject)
    if "@" not in subject:
        raise VeilError(
            f"--subject must be a user_id (digits) or an e-mail address; got {len(subject)} characters that are neither"
        )
    users = ds.dataset(settings().raw_dir / "users", format="parquet")
    found = users.to_table(filter=ds.field("email") == subject, columns=["user_id"]).column("user_id").to_pylist()
    if not found:
        raise VeilError("no account with that e-mail address in raw.users")
    return int(found[0])
