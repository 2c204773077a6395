{#- Replace every match of `pattern` in `expr` with the literal `replacement`. Patterns in this project
    avoid backslashes ([.] not \.): Jinja and the two engines each treat backslashes differently. -#}
{% macro regex_replace_all(expr, pattern, replacement) -%}
    {{ return(adapter.dispatch('regex_replace_all', 'veil')(expr, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regex_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, {{ veil.sql_string(pattern) }}, {{ veil.sql_string(replacement) }}, 'g')
{%- endmacro %}

{% macro spark__regex_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, {{ veil.sql_string(pattern) }}, {{ veil.sql_string(replacement) }})
{%- endmacro %}
