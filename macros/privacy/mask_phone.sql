{#- '+44 7700 900123' -> '+44 ***23': country code and the last two digits. -#}
{% macro mask_phone(expr) -%}
    case when {{ expr }} is not null then concat(
        coalesce({{ veil.regex_extract(expr, '^([+][0-9]+)') }}, ''), ' ***',
        right({{ veil.regex_replace_all(expr, '[^0-9]', '') }}, 2)) end
{%- endmacro %}
