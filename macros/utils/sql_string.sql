{#- A string literal for the target: Spark SQL literals use backslash escapes, PostgreSQL's do not. -#}
{% macro sql_string(value) -%}
    {{ return(adapter.dispatch('sql_string', 'veil')(value)) }}
{%- endmacro %}

{% macro default__sql_string(value) -%}
    '{{ value | replace("'", "''") }}'
{%- endmacro %}

{% macro spark__sql_string(value) -%}
    '{{ value | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}
