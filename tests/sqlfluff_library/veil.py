"""Stubs of the project's macros for sqlfluff's jinja templater: each renders to valid SQL of the same
shape, so the models lint without starting Spark."""


def privacy_select(source_name, table_name):
    return "col_a as col_a,\n    col_b as col_b"


def quarantine_reason(source_name, table_name):
    return "cast(null as string)"


def consent_filter(purpose=None):
    return "has_analytics_consent"


def consent_purposes():
    return ["analytics", "marketing"]


def pii_inventory_rows():
    return "select 'model' as resource_type, 'x' as column_name"


def records_of_processing_rows():
    return "select 'source' as resource_type, 'raw.users' as relation_name"


def sql_string(value):
    return "'" + str(value).replace("'", "''") + "'"


def age_band(dob, as_of=None):
    return "'35-44'"


def __getattr__(name):
    return lambda *args, **kwargs: "null"


def __getitem__(name):
    return lambda *args, **kwargs: "null"


def double_type():
    return "double"


def last_non_null(expr, partition_by, order_by):
    return f"last({expr}, true)"


def months_between_months(later, earlier):
    return f"cast(months_between({later}, {earlier}) as int)"


def text_type():
    return "string"


def run_timestamp():
    return "current_timestamp()"


def choose_generalization(relation, sensitive_column, k=None, l=None):
    return {
        "levels": {"age": "exact", "geography": "city", "signup_date": "day", "gender": "exact"},
        "suppressed": 0,
        "total": 0,
        "loss": 0.0,
    }


def generalize(hierarchy, level):
    return f"cast({hierarchy} as string)"


def dp_bounded_aggregate(*args, **kwargs):
    return "select 'g' as group_key, 1 as users"


def distribute_by(columns):
    return ""


def subject_ref(expr):
    return f"lower(hex(hmac(subject_key, cast({expr} as string))))"
