{#- True when `expr` matches the POSIX/Java regular expression `pattern` (given unescaped). -#}
{% macro regex_matches(expr, pattern) -%}
    {{ return(adapter.dispatch('regex_matches', 'veil')(expr, pattern)) }}
{%- endmacro %}

{% macro default__regex_matches(expr, pattern) -%}
    ({{ expr }} ~ {{ veil.sql_string(pattern) }})
{%- endmacro %}

{% macro spark__regex_matches(expr, pattern) -%}
    ({{ expr }} rlike {{ veil.sql_string(pattern) }})
{%- endmacro %}
