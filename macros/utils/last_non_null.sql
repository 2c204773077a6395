{#- The last non-null value of expr so far in the window (partition_by, ordered by order_by, up to the current
    row): Spark's last(expr, true); PostgreSQL has no IGNORE NULLS, so the non-null values so far are
    collected and the last one taken. -#}
{% macro last_non_null(expr, partition_by, order_by) -%}
    {{ return(adapter.dispatch('last_non_null', 'veil')(expr, partition_by, order_by)) }}
{%- endmacro %}

{% macro default__last_non_null(expr, partition_by, order_by) -%}
    (array_agg({{ expr }}) filter (where {{ expr }} is not null) over (
        partition by {{ partition_by }} order by {{ order_by }}
        rows between unbounded preceding and current row
    ))[count({{ expr }}) over (
        partition by {{ partition_by }} order by {{ order_by }}
        rows between unbounded preceding and current row
    )]
{%- endmacro %}

{% macro spark__last_non_null(expr, partition_by, order_by) -%}
    last({{ expr }}, true) over (
        partition by {{ partition_by }} order by {{ order_by }}
        rows between unbounded preceding and current row
    )
{%- endmacro %}
