"""Data subjects: who a request is about, and their pseudonyms. Never logs or prints an identifier.

A subject is named by a user_id (ASCII digits only: `٤٢` or `²` are not ids) or by an e-mail address,
matched after Unicode NFKC normalization, trimming and lower-casing on both sides, so that every account
holding that address is found. The contacts (e-mail addresses, phone numbers) of the accounts are kept in
memory only, for the search of free text filed under other ids.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from veil.errors import VeilError
from veil.settings import settings


class UnknownSubject(VeilError):
    """No account matches the request's subject; nothing was written."""


def pseudonym(user_id: int) -> str:
    """The subject's user_key: hex HMAC-SHA256 of the user_id, as staging computes it on every engine."""
    return hmac.new(settings().key().encode(), str(user_id).encode(), hashlib.sha256).hexdigest()


def subject_ref(user_id: int) -> str:
    """The subject's reference in compliance records (erasure ledger, receipts, audit trail): hex HMAC-SHA256 of
    the user_id under the subject key, as veil.subject_ref computes it. It does not change when the
    pseudonymization key rotates, and appears in no analytics table."""
    return hmac.new(settings().subject_ref_key().encode(), str(user_id).encode(), hashlib.sha256).hexdigest()


def partner_pseudonym(user_key: str) -> str:
    """The subject's audience_id in rpt_partner_audience: hex HMAC-SHA256 of the user_key under the partner's
    own key, as veil.recipient_pseudonym computes it on every engine."""
    return hmac.new(settings().recipient_key().encode(), user_key.encode(), hashlib.sha256).hexdigest()


def normalize_email(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


@dataclass(frozen=True)
class Subject:
    """Every account a request names (possibly none, for a request kept on file) and their contacts."""

    user_ids: tuple[int, ...]
    contacts: tuple[str, ...] = field(repr=False)  # e-mail addresses and phone numbers, lower-cased

    @property
    def user_keys(self) -> tuple[str, ...]:
        return tuple(pseudonym(u) for u in self.user_ids)

    @property
    def subject_refs(self) -> tuple[str, ...]:
        return tuple(subject_ref(u) for u in self.user_ids)


def _accounts(predicate: Callable[[pa.Table], Any]) -> tuple[list[int], list[str]]:
    users = ds.dataset(settings().raw_dir / "users", format="parquet").to_table(columns=["user_id", "email", "phone"])
    found = users.filter(pc.fill_null(predicate(users), False))
    contacts = [normalize_email(v) for c in ("email", "phone") for v in found.column(c).to_pylist() if v]
    return [int(u) for u in found.column("user_id").to_pylist()], contacts


def resolve_subject(subject: str | Subject, must_exist: bool = True) -> Subject:
    """The accounts a user_id or e-mail address names; raises UnknownSubject when none does (unless
    `must_exist` is false: a request kept on file). A Subject already resolved (a resumed request's) is
    returned as it is."""
    if isinstance(subject, Subject):
        return subject
    text = subject.strip()
    if text.isascii() and text.isdigit():
        ids, contacts = _accounts(lambda t: pc.equal(t.column("user_id"), int(text)))
        if not ids and not must_exist:
            ids = [int(text)]
    elif "@" in text and len(text) <= 320:
        email = normalize_email(text)
        ids, contacts = _accounts(lambda t: pc.equal(pc.utf8_lower(pc.utf8_trim_whitespace(t.column("email"))), email))
        contacts = contacts or [email]
    else:
        raise VeilError(
            f"--subject must be a user_id (ASCII digits) or an e-mail address; got {len(subject)} characters "
            "that are neither"
        )
    if not ids and must_exist:
        raise UnknownSubject(
            "no account with that user_id or e-mail address in raw.users; nothing was written "
            "(use --record-only to keep the request on file)"
        )
    return Subject(tuple(sorted(set(ids))), tuple(sorted(set(contacts))))
