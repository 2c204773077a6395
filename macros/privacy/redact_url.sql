{#- A URL without its query string and fragment (where typed text and tokens travel). -#}
{% macro redact_url(expr) -%}
    {{ veil.regex_replace_all(expr, '[?#].*$', '') }}
{%- endmacro %}
