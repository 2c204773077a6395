"""Stubs of dbt's cross-database macros for sqlfluff's jinja templater."""


def dateadd(datepart, interval, from_date_or_timestamp):
    return "date_add(current_date(), -1)"


def current_timestamp():
    return "current_timestamp()"


def type_string():
    return "string"


def date_trunc(datepart, date):
    return f"date_trunc('{datepart}', {date})"
