{#- The first capture group of `pattern` in `expr`; null when it does not match. -#}
{% macro regex_extract(expr, pattern) -%}
    {{ return(adapter.dispatch('regex_extract', 'veil')(expr, pattern)) }}
{%- endmacro %}

{% macro default__regex_extract(expr, pattern) -%}
    substring({{ expr }} from {{ veil.sql_string(pattern) }})
{%- endmacro %}

{% macro spark__regex_extract(expr, pattern) -%}
    nullif(regexp_extract({{ expr }}, {{ veil.sql_string(pattern) }}, 1), '')
{%- endmacro %}
