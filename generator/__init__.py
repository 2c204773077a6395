"""Seeded, vectorized synthetic users, consents and behaviour events with PII (see README)."""

from generator.dataset import DatasetConfig, generate_chunk
from generator.writer import Summary, register_tables, write_dataset

__all__ = ["DatasetConfig", "Summary", "generate_chunk", "register_tables", "write_dataset"]
