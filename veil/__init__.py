"""Veil: a privacy-first user analytics warehouse (dbt on Spark, exported to PostgreSQL)."""

__version__ = "0.1.0"
