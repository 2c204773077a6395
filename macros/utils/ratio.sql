{#- numerator / denominator rounded to `digits`, as a fraction on every engine (PostgreSQL divides integers
    as integers; Spark's `/` is already fractional). Null when the denominator is 0. -#}
{% macro ratio(numerator, denominator, digits=4) -%}
    {{ return(adapter.dispatch('ratio', 'veil')(numerator, denominator, digits)) }}
{%- endmacro %}

{% macro default__ratio(numerator, denominator, digits=4) -%}
    round(cast({{ numerator }} as numeric) / nullif({{ denominator }}, 0), {{ digits }})
{%- endmacro %}

{% macro spark__ratio(numerator, denominator, digits=4) -%}
    round(cast({{ numerator }} as double) / nullif({{ denominator }}, 0), {{ digits }})
{%- endmacro %}
