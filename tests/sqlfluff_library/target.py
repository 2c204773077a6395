"""Stub of dbt's target for sqlfluff."""

type = "spark"
name = "spark"
schema = "analytics"
