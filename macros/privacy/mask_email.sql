{#- 'zoe.obrien@example.com' -> 'z***@example.com': first character and the domain. -#}
{% macro mask_email(expr) -%}
    {{ return(adapter.dispatch('mask_email', 'veil')(expr)) }}
{%- endmacro %}

{% macro default__mask_email(expr) -%}
    case when {{ expr }} like '%@%'
        then concat(substr({{ expr }}, 1, 1), '***@', split_part({{ expr }}, '@', 2)) end
{%- endmacro %}

{% macro spark__mask_email(expr) -%}
    case when {{ expr }} like '%@%'
        then concat(substr({{ expr }}, 1, 1), '***@', substring_index({{ expr }}, '@', -1)) end
{%- endmacro %}
